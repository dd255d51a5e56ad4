/**
 * Everything the generator knows about the Phoenix project it runs in.
 *
 * This is the only module that reads `mix.exs`, `mix.lock`, `config/` and the project's
 * source tree. Sub-generators and templates receive a `PhoenixProject` and never re-derive
 * names or paths themselves.
 */
import { posix } from 'node:path';
import { UserError } from './errors.js';
import { ProjectFiles, type TextReader } from './files.js';
import { compareVersions } from './versions.js';

export type DatabaseAdapter = 'postgres' | 'mysql' | 'sqlite' | 'mssql';

/** A Mix application of the project (the project itself, or one app of an umbrella). */
export interface MixApp {
  /** OTP application name, `app: :my_app` in its mix.exs. */
  otpApp: string;
  /** Module prefix, from `defmodule MyApp.MixProject` (not always the camelised app name). */
  module: string;
  /** Directory of the app relative to the project root: '' for a single app, 'apps/x' in an umbrella. */
  dir: string;
  /** Dependency names declared in its mix.exs (`{:phoenix, ...}` → 'phoenix'). */
  deps: string[];
}

export interface EctoFacts {
  /** App that owns the repos (`config :my_app, ecto_repos: [...]`). */
  app: MixApp;
  /** Repo modules in the order `ecto_repos` lists them. */
  repos: string[];
  adapter: DatabaseAdapter;
  /** The Ecto SQL adapters all support `Repo.query/2`; kept explicit for the health check. */
  sql: boolean;
}

export interface WebFacts {
  app: MixApp;
  /** `MyAppWeb`: the module whose `__using__` provides :controller, :router, ... */
  module: string;
  /** File defining the web module, if found (`lib/my_app_web.ex`). */
  moduleFile?: string;
  routerModule: string;
  routerFile: string;
  endpointModule: string;
  endpointFile?: string;
  /** Directory holding controllers, relative to the project root. */
  controllersDir: string;
  /** Phoenix 1.7+ style: `use MyAppWeb, :controller` works for JSON without views. */
  controllerStyle: 'phoenix-1.7' | 'phoenix-1.6';
  /** The web module defines `controller/0`, so `use MyAppWeb, :controller` works (true when its file was not found). */
  controllerHelper: boolean;
}

export interface AssetFacts {
  /** Assets directory relative to the project root ('assets', 'apps/x_web/assets'). */
  dir: string;
  esbuild: boolean;
  tailwind: boolean;
  /** assets/package.json exists: Node and `npm ci` are needed to build. */
  npm: boolean;
  /** The npm lock file, when there is one (`npm ci` needs it). */
  npmLockfile?: string;
  /** Script names in package.json (`deploy` builds assets on projects without an assets.deploy alias). */
  npmScripts: string[];
  /** Aliases defined in the web app's mix.exs. */
  aliases: { setup: boolean; build: boolean; deploy: boolean };
}

/** A version the project already pins somewhere, and where. */
export interface PinnedVersion {
  value: string;
  /** File (and key) it came from, for messages: `.tool-versions`, `elixir_buildpack.config (erlang_version)`. */
  source: string;
}

export interface PinnedVersions {
  erlang?: PinnedVersion;
  elixir?: PinnedVersion;
  node?: PinnedVersion;
  npm?: PinnedVersion;
  /** `elixir: "~> 1.14"` from mix.exs. */
  elixirRequirement?: string;
}

export interface ForceSslFacts {
  /** `force_ssl:` configured for the endpoint (in any config file). */
  enabled: boolean;
  /** `rewrite_on: [:x_forwarded_proto]`: requests a proxy marks as https pass. */
  rewritesForwardedProto: boolean;
  /** File where it is configured. */
  file?: string;
}

export interface ReleaseModuleFacts {
  module: string;
  file: string;
  /** Has `def migrate` (what bin/migrate calls). */
  migrate: boolean;
  rollback: boolean;
  /** Starts :ssl before connecting (`eval` starts no applications; a repo with `ssl: true` needs it). */
  startsSsl: boolean;
}

export interface ExistingFiles {
  runtimeConfig?: string;
  releasesConfig?: string;
  prodSecretConfig?: string;
  dockerfile?: string;
  dockerignore?: string;
  buildpacks?: string;
  appJson?: string;
  procfile?: string;
  elixirBuildpackConfig?: string;
  phoenixStaticBuildpackConfig?: string;
  /** `rel/` directory (release overlays, env.sh.eex, ...). */
  rel?: string;
  serverScript?: string;
  migrateScript?: string;
  /** rel/overlays/bin/server sets PHX_SERVER before it starts the release. */
  serverScriptSetsPhxServer?: boolean;
  /** What rel/overlays/bin/migrate runs with the release's `eval` (`Shop.Release.migrate`). */
  migrateScriptEval?: string;
  releaseModule?: ReleaseModuleFacts;
  /** The Dockerfile's ARG defaults before its first FROM (`ELIXIR_VERSION`, `OTP_VERSION`, `DEBIAN_VERSION`, ...). */
  dockerfileArgs?: Record<string, string>;
}

export interface PhoenixProject {
  root: string;
  /** The Mix project at the root (for an umbrella, its apps are in `apps`). */
  otpApp: string;
  module: string;
  umbrella: boolean;
  /** Apps of an umbrella (empty for a single app). */
  apps: MixApp[];
  /** Name of the release `mix release` builds (see `releaseDefined`). */
  releaseName: string;
  /** Umbrella root mix.exs has a `releases:` entry (otherwise `mix release` cannot build one). */
  releaseDefined: boolean;
  web: WebFacts;
  /** Absent when the project has no Ecto SQL repo (`--no-ecto`). */
  ecto?: EctoFacts;
  /** Versions locked in mix.lock. */
  locked: { phoenix?: string; plug?: string; ecto?: string; ectoSql?: string; phoenixLiveView?: string };
  assets?: AssetFacts;
  pinned: PinnedVersions;
  forceSsl: ForceSslFacts;
  /** Config files under config/ (root), relative paths. */
  configFiles: string[];
  /** A public host the project already configures for prod (other than example.com). */
  configuredHost?: string;
  existing: ExistingFiles;
  /**
   * Environment variables that config evaluated while compiling reads (every config/*.exs but
   * runtime.exs, releases.exs, dev.exs and test.exs): a Docker build does not see Dokku's config vars.
   */
  compileTimeEnv: { file: string; variable: string }[];
  /**
   * Project files a mix.exs reads when Mix loads it (`File.read!("VERSION")`), relative to the root:
   * a build that copies only mix.exs fails or silently gets the fallback without them.
   */
  mixReadFiles: string[];
  /** The checked-out branch (`.git/HEAD`), when the project is a git repository on a branch. */
  gitBranch?: string;
}

const MIX_EXS = 'mix.exs';

/**
 * Reads the project at `root`. Throws a `UserError` with the remedy when it is not a
 * Phoenix project.
 */
export function readPhoenixProject(root: string, reader?: TextReader): PhoenixProject {
  return new ProjectDetector(new ProjectFiles(root, reader)).detect();
}

class ProjectDetector {
  constructor(private readonly files: ProjectFiles) {}

  detect(): PhoenixProject {
    const mixExs = this.files.read(MIX_EXS);
    if (mixExs === undefined) {
      throw new UserError(
        `No mix.exs in ${this.files.root}, so this is not an Elixir project. ` +
          'Run phoenix-dokku from the root of your Phoenix project (the folder that holds mix.exs). Nothing was written.',
      );
    }
    const rootApp = this.readMixApp('', mixExs);
    const appsPath = /^\s*apps_path:\s*"([^"]+)"/m.exec(mixExs)?.[1];
    const apps = appsPath ? this.readUmbrellaApps(appsPath) : [];
    const allApps = appsPath ? apps : [rootApp];

    const webApp = allApps.find(app => app.deps.includes('phoenix'));
    if (!webApp) {
      const where = appsPath ? `${MIX_EXS} or ${appsPath}/*/mix.exs` : MIX_EXS;
      throw new UserError(
        `${rootApp.module} (${this.files.root}) is an Elixir project but not a Phoenix one: no :phoenix dependency in ${where}. ` +
          'phoenix-dokku prepares Phoenix applications for Dokku; run it inside a project created with `mix phx.new`. Nothing was written.',
      );
    }

    const configFiles = this.files.list('config').filter(name => name.endsWith('.exs')).map(name => `config/${name}`);
    const config = configFiles.map(file => ({ file, content: this.files.read(file) ?? '' }));
    const lock = this.files.read('mix.lock') ?? '';
    const locked = {
      phoenix: lockedVersion(lock, 'phoenix'),
      plug: lockedVersion(lock, 'plug'),
      ecto: lockedVersion(lock, 'ecto'),
      ectoSql: lockedVersion(lock, 'ecto_sql'),
      phoenixLiveView: lockedVersion(lock, 'phoenix_live_view'),
    };
    const sourceFiles = allApps.flatMap(app => this.files.walk(posix.join(app.dir, 'lib'), ['.ex']));

    const web = this.detectWeb(webApp, sourceFiles, locked.phoenix);
    const ecto = this.detectEcto(allApps, config, sourceFiles);
    const releasesEntry = /^\s*releases:\s*\[/m.test(mixExs);

    return {
      root: this.files.root,
      otpApp: rootApp.otpApp,
      module: rootApp.module,
      umbrella: Boolean(appsPath),
      apps,
      // The first release in mix.exs (`releases: [name: ...]` or `defp releases do [name: ...]`) is what
      // `mix release` builds; without one it is the app's name (an umbrella has none: we propose the project's).
      releaseName: (/releases:\s*\[\s*(\w+):/.exec(mixExs) ?? /defp?\s+releases\s+do\s*\[\s*(\w+):/.exec(mixExs))?.[1] || rootApp.otpApp,
      releaseDefined: appsPath ? releasesEntry : true,
      web,
      ecto,
      locked,
      assets: this.detectAssets(webApp),
      pinned: this.detectPinnedVersions(mixExs),
      forceSsl: detectForceSsl(config),
      configFiles,
      configuredHost: detectConfiguredHost(config),
      existing: this.detectExistingFiles(sourceFiles),
      compileTimeEnv: detectCompileTimeEnv(config),
      mixReadFiles: [rootApp, ...apps].flatMap(app => this.mixReadFiles(app.dir)),
      gitBranch: /^ref:\s*refs\/heads\/(\S+)\s*$/.exec(this.files.read('.git/HEAD') ?? '')?.[1],
    };
  }

  private readMixApp(dir: string, mixExs: string): MixApp {
    const file = posix.join(dir, MIX_EXS);
    const module = /defmodule\s+([A-Z][\w.]*)\.(?:MixProject|Mixfile|Project)\s+do/.exec(mixExs)?.[1]
      ?? /defmodule\s+([A-Z][\w.]*)\s+do/.exec(mixExs)?.[1];
    const otpApp = /^\s*app:\s*:(\w+)/m.exec(mixExs)?.[1];
    const isUmbrellaRoot = /^\s*apps_path:/m.test(mixExs);
    if (!module || (!otpApp && !isUmbrellaRoot)) {
      throw new UserError(
        `Could not read the project name from ${file} in ${this.files.root}: expected \`defmodule MyApp.MixProject do\` and ` +
          '`app: :my_app` in `def project`. Fix mix.exs (does `mix compile` work?) and run again. Nothing was written.',
      );
    }
    return { otpApp: otpApp ?? underscore(module.replace(/\.Umbrella$/, '')), module, dir, deps: depNames(mixExs) };
  }

  /** String literals on a `File.` line of `dir`/mix.exs that name an existing file of the project. */
  private mixReadFiles(dir: string): string[] {
    const lines = (this.files.read(posix.join(dir, MIX_EXS)) ?? '').split('\n').filter(line => /\bFile\.\w+[!?]?\(/.test(line) && !/^\s*#/.test(line));
    const paths = lines.flatMap(line => [...line.matchAll(/"([^"#{}\\]+)"/g)].map(match => posix.normalize(posix.join(dir, match[1]))));
    return [...new Set(paths)].filter(path => !path.startsWith('..') && !/(^|\/)mix\.(exs|lock)$/.test(path) && this.files.exists(path) && !this.files.isDirectory(path));
  }

  private readUmbrellaApps(appsPath: string): MixApp[] {
    return this.files
      .list(appsPath)
      .map(name => posix.join(appsPath, name))
      .flatMap(dir => {
        const mixExs = this.files.read(posix.join(dir, MIX_EXS));
        return mixExs === undefined ? [] : [this.readMixApp(dir, mixExs)];
      });
  }

  private detectWeb(app: MixApp, sourceFiles: string[], phoenixVersion?: string): WebFacts {
    const appFiles = sourceFiles.filter(file => file.startsWith(posix.join(app.dir, 'lib/')));
    const routerFile = this.findFile(appFiles, posix.join(app.dir, `lib/${app.otpApp}_web/router.ex`), /use\s+(?:Phoenix\.Router|[\w.]+,\s*:router)\b/)
      ?? this.findFile(appFiles, posix.join(app.dir, `lib/${app.otpApp}/router.ex`), /use\s+(?:Phoenix\.Router|[\w.]+,\s*:router)\b/);
    if (!routerFile) {
      throw new UserError(
        `Found no Phoenix router in ${posix.join(app.dir, 'lib')} (a module with \`use Phoenix.Router\` or \`use MyAppWeb, :router\`). ` +
          'phoenix-dokku needs the router to add the /health route. Nothing was written.',
      );
    }
    const router = this.files.read(routerFile) ?? '';
    const routerModule = /defmodule\s+([A-Z][\w.]*)\s+do/.exec(router)?.[1] ?? `${app.module}Web.Router`;
    const usedWebModule = /use\s+([A-Z][\w.]*),\s*:router/.exec(router)?.[1];
    const module = usedWebModule ?? routerModule.replace(/\.Router$/, '');

    const endpointFile = this.findFile(appFiles, posix.join(app.dir, `lib/${app.otpApp}_web/endpoint.ex`), /use\s+Phoenix\.Endpoint\b/);
    const endpointModule = (endpointFile && /defmodule\s+([A-Z][\w.]*)\s+do/.exec(this.files.read(endpointFile) ?? '')?.[1]) || `${module}.Endpoint`;
    const moduleFile = appFiles.find(file => new RegExp(`defmodule\\s+${escapeRegExp(module)}\\s+do`).test(this.files.read(file) ?? ''));

    const webDir = posix.dirname(routerFile);
    const controllersDir = this.files.isDirectory(posix.join(webDir, 'controllers')) ? posix.join(webDir, 'controllers') : webDir;
    const webModuleSource = moduleFile ? (this.files.read(moduleFile) ?? '') : '';
    // 1.7+ web modules configure `formats:`; 1.6 ones pass `namespace:` and rely on views.
    const controllerStyle = /use Phoenix\.Controller,[\s\S]*?formats:/.test(webModuleSource)
      || (!webModuleSource && !!phoenixVersion && compareVersions(phoenixVersion, '1.7.0') >= 0)
      ? 'phoenix-1.7'
      : 'phoenix-1.6';
    const controllerHelper = !webModuleSource || /\bdef\s+controller\b/.test(webModuleSource);
    return { app, module, moduleFile, routerModule, routerFile, endpointModule, endpointFile, controllersDir, controllerStyle, controllerHelper };
  }

  private detectEcto(apps: MixApp[], config: { file: string; content: string }[], sourceFiles: string[]): EctoFacts | undefined {
    for (const app of apps) {
      if (!app.deps.includes('ecto_sql')) continue;
      const repos = config.flatMap(({ content }) => {
        const match = new RegExp(`config\\s+:${app.otpApp},[^\\n]*?ecto_repos:\\s*\\[([^\\]]*)\\]`).exec(content)
          ?? new RegExp(`config\\s+:${app.otpApp},\\s*\\n?\\s*ecto_repos:\\s*\\[([^\\]]*)\\]`).exec(content);
        return match ? match[1].split(',').map(s => s.trim()).filter(Boolean) : [];
      });
      const repoModules = repos.length ? [...new Set(repos)] : this.reposFromSource(app, sourceFiles);
      if (!repoModules.length) continue;
      const adapter = this.adapterOf(app, repoModules, sourceFiles);
      return { app, repos: repoModules, adapter, sql: true };
    }
    return undefined;
  }

  private reposFromSource(app: MixApp, sourceFiles: string[]): string[] {
    return sourceFiles
      .filter(file => file.startsWith(posix.join(app.dir, 'lib/')))
      .map(file => this.files.read(file) ?? '')
      .filter(source => new RegExp(`use\\s+Ecto\\.Repo,[\\s\\S]*?otp_app:\\s*:${app.otpApp}\\b`).test(source))
      .flatMap(source => /defmodule\s+([A-Z][\w.]*)\s+do/.exec(source)?.[1] ?? []);
  }

  private adapterOf(app: MixApp, repos: string[], sourceFiles: string[]): DatabaseAdapter {
    const repoSource = sourceFiles
      .map(file => this.files.read(file) ?? '')
      .find(source => new RegExp(`defmodule\\s+${escapeRegExp(repos[0])}\\s+do`).test(source)) ?? '';
    const adapterModule = /adapter:\s*Ecto\.Adapters\.(\w+)/.exec(repoSource)?.[1];
    const byModule: Record<string, DatabaseAdapter> = { Postgres: 'postgres', MyXQL: 'mysql', SQLite3: 'sqlite', Tds: 'mssql' };
    if (adapterModule && byModule[adapterModule]) return byModule[adapterModule];
    if (app.deps.includes('myxql')) return 'mysql';
    if (app.deps.includes('ecto_sqlite3')) return 'sqlite';
    if (app.deps.includes('tds')) return 'mssql';
    return 'postgres';
  }

  private detectAssets(webApp: MixApp): AssetFacts | undefined {
    const dir = posix.join(webApp.dir, 'assets');
    if (!this.files.isDirectory(dir)) return undefined;
    const mixExs = this.files.read(posix.join(webApp.dir, MIX_EXS)) ?? '';
    const lockfile = ['package-lock.json', 'npm-shrinkwrap.json'].map(name => posix.join(dir, name)).find(file => this.files.exists(file));
    return {
      dir,
      esbuild: webApp.deps.includes('esbuild'),
      tailwind: webApp.deps.includes('tailwind'),
      npm: this.files.exists(posix.join(dir, 'package.json')),
      npmLockfile: lockfile,
      npmScripts: npmScripts(this.files.read(posix.join(dir, 'package.json'))),
      aliases: {
        setup: hasAlias(mixExs, 'assets.setup'),
        build: hasAlias(mixExs, 'assets.build'),
        deploy: hasAlias(mixExs, 'assets.deploy'),
      },
    };
  }

  private detectPinnedVersions(mixExs: string): PinnedVersions {
    const pinned: PinnedVersions = {};
    const take = (key: 'erlang' | 'elixir' | 'node' | 'npm', value: string | undefined, source: string) => {
      if (value && !pinned[key]) pinned[key] = { value, source };
    };

    const toolVersions = this.files.read('.tool-versions');
    if (toolVersions !== undefined) {
      const tools = parseToolVersions(toolVersions);
      take('erlang', tools.erlang, '.tool-versions (erlang)');
      take('elixir', tools.elixir, '.tool-versions (elixir)');
      take('node', tools.nodejs ?? tools.node, '.tool-versions (nodejs)');
    }
    for (const file of ['mise.toml', '.mise.toml']) {
      const toml = this.files.read(file);
      if (toml === undefined) continue;
      const tools = parseMiseTools(toml);
      take('erlang', tools.erlang, `${file} (erlang)`);
      take('elixir', tools.elixir, `${file} (elixir)`);
      take('node', tools.node ?? tools.nodejs, `${file} (node)`);
    }
    const elixirBuildpack = this.files.read('elixir_buildpack.config');
    if (elixirBuildpack !== undefined) {
      const vars = parseShellAssignments(elixirBuildpack);
      take('erlang', vars.erlang_version, 'elixir_buildpack.config (erlang_version)');
      take('elixir', vars.elixir_version, 'elixir_buildpack.config (elixir_version)');
    }
    const staticBuildpack = this.files.read('phoenix_static_buildpack.config');
    if (staticBuildpack !== undefined) {
      const vars = parseShellAssignments(staticBuildpack);
      take('node', vars.node_version, 'phoenix_static_buildpack.config (node_version)');
      take('npm', vars.npm_version, 'phoenix_static_buildpack.config (npm_version)');
    }
    const dockerfile = this.files.read('Dockerfile');
    if (dockerfile !== undefined) {
      take('elixir', /^ARG\s+ELIXIR_VERSION=(\S+)/m.exec(dockerfile)?.[1], 'Dockerfile (ARG ELIXIR_VERSION)');
      take('erlang', /^ARG\s+OTP_VERSION=(\S+)/m.exec(dockerfile)?.[1], 'Dockerfile (ARG OTP_VERSION)');
    }
    // Tool managers write Elixir as `1.17.3-otp-27`; the OTP suffix is not part of the version.
    if (pinned.elixir) pinned.elixir = { ...pinned.elixir, value: pinned.elixir.value.replace(/-otp-\d+$/, '') };
    pinned.elixirRequirement = /^\s*elixir:\s*"([^"]+)"/m.exec(mixExs)?.[1];
    return pinned;
  }

  private detectExistingFiles(sourceFiles: string[]): ExistingFiles {
    const ifExists = (file: string) => (this.files.exists(file) ? file : undefined);
    return {
      runtimeConfig: ifExists('config/runtime.exs'),
      releasesConfig: ifExists('config/releases.exs'),
      prodSecretConfig: ifExists('config/prod.secret.exs'),
      dockerfile: ifExists('Dockerfile'),
      dockerignore: ifExists('.dockerignore'),
      buildpacks: ifExists('.buildpacks'),
      appJson: ifExists('app.json'),
      procfile: ifExists('Procfile'),
      elixirBuildpackConfig: ifExists('elixir_buildpack.config'),
      phoenixStaticBuildpackConfig: ifExists('phoenix_static_buildpack.config'),
      rel: this.files.isDirectory('rel') ? 'rel' : undefined,
      serverScript: ifExists('rel/overlays/bin/server'),
      migrateScript: ifExists('rel/overlays/bin/migrate'),
      serverScriptSetsPhxServer: /PHX_SERVER=\S+[^\n]*\sstart\b/.test(this.files.read('rel/overlays/bin/server') ?? '') || undefined,
      migrateScriptEval: /\seval\s+["']?([A-Z][\w.]*\.\w+(?:\(\))?)/.exec(this.files.read('rel/overlays/bin/migrate') ?? '')?.[1],
      releaseModule: this.findReleaseModule(sourceFiles),
      dockerfileArgs: dockerfileArgs(this.files.read('Dockerfile')),
    };
  }

  /** A module that runs migrations without Mix (`Ecto.Migrator` + `def migrate`), under any name. */
  private findReleaseModule(sourceFiles: string[]): ReleaseModuleFacts | undefined {
    for (const file of sourceFiles) {
      const source = this.files.read(file) ?? '';
      if (!source.includes('Ecto.Migrator') || !/\bdef\s+migrate\b/.test(source)) continue;
      const module = /defmodule\s+([A-Z][\w.]*)\s+do/.exec(source)?.[1];
      if (!module) continue;
      return {
        module,
        file,
        migrate: true,
        rollback: /\bdef\s+rollback\b/.test(source),
        startsSsl: /ensure_all_started\(\s*:ssl\s*\)/.test(source),
      };
    }
    return undefined;
  }

  /** The conventional path when it exists, else the first file matching `marker`. */
  private findFile(files: string[], conventional: string, marker: RegExp): string | undefined {
    if (marker.test(this.files.read(conventional) ?? '')) return conventional;
    return files.find(file => marker.test(this.files.read(file) ?? ''));
  }
}

function depNames(mixExs: string): string[] {
  const deps = /defp?\s+deps\b[\s\S]*?\bdo\b([\s\S]*?)^\s{2}end/m.exec(mixExs)?.[1] ?? mixExs;
  return [...new Set([...deps.matchAll(/^\s*\{:(\w+)\s*,/gm)].map(m => m[1]))];
}

function hasAlias(mixExs: string, name: string): boolean {
  return new RegExp(`"${escapeRegExp(name)}"\\s*(?::|=>)`).test(mixExs);
}

function lockedVersion(lock: string, dep: string): string | undefined {
  return new RegExp(`^\\s*"${dep}":\\s*\\{:hex,\\s*:\\w+,\\s*"([^"]+)"`, 'm').exec(lock)?.[1];
}

/** `.tool-versions`: `name version [fallback versions...]`, `#` comments. */
export function parseToolVersions(content: string): Record<string, string> {
  const tools: Record<string, string> = {};
  for (const line of content.split(/\r?\n/)) {
    const [name, version] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (name && version && !(name in tools)) tools[name] = version;
  }
  return tools;
}

/** The `[tools]` table of mise.toml: `erlang = "27.1"`, `node = ["22", "20"]`, `elixir = { version = "1.18" }`. */
export function parseMiseTools(content: string): Record<string, string> {
  const tools: Record<string, string> = {};
  let inTools = false;
  for (const raw of content.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line.startsWith('[')) {
      inTools = line === '[tools]';
      continue;
    }
    if (!inTools) continue;
    const match = /^"?([\w-]+)"?\s*=\s*(.+)$/.exec(line);
    if (!match) continue;
    const value = /"([^"]+)"/.exec(match[2])?.[1];
    if (value && !(match[1] in tools)) tools[match[1]] = value;
  }
  return tools;
}

/** `key=value` lines of a file that bash will `source` (buildpack configs). Quotes removed. */
export function parseShellAssignments(content: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of content.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_]\w*)=(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2].trim();
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, '');
    vars[match[1]] = value;
  }
  return vars;
}

function detectForceSsl(config: { file: string; content: string }[]): ForceSslFacts {
  for (const { file, content } of config) {
    const uncommented = content.replace(/#.*$/gm, '');
    const index = uncommented.search(/\bforce_ssl:/);
    if (index === -1) continue;
    const value = uncommented.slice(index, index + 400);
    if (/^force_ssl:\s*(?:false|nil)\b/.test(value)) continue;
    return { enabled: true, rewritesForwardedProto: /rewrite_on:\s*\[[^\]]*:x_forwarded_proto/.test(value), file };
  }
  return { enabled: false, rewritesForwardedProto: false };
}

const RUNTIME_ONLY_CONFIG = /(?:^|\/)(?:runtime|releases|dev|test)\.exs$/;

function detectCompileTimeEnv(config: { file: string; content: string }[]): { file: string; variable: string }[] {
  return config
    .filter(({ file }) => !RUNTIME_ONLY_CONFIG.test(file))
    .flatMap(({ file, content }) =>
      [...new Set([...content.replace(/#.*$/gm, '').matchAll(/System\.(?:get_env|fetch_env!?)\(\s*"([^"]+)"/g)].map(m => m[1]))].map(variable => ({ file, variable })),
    );
}

function npmScripts(packageJson: string | undefined): string[] {
  if (packageJson === undefined) return [];
  try {
    const scripts = (JSON.parse(packageJson) as { scripts?: Record<string, unknown> }).scripts;
    return scripts && typeof scripts === 'object' ? Object.keys(scripts) : [];
  } catch {
    return [];
  }
}

function detectConfiguredHost(config: { file: string; content: string }[]): string | undefined {
  for (const { content } of config) {
    for (const match of content.matchAll(/url:\s*\[\s*host:\s*"([^"]+)"/g)) {
      const host = match[1];
      if (host !== 'example.com' && host !== 'localhost' && !host.includes('#{')) return host;
    }
  }
  return undefined;
}

function underscore(name: string): string {
  return name.replace(/([a-z\d])([A-Z])/g, '$1_$2').replace(/[.\-\s]+/g, '_').toLowerCase();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** ARG defaults before the first FROM (quotes removed); undefined without a Dockerfile. */
function dockerfileArgs(dockerfile: string | undefined): Record<string, string> | undefined {
  if (dockerfile === undefined) return undefined;
  const head = dockerfile.split(/^[ \t]*FROM[ \t]/im)[0];
  return Object.fromEntries([...head.matchAll(/^[ \t]*ARG[ \t]+(\w+)=("?)([^"\n]*?)\2[ \t]*$/gim)].map(match => [match[1], match[3]]));
}
