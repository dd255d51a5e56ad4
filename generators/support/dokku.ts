/**
 * What Dokku reads besides the build itself: the builder it selects, the buildpack URLs, the
 * Procfile's process types and app.json. Shared by the dockerfile, buildpacks and app-json
 * pieces and the next steps, so the commands printed match the files written.
 */
import { posix } from 'node:path';
import type { Strategy } from './answers.js';
import { UserError } from './errors.js';
import { lineEndingOf, type Injection } from './patch.js';
import { parseShellAssignments, type DatabaseAdapter, type PhoenixProject } from './project.js';
import { buildpackPins } from './data/buildpacks.js';
import { compareVersions } from './versions.js';

/** `dokku builder:set <app> selected <builder>` per strategy. */
export const BUILDERS: Readonly<Record<Strategy, string>> = { dockerfile: 'dockerfile', buildpack: 'herokuish' };

/**
 * Names on the Dokku server that the next steps create and the boot-time hints in
 * config/runtime.exs repeat: one definition, so the two always agree.
 */
export const DATABASE_PLUGINS: Partial<Record<DatabaseAdapter, { plugin: string; url: string; label: string }>> = {
  postgres: { plugin: 'postgres', url: 'https://github.com/dokku/dokku-postgres.git', label: 'PostgreSQL' },
  mysql: { plugin: 'mysql', url: 'https://github.com/dokku/dokku-mysql.git', label: 'MySQL' },
};
/** The database service linked to the app (`dokku postgres:create <app>-db`). */
export const databaseService = (app: string) => `${app}-db`;
/** Where SQLite's file lives: a host directory mounted into every container of the app. */
export const SQLITE_MOUNT = '/data';
export const sqliteHostDir = (app: string) => `/var/lib/dokku/data/storage/${app}`;
export const sqliteDatabasePath = (app: string) => `${SQLITE_MOUNT}/${app}.db`;

export interface ElixirBuildpack {
  name: string;
  url: string;
  description: string;
  /** Herokuish stack it needs when Dokku's default (heroku-24 since Dokku 0.35) does not work. */
  stack?: { image: string; comment: string; why: string };
}

export const ELIXIR_BUILDPACKS: readonly ElixirBuildpack[] = [
  {
    name: 'gigalixir',
    url: pinnedUrl('gigalixir-elixir'),
    description: 'gigalixir/gigalixir-buildpack-elixir (heroku-20/22/24 stacks; default)',
  },
  {
    name: 'hashnuke',
    url: pinnedUrl('hashnuke-elixir'),
    description: 'HashNuke/heroku-buildpack-elixir (classic; no heroku-24 support)',
    stack: {
      image: 'gliderlabs/herokuish:latest-22',
      comment: 'HashNuke/heroku-buildpack-elixir has no builds for heroku-24 (Dokku\'s default stack): use heroku-22',
      why:
        'HashNuke/heroku-buildpack-elixir has no Erlang builds for heroku-24, the stack Dokku uses by default since 0.35, ' +
        'so the build fails at the version check there. heroku-22 images are frozen since herokuish 0.11 (no buildpack updates): ' +
        'prefer --elixir-buildpack gigalixir, which works on heroku-24.',
    },
  },
];

/** Used only when assets need Node: it installs Node/npm and runs our compile script. */
export const PHOENIX_STATIC_BUILDPACK = pinnedUrl('gigalixir-phoenix-static');

/** Buildpacks phoenix-dokku knows by repository, whatever URL form (`.git`, `#ref`, http) names them. */
export type BuildpackKind = keyof typeof buildpackPins | 'gjaldon-phoenix-static';

export const BUILDPACK_KINDS: Readonly<Record<BuildpackKind, { role: 'elixir' | 'phoenix-static'; repository: string; obsolete?: string; replacement?: string }>> = {
  'gigalixir-elixir': { role: 'elixir', repository: 'gigalixir/gigalixir-buildpack-elixir' },
  'hashnuke-elixir': {
    role: 'elixir',
    repository: 'hashnuke/heroku-buildpack-elixir',
    obsolete: "the classic Elixir buildpack has no Erlang builds for heroku-24, Dokku's default stack since 0.35, so the build fails at its version check (HashNuke/heroku-buildpack-elixir#220).",
    replacement: pinnedUrl('gigalixir-elixir'),
  },
  'gigalixir-phoenix-static': { role: 'phoenix-static', repository: 'gigalixir/gigalixir-buildpack-phoenix-static' },
  'gjaldon-phoenix-static': {
    role: 'phoenix-static',
    repository: 'gjaldon/heroku-buildpack-phoenix-static',
    obsolete: 'the old Phoenix static buildpack looks Node up on nodebin.herokai.com, which no longer resolves, so builds fail at the Node step (gjaldon/heroku-buildpack-phoenix-static#127).',
    replacement: pinnedUrl('gigalixir-phoenix-static'),
  },
};

/** Which known buildpack a `.buildpacks` line names, if any. */
export function classifyBuildpack(url: string): BuildpackKind | undefined {
  const repository = /github\.com[/:]([^/#\s]+\/[^/#\s]+?)(?:\.git)?\/?(?:#.*)?$/i.exec(url.trim())?.[1]?.toLowerCase();
  return (Object.keys(BUILDPACK_KINDS) as BuildpackKind[]).find(kind => BUILDPACK_KINDS[kind].repository === repository);
}

function pinnedUrl(kind: keyof typeof buildpackPins): string {
  const pin = buildpackPins[kind];
  return `${pin.url}#${pin.ref}`;
}

/** A `.buildpacks` line phoenix-dokku would replace: an obsolete buildpack, and what replaces it. */
export interface BuildpackReplacement {
  line: number;
  theirs: string;
  ours: string;
  why: string;
}

export interface BuildpacksMerge {
  /** The merged file, when it differs from theirs (our URLs added, replacements applied when allowed). */
  content?: string;
  added: string[];
  /** Obsolete buildpacks: replaced when `replace` allowed it, else reported. */
  replacements: BuildpackReplacement[];
  /** Comment lines (herokuish reads every word as a URL): reported with their line. */
  comments: number[];
}

/**
 * Merges the buildpacks a build needs (`ours`, in order) into the user's `.buildpacks`: their URLs
 * and their order stay; a role (Elixir, Phoenix static) they already fill keeps their buildpack;
 * what is missing is added (the Elixir buildpack before the static one, which needs its mix);
 * an obsolete buildpack is replaced only when `replace` is true.
 */
export function mergeBuildpacks(theirs: string, ours: readonly string[], replace: boolean): BuildpacksMerge {
  const eol = lineEndingOf(theirs);
  const lines = theirs.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const comments = lines.flatMap((line, index) => (line.trim().startsWith('#') ? [index + 1] : []));
  const replacements: BuildpackReplacement[] = [];
  const roles = new Map<string, number>();
  lines.forEach((line, index) => {
    const kind = classifyBuildpack(line);
    if (!kind) return;
    const known = BUILDPACK_KINDS[kind];
    roles.set(known.role, index);
    if (known.obsolete && known.replacement && !ours.some(url => classifyBuildpack(url) === kind)) {
      replacements.push({ line: index + 1, theirs: line.trim(), ours: known.replacement, why: known.obsolete });
      if (replace) lines[index] = known.replacement;
    }
  });
  const added: string[] = [];
  for (const url of ours) {
    const kind = classifyBuildpack(url);
    const role = kind && BUILDPACK_KINDS[kind].role;
    if (!role || roles.has(role)) continue;
    // The Elixir buildpack goes before the static one (it puts mix on PATH for it), else at the end.
    const staticAt = roles.get('phoenix-static');
    const at = role === 'elixir' && staticAt !== undefined ? staticAt : lines.length;
    lines.splice(at, 0, url);
    for (const [name, index] of roles) if (index >= at) roles.set(name, index + 1);
    roles.set(role, at);
    added.push(url);
  }
  const content = lines.join(eol) + eol;
  return { content: content === theirs ? undefined : content, added, replacements, comments };
}

/** .dockerignore: our patterns the user's file lacks, appended in one marked block (every line of theirs kept). */
export function mergeDockerignore(theirs: string, ours: string): { content?: string; added: string[] } {
  const eol = lineEndingOf(theirs);
  // `/_build/` (phx.gen.release) and `_build/` exclude the same top-level directory.
  const pattern = (line: string) => line.trim().replace(/^\//, '').replace(/\/$/, '');
  const present = new Set(theirs.split(/\r?\n/).map(pattern));
  const added = ours.split(/\r?\n/).map(line => line.trim()).filter(line => line && !line.startsWith('#') && !present.has(pattern(line)));
  if (!added.length) return { added };
  const block = ['# phoenix-dokku: also kept out of the Docker build (the image builds its own deps and assets; no secrets in layers)', ...added];
  return { content: theirs.replace(/\s*$/, '') + eol + eol + block.join(eol) + eol, added };
}

/** The .yo-rc.json key that keeps `--elixir-buildpack` for later runs (and their next steps). */
export const SAVED_ELIXIR_BUILDPACK = 'elixirBuildpack';

/** The buildpack a run uses: the flag, else the choice saved by an earlier run, else the default. */
export function chosenElixirBuildpack(flag: string | undefined, saved: unknown): ElixirBuildpack {
  return elixirBuildpack(flag ?? (typeof saved === 'string' && saved.trim() !== '' ? saved : undefined));
}

/** The `--elixir-buildpack` choice; unknown names are a UserError listing the choices. */
export function elixirBuildpack(choice: string | undefined): ElixirBuildpack {
  const wanted = (choice ?? ELIXIR_BUILDPACKS[0].name).trim().toLowerCase();
  const found = ELIXIR_BUILDPACKS.find(buildpack => buildpack.name === wanted);
  if (!found) {
    throw new UserError(
      `Unknown --elixir-buildpack "${choice}". Choose one of:\n` +
        ELIXIR_BUILDPACKS.map(buildpack => `  ${buildpack.name}: ${buildpack.description}`).join('\n') +
        '\nNothing was written.',
    );
  }
  return found;
}

/** The Procfile's process types: how the app starts, and the migration Dokku runs before traffic switches. */
export interface ProcessTypes {
  web: string;
  /** Procfile `release:` runs after the build, before new containers take traffic; a failure aborts the deploy. */
  release?: string;
}

export function processTypes(project: PhoenixProject, strategy: Strategy): ProcessTypes {
  // A release image has no mix: it starts and migrates through the rel/overlays scripts.
  if (strategy === 'dockerfile') return { web: '/app/bin/server', release: project.ecto ? '/app/bin/migrate' : undefined };
  return { web: 'mix phx.server', release: project.ecto ? 'mix ecto.migrate' : undefined };
}

/** A setting the user's file already has with another value; theirs is kept. */
export interface Conflict {
  name: string;
  theirs: string;
  ours: string;
}

export interface ProcfileMerge {
  injection: Injection;
  /** Process types the Procfile already defines differently; left as they are. */
  conflicts: Conflict[];
}

const PROCESS_LINE = /^([A-Za-z0-9_-]+):[ \t]*(.*?)[ \t]*$/;

/**
 * Adds our process types to a Procfile (empty content = new file). Lines already there are
 * never changed: a type defined differently is reported as a conflict.
 */
export function mergeProcfile(content: string, processes: ProcessTypes): ProcfileMerge {
  const eol = lineEndingOf(content);
  const defined = new Map<string, string>();
  for (const line of content.split(/\r?\n/)) {
    const match = PROCESS_LINE.exec(line);
    if (match && !defined.has(match[1])) defined.set(match[1], match[2]);
  }
  const missing: string[] = [];
  const conflicts: Conflict[] = [];
  for (const [type, command] of Object.entries(processes) as [string, string | undefined][]) {
    if (command === undefined) continue;
    const theirs = defined.get(type);
    if (theirs === undefined) missing.push(`${type}: ${command}`);
    else if (theirs.replace(/\s+/g, ' ') !== command) conflicts.push({ name: type, theirs, ours: command });
  }
  if (!missing.length) return { injection: { kind: 'present' }, conflicts };
  const body = content === '' || content.endsWith('\n') ? content : content + eol;
  return { injection: { kind: 'injected', content: body + missing.map(line => line + eol).join('') }, conflicts };
}

const ASSIGNMENT = /^[ \t]*(?:export[ \t]+)?([A-Za-z_]\w*)=(.*)$/;

/**
 * Adds the `key=value` lines of `ours` (our rendered buildpack config) to the user's file, which
 * bash `source`s. A key it lacks is appended with the comment lines above it in ours; a key in
 * `update` (versions just answered) has its value replaced in place; any other key it sets
 * differently is a conflict and keeps the user's value. Every other line stays as it is.
 */
export function mergeShellAssignments(
  theirs: string,
  ours: string,
  update: readonly string[],
): { injection: Injection; conflicts: Conflict[]; rewrites: boolean } {
  const eol = lineEndingOf(theirs);
  const lines = theirs.split(/\r?\n/);
  const theirValues = parseShellAssignments(theirs);
  const appended: string[] = [];
  const conflicts: Conflict[] = [];
  let changed = false;
  let comments: string[] = [];
  for (const line of ours.split(/\r?\n/)) {
    if (/^\s*#/.test(line)) {
      comments.push(line);
      continue;
    }
    const match = ASSIGNMENT.exec(line);
    const above = comments;
    comments = [];
    if (!match) continue;
    const [, key, raw] = match;
    const ourValue = parseShellAssignments(line)[key];
    const theirValue = theirValues[key];
    if (theirValue === undefined) {
      appended.push('', ...above.filter(comment => !/^#\s*shellcheck\s/.test(comment)), line);
    } else if (theirValue !== ourValue) {
      if (update.includes(key)) {
        const index = lines.findIndex(l => ASSIGNMENT.exec(l)?.[1] === key);
        lines[index] = lines[index].replace(/=.*$/, `=${raw}`);
        changed = true;
      } else {
        conflicts.push({ name: key, theirs: theirValue, ours: ourValue });
      }
    }
  }
  if (!changed && !appended.length) return { injection: { kind: 'present' }, conflicts, rewrites: false };
  let content = lines.join(eol);
  if (appended.length) content = content.replace(/\s*$/, '') + eol + appended.join(eol) + eol;
  return { injection: { kind: 'injected', content }, conflicts, rewrites: changed };
}

export interface JsonConflict {
  /** Dotted path of the key, e.g. `healthchecks.web`. */
  path: string;
  theirs: unknown;
  ours: unknown;
}

export interface JsonMerge {
  value: unknown;
  /** Paths of keys we added. */
  added: string[];
  conflicts: JsonConflict[];
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Merges `ours` into `theirs` key by key: every key of theirs stays as it is (order too);
 * ours are added only where absent. Arrays and scalars are values: a different one is a conflict.
 */
export function mergeAbsentKeys(theirs: unknown, ours: unknown, path = ''): JsonMerge {
  if (theirs === undefined) return { value: ours, added: [path], conflicts: [] };
  if (isPlainObject(theirs) && isPlainObject(ours)) {
    const value: Record<string, unknown> = { ...theirs };
    const added: string[] = [];
    const conflicts: JsonConflict[] = [];
    for (const [key, ourValue] of Object.entries(ours)) {
      const merged = mergeAbsentKeys(theirs[key], ourValue, path ? `${path}.${key}` : key);
      value[key] = merged.value;
      added.push(...merged.added);
      conflicts.push(...merged.conflicts);
    }
    return { value, added, conflicts };
  }
  if (JSON.stringify(theirs) === JSON.stringify(ours)) return { value: theirs, added: [], conflicts: [] };
  return { value: theirs, added: [], conflicts: [{ path, theirs, ours }] };
}

/** The route /health is served on (the health piece adds it); Dokku's startup check probes it. */
export const HEALTH_PATH = '/health';

/** How a deploy builds the assets, in the order the build runs. */
export interface AssetsBuild {
  /** Directory the mix commands run in: '' for a single app, the web app (`apps/x_web`) in an umbrella. */
  appDir: string;
  /** Assets directory relative to the project root. */
  dir: string;
  /** `mix assets.setup` exists (installs the esbuild/tailwind binaries, or runs npm ci). */
  setup: boolean;
  /** Commands that build and digest the assets, run in `appDir`. */
  commands: string[];
  /** Compile the app before building assets (Phoenix 1.8 / LiveView 1.1 colocated hooks are emitted by the compiler). */
  compileFirst: boolean;
  /** Built with npm: Node and the packages come first. `lockfile` makes `npm ci` possible. */
  npm?: { lockfile?: string };
  /** Files the build writes: stale copies must not shadow them (kept out of the Docker context). */
  outputs: string[];
}

/** The assets build, or why there is none (for the summary). */
export function assetsBuild(project: PhoenixProject): { build?: AssetsBuild; skipped?: string } {
  const { assets } = project;
  if (!assets) return { skipped: 'No assets/ directory: the build has no assets step.' };
  const appDir = project.web.app.dir;
  const fromApp = appDir ? assets.dir.slice(appDir.length + 1) : assets.dir;
  let commands: string[];
  if (assets.aliases.deploy) commands = ['mix assets.deploy'];
  else if (assets.npm && assets.npmScripts.includes('deploy')) commands = [`npm run deploy --prefix ${fromApp}`, 'mix phx.digest'];
  else {
    return {
      skipped:
        `${assets.dir}/ exists, but ${appDir ? `${appDir}/` : ''}mix.exs has no "assets.deploy" alias${assets.npm ? ' and package.json no "deploy" script' : ''}, ` +
        'so the build does not build assets: the app serves priv/static as committed, and pages stay unstyled unless the built files are in git. ' +
        'Add an alias such as "assets.deploy": ["esbuild default --minify", "phx.digest"] to mix.exs and run phoenix-dokku again.',
    };
  }
  const { phoenix, phoenixLiveView } = project.locked;
  const compileFirst = !phoenix || compareVersions(phoenix, '1.8.0') >= 0 || (!!phoenixLiveView && compareVersions(phoenixLiveView, '1.1.0') >= 0);
  const staticDir = posix.join(appDir, 'priv/static');
  return {
    build: {
      appDir,
      dir: assets.dir,
      setup: assets.aliases.setup,
      commands,
      compileFirst,
      npm: assets.npm ? { lockfile: assets.npmLockfile } : undefined,
      outputs: [...(assets.aliases.deploy ? [`${staticDir}/assets`] : []), `${staticDir}/cache_manifest.json`],
    },
  };
}

/**
 * Folds our app.json into the user's, key by key (see mergeAbsentKeys); both must be JSON objects.
 * New top-level keys (the usual case) are inserted before the closing brace, so the user's text
 * stays as written; a key added deeper re-serialises the whole object in the file's indentation.
 */
export function mergeAppJson(theirs: string, ours: string): { injection: Injection; conflicts: JsonConflict[] } {
  const merged = mergeAbsentKeys(JSON.parse(theirs), JSON.parse(ours));
  if (!merged.added.length) return { injection: { kind: 'present' }, conflicts: merged.conflicts };
  const value = merged.value as Record<string, unknown>;
  const content = merged.added.every(path => !path.includes('.'))
    ? appendTopLevelKeys(theirs, merged.added.map(key => [key, value[key]]))
    : JSON.stringify(value, null, jsonIndent(theirs)).split('\n').join(lineEndingOf(theirs)) + lineEndingOf(theirs);
  return { injection: { kind: 'injected', content }, conflicts: merged.conflicts };
}

/** The indentation a JSON file uses (two spaces when it has none, e.g. on one line). */
const jsonIndent = (text: string): string => /^([ \t]+)"/m.exec(text)?.[1] ?? '  ';

function appendTopLevelKeys(theirs: string, entries: [string, unknown][]): string {
  const eol = lineEndingOf(theirs);
  const indent = jsonIndent(theirs);
  const close = theirs.lastIndexOf('}');
  const body = theirs.slice(0, close).trimEnd();
  const members = entries.map(([key, value]) => `${indent}${JSON.stringify(key)}: ${JSON.stringify(value, null, indent).split('\n').join(eol + indent)}`);
  return `${body}${body.endsWith('{') ? '' : ','}${eol}${members.join(`,${eol}`)}${eol}${theirs.slice(close)}`;
}

/** Settings a Fly.io rel/env.sh.eex exports that only work on Fly (its IPv6 private network, FLY_* variables). */
export interface PlatformExport {
  name: string;
  line: number;
  /** Shell test that holds when the value is Fly's (so only that value is undone). */
  test?: string;
}

/** The `export NAME=value` lines of a rel/env.sh.eex that depend on Fly.io (read line by line: it is a shell script). */
export function flyExports(envSh: string): PlatformExport[] {
  const lines = envSh.split(/\r?\n/);
  const found = lines.flatMap((line, index): PlatformExport[] => {
    const match = /^\s*export\s+([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) return [];
    const [, name, value] = match;
    if (/\$\{?FLY_/.test(value)) return [{ name, line: index + 1 }];
    if (name === 'ERL_AFLAGS' && /inet6_tcp/.test(value)) return [{ name, line: index + 1, test: `[ "\${ERL_AFLAGS:-}" = ${value.trim()} ]` }];
    if (name === 'ECTO_IPV6' && /true|1/.test(value)) return [{ name, line: index + 1, test: `[ "\${ECTO_IPV6:-}" = ${value.trim()} ]` }];
    return [];
  });
  // `--name <release>` without the Fly address needs a fully qualified host name the container lacks: distribution goes back to the default too.
  const distribution = lines.findIndex(line => /^\s*export\s+RELEASE_DISTRIBUTION=/.test(line));
  if (found.some(entry => entry.name === 'RELEASE_NODE') && distribution !== -1 && !found.some(entry => entry.name === 'RELEASE_DISTRIBUTION')) {
    found.push({ name: 'RELEASE_DISTRIBUTION', line: distribution + 1 });
  }
  return found.sort((a, b) => a.line - b.line);
}

export const FLY_GUARD_MARKER = '# phoenix-dokku: the Fly.io settings above';

/**
 * Appends to a Fly.io rel/env.sh.eex the lines that undo its Fly-only settings where Fly is not
 * (no FLY_PRIVATE_IP): RELEASE_NODE built from FLY_PRIVATE_IP is not a node name on Dokku
 * ("pulse-@"), so the release would not start, and ECTO_IPV6/-proto_dist inet6_tcp expect Fly's
 * IPv6 network. Every line of theirs stays and still applies on Fly.
 */
export function guardFlyEnv(envSh: string): Injection {
  if (envSh.includes(FLY_GUARD_MARKER)) return { kind: 'present' };
  const exports = flyExports(envSh);
  if (!exports.length) return { kind: 'present' };
  const eol = lineEndingOf(envSh);
  const undo = exports.map(entry => (entry.test ? `  if ${entry.test}; then unset ${entry.name}; fi` : `  unset ${entry.name}`));
  const block = [
    `${FLY_GUARD_MARKER} (lines ${exports.map(entry => entry.line).join(', ')}) only work on Fly (FLY_PRIVATE_IP,`,
    '# its IPv6 network). Elsewhere, on Dokku, they are undone and the release starts with its defaults.',
    'if [ -z "${FLY_PRIVATE_IP:-}" ]; then',
    ...undo,
    'fi',
  ];
  return { kind: 'injected', content: envSh.replace(/\s*$/, '') + eol + eol + block.join(eol) + eol };
}
