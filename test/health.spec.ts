/**
 * phoenix-dokku:health: the controller (compiled with --warnings-as-errors and exercised
 * against a healthy, failing, raising and hanging repo) and its route.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileWithStubs, elixirStubs, type Compiled } from './support/elixir-stubs.js';
import { elixirProblems, fixture, rerunPiece, runCli, runPiece, snapshotDir, type RunResult } from './support/helpers.js';

const read = (cwd: string, path: string) => readFileSync(join(cwd, path), 'utf8');

/** Calls show/2 once per scenario and prints `mode status body` lines. */
const scenarios = (controller: string, repos: string[]) => `
Logger.configure_backend(:console, format: "LOG $level $message\\n")
for mode <- [:ok, :error, :raise, :exit] do
  for repo <- ${`[${repos.join(', ')}]`}, do: Process.put({:health_mode, repo}, :ok)
  ${repos.length ? `Process.put({:health_mode, ${repos[repos.length - 1]}}, mode)` : ''}
  conn = ${controller}.show(%{status: 200, body: nil}, %{})
  IO.puts("RESULT #{mode} #{conn.status} #{inspect(conn.body)}")
end
receive do
  {:query_opts, _repo, opts} -> IO.puts("TIMEOUT #{opts[:timeout]}")
after
  0 -> IO.puts("TIMEOUT none")
end
Logger.flush()
`;

describe('phoenix-dokku:health on phx-1.7-postgres', () => {
  let result: RunResult;
  let compiled: Compiled;
  const controllerFile = 'lib/shop_web/controllers/health_controller.ex';
  before(async () => {
    result = await runPiece('health', 'phx-1.7-postgres');
    compiled = compileWithStubs([join(result.cwd, controllerFile)], elixirStubs('ShopWeb', ['Shop.Repo']));
  });
  after(() => compiled?.cleanup());

  it('writes ShopWeb.HealthController with `use ShopWeb, :controller`, format-clean', () => {
    const source = read(result.cwd, controllerFile);
    assert.match(source, /^defmodule ShopWeb\.HealthController do\n[\s\S]*\n {2}use ShopWeb, :controller\n/);
    assert.match(source, /defp repos, do: \[Shop\.Repo\]/);
    assert.deepEqual(elixirProblems([join(result.cwd, controllerFile), join(result.cwd, 'lib/shop_web/router.ex')]), []);
  });

  it('compiles without warnings', () => assert.equal(compiled.status, 0, compiled.output));

  it('answers 200 {"status":"ok"} when the repo answers, 503 with a generic body when it fails, raises or hangs', () => {
    const run = compiled.run(scenarios('ShopWeb.HealthController', ['Shop.Repo']));
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /RESULT ok 200 %\{status: "ok"\}/);
    for (const mode of ['error', 'raise', 'exit']) assert.match(run.output, new RegExp(`RESULT ${mode} service_unavailable %\\{status: "error"\\}`), run.output);
    assert.doesNotMatch(run.output.split('\n').filter(line => line.startsWith('RESULT')).join('\n'), /password|connection|timeout/, 'no error detail in the body');
  });

  it('logs the reason at :error and queries with a short timeout', () => {
    const run = compiled.run(scenarios('ShopWeb.HealthController', ['Shop.Repo']));
    assert.match(run.output, /LOG error .*Shop\.Repo: password authentication failed/);
    assert.match(run.output, /LOG error .*Shop\.Repo: connection not available/);
    const timeout = Number(/TIMEOUT (\d+)/.exec(run.output)?.[1]);
    assert.ok(timeout > 0 && timeout < 5000, `query timeout ${timeout} ms stays under Dokku's 5 s check timeout`);
  });

  it('routes GET /health in its own scope without pipeline, before the browser scope', () => {
    const router = read(result.cwd, 'lib/shop_web/router.ex');
    assert.match(router, /\n {2}scope "\/", ShopWeb do\n {4}get "\/health", HealthController, :show\n {2}end\n/);
    assert.ok(router.indexOf('get "/health"') < router.indexOf('pipe_through :browser'));
    for (const line of readFileSync(fixture('phx-1.7-postgres/lib/shop_web/router.ex'), 'utf8').split('\n')) assert.ok(router.includes(line), `lost: ${line}`);
  });

  it('a second run adds nothing and changes no byte', async () => {
    const first = snapshotDir(result.cwd);
    await rerunPiece(result, 'health');
    assert.deepEqual(snapshotDir(result.cwd), first);
    assert.equal(read(result.cwd, 'lib/shop_web/router.ex').match(/"\/health"/g)?.length, 1);
  });
});

describe('phoenix-dokku:health on phx-1.6-postgres', () => {
  let result: RunResult;
  before(async () => {
    result = await runPiece('health', 'phx-1.6-postgres');
  });

  it('uses the 1.6 web module (json/2 works without a view) and compiles without warnings', () => {
    const file = join(result.cwd, 'lib/blog_web/controllers/health_controller.ex');
    assert.match(readFileSync(file, 'utf8'), /\n {2}use BlogWeb, :controller\n/);
    const compiled = compileWithStubs([file], elixirStubs('BlogWeb', ['Blog.Repo']));
    try {
      assert.equal(compiled.status, 0, compiled.output);
      assert.match(compiled.run(scenarios('BlogWeb.HealthController', ['Blog.Repo'])).output, /RESULT raise service_unavailable/);
    } finally {
      compiled.cleanup();
    }
  });
});

describe('phoenix-dokku:health on the umbrella', () => {
  let result: RunResult;
  before(async () => {
    result = await runPiece('health', 'phx-1.7-umbrella');
  });

  it('puts the controller in the web app and checks the other app\'s repo', () => {
    const source = read(result.cwd, 'apps/kitchen_web/lib/kitchen_web/controllers/health_controller.ex');
    assert.match(source, /defmodule KitchenWeb\.HealthController do/);
    assert.match(source, /defp repos, do: \[Kitchen\.Repo\]/);
    assert.match(read(result.cwd, 'apps/kitchen_web/lib/kitchen_web/router.ex'), /scope "\/", KitchenWeb do\n {4}get "\/health", HealthController, :show/);
  });
});

describe('phoenix-dokku:health without Ecto (phx-1.7-no-ecto)', () => {
  let result: RunResult;
  before(async () => {
    result = await runPiece('health', 'phx-1.7-no-ecto');
  });

  it('answers 200 whenever the endpoint is up, compiles without warnings', () => {
    const file = join(result.cwd, 'lib/notes_web/controllers/health_controller.ex');
    const source = readFileSync(file, 'utf8');
    assert.doesNotMatch(source, /Repo|Logger/);
    const compiled = compileWithStubs([file], elixirStubs('NotesWeb', []));
    try {
      assert.equal(compiled.status, 0, compiled.output);
      assert.match(compiled.run(scenarios('NotesWeb.HealthController', [])).output, /RESULT ok 200 %\{status: "ok"\}/);
    } finally {
      compiled.cleanup();
    }
  });

  it('says in the summary that there is no database to check', () => {
    const run = runCli(result.cwd, ['health', '--yes']);
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /no database to check/);
  });
});

describe('phoenix-dokku:health on TeslaMate (forward and catch-all route)', () => {
  let result: RunResult;
  before(async () => {
    result = await runPiece('health', 'custom-teslamate');
  });

  it('puts /health before `forward "/api"` and the `/*path` catch-all', () => {
    const router = read(result.cwd, 'lib/teslamate_web/router.ex');
    const health = router.indexOf('get "/health", HealthController, :show');
    assert.ok(health > 0 && health < router.indexOf('forward "/api"') && health < router.indexOf('get "/*path"'));
    assert.deepEqual(elixirProblems([join(result.cwd, 'lib/teslamate_web/router.ex')]), []);
  });
});

describe('phoenix-dokku:health with a /health route of the project', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pd-health-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the route, adds no second one and no controller, and says so', () => {
    cpSync(fixture('phx-1.7-postgres'), dir, { recursive: true });
    const routerFile = join(dir, 'lib/shop_web/router.ex');
    const router = readFileSync(routerFile, 'utf8').replace('get "/", PageController, :home', 'get "/", PageController, :home\n    get "/health", StatusController, :index');
    writeFileSync(routerFile, router);
    const run = runCli(dir, ['health', '--yes']);
    assert.equal(run.status, 0, run.output);
    assert.equal(readFileSync(routerFile, 'utf8'), router);
    assert.equal(existsSync(join(dir, 'lib/shop_web/controllers/health_controller.ex')), false);
    assert.match(run.output, /already routes \/health \(get "\/health", StatusController, :index\)/);
  });

  it('a /health under /api is /api/health: Dokku\'s GET /health still gets its route and controller', () => {
    const apiDir = mkdtempSync(join(tmpdir(), 'pd-health-'));
    try {
      cpSync(fixture('phx-1.7-postgres'), apiDir, { recursive: true });
      const routerFile = join(apiDir, 'lib/shop_web/router.ex');
      const router = readFileSync(routerFile, 'utf8').replace(
        '  # Other scopes may use custom stacks.\n  # scope "/api", ShopWeb do\n  #   pipe_through :api\n  # end\n',
        '  scope "/api", ShopWeb do\n    pipe_through :api\n\n    get "/health", StatusController, :index\n  end\n',
      );
      assert.match(router, /scope "\/api", ShopWeb do\n {4}pipe_through :api\n\n {4}get "\/health"/, 'fixture edit applied');
      writeFileSync(routerFile, router);
      const run = runCli(apiDir, ['health', '--yes']);
      assert.equal(run.status, 0, run.output);
      const patched = readFileSync(routerFile, 'utf8');
      assert.match(patched, /scope "\/", ShopWeb do\n {4}get "\/health", HealthController, :show\n {2}end\n/);
      assert.ok(patched.includes('    get "/health", StatusController, :index\n'), 'the /api/health route is kept');
      assert.ok(existsSync(join(apiDir, 'lib/shop_web/controllers/health_controller.ex')));
      assert.doesNotMatch(run.output, /already routes \/health/);
    } finally {
      rmSync(apiDir, { recursive: true, force: true });
    }
  });
});

describe('phoenix-dokku:health when the web module has no `controller` helper', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(dir => rmSync(dir, { recursive: true, force: true })));

  for (const [name, web, repos] of [
    ['phx-1.7-postgres', 'ShopWeb', ['Shop.Repo']],
    ['phx-1.7-no-ecto', 'NotesWeb', []],
  ] as const) {
    it(`${name}: uses Phoenix.Controller directly and still compiles without warnings`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'pd-health-'));
      dirs.push(dir);
      cpSync(fixture(name), dir, { recursive: true });
      const webFile = join(dir, `lib/${name === 'phx-1.7-postgres' ? 'shop' : 'notes'}_web.ex`);
      writeFileSync(webFile, readFileSync(webFile, 'utf8').replace('def controller do', 'def api_controller do'));
      const run = runCli(dir, ['health', '--yes']);
      assert.equal(run.status, 0, run.output);
      const file = join(dir, `lib/${name === 'phx-1.7-postgres' ? 'shop' : 'notes'}_web/controllers/health_controller.ex`);
      const source = readFileSync(file, 'utf8');
      assert.match(source, /\n {2}use Phoenix\.Controller, formats: \[:json\]\n/);
      assert.doesNotMatch(source, new RegExp(`use ${web}, :controller`));
      assert.deepEqual(elixirProblems([file]), []);
      const compiled = compileWithStubs([file], elixirStubs(web, [...repos]));
      try {
        assert.equal(compiled.status, 0, compiled.output);
        assert.match(compiled.run(scenarios(`${web}.HealthController`, [...repos])).output, /RESULT ok 200 %\{status: "ok"\}/);
      } finally {
        compiled.cleanup();
      }
    });
  }
});
