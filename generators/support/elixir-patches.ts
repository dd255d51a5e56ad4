/**
 * Pure, idempotent edits of a Phoenix project's Elixir files (config/runtime.exs,
 * config/prod.exs, the router, an umbrella's mix.exs), and the Elixir snippets they add.
 *
 * Every edit keeps each line of the user's file, keeps its line endings, and leaves a
 * `mix format`-clean file format-clean. What cannot be added safely is returned as an
 * exact manual step instead. Where to edit, and whether an edit is needed, is read from
 * the file's syntax tree (elixir-ast.ts, config-model.ts); the edit itself is text.
 */
import type { DatabaseAdapter, PhoenixProject } from './project.js';
import { DATABASE_PLUGINS, SQLITE_MOUNT, databaseService, sqliteDatabasePath, sqliteHostDir } from './dokku.js';
import { appendBlock, lineEndingOf, withLineEnding, type Injection } from './patch.js';
import {
  atomValue,
  callArguments,
  callName,
  doBlock,
  findAll,
  isCall,
  keywordEntries,
  moduleDefinitions,
  parseElixir,
  stringValue,
  type SyntaxNode,
} from './elixir-ast.js';
import { ProjectFiles } from './files.js';
import { healthRoute, readRoutes } from './routes.js';
import { endpointFacts, envRoles, readConfigModel, settingsOf, type ConfigModel } from './config-model.js';

/** First line of every block phoenix-dokku appends to config/runtime.exs. */
export const RUNTIME_MARKER = '# phoenix-dokku:';

/** A repo to configure at boot and the variable holding its location. */
export interface RuntimeRepo {
  /** OTP app whose config holds the repo (`config :shop, Shop.Repo, ...`). */
  app: string;
  module: string;
  /** `DATABASE_URL` (or `DATABASE_PATH`) for the first repo, `<NAME>_DATABASE_URL` after it. */
  variable: string;
  /** The first repo's variable is required; later repos fall back to it. */
  primary: boolean;
}

/** Everything config/runtime.exs needs to know about the project and the Dokku app. */
export interface RuntimeContext {
  /** Dokku app name, for the `dokku config:set <app> ...` hints. */
  appName: string;
  /** Example public domain for the PHX_HOST hint. */
  exampleHost: string;
  /** OTP app whose config holds the endpoint. */
  webApp: string;
  endpoint: string;
  repos: RuntimeRepo[];
  adapter?: DatabaseAdapter;
  /** Config outside runtime.exs turns the server on (`server: true` in prod.exs, as TeslaMate does). */
  serverElsewhere?: boolean;
}


/** `Shop.ReadRepo` → `READ_REPO`. */
const envName = (module: string) =>
  module.split('.').pop()!.replace(/([a-z\d])([A-Z])/g, '$1_$2').toUpperCase();

export function runtimeRepos(repos: { app: string; module: string }[], adapter?: DatabaseAdapter): RuntimeRepo[] {
  const base = adapter === 'sqlite' ? 'DATABASE_PATH' : 'DATABASE_URL';
  return repos.map((repo, index) => ({
    ...repo,
    variable: index === 0 ? base : `${envName(repo.module)}_${base}`,
    primary: index === 0,
  }));
}

export function runtimeContextFor(project: PhoenixProject, appName: string, host?: string): RuntimeContext {
  const { ecto, web } = project;
  return {
    appName,
    exampleHost: host ?? `${appName}.example.com`,
    webApp: web.app.otpApp,
    endpoint: web.endpointModule,
    repos: ecto ? runtimeRepos(ecto.repos.map(module => ({ app: ecto.app.otpApp, module })), ecto.adapter) : [],
    adapter: ecto?.adapter,
    serverElsewhere: endpointFacts(project.config, web.app.otpApp, web.endpointModule).calls.some(
      call => call.phase === 'build' && call.conditions.length === 0 && call.keywords.some(entry => entry.key === 'server' && entry.value.text === 'true'),
    ),
  };
}

/** Text of the `raise` when SECRET_KEY_BASE is missing, one line per entry. */
export function secretKeyBaseHelp(ctx: RuntimeContext): string[] {
  return [
    'environment variable SECRET_KEY_BASE is missing.',
    'Set it on Dokku (mix phx.gen.secret prints a new one):',
    `    dokku config:set ${ctx.appName} SECRET_KEY_BASE="$(mix phx.gen.secret)"`,
  ];
}

export function hostHelp(ctx: RuntimeContext, variable = 'PHX_HOST'): string[] {
  return [
    `environment variable ${variable} is missing. It is the public domain: generated URLs,`,
    'the force_ssl redirect and websocket origin checks use it. Set it on Dokku:',
    `    dokku config:set ${ctx.appName} ${variable}=${ctx.exampleHost}`,
  ];
}

/** How to provide the primary repo's variable on Dokku (after the "is missing." line). */
function databaseHints(ctx: RuntimeContext, variable: string): string[] {
  const service = databaseService(ctx.appName);
  if (ctx.adapter === 'sqlite') {
    return [
      // The directory's owner depends on the build strategy; phoenix-dokku's next steps create it.
      'On Dokku, keep the database file on persistent storage and point DATABASE_PATH at it:',
      `    dokku storage:mount ${ctx.appName} ${sqliteHostDir(ctx.appName)}:${SQLITE_MOUNT}`,
      `    dokku config:set ${ctx.appName} ${variable}=${sqliteDatabasePath(ctx.appName)}`,
    ];
  }
  const plugin = ctx.adapter && DATABASE_PLUGINS[ctx.adapter]?.plugin;
  if (!plugin) return ['Set it on Dokku:', `    dokku config:set ${ctx.appName} ${variable}=ecto://USER:PASS@HOST/DATABASE`];
  return [
    `On Dokku, create a database and link it to the app (linking sets ${variable}):`,
    `    dokku ${plugin}:create ${service}`,
    `    dokku ${plugin}:link ${service} ${ctx.appName}`,
  ];
}

export function databaseHelp(ctx: RuntimeContext, variable: string): string[] {
  const example = ctx.adapter === 'sqlite' ? `For example: ${sqliteDatabasePath(ctx.appName)}` : 'For example: ecto://USER:PASS@HOST/DATABASE';
  return [`environment variable ${variable} is missing.`, ...databaseHints(ctx, variable), example];
}

/** Lines of a heredoc body, indented as the `raise """` they belong to. */
export const heredocBody = (lines: string[], by: string) => lines.map(line => by + line).join('\n');

const socketAdapter = (adapter?: DatabaseAdapter) => adapter !== undefined && adapter !== 'sqlite';

/**
 * Plain data for templates/runtime/runtime.exs.ejs: the whole file when the project has
 * none. The messages come from the same functions the patches use.
 */
export function runtimeTemplateData(ctx: RuntimeContext) {
  const primary = ctx.repos.find(repo => repo.primary);
  return {
    webApp: ctx.webApp,
    endpoint: ctx.endpoint,
    sqlite: ctx.adapter === 'sqlite',
    ipv6Option: socketAdapter(ctx.adapter),
    poolSize: ctx.adapter === 'sqlite' ? '5' : '10',
    databaseVariable: primary?.variable ?? '',
    repos: ctx.repos.map(repo => ({ app: repo.app, module: repo.module, variable: repo.variable, primary: repo.primary })),
    databaseHelp: primary ? heredocBody(databaseHelp(ctx, primary.variable), '      ') : '',
    secretKeyBaseHelp: heredocBody(secretKeyBaseHelp(ctx), '      '),
    hostHelp: heredocBody(hostHelp(ctx), '      '),
  };
}

// --- reading an existing config/runtime.exs -------------------------------------------------

/** What a Dokku deploy needs that an existing runtime.exs lacks: code to add, steps to do by hand. */
export interface RuntimePlan {
  /** Top-level code (outside the prod block). */
  topLevel: string[];
  /** Code inside `if config_env() == :prod do`, already indented by two spaces. */
  prod: string[];
  /** Keys merged into the endpoint's config (`url: [...]`, `http: [...]`, `secret_key_base: ...`). */
  endpointKeys: string[];
  manual: string[];
  /** Things worth knowing that need no change. */
  info: string[];
}

/** The config model of one runtime.exs (as the release evaluates it at boot), from its text. */
export function runtimeConfigOf(content: string, file = 'config/runtime.exs'): ConfigModel {
  // A root nothing is under: only `file` exists, and files it imports are not read here.
  const root = '/nonexistent/phoenix-dokku';
  const reader = {
    read: (path: string) => (path === `${root}/${file}` ? content : null),
    exists: (path: string) => path === `${root}/${file}`,
  };
  return readConfigModel(new ProjectFiles(root, reader), { parse: parseElixir }, { boot: file, build: [] });
}

export function planRuntimeAdditions(content: string, ctx: RuntimeContext, file = 'config/runtime.exs'): RuntimePlan {
  const model = runtimeConfigOf(content, file);
  const plan: RuntimePlan = { topLevel: [], prod: [], endpointKeys: [], manual: [], info: [] };
  const roles = envRoles(model, { endpoint: { app: ctx.webApp, module: ctx.endpoint }, repos: ctx.repos, sqlite: ctx.adapter === 'sqlite' });
  const hasRole = (role: string) => roles.some(use => use.role === role);
  const reads = (variable: string) => model.reads.some(read => read.variable === variable);
  const endpoint = endpointFacts(model, ctx.webApp, ctx.endpoint);
  const endpointRef = `config :${ctx.webApp}, ${ctx.endpoint}`;
  const at = (line: number) => `${file}:${line}`;

  const serverAlways = endpoint.calls.some(call => call.conditions.length === 0 && call.keywords.some(entry => entry.key === 'server' && entry.value.text === 'true'));
  if (!hasRole('server') && !serverAlways && !ctx.serverElsewhere && !reads('PHX_SERVER')) {
    plan.topLevel.push(['if System.get_env("PHX_SERVER") do', `  ${endpointRef}, server: true`, 'end'].join('\n'));
  }

  if (!hasRole('secret-key-base') && !endpoint.value(['secret_key_base'])) {
    plan.prod.push(raiseUnlessSet('secret_key_base', 'SECRET_KEY_BASE', secretKeyBaseHelp(ctx)));
    plan.endpointKeys.push('secret_key_base: secret_key_base');
  }

  const url = endpoint.value(['url']);
  const host = endpoint.value(['url', 'host']);
  if (host) {
    const sources = model.sourcesOf(host.entry.value, host.call);
    const variable = sources.variables[0];
    if (!variable) {
      plan.manual.push(
        `${at(host.entry.pair.line)} sets the endpoint's url host to ${sources.literals.length ? `"${sources.literals[0]}"` : 'a value'} that no environment variable changes. ` +
          `Read the public host at boot (Dokku's proxy serves https on 443):\n  ${endpointRef},\n    url: [host: System.get_env("PHX_HOST"), port: 443, scheme: "https"]`,
      );
    } else if (!sources.viaUri) {
      const read = model.reads.find(candidate => candidate.variable === variable);
      if (read?.need === 'optional' && read.default === 'example.com' && !content.includes(`environment variable ${variable} is missing`)) {
        plan.prod.push(
          [
            '  # example.com would silently become the host of every URL, redirect and origin check.',
            `  if !System.get_env("${variable}") do`,
            '    raise """',
            heredocBody(hostHelp(ctx, variable), '    '),
            '    """',
            '  end',
          ].join('\n'),
        );
      }
    }
    if (!sources.viaUri) planScheme(endpoint, plan, endpointRef, at);
  } else if (url) {
    plan.manual.push(
      `${at(url.entry.pair.line)} sets the endpoint's url: without a host. Read the public host at boot:\n  ${endpointRef},\n    url: [host: System.get_env("PHX_HOST"), port: 443, scheme: "https"]`,
    );
  } else {
    plan.prod.push(raiseUnlessSet('host', 'PHX_HOST', hostHelp(ctx)));
    plan.endpointKeys.push('url: [host: host, port: 443, scheme: "https"]');
  }

  const http = endpoint.value(['http']);
  const port = endpoint.value(['http', 'port']);
  if (!http) {
    plan.endpointKeys.push(
      ['http: [', '  # Every interface (IPv4 and IPv6), so the Dokku proxy can reach the container.', '  ip: {0, 0, 0, 0, 0, 0, 0, 0},', '  port: String.to_integer(System.get_env("PORT") || "4000")', ']'].join('\n'),
    );
  } else if (http.entry.value.type !== 'list') {
    plan.info.push(`${at(http.entry.pair.line)} computes the endpoint's http: options (${http.entry.value.text.split('\n')[0]}); make sure they bind PORT, which Dokku sets (5000), on every interface.`);
  } else if (!port) {
    plan.manual.push(
      `${at(http.entry.pair.line)} sets the endpoint's http: options without a port. Bind on PORT, which Dokku sets:\n  ${endpointRef},\n` +
        '    http: [ip: {0, 0, 0, 0, 0, 0, 0, 0}, port: String.to_integer(System.get_env("PORT") || "4000")]',
    );
  } else if (!model.sourcesOf(port.entry.value, port.call).variables.length) {
    plan.manual.push(
      `${at(port.entry.pair.line)} binds the endpoint to a fixed port (${port.entry.value.text}); Dokku routes traffic to the port in PORT (5000). ` +
        'Read it: port: String.to_integer(System.get_env("PORT") || "4000").',
    );
  }
  const ip = endpoint.value(['http', 'ip']);
  if (ip && /^\{\s*127\s*,/.test(ip.entry.value.text)) {
    plan.manual.push(`${at(ip.entry.pair.line)} binds the endpoint to 127.0.0.1, which the Dokku proxy cannot reach from outside the container. Use ip: {0, 0, 0, 0, 0, 0, 0, 0}.`);
  }

  planRepos(model, ctx, plan, file);
  return plan;
}

/** The public URL must be https on 443 behind Dokku's TLS proxy: added when unset, reported when set otherwise. */
function planScheme(endpoint: ReturnType<typeof endpointFacts>, plan: RuntimePlan, endpointRef: string, at: (line: number) => string): void {
  const scheme = endpoint.value(['url', 'scheme']);
  const urlPort = endpoint.value(['url', 'port']);
  if (!scheme && !urlPort) {
    plan.endpointKeys.push('url: [scheme: "https", port: 443]');
    return;
  }
  const schemeValue = scheme && stringValue(scheme.entry.value);
  const portValue = urlPort?.entry.value.type === 'integer' ? urlPort.entry.value.text : undefined;
  if ((scheme && schemeValue !== undefined && schemeValue !== 'https') || (!scheme && portValue !== undefined) || (portValue !== undefined && portValue !== '443')) {
    const line = (scheme ?? urlPort)!.entry.pair.line;
    plan.manual.push(
      `${at(line)} makes the endpoint's public URL ${schemeValue ?? 'http'}://...${portValue ? `:${portValue}` : ''}. ` +
        `Behind Dokku's TLS proxy (after letsencrypt:enable) use url: [..., scheme: "https", port: 443] in ${endpointRef}.`,
    );
  }
}

function planRepos(model: ConfigModel, ctx: RuntimeContext, plan: RuntimePlan, file: string): void {
  const sqlite = ctx.adapter === 'sqlite';
  const locationKey = sqlite ? 'database' : 'url';
  const locationVar = sqlite ? 'database_path' : 'database_url';
  const pool = `pool_size: String.to_integer(System.get_env("POOL_SIZE") || "${sqlite ? '5' : '10'}")`;
  const reads = (variable: string) => model.reads.some(read => read.variable === variable);
  const defined = (name: string) => plan.prod.some(added => added.trimStart().startsWith(`${name} =`));
  for (const repo of ctx.repos) {
    const settings = settingsOf(model, repo.app, repo.module);
    const configured = settings.calls.length > 0;
    const keys: string[] = [];
    if (!configured) {
      if (repo.primary) {
        plan.prod.push(raiseUnlessSet(locationVar, repo.variable, databaseHelp(ctx, repo.variable)));
        keys.push(`${locationKey}: ${locationVar}`);
      } else {
        // Later repos default to the primary database when their own variable is unset.
        const primary = ctx.repos.find(other => other.primary);
        if (primary && !defined(locationVar) && reads(primary.variable)) plan.prod.push(`  ${locationVar} = System.get_env("${primary.variable}")`);
        keys.push(`${locationKey}: System.get_env("${repo.variable}")${defined(locationVar) ? ` || ${locationVar}` : ''}`);
      }
    } else {
      const location = ['url', 'database', 'hostname', 'socket_dir', 'socket'].map(key => settings.value([key])).find(Boolean);
      if (!location) {
        const provider = sqlite ? 'should point at the database file on Dokku storage' : DATABASE_PLUGINS[ctx.adapter!] ? `dokku ${DATABASE_PLUGINS[ctx.adapter!]!.plugin}:link sets` : 'Dokku passes in';
        plan.manual.push(
          `${file}:${settings.calls[0].line} configures ${repo.module} without saying where the database is. Read ${repo.variable}, which ${provider}:\n` +
            `  config :${repo.app}, ${repo.module},\n    ${locationKey}: System.get_env("${repo.variable}")`,
        );
      }
    }
    // A repo the file does not configure gets the full set; a configured one only what nothing in the file provides.
    if (!configured || (!settings.value(['pool_size']) && !reads('POOL_SIZE'))) keys.push(pool);
    if (socketAdapter(ctx.adapter) && (!configured || (!settings.value(['socket_options']) && !reads('ECTO_IPV6')))) {
      if (!defined('maybe_ipv6')) plan.prod.push('  maybe_ipv6 = if System.get_env("ECTO_IPV6") in ~w(true 1), do: [:inet6], else: []');
      keys.push('socket_options: maybe_ipv6');
    }
    if (keys.length) plan.prod.push(configCall(`config :${repo.app}, ${repo.module}`, keys, '  '));
  }
}

/** `name = System.get_env("VAR") || raise """..."""`, indented for the prod block. */
function raiseUnlessSet(name: string, variable: string, help: string[]): string {
  return [
    `  ${name} =`,
    `    System.get_env("${variable}") ||`,
    '      raise """',
    heredocBody(help, '      '),
    '      """',
  ].join('\n');
}

/** `config :app, Key,` with one keyword per line (multi-line values indented with it). */
function configCall(ref: string, keys: string[], by: string): string {
  // `mix format` joins a single keyword onto the call's line when it fits in 98 columns.
  const oneLine = `${by}${ref}, ${keys[0]}`;
  if (keys.length === 1 && !keys[0].includes('\n') && oneLine.length <= 98) return oneLine;
  const body = keys.map((key, index) => key.split('\n').map(line => `${by}  ${line}`).join('\n') + (index < keys.length - 1 ? ',' : ''));
  return [`${by}${ref},`, ...body].join('\n');
}

/** The marked block that adds what `planRuntimeAdditions` found missing (undefined when nothing is). */
export function runtimeBlock(plan: RuntimePlan, ctx: RuntimeContext): string | undefined {
  const prod = [...plan.prod];
  if (plan.endpointKeys.length) prod.push(configCall(`config :${ctx.webApp}, ${ctx.endpoint}`, plan.endpointKeys, '  '));
  if (!plan.topLevel.length && !prod.length) return undefined;
  const parts = [
    `${RUNTIME_MARKER} what a Dokku deploy reads at boot that the config above did not set.`,
    '# A later run of phoenix-dokku adds only what is still missing; edit freely.',
  ];
  const blocks: string[] = [...plan.topLevel];
  if (prod.length) blocks.push(['if config_env() == :prod do', prod.join('\n\n'), 'end'].join('\n'));
  return parts.join('\n') + '\n' + blocks.join('\n\n');
}

/** Appends the marked block with whatever runtime.exs still lacks. */
export function injectRuntimeAdditions(content: string, ctx: RuntimeContext): Injection {
  const block = runtimeBlock(planRuntimeAdditions(content, ctx), ctx);
  if (!block) return { kind: 'present' };
  return appendBlock(content, block, () => false);
}

/** Both edits of an existing runtime.exs as one: Dokku hints in its messages, then the missing block. */
export function injectRuntimeConfig(content: string, ctx: RuntimeContext): Injection {
  const hinted = injectDokkuHints(content, ctx);
  const base = hinted.kind === 'injected' ? hinted.content : content;
  const added = injectRuntimeAdditions(base, ctx);
  if (added.kind === 'injected') return added;
  return hinted.kind === 'injected' ? hinted : added;
}

/**
 * Adds the Dokku commands to the `raise` messages phx.new writes for a missing
 * SECRET_KEY_BASE / DATABASE_URL / DATABASE_PATH, right after their "is missing." line
 * inside the message string.
 */
export function injectDokkuHints(content: string, ctx: RuntimeContext): Injection {
  const eol = lineEndingOf(content);
  const hints: [string, string[], RegExp][] = [
    ['SECRET_KEY_BASE', secretKeyBaseHelp(ctx).slice(1), /dokku config:set \S+ SECRET_KEY_BASE=/],
  ];
  const primary = ctx.repos.find(repo => repo.primary);
  if (primary) hints.push([primary.variable, databaseHints(ctx, primary.variable), /On Dokku, (?:create a database|keep the database file)|dokku config:set \S+ DATABASE_(?:URL|PATH)=/]);
  const messages = findAll(parseElixir(content, 'config/runtime.exs').root, node => isCall(node, undefined, 'raise'))
    .map(call => callArguments(call).positional[0])
    .filter((message): message is SyntaxNode => message?.type === 'string');
  // Insert from the end of the file backwards, so earlier offsets stay valid.
  const inserts: { at: number; text: string }[] = [];
  for (const [variable, lines, present] of hints) {
    for (const message of messages) {
      if (present.test(message.text)) continue;
      const line = new RegExp(`^([ \\t]*)environment variable ${variable} is missing\\.[^\\r\\n]*\\r?\\n`, 'm').exec(message.text);
      if (!line) continue;
      inserts.push({ at: message.start + line.index + line[0].length, text: withLineEnding(heredocBody(lines, line[1]), eol) + eol });
    }
  }
  if (!inserts.length) return { kind: 'present' };
  let result = content;
  for (const insert of inserts.sort((x, y) => y.at - x.at)) result = result.slice(0, insert.at) + insert.text + result.slice(insert.at);
  return { kind: 'injected', content: result };
}

// --- Phoenix 1.5 prod.secret.exs ---------------------------------------------------------------

/**
 * Comments out `import_config "prod.secret.exs"` in config/prod.exs (the line stays, as a comment):
 * once config/runtime.exs reads the secrets at boot, importing them at build time only makes the
 * Docker build raise without them (or bakes their values into the release).
 */
export function disableImport(prodExs: string, imported: string): Injection {
  const call = findAll(parseElixir(prodExs, 'config/prod.exs').root, node => isCall(node, undefined, 'import_config') && stringValue(callArguments(node).positional[0]) === imported)[0];
  if (!call) return { kind: 'present' };
  const eol = lineEndingOf(prodExs);
  const lineStart = prodExs.lastIndexOf('\n', call.start) + 1;
  const by = prodExs.slice(lineStart, call.start);
  const replacement = [`${by}${RUNTIME_MARKER} config/runtime.exs reads these secrets at boot now; importing them here`, `${by}# would need them while the release is built. Delete ${imported} once nothing else uses it.`, `${by}# ${call.text}`].join(eol);
  return { kind: 'injected', content: prodExs.slice(0, lineStart) + replacement + prodExs.slice(call.end) };
}

// --- logger -------------------------------------------------------------------------------

/** Appended to config/runtime.exs: LOG_LEVEL, read at boot, wins over config/prod.exs. */
export function logLevelBlock(appName: string): string {
  return [
    `${RUNTIME_MARKER} LOG_LEVEL=debug|info|warning|error changes the log level at boot, without a`,
    `# rebuild (dokku config:set ${appName} LOG_LEVEL=debug); any other value means info.`,
    'if config_env() == :prod and System.get_env("LOG_LEVEL") do',
    '  log_level =',
    '    case System.get_env("LOG_LEVEL") |> String.trim() |> String.downcase() do',
    '      "debug" -> :debug',
    '      "warning" -> :warning',
    '      "error" -> :error',
    '      _info_or_unknown -> :info',
    '    end',
    '',
    '  config :logger, level: log_level',
    'end',
  ].join('\n');
}

export function injectLogLevelOverride(content: string, appName: string): Injection {
  return appendBlock(content, logLevelBlock(appName), current => runtimeConfigOf(current).reads.some(read => read.variable === 'LOG_LEVEL'));
}

export const PROD_LOG_LEVEL = ['# Do not print debug messages in production (LOG_LEVEL in config/runtime.exs overrides it at boot).', 'config :logger, level: :info'].join('\n');

/** config/prod.exs: `level: :debug` becomes `:info`; no level at all gets `config :logger, level: :info`. */
export function injectProdLogLevel(content: string): Injection {
  const root = parseElixir(content, 'config/prod.exs').root;
  for (const call of findAll(root, node => isCall(node, undefined, 'config'))) {
    const { positional, keywords } = callArguments(call);
    // `config :logger, :console, ...` configures a backend, not the level.
    if (atomValue(positional[0]) !== 'logger' || positional.length > 1) continue;
    const level = keywords.find(entry => entry.key === 'level');
    if (!level) continue;
    // Any other level, or one the user computes, is theirs to keep.
    if (level.value.text !== ':debug') return { kind: 'present' };
    return { kind: 'injected', content: content.slice(0, level.value.start) + ':info' + content.slice(level.value.end) };
  }
  return appendBlock(content, PROD_LOG_LEVEL, () => false);
}

// --- router -------------------------------------------------------------------------------

// Statements that define routes or pipe later routes through a pipeline (a top-level `pipe_through` would apply to our scope too).
const ROUTE_MACROS = ['scope', 'pipe_through', 'get', 'post', 'put', 'patch', 'delete', 'options', 'head', 'match', 'forward', 'live', 'live_session', 'live_dashboard', 'resources', 'if'];

export function healthScope(webModule: string, controller = 'HealthController'): string {
  return [
    '# Health check for Dokku and load balancers. No pipeline: no session, CSRF or',
    '# content negotiation stands between a plain GET and the answer.',
    `scope "/", ${webModule} do`,
    `  get "/health", ${controller}, :show`,
    'end',
  ].join('\n');
}

/** A route the router already has (ours or the user's) for `/health`, as its line; `/api/health` does not count, nor a route only dev builds have. */
export function existingHealthRoute(router: string): string | undefined {
  return healthRoute(readRoutes(router))?.text;
}

/**
 * Adds the health scope before the first top-level route, scope or `if` of the router
 * module (and before the comments just above it), so no catch-all or forward can shadow it.
 */
export function injectHealthRoute(router: string, webModule: string, routerFile = 'the router', controller = 'HealthController'): Injection {
  const help =
    `Add this to ${routerFile}, inside the router module and before any catch-all route or forward:\n\n` +
    healthScope(webModule, controller).replace(/^/gm, '  ');
  if (existingHealthRoute(router)) return { kind: 'present' };
  const eol = lineEndingOf(router);
  const root = parseElixir(router, routerFile).root;
  const module = moduleDefinitions(root).find(candidate =>
    (doBlock(candidate.node)?.body ?? []).some(node => isCall(node, undefined, 'use') && (callArguments(node).positional[0]?.text === 'Phoenix.Router' || atomValue(callArguments(node).positional[1]) === 'router')),
  );
  const block = module?.node.childOfType('do_block');
  const use = module && doBlock(module.node)!.body.find(node => isCall(node, undefined, 'use'));
  if (!module || !block || !use) return { kind: 'no-anchor', help };
  const by = ' '.repeat(use.column);
  // Statements (and the comments right above them) in the module body, in order.
  const statements = block.children.filter(child => child.named && child.type !== 'comment');
  let target = statements.find(node => node.start > use.start && ROUTE_MACROS.includes(callName(node)?.name ?? '') && !callName(node)?.module);
  let at: number;
  if (target) {
    // Comments right above the route (no blank line between) belong to it: insert before them.
    for (let index = block.children.indexOf(target) - 1; index >= 0; index--) {
      const previous = block.children[index];
      if (previous.type !== 'comment' || previous.line !== target.line - 1) break;
      target = previous;
    }
    at = router.lastIndexOf('\n', target.start) + 1;
  } else {
    const end = block.children.at(-1);
    if (!end || end.type !== 'end') return { kind: 'no-anchor', help };
    at = router.lastIndexOf('\n', end.start) + 1;
  }
  const scope = healthScope(webModule, controller).split('\n').map(line => by + line).join(eol);
  const before = router.slice(0, at);
  const blankBefore = /(?:\r?\n){2}$/.test(before) || !before.trim() ? '' : eol;
  return { kind: 'injected', content: before + blankBefore + scope + eol + eol + router.slice(at) };
}

// --- umbrella mix.exs ---------------------------------------------------------------------

export function umbrellaReleaseSnippet(releaseName: string, apps: string[], by = '      '): string {
  return [
    'releases: [',
    `  ${releaseName}: [`,
    '    applications: [',
    ...apps.map((app, index) => `      ${app}: :permanent${index < apps.length - 1 ? ',' : ''}`),
    '    ]',
    '  ]',
    '],',
  ]
    .map(line => by + line)
    .join('\n');
}

/** Umbrella root mix.exs: `mix release` refuses an umbrella without a `releases:` entry. */
export function injectUmbrellaRelease(mixExs: string, releaseName: string, apps: string[]): Injection {
  const help =
    `mix release needs a release defined in the umbrella's mix.exs. Add to the list in \`def project\`:\n\n` +
    umbrellaReleaseSnippet(releaseName, apps, '  ');
  const root = parseElixir(mixExs, 'mix.exs').root;
  const project = moduleDefinitions(root)
    .flatMap(module => doBlock(module.node)?.body ?? [])
    .find(node => isCall(node, undefined, 'def') && callArguments(node).positional[0]?.text === 'project');
  const list = project && doBlock(project)?.body.at(-1);
  const entries = keywordEntries(list);
  if (entries.some(entry => entry.key === 'releases')) return { kind: 'present' };
  const appsPath = entries.find(entry => entry.key === 'apps_path');
  if (!appsPath || appsPath.value.type !== 'string') return { kind: 'no-anchor', help };
  const eol = lineEndingOf(mixExs);
  const lineEnd = mixExs.indexOf('\n', appsPath.pair.end);
  if (lineEnd === -1) return { kind: 'no-anchor', help };
  const at = lineEnd + 1;
  const by = ' '.repeat(appsPath.pair.column);
  return { kind: 'injected', content: mixExs.slice(0, at) + withLineEnding(umbrellaReleaseSnippet(releaseName, apps, by), eol) + eol + mixExs.slice(at) };
}
