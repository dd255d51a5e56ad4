/**
 * What `dokku config:set` must set for the app to boot on Dokku, variable by variable: every
 * variable of the app's environment contract (what its config reads, and what for; see
 * config-model.ts) and every setting of the platform it was deployed on before, each with
 * where its value comes from. The next steps print it, the summary shows it, `--json` gives it.
 */
import type { Strategy } from './answers.js';
import { clusterNextSteps, type ClusterPlan } from './cluster.js';
import type { EnvRead, EnvRole, Need } from './config-model.js';
import { DATABASE_PLUGINS, databaseService, sqliteDatabasePath } from './dokku.js';
import type { PhoenixProject } from './project.js';

/** Where a variable's value comes from on Dokku. */
export type EnvSource =
  /** Dokku sets it: PORT, DATABASE_URL when a database service is linked. */
  | 'dokku'
  /** The image's start command takes care of it (bin/server sets PHX_SERVER; mix phx.server serves anyway). */
  | 'start-command'
  /** A fresh random value, printed in the commands and never written to a file. */
  | 'generated'
  /** From the answers: the public host, in the form the app reads. */
  | 'answer'
  /** Derived from the database service Dokku links (user, password, host, name). */
  | 'service'
  /** A value the deploy needs (the SQLite path, the server switch, Dokku's container port). */
  | 'fixed'
  /** The value the previous platform set (not a secret), carried over. */
  | 'carried'
  /** Only the user knows it: a placeholder that fails until filled in. */
  | 'fill'
  /** Optional: left unset, the config's default applies. */
  | 'default';

export interface EnvSetting {
  variable: string;
  /** What the config needs: required, optional, conditional; `platform` for a setting only the previous platform had. */
  need: Need | 'platform';
  source: EnvSource;
  /** For `dokku config:set VAR=value`, ready for the shell (quoted, or a `"$(...)"` the server evaluates). */
  value?: string;
  /** Where the value comes from, in words. */
  why: string;
  /** Roles the variable plays (host, database-url, ...). */
  roles: EnvRole[];
  /** The first place the config reads it (`config/runtime.exs:41`). */
  readAt?: string;
  default?: string;
  when?: string;
  /** The value is a secret: the summary does not repeat it. */
  secret: boolean;
}

export interface DokkuEnvironment {
  settings: EnvSetting[];
  /** What the user should know: variables of another platform, names nobody can list, reads phoenix-dokku was unsure of. */
  notes: string[];
}

export interface EnvPlanInput {
  project: PhoenixProject;
  strategy: Strategy;
  appName: string;
  host: string;
  /** A random value of `length` characters (a seam for tests; like `mix phx.gen.secret`). */
  random: (length: number) => string;
  /** Several web containers as one BEAM cluster (the cluster piece): its DNS query and shared cookie. */
  cluster?: { plan: ClusterPlan; cookie: string };
}

/** Platform variables the app may require, and what stands in for them on Dokku. */
const PLATFORM_VARIABLES: { pattern: RegExp; platform: string; stand_in?: 'app-name' | 'host' }[] = [
  { pattern: /^FLY_APP_NAME$/, platform: 'Fly.io', stand_in: 'app-name' },
  { pattern: /^FLY_/, platform: 'Fly.io' },
  { pattern: /^HEROKU_APP_NAME$/, platform: 'Heroku', stand_in: 'app-name' },
  { pattern: /^(?:HEROKU_|DYNO$)/, platform: 'Heroku' },
  { pattern: /^RENDER_EXTERNAL_HOSTNAME$/, platform: 'Render', stand_in: 'host' },
  { pattern: /^RENDER_SERVICE_NAME$/, platform: 'Render', stand_in: 'app-name' },
  { pattern: /^RENDER_/, platform: 'Render' },
  { pattern: /^GIGALIXIR_APP_NAME$/, platform: 'Gigalixir', stand_in: 'app-name' },
  { pattern: /^GIGALIXIR_/, platform: 'Gigalixir' },
  { pattern: /^RAILWAY_/, platform: 'Railway' },
  { pattern: /^KAMAL_/, platform: 'Kamal' },
];

export const platformOf = (variable: string) => PLATFORM_VARIABLES.find(entry => entry.pattern.test(variable));

/** `mix phx.gen.secret` prints 64 characters; salts need 8 or more (phx.gen.secret 32 is the usual choice). */
const RANDOM_LENGTH: Partial<Record<EnvRole, number>> = { 'secret-key-base': 64, salt: 32 };

const SAFE_SHELL = /^[A-Za-z0-9_@%+=:,./-]+$/;
/** A value as one shell word: as is when safe, else single-quoted. */
export const shellWord = (value: string) => (SAFE_SHELL.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);

export function dokkuEnvironment(input: EnvPlanInput): DokkuEnvironment {
  const { project, strategy, appName, host } = input;
  const { environment } = project;
  // A Dockerfile release reads only boot-time config when it starts; `mix phx.server` evaluates every config file at start.
  const reads = environment.reads.filter(read => strategy === 'buildpack' || read.phase === 'boot');
  const variables = [...new Set(reads.map(read => read.variable))].filter(variable => !environment.setsItself.includes(variable));
  const carried = project.previousPlatforms.flatMap(platform => platform.settings.map(setting => ({ ...setting, platform: platform.name })));
  const adapter = project.ecto?.adapter;
  const plugin = adapter && DATABASE_PLUGINS[adapter];
  const service = databaseService(appName);
  const notes: string[] = [];

  const settingFor = (variable: string, ofVariable: EnvRead[]): EnvSetting => {
    const roles = [...new Set(environment.roles.filter(use => use.variable === variable).map(use => use.role))];
    const has = (role: EnvRole) => roles.includes(role);
    const need: Need = ofVariable.some(read => read.need === 'required') ? 'required' : ofVariable.some(read => read.need === 'conditional') ? 'conditional' : 'optional';
    const first = ofVariable.find(read => read.need === need) ?? ofVariable[0];
    const base = {
      variable,
      need,
      roles,
      readAt: first && `${first.file}:${first.line}`,
      default: ofVariable.find(read => read.default !== undefined)?.default,
      when: first?.when,
      secret: false,
    };
    const previous = carried.find(setting => setting.variable === variable);

    if (variable === 'PORT') return { ...base, source: 'dokku', why: 'Dokku sets PORT (5000) in every web container; never set it yourself' };
    if (has('port')) return { ...base, source: 'fixed', value: '5000', why: "Dokku sends traffic to the container's port 5000 (its PORT)" };
    if (has('database-url')) {
      if (plugin && variable === 'DATABASE_URL') return { ...base, source: 'dokku', why: `dokku ${plugin.plugin}:link ${service} ${appName} sets it` };
      if (plugin) return { ...base, source: 'service', value: `"$(dokku ${plugin.plugin}:info ${service} --dsn)"`, why: `the URL of the ${plugin.label} service linked to the app` };
    }
    const imageEnv = strategy === 'dockerfile' ? project.existing.dockerfileFacts?.settings.find(setting => setting.kind === 'ENV' && setting.name === variable && setting.stage === project.existing.dockerfileFacts!.stages.length - 1) : undefined;
    if (has('ipv6') && imageEnv && /^(?:true|1)$/.test(imageEnv.value ?? '')) {
      return { ...base, source: 'fixed', value: 'false', why: `the Dockerfile sets ENV ${variable} ${imageEnv.value} (line ${imageEnv.line}, Fly.io's IPv6 network); Dokku's networks are IPv4, and a config var overrides the image` };
    }
    if (has('database-path')) return { ...base, source: 'fixed', value: sqliteDatabasePath(appName), why: 'the database file on the storage mounted at /data' };
    if (has('database-part') && adapter === 'postgres') {
      const part = environment.roles.find(use => use.variable === variable && use.role === 'database-part')!.detail!;
      const value = postgresPart(part, service);
      if (value) return { ...base, source: 'service', value, why: `the ${part} of the PostgreSQL service ${service} (what postgres:link puts in DATABASE_URL)` };
    }
    if (has('secret-key-base') || has('salt') || previous?.generated) {
      const length = RANDOM_LENGTH[has('salt') ? 'salt' : 'secret-key-base']!;
      // A new secret key base logs everybody out and invalidates signed tokens: the old one can be moved over instead.
      const keep = previous?.secret ? `; or copy the value ${previous.platform} used (${previous.source}) to keep sessions and signed tokens valid` : '';
      return { ...base, source: 'generated', value: input.random(length), secret: true, why: `random, ${length} characters, like mix phx.gen.secret${length === 64 ? '' : ` ${length}`}; printed here only${keep}` };
    }
    if (has('origin')) return { ...base, source: 'answer', value: `https://${host}`, why: 'the public URL the app parses its host from (--host)' };
    if (has('host')) return { ...base, source: 'answer', value: host, why: 'the public host (--host)' };
    if (has('server')) {
      const expects = environment.roles.find(use => use.variable === variable && use.role === 'server')?.detail ?? 'true';
      if (strategy === 'buildpack') return { ...base, source: 'start-command', why: 'mix phx.server starts the endpoint whatever the config says' };
      if (variable === 'PHX_SERVER' && (!project.existing.serverScript || project.existing.serverScriptSetsPhxServer)) {
        return { ...base, source: 'start-command', why: 'rel/overlays/bin/server sets PHX_SERVER=true before it starts the release' };
      }
      return { ...base, source: 'fixed', value: shellWord(expects), why: `the endpoint serves HTTP only when ${variable} is ${expects}` };
    }
    const platform = platformOf(variable);
    if (platform && need !== 'optional') {
      if (platform.stand_in === 'app-name') {
        notes.push(
          `${base.readAt} requires ${variable}, which only ${platform.platform} sets. The commands set it to the Dokku app name (${appName}) so the app boots; ` +
            `anything that used ${platform.platform}'s own network through it (e.g. ${platform.platform === 'Fly.io' ? 'libcluster or dns_cluster on <app>.internal' : 'its internal DNS'}) does not work on Dokku: replace it (phoenix-dokku's cluster piece, or drop the clustering).`,
        );
        return { ...base, source: 'fixed', value: shellWord(appName), why: `stands in for ${platform.platform}'s app name` };
      }
      if (platform.stand_in === 'host') return { ...base, source: 'answer', value: host, why: `stands in for ${platform.platform}'s public host name` };
      notes.push(`${base.readAt} requires ${variable}, which only ${platform.platform} sets and Dokku has no equivalent for: read something else there, or fill it in below.`);
    }
    if (previous && !previous.secret && previous.value !== undefined) {
      return { ...base, source: 'carried', value: shellWord(previous.value), why: `as ${previous.source} set it` };
    }
    if (need === 'required') {
      const where = previous?.secret ? `a secret in ${previous.source}: copy its value from there` : 'only you know it';
      return { ...base, source: 'fill', why: where, secret: true };
    }
    return { ...base, source: 'default', why: base.default !== undefined ? `the default ${base.default} applies` : need === 'conditional' ? `needed only when ${base.when}` : 'unset, nil' };
  };

  const settings = variables.map(variable => settingFor(variable, reads.filter(read => read.variable === variable)));

  // What the previous platform set that the config does not read: code in lib/ may read it.
  for (const setting of carried) {
    if (settings.some(existing => existing.variable === setting.variable) || setting.variable === 'PORT' || platformOf(setting.variable)) continue;
    const base = { variable: setting.variable, need: 'platform' as const, roles: [], secret: false, readAt: undefined };
    if (setting.generated) settings.push({ ...base, source: 'generated', value: input.random(64), secret: true, why: `${setting.source} generated it (the config does not read it; your code may)` });
    else if (!setting.secret && setting.value !== undefined) settings.push({ ...base, source: 'carried', value: shellWord(setting.value), why: `as ${setting.source} set it (the config does not read it; your code may)` });
    else if (setting.required !== false) settings.push({ ...base, source: 'fill', secret: true, why: `${setting.source} lists it (the config does not read it; your code may)` });
  }

  if (input.cluster) {
    // dns_cluster polls this name for the other nodes; the release launcher reads RELEASE_COOKIE (else each image build has its own cookie).
    for (const { variable, value, why } of clusterNextSteps(input.cluster.plan, input.cluster.cookie).settings) {
      const existing = settings.find(candidate => candidate.variable === variable);
      const secret = variable === 'RELEASE_COOKIE';
      const entry: EnvSetting = { variable, need: existing?.need ?? 'required', roles: existing?.roles ?? [], readAt: existing?.readAt, source: secret ? 'generated' : 'fixed', value, why, secret };
      if (existing) settings.splice(settings.indexOf(existing), 1, entry);
      else settings.push(entry);
    }
  }

  for (const read of environment.dynamicReads) {
    notes.push(`${read.file}:${read.line} reads a variable whose name is computed (${read.text}): phoenix-dokku cannot list it. Set it with dokku config:set yourself.`);
  }
  for (const read of reads.filter(candidate => candidate.unsure)) {
    if (!notes.some(note => note.includes(read.unsure!))) notes.push(`${read.file}:${read.line}: ${read.unsure}.`);
  }
  return { settings, notes };
}

/** A part of the PostgreSQL URL that `dokku postgres:link` would set (dokku-postgres: user postgres, host dokku-postgres-<service>). */
function postgresPart(part: string, service: string): string | undefined {
  switch (part) {
    case 'username':
      return 'postgres';
    case 'password':
      // The password is only in the service's URL; the server shell takes it out of `postgres:info --dsn`.
      return `"$(dokku postgres:info ${service} --dsn | sed -E 's|^[^:]+://[^:]+:([^@]+)@.*$|\\1|')"`;
    case 'hostname':
      return `dokku-postgres-${service.replace(/[._]/g, '-')}`;
    case 'database':
      return service.replace(/[.-]/g, '_');
    case 'port':
      return '5432';
    default:
      return undefined;
  }
}
