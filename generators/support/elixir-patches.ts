/**
 * Pure, idempotent edits of a Phoenix project's Elixir files (config/runtime.exs,
 * config/prod.exs, the router, an umbrella's mix.exs), and the Elixir snippets they add.
 *
 * Every edit keeps each line of the user's file, keeps its line endings, and leaves a
 * `mix format`-clean file format-clean. What cannot be added safely is returned as an
 * exact manual step instead.
 */
import type { DatabaseAdapter, PhoenixProject } from './project.js';
import { DATABASE_PLUGINS, SQLITE_MOUNT, databaseService, sqliteDatabasePath, sqliteHostDir } from './dokku.js';
import { appendBlock, lineEndingOf, withLineEnding, type Injection } from './patch.js';

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

export function hostHelp(ctx: RuntimeContext): string[] {
  return [
    'environment variable PHX_HOST is missing. It is the public domain: generated URLs,',
    'the force_ssl redirect and websocket origin checks use it. Set it on Dokku:',
    `    dokku config:set ${ctx.appName} PHX_HOST=${ctx.exampleHost}`,
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

/** The file without comment lines, so `# config ... server: true` does not count. */
const codeOf = (content: string) =>
  content
    .split(/\r?\n/)
    .filter(line => !line.trimStart().startsWith('#'))
    .join('\n');

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Every `config :app, Key, ...` statement for that key: the `config` line and the lines
 * indented deeper below it (files are formatted, so a statement ends where indentation
 * returns to its own level).
 */
export function configStatements(content: string, app: string, key?: string): string[] {
  const lines = codeOf(content).split('\n');
  const head = new RegExp(`^(\\s*)config\\s*\\(?\\s*:${escapeRegExp(app)}\\s*,${key ? `\\s*${escapeRegExp(key)}\\s*,` : ''}`);
  const statements: string[] = [];
  lines.forEach((line, index) => {
    const match = head.exec(line);
    if (!match) return;
    const depth = match[1].length;
    const body = [line];
    for (const next of lines.slice(index + 1)) {
      if (next.trim() && next.length - next.trimStart().length <= depth && !/^\s*[\])}]/.test(next)) break;
      body.push(next);
    }
    statements.push(body.join('\n').trimEnd());
  });
  return statements;
}

/** What a Dokku deploy needs that an existing runtime.exs lacks: code to add, steps to do by hand. */
export interface RuntimePlan {
  /** Top-level code (outside the prod block). */
  topLevel: string[];
  /** Code inside `if config_env() == :prod do`, already indented by two spaces. */
  prod: string[];
  /** Keys merged into the endpoint's config (`url: [...]`, `http: [...]`, `secret_key_base: ...`). */
  endpointKeys: string[];
  manual: string[];
}

const reads = (code: string, variable: string) => code.includes(`"${variable}"`);

export function planRuntimeAdditions(content: string, ctx: RuntimeContext, file = 'config/runtime.exs'): RuntimePlan {
  const code = codeOf(content);
  const plan: RuntimePlan = { topLevel: [], prod: [], endpointKeys: [], manual: [] };
  const endpoint = configStatements(content, ctx.webApp, ctx.endpoint).join('\n');
  const endpointRef = `config :${ctx.webApp}, ${ctx.endpoint}`;

  if (!reads(code, 'PHX_SERVER') && !/\bserver:\s*true\b/.test(code)) {
    plan.topLevel.push(['if System.get_env("PHX_SERVER") do', `  ${endpointRef}, server: true`, 'end'].join('\n'));
  }

  if (!reads(code, 'SECRET_KEY_BASE') && !/\bsecret_key_base:/.test(endpoint)) {
    plan.prod.push(raiseUnlessSet('secret_key_base', 'SECRET_KEY_BASE', secretKeyBaseHelp(ctx)));
    plan.endpointKeys.push('secret_key_base: secret_key_base');
  }

  if (!reads(code, 'PHX_HOST')) {
    if (/\burl:/.test(endpoint)) {
      plan.manual.push(
        `${file} sets the endpoint's url: without reading PHX_HOST. Make the public URL come from it at boot ` +
          `(Dokku's proxy serves https on 443):\n  ${endpointRef},\n    url: [host: System.get_env("PHX_HOST"), port: 443, scheme: "https"]`,
      );
    } else {
      plan.prod.push(raiseUnlessSet('host', 'PHX_HOST', hostHelp(ctx)));
      plan.endpointKeys.push('url: [host: host, port: 443, scheme: "https"]');
    }
  } else {
    const defaultsToExample = /System\.get_env\("PHX_HOST"(?:\)\s*\|\||,)\s*"example\.com"/.test(code);
    if (defaultsToExample && !content.includes('environment variable PHX_HOST is missing')) {
      plan.prod.push(
        [
          '  # example.com would silently become the host of every URL, redirect and origin check.',
          '  if !System.get_env("PHX_HOST") do',
          '    raise """',
          heredocBody(hostHelp(ctx), '    '),
          '    """',
          '  end',
        ].join('\n'),
      );
    }
    const scheme = /\bscheme:\s*"(\w+)"/.exec(endpoint)?.[1];
    if (!scheme) plan.endpointKeys.push('url: [scheme: "https", port: 443]');
    else if (scheme !== 'https') {
      plan.manual.push(`${file} sets the endpoint's url scheme to "${scheme}". Behind Dokku's TLS proxy, use url: [scheme: "https", port: 443].`);
    }
  }

  if (!reads(code, 'PORT')) {
    if (/\bhttp:/.test(endpoint)) {
      plan.manual.push(
        `${file} sets the endpoint's http: options without reading PORT, which Dokku sets. Bind on it:\n  ${endpointRef},\n` +
          '    http: [ip: {0, 0, 0, 0, 0, 0, 0, 0}, port: String.to_integer(System.get_env("PORT") || "4000")]',
      );
    } else {
      plan.endpointKeys.push(
        ['http: [', '  # Every interface (IPv4 and IPv6), so the Dokku proxy can reach the container.', '  ip: {0, 0, 0, 0, 0, 0, 0, 0},', '  port: String.to_integer(System.get_env("PORT") || "4000")', ']'].join('\n'),
      );
    }
  }
  if (/\bip:\s*\{\s*127\s*,/.test(endpoint)) {
    plan.manual.push(`${file} binds the endpoint to 127.0.0.1, which the Dokku proxy cannot reach from outside the container. Use ip: {0, 0, 0, 0, 0, 0, 0, 0}.`);
  }

  planRepos(code, content, ctx, plan, file);
  return plan;
}

function planRepos(code: string, content: string, ctx: RuntimeContext, plan: RuntimePlan, file: string): void {
  const sqlite = ctx.adapter === 'sqlite';
  const locationKey = sqlite ? 'database' : 'url';
  const locationVar = sqlite ? 'database_path' : 'database_url';
  const pool = `pool_size: String.to_integer(System.get_env("POOL_SIZE") || "${sqlite ? '5' : '10'}")`;
  const defined = (name: string) => plan.prod.some(added => added.trimStart().startsWith(`${name} =`));
  for (const repo of ctx.repos) {
    const statement = configStatements(content, repo.app, repo.module).join('\n');
    const keys: string[] = [];
    if (!statement) {
      if (repo.primary) {
        plan.prod.push(raiseUnlessSet(locationVar, repo.variable, databaseHelp(ctx, repo.variable)));
        keys.push(`${locationKey}: ${locationVar}`);
      } else {
        // Later repos default to the primary database when their own variable is unset.
        const primary = ctx.repos.find(other => other.primary);
        if (primary && !defined(locationVar) && reads(code, primary.variable)) plan.prod.push(`  ${locationVar} = System.get_env("${primary.variable}")`);
        keys.push(`${locationKey}: System.get_env("${repo.variable}")${defined(locationVar) ? ` || ${locationVar}` : ''}`);
      }
    } else if (!reads(code, repo.variable)) {
      // Configured another way (separate user/host variables, ...): only the user knows which way is right.
      const plugin = ctx.adapter && DATABASE_PLUGINS[ctx.adapter]?.plugin;
      const provider = sqlite ? 'should point at the database file on Dokku storage' : plugin ? `dokku ${plugin}:link sets` : 'Dokku passes in';
      plan.manual.push(
        `${file} configures ${repo.module} without reading ${repo.variable}, which ${provider}. ` +
          `Read it at boot, or set the variables your config reads with dokku config:set ${ctx.appName} ...:\n` +
          `  config :${repo.app}, ${repo.module},\n    ${locationKey}: System.get_env("${repo.variable}")`,
      );
    }
    // A repo the file does not configure gets the full set; a configured one only what nothing in the file provides.
    if (!statement || (!/\bpool_size:/.test(statement) && !reads(code, 'POOL_SIZE'))) keys.push(pool);
    if (socketAdapter(ctx.adapter) && (!statement || (!/\bsocket_options:/.test(statement) && !reads(code, 'ECTO_IPV6')))) {
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
 * SECRET_KEY_BASE / DATABASE_URL / DATABASE_PATH, right after their "is missing." line.
 */
export function injectDokkuHints(content: string, ctx: RuntimeContext): Injection {
  const eol = lineEndingOf(content);
  let result = content;
  const hints: [string, string[], RegExp][] = [
    ['SECRET_KEY_BASE', secretKeyBaseHelp(ctx).slice(1), /dokku config:set \S+ SECRET_KEY_BASE=/],
  ];
  const primary = ctx.repos.find(repo => repo.primary);
  if (primary) hints.push([primary.variable, databaseHints(ctx, primary.variable), /On Dokku, (?:create a database|keep the database file)|dokku config:set \S+ DATABASE_(?:URL|PATH)=/]);
  let changed = false;
  for (const [variable, lines, present] of hints) {
    if (present.test(result)) continue;
    const anchor = new RegExp(`^([ \\t]*)environment variable ${variable} is missing\\.[^\\r\\n]*\\r?\\n`, 'm').exec(result);
    if (!anchor) continue;
    const at = anchor.index + anchor[0].length;
    result = result.slice(0, at) + withLineEnding(heredocBody(lines, anchor[1]), eol) + eol + result.slice(at);
    changed = true;
  }
  return changed ? { kind: 'injected', content: result } : { kind: 'present' };
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
  return appendBlock(content, logLevelBlock(appName), current => reads(codeOf(current), 'LOG_LEVEL'));
}

export const PROD_LOG_LEVEL = ['# Do not print debug messages in production (LOG_LEVEL in config/runtime.exs overrides it at boot).', 'config :logger, level: :info'].join('\n');

/** config/prod.exs: `level: :debug` becomes `:info`; no level at all gets `config :logger, level: :info`. */
export function injectProdLogLevel(content: string): Injection {
  const lines = content.split('\n');
  let inLogger = false;
  let depth = 0;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].replace(/\r$/, '');
    if (line.trimStart().startsWith('#')) continue;
    const head = /^(\s*)config\s*\(?\s*:logger\s*,\s*(.*)$/.exec(line);
    if (head) {
      // `config :logger, :console, ...` configures a backend, not the level.
      inLogger = !/^:\w+/.test(head[2]);
      depth = head[1].length;
    } else if (line.trim() && line.length - line.trimStart().length <= depth) {
      inLogger = false;
    }
    if (!inLogger) continue;
    const level = /\blevel:\s*/.exec(line);
    if (!level) continue;
    // Any other level, or one the user computes, is theirs to keep.
    if (!/^:debug\b/.test(line.slice(level.index + level[0].length))) return { kind: 'present' };
    lines[index] = lines[index].slice(0, level.index) + lines[index].slice(level.index).replace(':debug', ':info');
    return { kind: 'injected', content: lines.join('\n') };
  }
  return appendBlock(content, PROD_LOG_LEVEL, () => false);
}

// --- router -------------------------------------------------------------------------------

// Statements that define routes or pipe later routes through a pipeline (a top-level `pipe_through` would apply to our scope too).
const ROUTE_MACROS = ['scope', 'pipe_through', 'get', 'post', 'put', 'patch', 'delete', 'options', 'head', 'match', 'forward', 'live', 'live_session', 'live_dashboard', 'resources', 'if'];

export function healthScope(webModule: string): string {
  return [
    '# Health check for Dokku and load balancers. No pipeline: no session, CSRF or',
    '# content negotiation stands between a plain GET and the answer.',
    `scope "/", ${webModule} do`,
    '  get "/health", HealthController, :show',
    'end',
  ].join('\n');
}

const ROUTE_PATH = /^[ \t]*(?:(?:get|forward|live)\s*\(?\s*|match\s*\(?\s*:[\w*]+\s*,\s*)"([^"]*)"/;
const SCOPE_PATH = /^[ \t]*scope\s*\(?\s*(?:path:\s*)?"([^"]*)"/;
const indentOf = (line: string) => line.length - line.trimStart().length;

/**
 * The path a route line answers: its own path under the paths of the scopes around it
 * (a formatted router indents a scope's body deeper than the `scope` line).
 */
function routePath(lines: string[], index: number, own: string): string {
  const parts = [own];
  let depth = indentOf(lines[index]);
  for (let at = index - 1; at >= 0 && depth > 0; at--) {
    if (!lines[at].trim() || indentOf(lines[at]) >= depth) continue;
    depth = indentOf(lines[at]);
    const scope = SCOPE_PATH.exec(lines[at]);
    if (scope) parts.unshift(scope[1]);
  }
  return ('/' + parts.join('/')).replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
}

/** A route the router already has (ours or the user's) for `/health`, as its line; `/api/health` does not count. */
export function existingHealthRoute(router: string): string | undefined {
  const lines = codeOf(router).split('\n');
  return lines
    .find((line, index) => {
      const route = ROUTE_PATH.exec(line);
      return route !== null && routePath(lines, index, route[1]) === '/health';
    })
    ?.trim();
}

/**
 * Adds the health scope before the first top-level route, scope or `if` of the router
 * module (and before the comments just above it), so no catch-all or forward can shadow it.
 */
export function injectHealthRoute(router: string, webModule: string, routerFile = 'the router'): Injection {
  const help =
    `Add this to ${routerFile}, inside the router module and before any catch-all route or forward:\n\n` +
    healthScope(webModule).replace(/^/gm, '  ');
  if (existingHealthRoute(router)) return { kind: 'present' };
  const eol = lineEndingOf(router);
  const lines = router.split(/\r?\n/);
  const useLine = lines.findIndex(line => /^\s*use\s+(?:Phoenix\.Router|[\w.]+,\s*:router)\b/.test(line));
  if (useLine === -1) return { kind: 'no-anchor', help };
  const by = /^\s*/.exec(lines[useLine])![0];
  const routeStart = new RegExp(`^${by}(?:${ROUTE_MACROS.join('|')})\\b`);
  let at = lines.findIndex((line, index) => index > useLine && routeStart.test(line));
  if (at === -1) {
    // No routes yet: before the module's closing `end`.
    at = lines.findLastIndex(line => line === by.slice(2) + 'end');
    if (at <= useLine) return { kind: 'no-anchor', help };
  }
  while (at - 1 > useLine && lines[at - 1].trimStart().startsWith('#')) at--;
  const block = healthScope(webModule).split('\n').map(line => by + line);
  const before = lines[at - 1].trim() === '' ? [] : [''];
  lines.splice(at, 0, ...before, ...block, '');
  return { kind: 'injected', content: lines.join(eol) };
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
  if (/^\s*releases:/m.test(codeOf(mixExs))) return { kind: 'present' };
  const anchor = /^([ \t]*)apps_path:\s*"[^"]*",[ \t]*\r?\n/m.exec(mixExs);
  if (!anchor) return { kind: 'no-anchor', help };
  const eol = lineEndingOf(mixExs);
  const at = anchor.index + anchor[0].length;
  return { kind: 'injected', content: mixExs.slice(0, at) + withLineEnding(umbrellaReleaseSnippet(releaseName, apps, anchor[1]), eol) + eol + mixExs.slice(at) };
}
