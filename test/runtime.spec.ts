/**
 * phoenix-dokku:runtime (with :logger after it, as the main generator runs them): the
 * resulting config/runtime.exs is evaluated by Elixir's Config.Reader under real
 * environment variables, and the config it produces is asserted.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixture, fixture, readElixirConfig, rerunPiece, runCli, runPieces, snapshotDir, type ConfigResult, type RunResult } from './support/helpers.js';

interface Case {
  fixture: string;
  /** Dokku app name (the appName answer derived from the OTP app). */
  appName: string;
  webApp: string;
  endpoint: string;
  repo?: { app: string; module: string };
  sqlite?: boolean;
  /** config/runtime.exs did not exist before the run. */
  created?: boolean;
}

const CASES: Case[] = [
  { fixture: 'phx-1.6-postgres', appName: 'blog', webApp: 'blog', endpoint: 'BlogWeb.Endpoint', repo: { app: 'blog', module: 'Blog.Repo' } },
  { fixture: 'phx-1.7-postgres', appName: 'shop', webApp: 'shop', endpoint: 'ShopWeb.Endpoint', repo: { app: 'shop', module: 'Shop.Repo' } },
  { fixture: 'phx-1.8-postgres', appName: 'hello', webApp: 'hello', endpoint: 'HelloWeb.Endpoint', repo: { app: 'hello', module: 'Hello.Repo' } },
  { fixture: 'phx-1.7-mysql', appName: 'ledger', webApp: 'ledger', endpoint: 'LedgerWeb.Endpoint', repo: { app: 'ledger', module: 'Ledger.Repo' } },
  { fixture: 'phx-1.7-umbrella', appName: 'kitchen', webApp: 'kitchen_web', endpoint: 'KitchenWeb.Endpoint', repo: { app: 'kitchen', module: 'Kitchen.Repo' } },
  { fixture: 'phx-1.7-sqlite', appName: 'tasks', webApp: 'tasks', endpoint: 'TasksWeb.Endpoint', repo: { app: 'tasks', module: 'Tasks.Repo' }, sqlite: true },
  { fixture: 'phx-1.7-no-ecto', appName: 'notes', webApp: 'notes', endpoint: 'NotesWeb.Endpoint' },
  { fixture: 'phx-1.5-legacy', appName: 'legacy', webApp: 'legacy', endpoint: 'LegacyWeb.Endpoint', repo: { app: 'legacy', module: 'Legacy.Repo' }, created: true },
];

const SECRET = 'a'.repeat(64);

/** What Dokku would have set after the documented commands. */
function dokkuEnv(c: Case): Record<string, string> {
  return {
    SECRET_KEY_BASE: SECRET,
    PHX_HOST: `${c.appName}.example.org`,
    PORT: '5000',
    POOL_SIZE: '7',
    ...(c.repo ? (c.sqlite ? { DATABASE_PATH: `/data/${c.appName}.db` } : { DATABASE_URL: `postgres://postgres:pw@dokku-postgres-${c.appName}-db:5432/${c.appName}_db` }) : {}),
  };
}

function configOf(result: ConfigResult): Record<string, any> {
  assert.equal(result.raised, undefined, `runtime.exs raised: ${result.raised}`);
  return result.config!;
}

function without(env: Record<string, string>, name: string): Record<string, string> {
  const { [name]: _, ...rest } = env;
  return rest;
}

for (const c of CASES) {
  describe(`phoenix-dokku:runtime + :logger on ${c.fixture}`, () => {
    let result: RunResult;
    let runtimeExs: string;
    const env = dokkuEnv(c);
    const evaluate = (vars: Record<string, string>) => readElixirConfig(runtimeExs, vars);

    before(async () => {
      result = await runPieces(['runtime', 'logger'], c.fixture);
      runtimeExs = join(result.cwd, 'config/runtime.exs');
    });

    it('boots with the Dokku variables: endpoint URL https/443 on PHX_HOST, binds PORT on every interface, secret', () => {
      const endpoint = configOf(evaluate(env))[c.webApp][c.endpoint];
      assert.equal(endpoint.url.host, env.PHX_HOST);
      assert.equal(endpoint.url.scheme, 'https');
      assert.equal(endpoint.url.port, 443);
      assert.equal(endpoint.http.port, 5000);
      assert.deepEqual(endpoint.http.ip, [0, 0, 0, 0, 0, 0, 0, 0]);
      assert.equal(endpoint.secret_key_base, SECRET);
    });

    it('starts the server if and only if PHX_SERVER is set', () => {
      assert.equal(configOf(evaluate({ ...env, PHX_SERVER: 'true' }))[c.webApp][c.endpoint].server, true);
      assert.equal(configOf(evaluate(env))[c.webApp][c.endpoint].server, undefined);
    });

    if (c.repo) {
      const repo = c.repo;
      it(`configures ${repo.module} from ${c.sqlite ? 'DATABASE_PATH' : 'DATABASE_URL'} and POOL_SIZE`, () => {
        const config = configOf(evaluate(env))[repo.app][repo.module];
        if (c.sqlite) assert.equal(config.database, env.DATABASE_PATH);
        else assert.equal(config.url, env.DATABASE_URL);
        assert.equal(config.pool_size, 7);
      });

      if (!c.sqlite) {
        it('connects over IPv6 only when ECTO_IPV6 is true', () => {
          assert.deepEqual(configOf(evaluate({ ...env, ECTO_IPV6: 'true' }))[repo.app][repo.module].socket_options, [':inet6']);
          assert.deepEqual(configOf(evaluate(env))[repo.app][repo.module].socket_options, []);
        });
      }

      const variable = c.sqlite ? 'DATABASE_PATH' : 'DATABASE_URL';
      it(`a missing ${variable} stops the boot naming it and the Dokku command`, () => {
        const { raised } = evaluate(without(env, variable));
        assert.match(raised ?? '', new RegExp(`environment variable ${variable} is missing`));
        if (c.sqlite) assert.match(raised!, new RegExp(`dokku config:set ${c.appName} DATABASE_PATH=`));
        else assert.match(raised!, new RegExp(`dokku (?:postgres|mysql):link ${c.appName}-db ${c.appName}`));
      });
    }

    it('a missing SECRET_KEY_BASE stops the boot naming it and dokku config:set', () => {
      const { raised } = evaluate(without(env, 'SECRET_KEY_BASE'));
      assert.match(raised ?? '', /environment variable SECRET_KEY_BASE is missing/);
      assert.match(raised!, new RegExp(`dokku config:set ${c.appName} SECRET_KEY_BASE=`));
    });

    it('a missing PHX_HOST stops the boot instead of serving example.com', () => {
      const { raised } = evaluate(without(env, 'PHX_HOST'));
      assert.match(raised ?? '', /environment variable PHX_HOST is missing/);
      assert.match(raised!, new RegExp(`dokku config:set ${c.appName} PHX_HOST=`));
    });

    it('LOG_LEVEL sets the logger level at boot; unknown values mean info; unset leaves prod.exs in charge', () => {
      const level = (value?: string) => configOf(evaluate(value === undefined ? env : { ...env, LOG_LEVEL: value })).logger?.level;
      assert.equal(level('debug'), ':debug');
      assert.equal(level('WARNING'), ':warning');
      assert.equal(level('error'), ':error');
      assert.equal(level('info'), ':info');
      assert.equal(level('verbose'), ':info');
      assert.equal(level(), undefined);
    });

    it('never emits System.get_env!/1, which does not exist', () => {
      assert.doesNotMatch(readFileSync(runtimeExs, 'utf8'), /get_env!/);
    });

    if (!c.created) {
      it('keeps every line of the original runtime.exs', () => {
        const after = readFileSync(runtimeExs, 'utf8').split('\n');
        for (const line of readFileSync(fixture(`${c.fixture}/config/runtime.exs`), 'utf8').split('\n')) assert.ok(after.includes(line), `lost: ${line}`);
      });
    }

    it('a second run changes no byte', async () => {
      const first = snapshotDir(result.cwd);
      await rerunPiece(await rerunPiece(result, 'runtime'), 'logger');
      assert.deepEqual(snapshotDir(result.cwd), first);
    });
  });
}

describe('phoenix-dokku:runtime on the customised TeslaMate config', () => {
  let result: RunResult;
  // Its own variables (it needs no DATABASE_URL; it reads DATABASE_USER, ... and fetch_env!s them in prod).
  const env = {
    DATABASE_USER: 'tm',
    DATABASE_PASS: 'secret',
    DATABASE_NAME: 'teslamate',
    DATABASE_HOST: 'db',
    ENCRYPTION_KEY: 'k',
    DISABLE_MQTT: 'true',
    SECRET_KEY_BASE: SECRET,
    VIRTUAL_HOST: 'tm.example.org',
  };
  const evaluate = (vars: Record<string, string>) => readElixirConfig(join(result.cwd, 'config/runtime.exs'), vars);

  before(async () => {
    result = await runPieces(['runtime', 'logger'], 'custom-teslamate');
  });

  it('still evaluates with its own variables, its repo and URL config untouched', () => {
    const config = configOf(evaluate(env)).teslamate;
    assert.equal(config['TeslaMate.Repo'].username, 'tm');
    assert.equal(config['TeslaMate.Repo'].url, undefined, 'no DATABASE_URL forced onto a repo configured another way');
    assert.equal(config['TeslaMateWeb.Endpoint'].url.host, 'tm.example.org');
  });

  it('still fails its own way when one of its variables is missing', () => {
    assert.match(evaluate(without(env, 'DATABASE_USER')).raised ?? '', /DATABASE_USER/);
  });

  it('gains LOG_LEVEL, and no PHX_SERVER switch: its config/prod.exs already sets server: true', () => {
    assert.equal(configOf(evaluate({ ...env, LOG_LEVEL: 'debug' })).logger.level, ':debug');
    assert.doesNotMatch(readFileSync(join(result.cwd, 'config/runtime.exs'), 'utf8'), /PHX_SERVER/);
  });

  it('keeps every line of its runtime.exs', () => {
    const after = readFileSync(join(result.cwd, 'config/runtime.exs'), 'utf8');
    assert.ok(after.startsWith(readFileSync(fixture('custom-teslamate/config/runtime.exs'), 'utf8')));
  });

  it('a second run changes no byte', async () => {
    const first = snapshotDir(result.cwd);
    await rerunPiece(await rerunPiece(result, 'runtime'), 'logger');
    assert.deepEqual(snapshotDir(result.cwd), first);
  });
});

describe('phoenix-dokku runtime summary', () => {
  it('lists, at file:line, what the customised config must change by hand; what it reads its own way needs nothing', async () => {
    const result = await runPieces(['runtime'], 'custom-teslamate');
    const run = runCli(result.cwd, ['runtime', '--yes']);
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /Do by hand\n {2}\[runtime\] config\/runtime\.exs:95 makes the endpoint's public URL http:\/\/\.\.\.:80\. Behind Dokku's TLS proxy/);
    assert.match(run.output, /config\/runtime\.exs:91 computes the endpoint's http: options \(Util\.choose_http_binding_address\(\)\)/);
    assert.doesNotMatch(run.output, /PHX_HOST|DATABASE_URL/, 'its VIRTUAL_HOST and DATABASE_USER/... stay its variables');
  });

  it('says what prod.secret.exs and releases.exs still do next to the new runtime.exs', async () => {
    const result = await runPieces(['runtime'], 'phx-1.5-legacy');
    const run = runCli(result.cwd, ['runtime', '--yes']);
    assert.equal(run.status, 0, run.output);
    // yeoman-test ran with --force: the import was commented out (kept as a comment); a --yes run alone would only say so.
    assert.match(readFileSync(join(result.cwd, 'config/prod.exs'), 'utf8'), /^# import_config "prod\.secret\.exs"$/m);
    const plain = copyFixture('phx-1.5-legacy', 'pd-runtime');
    const told = runCli(plain, ['runtime', '--yes']);
    assert.equal(told.status, 0, told.output);
    assert.match(told.output, /config\/prod\.secret\.exs still runs when the release is BUILT[\s\S]*remove that import_config line/);
    assert.match(readFileSync(join(plain, 'config/prod.exs'), 'utf8'), /^import_config "prod\.secret\.exs"$/m);
    assert.match(run.output, /config\/releases\.exs is ignored by mix release now that config\/runtime\.exs exists/);
  });
});
