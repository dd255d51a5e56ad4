/**
 * The Elixir injectors as pure functions: each applies once, a second application finds it
 * `present`, a missing anchor yields exact help, CRLF files stay CRLF, every user line is
 * kept, and a format-clean file stays format-clean (checked with the real `mix format`).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadElixirParser } from '../generators/support/elixir-ast.js';
import { endpointFacts } from '../generators/support/config-model.js';
import {
  RUNTIME_MARKER,
  runtimeConfigOf,
  existingHealthRoute,
  injectHealthRoute,
  injectLogLevelOverride,
  injectProdLogLevel,
  injectRuntimeConfig,
  injectUmbrellaRelease,
  planRuntimeAdditions,
  runtimeRepos,
  type RuntimeContext,
} from '../generators/support/elixir-patches.js';
import { appendBlock, insertAtAnchor, type Injection } from '../generators/support/patch.js';
import { elixirProblems, fixture } from './support/helpers.js';

// The edits locate their anchors with the Elixir parser, which a run loads while reading the project.
await loadElixirParser();

const read = (path: string) => readFileSync(fixture(path), 'utf8');
const crlf = (text: string) => text.replace(/\n/g, '\r\n');

function injected(result: Injection): string {
  assert.equal(result.kind, 'injected', `expected an injection, got ${JSON.stringify(result)}`);
  return (result as { content: string }).content;
}

/** Every line of `before` is still in `after`, in the same order. */
function assertLinesKept(before: string, after: string): void {
  const afterLines = after.split(/\r?\n/);
  let at = 0;
  for (const line of before.split(/\r?\n/)) {
    const found = afterLines.indexOf(line, at);
    assert.notEqual(found, -1, `line lost or reordered: ${JSON.stringify(line)}`);
    at = found + 1;
  }
}

/** Only CRLF line endings, no bare LF. */
const assertCrlf = (text: string) => assert.doesNotMatch(text.replace(/\r\n/g, ''), /\n/, 'a bare LF slipped into a CRLF file');

const scratch = mkdtempSync(join(tmpdir(), 'pd-patch-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let scratchCount = 0;
/** Writes each text to a scratch file (keeping its extension) and returns the real formatter's complaints. */
function formatProblems(files: Record<string, string>): string[] {
  const paths = Object.entries(files).map(([name, text]) => {
    const path = join(scratch, `${scratchCount++}-${name}`);
    writeFileSync(path, text);
    return path;
  });
  return elixirProblems(paths);
}

const context = (over: Partial<RuntimeContext> & Pick<RuntimeContext, 'webApp' | 'endpoint'>, repos: string[] = [], app = over.webApp): RuntimeContext => ({
  appName: app.replaceAll('_', '-'),
  exampleHost: `${app}.example.com`,
  repos: runtimeRepos(repos.map(module => ({ app, module })), over.adapter),
  ...over,
});

const SHOP = context({ webApp: 'shop', endpoint: 'ShopWeb.Endpoint', adapter: 'postgres' }, ['Shop.Repo']);
const TESLAMATE = context({ webApp: 'teslamate', endpoint: 'TeslaMateWeb.Endpoint', adapter: 'postgres' }, ['TeslaMate.Repo']);

describe('runtime.exs injection', () => {
  describe('stock phx.new 1.7 file', () => {
    const original = read('phx-1.7-postgres/config/runtime.exs');
    const patched = injected(injectRuntimeConfig(original, SHOP));

    it('keeps every line and stays format-clean', () => {
      assertLinesKept(original, patched);
      assert.deepEqual(formatProblems({ 'runtime.exs': patched }), []);
    });

    it('adds the Dokku commands to the existing raise messages', () => {
      assert.match(patched, /environment variable SECRET_KEY_BASE is missing\.\n\s+Set it on Dokku.*\n\s+dokku config:set shop SECRET_KEY_BASE="\$\(mix phx\.gen\.secret\)"/);
      assert.match(patched, /environment variable DATABASE_URL is missing\.\n.*\n\s+dokku postgres:create shop-db\n\s+dokku postgres:link shop-db shop\n/);
    });

    it('adds only the PHX_HOST check, since phx.new silently defaults it to example.com', () => {
      const block = patched.slice(patched.indexOf(RUNTIME_MARKER));
      assert.match(block, /if !System\.get_env\("PHX_HOST"\) do/);
      assert.doesNotMatch(block, /SECRET_KEY_BASE|DATABASE_URL|PHX_SERVER|"PORT"/, 'nothing the file already reads is added again');
    });

    it('is present on a second application', () => {
      assert.deepEqual(injectRuntimeConfig(patched, SHOP), { kind: 'present' });
    });

    it('keeps CRLF line endings', () => {
      const result = injected(injectRuntimeConfig(crlf(original), SHOP));
      assertCrlf(result);
      assert.equal(result, crlf(patched));
      assert.deepEqual(injectRuntimeConfig(result, SHOP), { kind: 'present' });
    });
  });

  describe('umbrella and bare files', () => {
    it('umbrella: adds PHX_SERVER at top level and the url from PHX_HOST, for the web app', () => {
      const original = read('phx-1.7-umbrella/config/runtime.exs');
      const ctx = context({ webApp: 'kitchen_web', endpoint: 'KitchenWeb.Endpoint', adapter: 'postgres', appName: 'kitchen' }, ['Kitchen.Repo'], 'kitchen');
      const patched = injected(injectRuntimeConfig(original, ctx));
      assertLinesKept(original, patched);
      const block = patched.slice(patched.indexOf(RUNTIME_MARKER));
      assert.match(block, /^if System\.get_env\("PHX_SERVER"\) do\n  config :kitchen_web, KitchenWeb\.Endpoint, server: true\nend/m);
      assert.match(block, /url: \[host: host, port: 443, scheme: "https"\]/);
      assert.match(block, /System\.get_env\("PHX_HOST"\) \|\|\n\s+raise/);
      assert.doesNotMatch(block, /Kitchen\.Repo/, 'the repo is already configured from DATABASE_URL');
      assert.deepEqual(formatProblems({ 'runtime.exs': patched }), []);
      assert.deepEqual(injectRuntimeConfig(patched, ctx), { kind: 'present' });
    });

    it('a file without any of it gets the whole set, format-clean', () => {
      const patched = injected(injectRuntimeConfig('import Config\n', SHOP));
      for (const variable of ['PHX_SERVER', 'SECRET_KEY_BASE', 'PHX_HOST', 'PORT', 'DATABASE_URL', 'POOL_SIZE', 'ECTO_IPV6']) {
        assert.match(patched, new RegExp(`"${variable}"`), variable);
      }
      assert.deepEqual(formatProblems({ 'runtime.exs': patched }), []);
      assert.deepEqual(injectRuntimeConfig(patched, SHOP), { kind: 'present' });
    });
  });

  describe('customised file (TeslaMate)', () => {
    const original = read('custom-teslamate/config/runtime.exs');
    // Its config/prod.exs sets server: true, so the endpoint always serves.
    const teslamate = { ...TESLAMATE, serverElsewhere: true };
    const plan = planRuntimeAdditions(original, teslamate);

    it('adds nothing: it reads its host (VIRTUAL_HOST), secret key base and database its own way', () => {
      assert.deepEqual(injectRuntimeConfig(original, teslamate), { kind: 'present' });
      assert.deepEqual([plan.topLevel, plan.prod, plan.endpointKeys], [[], [], []]);
    });

    it('never invents PHX_HOST or DATABASE_URL next to the variables it reads', () => {
      assert.doesNotMatch([...plan.manual, ...plan.info].join('\n'), /PHX_HOST|DATABASE_URL/);
    });

    it('says what Dokku needs changed, at file:line: the public URL is http on port 80; the computed http: options', () => {
      assert.equal(plan.manual.length, 1, plan.manual.join('\n'));
      assert.match(plan.manual[0], /^config\/runtime\.exs:95 makes the endpoint's public URL http:\/\/\.\.\.:80\. .*scheme: "https", port: 443/);
      assert.equal(plan.info.length, 1, plan.info.join('\n'));
      assert.match(plan.info[0], /^config\/runtime\.exs:91 computes the endpoint's http: options \(Util\.choose_http_binding_address\(\)\); make sure they bind PORT/);
    });

    it('without server: true elsewhere, adds only the PHX_SERVER switch, keeping every line, format-clean, once', () => {
      const patched = injected(injectRuntimeConfig(original, TESLAMATE));
      assertLinesKept(original, patched);
      assert.ok(patched.startsWith(original.trimEnd()), 'the user file is untouched above the appended block');
      const block = patched.slice(patched.indexOf(RUNTIME_MARKER));
      assert.match(block, /if System\.get_env\("PHX_SERVER"\) do/);
      assert.doesNotMatch(block, /TeslaMate\.Repo|url:|secret_key_base|http:/);
      assert.deepEqual(formatProblems({ 'runtime.exs': patched }), []);
      assert.deepEqual(injectRuntimeConfig(patched, TESLAMATE), { kind: 'present' });
    });
  });

  describe('SQLite', () => {
    it('adds the Dokku storage commands to the DATABASE_PATH message', () => {
      const original = read('phx-1.7-sqlite/config/runtime.exs');
      const ctx = context({ webApp: 'tasks', endpoint: 'TasksWeb.Endpoint', adapter: 'sqlite' }, ['Tasks.Repo']);
      const patched = injected(injectRuntimeConfig(original, ctx));
      assert.match(patched, /environment variable DATABASE_PATH is missing\.\n.*\n\s+dokku storage:mount tasks \S+:\/data\n\s+dokku config:set tasks DATABASE_PATH=\/data\/tasks\.db/);
      assert.doesNotMatch(patched, /ECTO_IPV6"\) in/, 'no IPv6 socket option for a file database');
      assertLinesKept(original, patched);
    });
  });

  it('reads every config call of the endpoint, and the last value of a key wins', () => {
    const endpoint = endpointFacts(runtimeConfigOf(read('phx-1.8-postgres/config/runtime.exs')), 'hello', 'HelloWeb.Endpoint');
    assert.equal(endpoint.calls.length, 3, 'server, top-level http port, prod url/http/secret');
    assert.equal(endpoint.value(['http', 'port'])?.call.line, 23, 'the port comes from the top-level call');
    assert.equal(endpoint.value(['http', 'ip'])?.entry.value.text, '{0, 0, 0, 0, 0, 0, 0, 0}');
    assert.equal(endpoint.value(['secret_key_base'])?.entry.value.text, 'secret_key_base');
  });
});

describe('config/prod.exs log level', () => {
  it('turns level: :debug into :info and nothing else', () => {
    const original = 'import Config\n\nconfig :shop, ShopWeb.Endpoint, server: true\n\nconfig :logger, level: :debug\n';
    const patched = injected(injectProdLogLevel(original));
    assert.equal(patched, original.replace('level: :debug', 'level: :info'));
    assert.deepEqual(injectProdLogLevel(patched), { kind: 'present' });
  });

  it('finds the level in a multi-line logger config, and keeps CRLF', () => {
    const original = crlf('import Config\n\nconfig :logger,\n  level: :debug,\n  compile_time_purge_matching: [[level_lower_than: :debug]]\n');
    const patched = injected(injectProdLogLevel(original));
    assert.equal(patched, original.replace('level: :debug,', 'level: :info,'));
    assert.match(patched, /level_lower_than: :debug/, 'only the level key changes');
    assertCrlf(patched);
  });

  it('keeps a level the user computes (it is theirs to decide), adding no second one', () => {
    const original = 'import Config\n\nconfig :logger, level: String.to_atom(System.get_env("BUILD_LOG_LEVEL", "info"))\n';
    assert.deepEqual(injectProdLogLevel(original), { kind: 'present' });
    assert.deepEqual(injectProdLogLevel('import Config\n\nconfig :logger,\n  level:\n    if(System.get_env("CI"), do: :warning, else: :info)\n'), { kind: 'present' });
  });

  it('keeps a level other than debug (TeslaMate: :info)', () => {
    assert.deepEqual(injectProdLogLevel(read('custom-teslamate/config/prod.exs')), { kind: 'present' });
  });

  it('adds the level when only a backend (`:console`) is configured, format-clean, once', () => {
    const original = 'import Config\n\nconfig :logger, :console, level: :debug\n';
    const patched = injected(injectProdLogLevel(original));
    assert.ok(patched.startsWith(original));
    assert.match(patched, /\nconfig :logger, level: :info\n$/);
    assert.deepEqual(formatProblems({ 'prod.exs': patched }), []);
    assert.deepEqual(injectProdLogLevel(patched), { kind: 'present' });
  });
});

describe('LOG_LEVEL override in runtime.exs', () => {
  const original = read('phx-1.7-postgres/config/runtime.exs');

  it('appends once, format-clean, CRLF kept', () => {
    const patched = injected(injectLogLevelOverride(original, 'shop'));
    assert.ok(patched.startsWith(original));
    assert.match(patched, /dokku config:set shop LOG_LEVEL=debug/);
    assert.doesNotMatch(patched, /to_existing_atom|String\.to_atom/, 'never turns arbitrary input into atoms');
    assert.deepEqual(formatProblems({ 'runtime.exs': patched }), []);
    assert.deepEqual(injectLogLevelOverride(patched, 'shop'), { kind: 'present' });
    assertCrlf(injected(injectLogLevelOverride(crlf(original), 'shop')));
  });
});

describe('/health route', () => {
  const routers = {
    '1.6': ['phx-1.6-postgres/lib/blog_web/router.ex', 'BlogWeb'],
    '1.7': ['phx-1.7-postgres/lib/shop_web/router.ex', 'ShopWeb'],
    '1.8': ['phx-1.8-postgres/lib/hello_web/router.ex', 'HelloWeb'],
    TeslaMate: ['custom-teslamate/lib/teslamate_web/router.ex', 'TeslaMateWeb'],
  } as const;

  for (const [name, [file, web]] of Object.entries(routers)) {
    it(`${name}: own scope without pipeline, before every other route, once, format-clean`, () => {
      const original = read(file);
      const patched = injected(injectHealthRoute(original, web));
      assertLinesKept(original, patched);
      const scope = patched.indexOf(`scope "/", ${web} do\n    get "/health", HealthController, :show\n  end\n`);
      assert.notEqual(scope, -1, patched);
      const lines = patched.split('\n');
      const firstRoute = lines.findIndex(line => /^ {2}(?:scope|forward|get|match|live|if)\b/.test(line));
      assert.match(lines[firstRoute + 1], /get "\/health"/, 'the health scope comes before any other route, catch-all or forward');
      assert.doesNotMatch(patched.slice(scope, patched.indexOf('  end\n', scope)), /pipe_through/);
      assert.deepEqual(injectHealthRoute(patched, web), { kind: 'present' });
      assert.deepEqual(formatProblems({ 'router.ex': patched }), []);
    });
  }

  it('TeslaMate: lands before the forward and the catch-all', () => {
    const patched = injected(injectHealthRoute(read(routers.TeslaMate[0]), 'TeslaMateWeb'));
    const health = patched.indexOf('get "/health"');
    assert.ok(health < patched.indexOf('forward "/api"') && health < patched.indexOf('get "/*path"'));
  });

  it('reports an existing /health route instead of adding a second one', () => {
    const router = read(routers['1.7'][0]).replace('get "/", PageController, :home', 'get "/", PageController, :home\n    get "/health", StatusController, :index');
    assert.equal(existingHealthRoute(router), 'get "/health", StatusController, :index');
    assert.deepEqual(injectHealthRoute(router, 'ShopWeb'), { kind: 'present' });
  });

  it('a /health under another scope path (/api/health) is not /health: it still adds its own', () => {
    const router = read(routers['1.7'][0]).replace(
      '  pipeline :api do',
      '  scope "/api", ShopWeb do\n    get "/health", Api.HealthController, :index\n  end\n\n  pipeline :api do',
    );
    assert.equal(existingHealthRoute(router), undefined);
    const patched = injected(injectHealthRoute(router, 'ShopWeb'));
    assert.match(patched, /scope "\/", ShopWeb do\n {4}get "\/health", HealthController, :show\n/);
    assertLinesKept(router, patched);
  });

  it('finds /health however the scopes and the route split the path, and `match :get`', () => {
    const inScope = (scope: string, route: string) => `defmodule ShopWeb.Router do\n  use ShopWeb, :router\n\n  ${scope} do\n    ${route}\n  end\nend\n`;
    assert.equal(existingHealthRoute(inScope('scope "/health", ShopWeb', 'get "/", StatusController, :index')), 'get "/", StatusController, :index');
    assert.equal(existingHealthRoute(inScope('scope path: "/"', 'match :get, "/health", StatusPlug, []')), 'match :get, "/health", StatusPlug, []');
    assert.equal(existingHealthRoute(inScope('scope "/", ShopWeb', 'forward "/health/", StatusPlug')), 'forward "/health/", StatusPlug');
    assert.equal(existingHealthRoute(inScope('scope "/status", ShopWeb', 'get "/health", StatusController, :index')), undefined);
  });

  it('goes above a top-level pipe_through, which would otherwise apply to it', () => {
    const router = 'defmodule ShopWeb.Router do\n  use ShopWeb, :router\n\n  pipeline :browser do\n    plug :accepts, ["html"]\n  end\n\n  pipe_through :browser\n\n  get "/", ShopWeb.PageController, :home\nend\n';
    const patched = injected(injectHealthRoute(router, 'ShopWeb'));
    assert.ok(patched.indexOf('get "/health"') < patched.indexOf('pipe_through :browser'), patched);
    assert.deepEqual(formatProblems({ 'router.ex': patched }), []);
  });

  it('ignores a commented-out /health route', () => {
    const router = read(routers['1.7'][0]).replace('  pipeline :api do', '  # get "/health", OldController, :index\n\n  pipeline :api do');
    assert.equal(existingHealthRoute(router), undefined);
  });

  it('keeps CRLF line endings', () => {
    const patched = injected(injectHealthRoute(crlf(read(routers['1.7'][0])), 'ShopWeb'));
    assertCrlf(patched);
    assert.deepEqual(injectHealthRoute(patched, 'ShopWeb'), { kind: 'present' });
  });

  it('gives the exact scope to add when there is no router module to anchor on', () => {
    const result = injectHealthRoute('defmodule ShopWeb.Router do\nend\n', 'ShopWeb', 'lib/shop_web/router.ex');
    assert.equal(result.kind, 'no-anchor');
    assert.match((result as { help: string }).help, /lib\/shop_web\/router\.ex[\s\S]*scope "\/", ShopWeb do\n\s+get "\/health", HealthController, :show\n\s+end/);
  });
});

describe('umbrella mix.exs release', () => {
  const original = read('phx-1.7-umbrella/mix.exs');

  it('adds releases: with every app after apps_path, once, format-clean', () => {
    const patched = injected(injectUmbrellaRelease(original, 'kitchen', ['kitchen', 'kitchen_web']));
    assertLinesKept(original, patched);
    assert.match(patched, /apps_path: "apps",\n {6}releases: \[\n {8}kitchen: \[\n {10}applications: \[\n {12}kitchen: :permanent,\n {12}kitchen_web: :permanent\n/);
    assert.deepEqual(formatProblems({ 'mix.exs': patched }), []);
    assert.deepEqual(injectUmbrellaRelease(patched, 'kitchen', ['kitchen', 'kitchen_web']), { kind: 'present' });
    assertCrlf(injected(injectUmbrellaRelease(crlf(original), 'kitchen', ['kitchen', 'kitchen_web'])));
  });

  it('gives the exact snippet when apps_path is not a literal it can anchor on', () => {
    const result = injectUmbrellaRelease(original.replace('apps_path: "apps",', 'apps_path: apps_path(),'), 'kitchen', ['kitchen', 'kitchen_web']);
    assert.equal(result.kind, 'no-anchor');
    assert.match((result as { help: string }).help, /releases: \[\n\s+kitchen: \[\n\s+applications: \[/);
  });
});

describe('generic helpers of patch.ts', () => {
  const edit = { anchor: /^import Config$/, position: 'after' as const, snippet: 'config :shop, :answer, 42', help: 'add config :shop, :answer, 42' };

  it('insertAtAnchor: applies once after the anchor line, present the second time, CRLF kept', () => {
    const patched = injected(insertAtAnchor('import Config\n\nconfig :shop, :x, 1\n', edit));
    assert.equal(patched, 'import Config\nconfig :shop, :answer, 42\n\nconfig :shop, :x, 1\n');
    assert.deepEqual(insertAtAnchor(patched, edit), { kind: 'present' });
    assert.equal(injected(insertAtAnchor(crlf('import Config\n\nconfig :shop, :x, 1\n'), edit)), crlf(patched));
  });

  it('insertAtAnchor: before the anchor line; no anchor gives the help', () => {
    assert.equal(injected(insertAtAnchor('a\nimport Config\n', { ...edit, position: 'before' })), 'a\nconfig :shop, :answer, 42\nimport Config\n');
    assert.deepEqual(insertAtAnchor('use Mix.Config\n', edit), { kind: 'no-anchor', help: edit.help });
  });

  it('appendBlock: one blank line before the block, once, CRLF kept', () => {
    const patched = injected(appendBlock('import Config\n\n\n', 'config :shop, :answer, 42'));
    assert.equal(patched, 'import Config\n\nconfig :shop, :answer, 42\n');
    assert.deepEqual(appendBlock(patched, 'config :shop, :answer, 42'), { kind: 'present' });
    assertCrlf(injected(appendBlock(crlf('import Config\n'), 'a\nb')));
  });
});
