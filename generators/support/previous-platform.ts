/**
 * What the platforms an app was deployed on before say about its environment, read from their
 * own files with real parsers: Fly.io's `fly.toml` (TOML), Heroku's `app.json` (JSON) and
 * Kamal's `config/deploy.yml` (YAML). A value that is not a secret is carried over to
 * `dokku config:set`; a secret's name becomes a placeholder (or a generated value, where the
 * platform generated it); the rest (release command, internal port) is compared with what
 * Dokku will do.
 *
 * Formats, as their documentation describes them:
 * - fly.toml: https://fly.io/docs/reference/configuration/ (`[env]`, `[deploy] release_command`,
 *   `[http_service] internal_port`, older `[[services]] internal_port`).
 * - app.json: https://devcenter.heroku.com/articles/app-json-schema (`env` values are a string,
 *   or `{ description, value, required (default true), generator: "secret" }`).
 * - Kamal: https://kamal-deploy.org/docs/configuration/environment-variables/ (`env.clear` values,
 *   `env.secret` names, `NAME:SECRET_NAME` aliases, or a plain map of clear values).
 */
import type { FormatParsers } from './project.js';
import type { ProjectFiles } from './files.js';
import { escapeRegExp } from './patch.js';

export type PlatformName = 'Fly.io' | 'Heroku' | 'Kamal';

/** One environment variable the previous platform set. */
export interface PlatformSetting {
  variable: string;
  /** The value written in the file, for a setting that is not secret. */
  value?: string;
  /** Kept as a secret by the platform: only its name is in the file. */
  secret: boolean;
  /** The platform generated a random value for it (`"generator": "secret"`). */
  generated?: boolean;
  /** Heroku's `required` (true unless said otherwise). */
  required?: boolean;
  description?: string;
  file: string;
  line?: number;
  /** `fly.toml [env]`, `app.json env`, `config/deploy.yml env.secret`. */
  source: string;
}

export interface PreviousPlatform {
  name: PlatformName;
  file: string;
  settings: PlatformSetting[];
  /** The command it ran before switching traffic (Fly's `release_command`). */
  releaseCommand?: { command: string; file: string; line?: number };
  /** The port the platform sent traffic to (Fly's `internal_port`, Kamal's `proxy.app_port`). */
  internalPort?: { port: number; file: string; line?: number };
  /** The public host it served (Kamal's `proxy.host`). */
  host?: string;
  /** The health check path it probed (Kamal's `proxy.healthcheck.path`). */
  healthcheckPath?: string;
}

/** Every previous platform's settings found in the project (a file that does not parse is skipped with nothing carried over). */
export function readPreviousPlatforms(files: ProjectFiles, parsers: FormatParsers): PreviousPlatform[] {
  return [readFly(files, parsers), readHeroku(files), readKamal(files, parsers)].filter((platform): platform is PreviousPlatform => platform !== undefined);
}

/**
 * A platform file's text and what its parser makes of it; undefined when the file is not there,
 * its parser was not loaded (detection loads it only when the file exists), or it does not
 * parse: a broken file of a platform left behind is no reason to stop.
 */
function parsedFile(files: ProjectFiles, file: string, parse: ((text: string) => unknown) | undefined): { text: string; data: Record<string, any> } | undefined {
  const text = files.read(file);
  if (text === undefined || !parse) return undefined;
  try {
    return { text, data: parse(text) as Record<string, any> };
  } catch {
    return undefined;
  }
}

const lineOf = (text: string, pattern: RegExp): number | undefined => {
  const index = text.split(/\r?\n/).findIndex(line => pattern.test(line));
  return index === -1 ? undefined : index + 1;
};
const scalar = (value: unknown) => (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined);

function readFly(files: ProjectFiles, parsers: FormatParsers): PreviousPlatform | undefined {
  const file = 'fly.toml';
  const parsed = parsedFile(files, file, parsers.toml);
  if (!parsed) return undefined;
  const { text, data: toml } = parsed;
  const settings: PlatformSetting[] = Object.entries((toml.env ?? {}) as Record<string, unknown>).flatMap(([variable, value]) => {
    const text_ = scalar(value);
    return text_ === undefined ? [] : [{ variable, value: text_, secret: false, file, line: lineOf(text, new RegExp(`^\\s*"?${escapeRegExp(variable)}"?\\s*=`)), source: 'fly.toml [env]' }];
  });
  const release = scalar(toml.deploy?.release_command);
  const port = toml.http_service?.internal_port ?? toml.services?.[0]?.internal_port;
  return {
    name: 'Fly.io',
    file,
    settings,
    releaseCommand: release ? { command: release, file, line: lineOf(text, /^\s*release_command\s*=/) } : undefined,
    internalPort: typeof port === 'number' ? { port, file, line: lineOf(text, /^\s*internal_port\s*=/) } : undefined,
  };
}

/**
 * Heroku's app.json: only when it has Heroku's `env` (Dokku's own app.json keys are merged by
 * the app-json piece). Dokku 0.38+ reads this `env` key too, so its values must agree.
 */
function readHeroku(files: ProjectFiles): PreviousPlatform | undefined {
  const file = 'app.json';
  const parsed = parsedFile(files, file, JSON.parse);
  if (!parsed) return undefined;
  const { text, data: json } = parsed;
  const env = json?.env;
  if (typeof env !== 'object' || env === null || Array.isArray(env)) return undefined;
  const settings = Object.entries(env as Record<string, unknown>).flatMap(([variable, spec]): PlatformSetting[] => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) return [];
    const line = lineOf(text, new RegExp(`"${escapeRegExp(variable)}"\\s*:`));
    const base = { variable, file, line, source: 'app.json env' };
    const plain = scalar(spec);
    if (plain !== undefined) return [{ ...base, value: plain, secret: false }];
    if (typeof spec !== 'object' || spec === null) return [];
    const { value, generator, required, description } = spec as Record<string, unknown>;
    return [{
      ...base,
      value: scalar(value) || undefined,
      secret: scalar(value) === undefined || scalar(value) === '',
      generated: generator === 'secret' || undefined,
      required: required !== false,
      description: typeof description === 'string' ? description : undefined,
    }];
  });
  return { name: 'Heroku', file, settings };
}

function readKamal(files: ProjectFiles, parsers: FormatParsers): PreviousPlatform | undefined {
  const file = 'config/deploy.yml';
  const parsed = parsedFile(files, file, parsers.yaml?.parse);
  if (!parsed) return undefined;
  const { text, data: doc } = parsed;
  if (typeof doc !== 'object' || doc === null) return undefined;
  const env = doc.env ?? {};
  const settings: PlatformSetting[] = [];
  const at = (name: string) => lineOf(text, new RegExp(`^\\s*-?\\s*"?${escapeRegExp(name)}"?\\s*(?::|$)`));
  const hasSections = typeof env === 'object' && ('clear' in env || 'secret' in env || 'tags' in env);
  const clear: Record<string, unknown> = hasSections ? (env.clear ?? {}) : env;
  for (const [variable, value] of Object.entries(clear)) {
    const text_ = scalar(value);
    if (text_ !== undefined) settings.push({ variable, value: text_, secret: false, file, line: at(variable), source: 'config/deploy.yml env.clear' });
  }
  for (const entry of (hasSections && Array.isArray(env.secret) ? env.secret : []) as unknown[]) {
    if (typeof entry !== 'string') continue;
    // Kamal 2: `DB_PASSWORD:MAIN_DB_PASSWORD` sets DB_PASSWORD from the secret MAIN_DB_PASSWORD.
    const variable = entry.split(':')[0];
    settings.push({ variable, secret: true, file, line: at(entry), source: 'config/deploy.yml env.secret' });
  }
  const proxy = doc.proxy ?? {};
  const port = proxy.app_port;
  return {
    name: 'Kamal',
    file,
    settings,
    internalPort: typeof port === 'number' ? { port, file, line: lineOf(text, /^\s*app_port\s*:/) } : undefined,
    host: typeof proxy.host === 'string' ? proxy.host : Array.isArray(proxy.hosts) ? proxy.hosts[0] : undefined,
    healthcheckPath: typeof proxy.healthcheck?.path === 'string' ? proxy.healthcheck.path : undefined,
  };
}
