/**
 * The Dokku commands printed at the end of `phoenix-dokku`, filled in with the answers:
 * only the blocks that apply to this project and build strategy.
 */
import { randomBytes } from 'node:crypto';
import type { Strategy } from './answers.js';
import {
  BUILDERS,
  DATABASE_PLUGINS,
  HEALTH_PATH,
  SQLITE_MOUNT,
  databaseService,
  processTypes,
  sqliteDatabasePath,
  sqliteHostDir,
  type ElixirBuildpack,
} from './dokku.js';
import type { PhoenixProject } from './project.js';

export interface NextStepsInput {
  project: PhoenixProject;
  appName: string;
  host: string;
  strategy: Strategy;
  /** The chosen Elixir buildpack (buildpack strategy). */
  elixirBuildpack?: ElixirBuildpack;
  /** Printed in the config:set command, never written to a file. */
  secretKeyBase: string;
  /** For letsencrypt:set; a placeholder is printed without it. */
  email?: string;
}

/** Like `mix phx.gen.secret`: 64 random bytes, Base64, cut to 64 characters. */
export function generateSecretKeyBase(): string {
  return randomBytes(64).toString('base64').slice(0, 64);
}

/** The user the Dockerfile's runner stage runs as (Debian's nobody). */
const DOCKERFILE_UID = '65534:65534';

export function dokkuNextSteps(input: NextStepsInput): string {
  const { project, appName: app, host, strategy } = input;
  const server: string[] = [`dokku apps:create ${app}`];
  const config: string[] = [`PHX_HOST=${host}`, `SECRET_KEY_BASE=${input.secretKeyBase}`];

  const adapter = project.ecto?.adapter;
  const plugin = adapter && DATABASE_PLUGINS[adapter];
  if (plugin) {
    server.push(
      `# ${plugin.label}: the plugin once per server, then a database linked to the app (sets DATABASE_URL)`,
      `sudo dokku plugin:install ${plugin.url} ${plugin.plugin}`,
      `dokku ${plugin.plugin}:create ${databaseService(app)}`,
      `dokku ${plugin.plugin}:link ${databaseService(app)} ${app} --no-restart`,
    );
  } else if (adapter === 'sqlite') {
    const hostDir = sqliteHostDir(app);
    server.push(
      `# SQLite: the database file on persistent storage, mounted at ${SQLITE_MOUNT} in every container`,
      ...(strategy === 'dockerfile'
        ? [`dokku storage:ensure-directory --chown false ${app}`, `sudo chown ${DOCKERFILE_UID} ${hostDir}  # the image runs as nobody`]
        : [`dokku storage:ensure-directory ${app}`]),
      `dokku storage:mount ${app} ${hostDir}:${SQLITE_MOUNT}`,
    );
    config.push(`DATABASE_PATH=${sqliteDatabasePath(app)}`);
  } else if (adapter) {
    server.push('# No Dokku plugin for this database: point DATABASE_URL at your server');
    config.push('DATABASE_URL=ecto://USER:PASS@HOST/DATABASE');
  }

  server.push(`# Build with the ${strategy === 'dockerfile' ? 'Dockerfile' : 'buildpacks (.buildpacks)'}, whatever else is in the repository`);
  server.push(`dokku builder:set ${app} selected ${BUILDERS[strategy]}`);
  const stack = strategy === 'buildpack' ? input.elixirBuildpack?.stack : undefined;
  if (stack) {
    server.push(`# ${stack.comment}`, `dokku buildpacks:set-property ${app} stack ${stack.image}`);
  }

  server.push(
    '# Secrets and host: SECRET_KEY_BASE is freshly generated and not saved anywhere (like mix phx.gen.secret)',
    `dokku config:set --no-restart ${app} ${config.join(' ')}`,
    `dokku domains:set ${app} ${host}`,
    "# HTTPS with Let's Encrypt: the plugin once per server",
    'sudo dokku plugin:install https://github.com/dokku/dokku-letsencrypt.git',
    input.email
      ? `dokku letsencrypt:set ${app} email ${input.email}`
      : `dokku letsencrypt:set ${app} email you@example.com  # your address, for expiry notices (or pass --email)`,
  );

  const release = processTypes(project, strategy).release;
  const onPush = [
    `Dokku builds ${strategy === 'dockerfile' ? 'the image' : 'with the buildpacks'}`,
    release ? `runs "${release}" (Procfile release:)` : undefined,
    `and switches traffic once ${HEALTH_PATH} answers.`,
  ].filter(Boolean);

  return [
    'Next steps',
    '',
    `On the Dokku server (${host} must point at it):`,
    ...indentLines(server),
    '',
    'From this project:',
    // Dokku deploys the branch pushed first (its deploy-branch from then on).
    ...indentLines([`git remote add dokku dokku@${host}:${app}`, `git push dokku ${project.gitBranch ?? 'main'}`]),
    `  # ${onPush.join(', ').replace(/, and/, ' and')}`,
    '',
    'After the first deploy (the app must answer on port 80):',
    ...indentLines([`dokku letsencrypt:enable ${app}`, 'dokku letsencrypt:cron-job --add']),
    '',
  ].join('\n');
}

const indentLines = (lines: string[]) => lines.map(line => `  ${line}`);
