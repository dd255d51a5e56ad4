/**
 * Everything the generator knows about the Phoenix project it runs in.
 *
 * This module (with config-model.ts for config/ and previous-platform.ts for other platforms'
 * files) is the only reader of `mix.exs`, `mix.lock`, `config/` and the project's source
 * tree. Elixir is read with the Elixir parser (elixir-ast.ts). Sub-generators and templates
 * receive a `PhoenixProject` and never re-derive names or paths themselves.
 */
import { posix } from 'node:path';
import {
  atomValue,
  callArguments,
  callName,
  doBlock,
  findAll,
  functionDefinitions,
  isCall,
  keywordEntries,
  loadElixirParser,
  moduleDefinitions,
  stringValue,
  type ElixirParser,
  type ElixirSource,
  type KeywordEntry,
  type SyntaxNode,
} from './elixir-ast.js';
import { appSetting, endpointFacts, envRoles, readConfigModel, type ConfigModel, type EnvRead, type RoleUse } from './config-model.js';
import { readDockerfile, type DockerfileFacts } from './dockerfile-model.js';
import { UserError } from './errors.js';
import { changesSeenBy, ProjectFiles, type FileQuery, type TextReader } from './files.js';
import { escapeRegExp } from './patch.js';
import { readPreviousPlatforms, type PreviousPlatform } from './previous-platform.js';
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
  /** A module named `<Web>.HealthController` the project already has (phoenix-dokku's, or the user's own). */
  healthController?: { module: string; file: string };
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
  /** `assets.setup` installs the npm packages itself (`cmd --cd assets npm ci`): nothing else must. */
  setupRunsNpm: boolean;
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
  line?: number;
}

/** The app's environment contract: what its config reads for prod, and what each variable is for (see config-model.ts). */
export interface EnvironmentFacts {
  /** Every read of an environment variable by the config for prod, in evaluation order. */
  reads: EnvRead[];
  roles: RoleUse[];
  /** Reads whose variable name is computed, which nobody can list. */
  dynamicReads: { file: string; line: number; text: string }[];
  /** Variables the config sets itself with System.put_env. */
  setsItself: string[];
  /** Config files evaluated for prod and when; a file the parser could not fully read has `errorLine`. */
  files: { file: string; phase: 'build' | 'boot'; errorLine?: number }[];
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
  /** The Dockerfile, read with dockerfile-ast (stages, instructions, lines). */
  dockerfileFacts?: DockerfileFacts;
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
  /** Elixir source files under the apps' lib/ directories, relative paths. */
  sourceFiles: string[];
  /** A public host the project already configures for prod (other than example.com). */
  configuredHost?: string;
  existing: ExistingFiles;
  /**
   * Environment variables that config evaluated while compiling reads (config.exs, prod.exs and
   * what they import): a Docker build does not see Dokku's config vars.
   */
  compileTimeEnv: { file: string; variable: string; line: number; need: EnvRead['need'] }[];
  /** What the config reads from the environment, and what for. */
  environment: EnvironmentFacts;
  /** The config as evaluated for prod, for the runtime piece's plan and the audit. */
  config: ConfigModel;
  /** Settings of platforms the app was deployed on before (fly.toml, Heroku's app.json, Kamal's config/deploy.yml). */
  previousPlatforms: PreviousPlatform[];
  /**
   * Project files a mix.exs reads when Mix loads it (`File.read!("VERSION")`), relative to the root:
   * a build that copies only mix.exs fails or silently gets the fallback without them.
   */
  mixReadFiles: string[];
  /** Key and certificate files of the project (`priv/cert/selfsigned.pem`): .dockerignore keeps them out of the image. */
  keyFiles: string[];
  /** The checked-out branch (`.git/HEAD`), when the project is a git repository on a branch. */
  gitBranch?: string;
  /** The project is a git repository (Dokku deploys what is pushed with git). */
  gitRepository: boolean;
}

const MIX_EXS = 'mix.exs';

/** Parsers of other file formats, loaded only when the project has such a file. */
export interface FormatParsers {
  elixir: ElixirParser;
  toml?: (text: string) => unknown;
  yaml?: typeof import('yaml');
  dockerfile?: typeof import('dockerfile-ast');
}

/**
 * Reads the project at `root`. Throws a `UserError` with the remedy when it is not a
 * Phoenix project.
 */
export async function readPhoenixProject(root: string, reader?: TextReader): Promise<PhoenixProject> {
  const files = new ProjectFiles(root, reader);
  // Every piece reads the project again, after the pieces before it wrote their files. The
  // facts are a function of the files' answers alone, so when every question the last
  // detection asked gets the same answer, its result still holds.
  const previous = lastDetection.get(root);
  const seen = changesSeenBy(reader);
  if (previous && seen && previous.seen?.store === seen.store && previous.seen.changes === seen.changes) return previous.project;
  if (previous && files.answersSame(previous.queries)) {
    lastDetection.set(root, { ...previous, seen });
    return previous.project;
  }
  const needs = (...paths: string[]) => paths.some(path => files.exists(path));
  const parsers: FormatParsers = {
    elixir: await loadElixirParser(),
    toml: needs('mise.toml', '.mise.toml', 'fly.toml') ? (await import('smol-toml')).parse : undefined,
    yaml: needs('config/deploy.yml') ? await import('yaml') : undefined,
    dockerfile: needs('Dockerfile') ? await import('dockerfile-ast') : undefined,
  };
  const project = new ProjectDetector(files, parsers).detect();
  lastDetection.set(root, { queries: files.queries, project, seen });
  return project;
}

/**
 * The last project detected in each root, the questions its detection asked, and the mem-fs
 * store it read through with its count of changes then (see changesSeenBy).
 */
const lastDetection = new Map<string, { queries: readonly FileQuery[]; project: PhoenixProject; seen?: { store: object; changes: number } }>();


/** A parsed mix.exs: the `def project` keywords and the module's functions. */
interface MixFile {
  source: ElixirSource;
  module?: string;
  project: KeywordEntry[];
  /** The list a private function returns (`defp deps do [...] end`), by name. */
  functionList(name: string): SyntaxNode | undefined;
}

class ProjectDetector {
  private readonly sources = new Map<string, ElixirSource | undefined>();

  constructor(
    private readonly files: ProjectFiles,
    private readonly parsers: FormatParsers,
  ) {}

  /** A parsed Elixir file of the project (cached), or undefined when it does not exist. */
  private elixir(file: string): ElixirSource | undefined {
    if (!this.sources.has(file)) {
      const text = this.files.read(file);
      this.sources.set(file, text === undefined ? undefined : this.parsers.elixir.parse(text, file));
    }
    return this.sources.get(file);
  }

  detect(): PhoenixProject {
    const mixSource = this.elixir(MIX_EXS);
    if (mixSource === undefined) {
      throw new UserError(
        `No mix.exs in ${this.files.root}, so this is not an Elixir project. ` +
          'Run phoenix-dokku from the root of your Phoenix project (the folder that holds mix.exs). Nothing was written.',
      );
    }
    const mix = readMixFile(mixSource);
    const rootApp = this.readMixApp('', mix);
    const appsPath = stringValue(mix.project.find(entry => entry.key === 'apps_path')?.value);
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
    const config = readConfigModel(this.files, this.parsers.elixir);
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
    const releases = releaseNames(mix);
    const endpoint = endpointFacts(config, web.app.otpApp, web.endpointModule);
    const roles = envRoles(config, {
      endpoint: { app: web.app.otpApp, module: web.endpointModule },
      repos: ecto ? ecto.repos.map(module => ({ app: ecto.app.otpApp, module })) : [],
      sqlite: ecto?.adapter === 'sqlite',
    });

    return {
      root: this.files.root,
      otpApp: rootApp.otpApp,
      module: rootApp.module,
      umbrella: Boolean(appsPath),
      apps,
      // The first release in mix.exs is what `mix release` builds; without one it is the app's name
      // (an umbrella has none: we propose the project's).
      releaseName: releases[0] ?? rootApp.otpApp,
      releaseDefined: appsPath ? releases.length > 0 : true,
      web,
      ecto,
      locked,
      assets: this.detectAssets(webApp),
      pinned: this.detectPinnedVersions(mix),
      forceSsl: forceSslOf(config, endpoint),
      configFiles,
      sourceFiles,
      configuredHost: configuredHostOf(config, endpoint),
      existing: this.detectExistingFiles(sourceFiles),
      compileTimeEnv: config.reads
        .filter(read => read.phase === 'build')
        .map(({ file, variable, line, need }) => ({ file, variable, line, need })),
      environment: { reads: config.reads, roles, dynamicReads: config.dynamicReads, setsItself: config.setsItself, files: config.files },
      config,
      previousPlatforms: readPreviousPlatforms(this.files, this.parsers),
      mixReadFiles: [rootApp, ...apps].flatMap(app => this.mixReadFiles(app)),
      gitBranch: /^ref:\s*refs\/heads\/(\S+)\s*$/.exec(this.files.read('.git/HEAD') ?? '')?.[1],
      gitRepository: this.files.exists('.git'),
      keyFiles: this.files.walk('', ['.pem', '.key', '.p12', '.pfx', '.jks'], 200),
    };
  }

  private readMixApp(dir: string, mix: MixFile): MixApp {
    const file = posix.join(dir, MIX_EXS);
    const module = mix.module?.replace(/\.(?:MixProject|Mixfile|Project)$/, '');
    const otpApp = atomValue(mix.project.find(entry => entry.key === 'app')?.value);
    const isUmbrellaRoot = mix.project.some(entry => entry.key === 'apps_path');
    if (!module || (!otpApp && !isUmbrellaRoot)) {
      throw new UserError(
        `Could not read the project name from ${file} in ${this.files.root}${mix.source.errorLine ? ` (it does not parse from line ${mix.source.errorLine})` : ''}: ` +
          'expected `defmodule MyApp.MixProject do` and `app: :my_app` in `def project`. Fix mix.exs (does `mix compile` work?) and run again. Nothing was written.',
      );
    }
    return { otpApp: otpApp ?? underscore(module.replace(/\.Umbrella$/, '')), module, dir, deps: depNames(mix) };
  }

  /** Project files the app's mix.exs reads when Mix loads it (string arguments of `File.*` calls that name a file). */
  private mixReadFiles(app: MixApp): string[] {
    const source = this.elixir(posix.join(app.dir, MIX_EXS));
    if (!source) return [];
    const paths = findAll(source.root, node => callName(node)?.module === 'File')
      .flatMap(call => callArguments(call).positional.map(stringValue))
      .flatMap(path => (path === undefined ? [] : [posix.normalize(posix.join(app.dir, path))]));
    return [...new Set(paths)].filter(path => !path.startsWith('..') && !/(^|\/)mix\.(exs|lock)$/.test(path) && this.files.exists(path) && !this.files.isDirectory(path));
  }

  private readUmbrellaApps(appsPath: string): MixApp[] {
    return this.files
      .list(appsPath)
      .map(name => posix.join(appsPath, name))
      .flatMap(dir => {
        const source = this.elixir(posix.join(dir, MIX_EXS));
        return source === undefined ? [] : [this.readMixApp(dir, readMixFile(source))];
      });
  }

  /** Modules defined in `files` (parsed only when their text mentions `marker`, to keep large trees fast). */
  private modulesMentioning(files: string[], marker: string | RegExp): { file: string; name: string; node: SyntaxNode }[] {
    const mentions = (text: string | undefined) => text !== undefined && (typeof marker === 'string' ? text.includes(marker) : marker.test(text));
    return files
      .filter(file => mentions(this.files.read(file)))
      .flatMap(file => moduleDefinitions(this.elixir(file)!.root).map(module => ({ file, ...module })));
  }

  private detectWeb(app: MixApp, sourceFiles: string[], phoenixVersion?: string): WebFacts {
    const appFiles = sourceFiles.filter(file => file.startsWith(posix.join(app.dir, 'lib/')));
    // Only files that can be a router are parsed: `use Phoenix.Router` or `use MyAppWeb, :router`.
    const routers = this.modulesMentioning(appFiles, /\bPhoenix\.Router\b|:router\b/).filter(module => usesModule(module.node, 'Phoenix.Router') || usedWith(module.node, 'router'));
    const conventional = [posix.join(app.dir, `lib/${app.otpApp}_web/router.ex`), posix.join(app.dir, `lib/${app.otpApp}/router.ex`)];
    const router = routers.find(module => conventional.includes(module.file)) ?? routers[0];
    if (!router) {
      throw new UserError(
        `Found no Phoenix router in ${posix.join(app.dir, 'lib')} (a module with \`use Phoenix.Router\` or \`use MyAppWeb, :router\`). ` +
          'phoenix-dokku needs the router to add the /health route. Nothing was written.',
      );
    }
    const module = usedWith(router.node, 'router') ?? router.name.replace(/\.Router$/, '');
    const endpoints = this.modulesMentioning(appFiles, 'Phoenix.Endpoint').filter(candidate => usesModule(candidate.node, 'Phoenix.Endpoint'));
    const endpoint = endpoints.find(candidate => candidate.file === posix.join(app.dir, `lib/${app.otpApp}_web/endpoint.ex`)) ?? endpoints[0];
    // Every web file mentions the web module; only the one that defines it is parsed.
    const webModule = this.modulesMentioning(appFiles, new RegExp(`\\bdefmodule\\s+${escapeRegExp(module)}\\s+do\\b`)).find(candidate => candidate.name === module);
    const functions = webModule ? functionDefinitions(webModule.node) : [];
    const controller = functions.find(fn => fn.name === 'controller');
    // 1.7+ web modules configure `formats:`; 1.6 ones pass `namespace:` and rely on views.
    const controllerUses = webModule ? findAll(webModule.node, node => isCall(node, undefined, 'use') && callArguments(node).positional[0]?.text === 'Phoenix.Controller') : [];
    const usesFormats = controllerUses.some(use => callArguments(use).keywords.some(entry => entry.key === 'formats'));
    const newPhoenix = !!phoenixVersion && compareVersions(phoenixVersion, '1.7.0') >= 0;
    const controllerStyle = usesFormats || (!controllerUses.length && newPhoenix) ? 'phoenix-1.7' : 'phoenix-1.6';
    const webDir = posix.dirname(router.file);
    const controllersDir = this.files.isDirectory(posix.join(webDir, 'controllers')) ? posix.join(webDir, 'controllers') : webDir;
    return {
      app,
      module,
      moduleFile: webModule?.file,
      routerModule: router.name,
      routerFile: router.file,
      endpointModule: endpoint?.name ?? `${module}.Endpoint`,
      endpointFile: endpoint?.file,
      controllersDir,
      controllerStyle,
      controllerHelper: !webModule || controller !== undefined,
      healthController: this.modulesMentioning(appFiles, 'HealthController')
        .filter(candidate => candidate.name === `${module}.HealthController`)
        .map(candidate => ({ module: candidate.name, file: candidate.file }))[0],
    };
  }

  private detectEcto(apps: MixApp[], config: ConfigModel, sourceFiles: string[]): EctoFacts | undefined {
    for (const app of apps) {
      if (!app.deps.includes('ecto_sql')) continue;
      const configured = appSetting(config, app.otpApp, 'ecto_repos');
      const fromConfig = configured?.entry.value.items.filter(item => item.type === 'alias').map(item => item.text) ?? [];
      const repoModules = this.repoModules(app, sourceFiles);
      const repos = fromConfig.length ? [...new Set(fromConfig)] : repoModules.map(repo => repo.name);
      if (!repos.length) continue;
      const adapterModule = repoModules.find(repo => repo.name === repos[0])?.adapter;
      const byModule: Record<string, DatabaseAdapter> = { Postgres: 'postgres', MyXQL: 'mysql', SQLite3: 'sqlite', Tds: 'mssql' };
      let adapter: DatabaseAdapter = 'postgres';
      if (adapterModule && byModule[adapterModule]) adapter = byModule[adapterModule];
      else if (app.deps.includes('myxql')) adapter = 'mysql';
      else if (app.deps.includes('ecto_sqlite3')) adapter = 'sqlite';
      else if (app.deps.includes('tds')) adapter = 'mssql';
      return { app, repos, adapter, sql: true };
    }
    return undefined;
  }

  /** Modules with `use Ecto.Repo, otp_app: :app, adapter: Ecto.Adapters.X`. */
  private repoModules(app: MixApp, sourceFiles: string[]): { name: string; adapter?: string }[] {
    const appFiles = sourceFiles.filter(file => file.startsWith(posix.join(app.dir, 'lib/')));
    return this.modulesMentioning(appFiles, 'Ecto.Repo').flatMap(module => {
      const use = moduleUses(module.node).find(call => callArguments(call).positional[0]?.text === 'Ecto.Repo');
      if (!use) return [];
      const keywords = callArguments(use).keywords;
      if (atomValue(keywords.find(entry => entry.key === 'otp_app')?.value) !== app.otpApp) return [];
      const adapter = keywords.find(entry => entry.key === 'adapter')?.value.text.replace(/^Ecto\.Adapters\./, '');
      return [{ name: module.name, adapter }];
    });
  }

  private detectAssets(webApp: MixApp): AssetFacts | undefined {
    const dir = posix.join(webApp.dir, 'assets');
    if (!this.files.isDirectory(dir)) return undefined;
    const mixSource = this.elixir(posix.join(webApp.dir, MIX_EXS));
    const aliasList = mixSource ? aliasEntries(readMixFile(mixSource)) : [];
    const aliases = aliasList.map(entry => entry.key);
    const setupCommands = aliasList.find(entry => entry.key === 'assets.setup')?.value;
    const setupRunsNpm = !!setupCommands && findAll(setupCommands, node => /\bnpm\s+(?:ci|install|i)\b/.test(stringValue(node) ?? '')).length > 0;
    const lockfile = ['package-lock.json', 'npm-shrinkwrap.json'].map(name => posix.join(dir, name)).find(file => this.files.exists(file));
    return {
      dir,
      esbuild: webApp.deps.includes('esbuild'),
      tailwind: webApp.deps.includes('tailwind'),
      npm: this.files.exists(posix.join(dir, 'package.json')),
      npmLockfile: lockfile,
      npmScripts: npmScripts(this.files.read(posix.join(dir, 'package.json'))),
      aliases: {
        setup: aliases.includes('assets.setup'),
        build: aliases.includes('assets.build'),
        deploy: aliases.includes('assets.deploy'),
      },
      setupRunsNpm,
    };
  }

  private detectPinnedVersions(mix: MixFile): PinnedVersions {
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
      if (toml === undefined || !this.parsers.toml) continue;
      const tools = parseMiseTools(toml, this.parsers.toml, file);
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
    const args = this.dockerfileArgs();
    if (args) {
      take('elixir', args.ELIXIR_VERSION, 'Dockerfile (ARG ELIXIR_VERSION)');
      take('erlang', args.OTP_VERSION, 'Dockerfile (ARG OTP_VERSION)');
    }
    // Tool managers write Elixir as `1.17.3-otp-27`; the OTP suffix is not part of the version.
    if (pinned.elixir) pinned.elixir = { ...pinned.elixir, value: pinned.elixir.value.replace(/-otp-\d+$/, '') };
    pinned.elixirRequirement = stringValue(mix.project.find(entry => entry.key === 'elixir')?.value);
    return pinned;
  }

  /** The Dockerfile read with dockerfile-ast; undefined without one. */
  private dockerfileFacts(): DockerfileFacts | undefined {
    const text = this.files.read('Dockerfile');
    if (text === undefined || !this.parsers.dockerfile) return undefined;
    return readDockerfile(text, this.parsers.dockerfile);
  }

  /** ARG defaults before the first FROM (quotes removed). */
  private dockerfileArgs(): Record<string, string> | undefined {
    return this.dockerfileFacts()?.args;
  }

  private detectExistingFiles(sourceFiles: string[]): ExistingFiles {
    const ifExists = (file: string) => (this.files.exists(file) ? file : undefined);
    const server = this.files.read('rel/overlays/bin/server') ?? '';
    const migrate = this.files.read('rel/overlays/bin/migrate') ?? '';
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
      // Shell scripts, read line by line: `PHX_SERVER=true exec ./shop start`.
      serverScriptSetsPhxServer: shellLines(server).some(line => /^(?:exec\s+)?(?:env\s+)?PHX_SERVER=\S+\s.*\bstart\b/.test(line) || /^export\s+PHX_SERVER=/.test(line)) || undefined,
      migrateScriptEval: shellLines(migrate).map(line => /\seval\s+["']?([A-Z][\w.]*\.\w+(?:\(\))?)/.exec(line)?.[1]).find(Boolean),
      releaseModule: this.findReleaseModule(sourceFiles),
      dockerfileArgs: this.dockerfileArgs(),
      dockerfileFacts: this.dockerfileFacts(),
    };
  }

  /** A module that runs migrations without Mix (uses `Ecto.Migrator` and defines `migrate`), under any name. */
  private findReleaseModule(sourceFiles: string[]): ReleaseModuleFacts | undefined {
    for (const module of this.modulesMentioning(sourceFiles, 'Ecto.Migrator')) {
      const functions = functionDefinitions(module.node);
      if (!functions.some(fn => fn.name === 'migrate' && fn.kind === 'def')) continue;
      if (!findAll(module.node, node => node.type === 'alias' && node.text === 'Ecto.Migrator').length) continue;
      return {
        module: module.name,
        file: module.file,
        migrate: true,
        rollback: functions.some(fn => fn.name === 'rollback' && fn.kind === 'def'),
        startsSsl: findAll(module.node, node => isCall(node, 'Application', 'ensure_all_started') && atomValue(callArguments(node).positional[0]) === 'ssl').length > 0,
      };
    }
    return undefined;
  }
}

/** The `def project` keywords and the module of a mix.exs. */
function readMixFile(source: ElixirSource): MixFile {
  const module = moduleDefinitions(source.root)[0];
  const functions = module ? functionDefinitions(module.node) : [];
  const listOf = (name: string) => {
    const last = functions.find(fn => fn.name === name)?.body.at(-1);
    return last?.type === 'list' ? last : undefined;
  };
  return { source, module: module?.name, project: keywordEntries(listOf('project')), functionList: listOf };
}

/** A value of `def project` that is either written inline or returned by a function (`deps: deps()`). */
function projectList(mix: MixFile, key: string): SyntaxNode | undefined {
  const value = mix.project.find(entry => entry.key === key)?.value;
  if (value?.type === 'list') return value;
  const name = value && callName(value)?.name;
  return mix.functionList(name ?? key);
}

function depNames(mix: MixFile): string[] {
  const deps = projectList(mix, 'deps');
  if (!deps) return [];
  // Tuples anywhere in the list (also inside `++ if ...` additions): `{:phoenix, "~> 1.7"}`.
  return [...new Set(findAll(deps, node => node.type === 'tuple').map(tuple => atomValue(tuple.items[0])).filter((name): name is string => Boolean(name)))];
}

function aliasEntries(mix: MixFile): KeywordEntry[] {
  return keywordEntries(projectList(mix, 'aliases'));
}

/** Release names in mix.exs (`releases: [shop: [...]]` or `releases: releases()`), in order. */
function releaseNames(mix: MixFile): string[] {
  return keywordEntries(projectList(mix, 'releases')).map(entry => entry.key);
}

/** `use` calls directly in a module's body. */
function moduleUses(module: SyntaxNode): SyntaxNode[] {
  return (doBlock(module)?.body ?? []).filter(node => isCall(node, undefined, 'use'));
}

const usesModule = (module: SyntaxNode, name: string) => moduleUses(module).some(call => callArguments(call).positional[0]?.text === name);

/** `use MyAppWeb, :router` → `MyAppWeb`. */
function usedWith(module: SyntaxNode, kind: string): string | undefined {
  const use = moduleUses(module).find(call => atomValue(callArguments(call).positional[1]) === kind);
  return use && callArguments(use).positional[0]?.text;
}

/** Lines of a shell script without comments. */
const shellLines = (script: string) => script.split(/\r?\n/).map(line => line.trim()).filter(line => line && !line.startsWith('#'));

function lockedVersion(lock: string, dep: string): string | undefined {
  return new RegExp(`^\\s*"${dep}":\\s*\\{:hex,\\s*:\\w+,\\s*"([^"]+)"`, 'm').exec(lock)?.[1];
}

function forceSslOf(config: ConfigModel, endpoint: ReturnType<typeof endpointFacts>): ForceSslFacts {
  const found = endpoint.value(['force_ssl']);
  if (!found || ['false', 'nil'].includes(found.entry.value.text)) return { enabled: false, rewritesForwardedProto: false };
  const rewriteOn = keywordEntries(found.entry.value).find(entry => entry.key === 'rewrite_on');
  void config;
  return {
    enabled: true,
    rewritesForwardedProto: rewriteOn?.value.items.some(item => atomValue(item) === 'x_forwarded_proto') ?? false,
    file: found.call.file,
    line: found.entry.pair.line,
  };
}

/** A literal public host the config sets for prod (not example.com or localhost, not read from the environment). */
function configuredHostOf(config: ConfigModel, endpoint: ReturnType<typeof endpointFacts>): string | undefined {
  const found = endpoint.value(['url', 'host']);
  if (!found) return undefined;
  const sources = config.sourcesOf(found.entry.value, found.call);
  if (sources.variables.length) return undefined;
  return sources.literals.find(host => host !== 'example.com' && host !== 'localhost' && /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(host));
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

/**
 * The `[tools]` table of mise.toml, read with a TOML parser: `erlang = "27.1"`,
 * `node = ["22", "20"]` (first wins), `elixir = { version = "1.18" }`. A file that is not valid
 * TOML is a UserError: mise itself would refuse it.
 */
export function parseMiseTools(content: string, parseToml: (text: string) => unknown, file = 'mise.toml'): Record<string, string> {
  let document: unknown;
  try {
    document = parseToml(content);
  } catch (error) {
    throw new UserError(`${file} is not valid TOML (${(error as Error).message.split('\n')[0]}). Fix it (mise would refuse it too) and run again. Nothing was written.`);
  }
  const table = (document as { tools?: Record<string, unknown> }).tools ?? {};
  const tools: Record<string, string> = {};
  for (const [name, spec] of Object.entries(table)) {
    const first = Array.isArray(spec) ? spec[0] : spec;
    const version = typeof first === 'string' ? first : typeof (first as { version?: unknown })?.version === 'string' ? (first as { version: string }).version : undefined;
    if (version) tools[name] = version;
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

function npmScripts(packageJson: string | undefined): string[] {
  if (packageJson === undefined) return [];
  try {
    const scripts = (JSON.parse(packageJson) as { scripts?: Record<string, unknown> }).scripts;
    return scripts && typeof scripts === 'object' ? Object.keys(scripts) : [];
  } catch {
    return [];
  }
}

function underscore(name: string): string {
  return name.replace(/([a-z\d])([A-Z])/g, '$1_$2').replace(/[.\-\s]+/g, '_').toLowerCase();
}

