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
  sqliteHostDir,
  type ElixirBuildpack,
} from './dokku.js';
import { clusterNextSteps, type ClusterPlan } from './cluster.js';
import { shellWord, type DokkuEnvironment } from './dokku-env.js';
import type { PhoenixProject } from './project.js';

export interface NextStepsInput {
  project: PhoenixProject;
  appName: string;
  host: string;
  strategy: Strategy;
  /** The chosen Elixir buildpack (buildpack strategy). */
  elixirBuildpack?: ElixirBuildpack;
  /** What config:set sets (dokku-env.ts); generated secrets are printed here and written nowhere. */
  environment: DokkuEnvironment;
  /** Files this run wrote or changed (relative paths): committed before the first push. */
  files: string[];
  /** A dependency was added to mix.exs: mix.lock must be updated and committed with it. */
  depsAdded?: boolean;
  /** For letsencrypt:set; a placeholder is printed without it. */
  email?: string;
  /** Several web containers as one BEAM cluster: the network and scale commands, and how to see the cluster. */
  cluster?: { plan: ClusterPlan; cookie: string };
}

/** Like `mix phx.gen.secret [length]`: random bytes, Base64, cut to `length` characters. */
export function generateSecret(length = 64): string {
  return randomBytes(Math.ceil((length * 3) / 4) + 3).toString('base64').slice(0, length);
}

/** Like `mix phx.gen.secret`: 64 random bytes, Base64, cut to 64 characters. */
export const generateSecretKeyBase = () => generateSecret(64);

/** The user the Dockerfile's runner stage runs as (Debian's nobody). */
const DOCKERFILE_UID = '65534:65534';

/**
 * Dokku versions the generated files rely on (docs/appendices/*-migration-guide.md, read in the
 * Dokku sources): app.json `healthchecks` since 0.31.0, Procfile and app.json read from the
 * pushed source tree since 0.29.0 / 0.30.0. An older Dokku deploys without the health check.
 */
export const MINIMUM_DOKKU = '0.31.0';

/** `dokku config:set` with one `VAR=value` per line (a command Dokku runs on the server). */
function configSet(app: string, assignments: string[]): string[] {
  if (!assignments.length) return [];
  return [`dokku config:set --no-restart ${app} \\`, ...assignments.map((assignment, index) => `  ${assignment}${index < assignments.length - 1 ? ' \\' : ''}`)];
}

export function dokkuNextSteps(input: NextStepsInput): string {
  const { project, appName: app, host, strategy, environment } = input;
  const server: string[] = [
    `# Needs Dokku ${MINIMUM_DOKKU} or newer (dokku version): older ones skip app.json's health checks, and before 0.29/0.30 they`,
    "# read Procfile and app.json only from the image, so the release: migration would not run. Upgrade first:",
    '# https://dokku.com/docs/getting-started/upgrading/',
    'dokku version',
    `dokku apps:create ${app}`,
  ];

  const adapter = project.ecto?.adapter;
  const plugin = adapter && DATABASE_PLUGINS[adapter];
  if (plugin) {
    server.push(
      `# ${plugin.label}: the plugin once per server, then a database linked to the app (sets DATABASE_URL)`,
      `sudo dokku plugin:install ${plugin.url} --name ${plugin.plugin}`,
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
  } else if (adapter) {
    server.push('# No Dokku plugin for this database: point the database variables below at your server');
  }

  server.push(`# Build with the ${strategy === 'dockerfile' ? 'Dockerfile' : 'buildpacks (.buildpacks)'}, whatever else is in the repository`);
  server.push(`dokku builder:set ${app} selected ${BUILDERS[strategy]}`);
  const stack = strategy === 'buildpack' ? input.elixirBuildpack?.stack : undefined;
  if (stack) {
    server.push(`# ${stack.comment}`, `dokku buildpacks:set-property ${app} stack ${stack.image}`);
  }

  const known = environment.settings.filter(setting => setting.value !== undefined);
  const fill = environment.settings.filter(setting => setting.source === 'fill');
  const provided = environment.settings.filter(setting => setting.source === 'dokku').map(setting => setting.variable);
  if (known.length) {
    server.push(
      `# What the config reads at boot${provided.length ? ` (${provided.join(' and ')} ${provided.length === 1 ? 'comes' : 'come'} from Dokku)` : ''}. ` +
        (known.some(setting => setting.source === 'generated') ? 'Secrets are fresh random values, printed here only.' : ''),
      ...configSet(app, known.map(setting => `${setting.variable}=${setting.value}`)),
    );
  }
  if (fill.length) {
    server.push(
      '# Values only you know: export each first (or put the value in place of its "${...}"). Until every one is set,',
      '# this command fails and sets nothing, so a paste cannot store a placeholder:',
      ...fill.filter(setting => setting.when).map(setting => `# ${setting.variable} is needed while ${setting.when}, as on a new app (${setting.readAt})`),
      ...configSet(app, fill.map(setting => `${setting.variable}="\${${setting.variable}:?${setting.readAt ? `read by ${setting.readAt}` : setting.why}}"`)),
    );
  }

  const cluster = input.cluster && clusterNextSteps(input.cluster.plan, input.cluster.cookie);
  if (cluster) server.push(...cluster.beforePush);

  // A kept Dockerfile with EXPOSE makes Dokku publish that port (http:N:N) instead of 80.
  const exposed = strategy === 'dockerfile' ? project.existing.dockerfileFacts?.final?.instructions.find(instruction => instruction.keyword === 'EXPOSE') : undefined;
  const port = exposed?.args.trim().split(/\s+/)[0].replace(/\/tcp$/, '');
  if (port) server.push(`# The Dockerfile says EXPOSE ${port}: Dokku would publish http:${port}:${port}. Serve it on port 80 instead (letsencrypt adds https:443:${port})`, `dokku ports:set ${app} http:80:${port}`);

  server.push(
    `dokku domains:set ${app} ${host}`,
    "# HTTPS with Let's Encrypt: the plugin once per server",
    'sudo dokku plugin:install https://github.com/dokku/dokku-letsencrypt.git --name letsencrypt',
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

  const branch = project.gitBranch ?? 'main';
  const files = [...new Set([...input.files, ...(input.depsAdded ? ['mix.lock'] : [])])];
  const lock = input.depsAdded ? ['# mix.exs gained a dependency: lock it, so the image builds the version you tested', 'mix deps.get'] : [];
  const local: string[] = project.gitRepository
    ? [
        ...lock,
        '# Dokku builds the pushed commit, not your working tree: commit what this run wrote',
        ...(files.length ? [`git add ${files.map(shellWord).join(' ')}`, 'git commit -m "Deploy to Dokku with phoenix-dokku"'] : []),
      ]
    : [...lock, '# Not a git repository yet: Dokku deploys what you push with git', `git init -b ${branch}`, 'git add -A', 'git commit -m "Deploy to Dokku with phoenix-dokku"'];
  local.push(
    `git remote add dokku dokku@${host}:${app}`,
    `# A new app deploys the first branch pushed to it (Dokku 0.22.1+), and only that branch from then on`,
    `git push dokku ${branch}`,
  );

  return [
    'Next steps',
    '',
    `On the Dokku server (${host} must point at it):`,
    ...indentLines(server),
    '',
    'From this project:',
    ...indentLines(local),
    `  # ${onPush.join(', ').replace(/, and/, ' and')}`,
    '',
    'After the first deploy (the app must answer on port 80):',
    ...indentLines([`dokku letsencrypt:enable ${app}`, 'dokku letsencrypt:cron-job --add', ...(cluster?.afterDeploy ?? [])]),
    '',
  ].join('\n');
}

const indentLines = (lines: string[]) => lines.map(line => `  ${line}`);
