/**
 * `phoenix-dokku doctor` and the audit rules it shares with the generator: every rule finds a
 * fault planted in a real-shaped project at the right file and line, and passes once the file is
 * fixed; the command is read-only, exits 1 on a fail, and prints the documented --json.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAudit, RULES, type RuleResult } from '../generators/support/audit-rules.js';
import { guardFlyEnv } from '../generators/support/dokku.js';
import { readPhoenixProject } from '../generators/support/project.js';
import { copyFixture, runCli, snapshotDir } from './support/helpers.js';

type Edits = Record<string, ((content: string) => string) | null>;

interface Case {
  rule: string;
  fixture: string;
  strategy: 'dockerfile' | 'buildpack';
  /** The planted fault: file edits (null deletes the file). */
  fault: Edits;
  /** Where the finding must point: file, and a text on the line (or the line number). */
  at: { file: string; line?: string | number };
  level: 'fail' | 'warn';
  /** The fixed project (the fault's edits, then these); it must pass. */
  fix: Edits;
}

const replace = (from: string, to: string) => (content: string) => {
  assert.ok(content.includes(from), `planted fault: "${from}" not found`);
  return content.replace(from, to);
};
const append = (text: string) => (content: string) => content.replace(/\s*$/, '\n') + text;

const PROCFILE_RELEASE = 'web: /app/bin/server\nrelease: /app/bin/migrate\n';
const APP_JSON = JSON.stringify({ healthchecks: { web: [{ type: 'startup', path: '/health' }] } });

const cases: Case[] = [
  { rule: 'no-system-get-env-bang', fixture: 'phx-1.7-postgres', strategy: 'dockerfile', level: 'fail',
    fault: { 'config/runtime.exs': append('config :shop, :mailer_key, System.get_env!("MAILER_KEY")\n') },
    at: { file: 'config/runtime.exs', line: 'System.get_env!("MAILER_KEY")' },
    fix: { 'config/runtime.exs': replace('System.get_env!("MAILER_KEY")', 'System.fetch_env!("MAILER_KEY")') } },
  { rule: 'env-read-at-compile-time', fixture: 'phx-1.7-postgres', strategy: 'dockerfile', level: 'fail',
    fault: { 'config/prod.exs': append('config :shop, :api_key, System.fetch_env!("API_KEY")\n') },
    at: { file: 'config/prod.exs', line: 'System.fetch_env!("API_KEY")' },
    fix: { 'config/prod.exs': replace('config :shop, :api_key, System.fetch_env!("API_KEY")\n', ''), 'config/runtime.exs': append('config :shop, :api_key, System.fetch_env!("API_KEY")\n') } },
  { rule: 'no-secret-literals', fixture: 'phx-1.7-postgres', strategy: 'dockerfile', level: 'fail',
    fault: { 'config/runtime.exs': append('config :shop, ShopWeb.Endpoint, secret_key_base: "a-literal-secret-key-base-in-git"\n') },
    at: { file: 'config/runtime.exs', line: 'a-literal-secret-key-base-in-git' },
    fix: { 'config/runtime.exs': replace('"a-literal-secret-key-base-in-git"', 'System.fetch_env!("SECRET_KEY_BASE")') } },
  { rule: 'server-started', fixture: 'phx-1.7-postgres', strategy: 'dockerfile', level: 'fail',
    fault: { 'config/runtime.exs': replace('if System.get_env("PHX_SERVER") do\n  config :shop, ShopWeb.Endpoint, server: true\nend\n', '') },
    at: { file: 'config/runtime.exs' },
    fix: { 'config/runtime.exs': append('config :shop, ShopWeb.Endpoint, server: true\n') } },
  { rule: 'host-not-example', fixture: 'phx-1.7-postgres', strategy: 'dockerfile', level: 'fail',
    fault: { 'config/runtime.exs': replace('url: [host: host, port: 443, scheme: "https"]', 'url: [host: "example.com", port: 443, scheme: "https"]') },
    at: { file: 'config/runtime.exs', line: 'url: [host: "example.com"' },
    fix: { 'config/runtime.exs': replace('url: [host: "example.com", port: 443, scheme: "https"]', 'url: [host: System.fetch_env!("PHX_HOST"), port: 443, scheme: "https"]') } },
  { rule: 'force-ssl-behind-proxy', fixture: 'phx-1.8-postgres', strategy: 'dockerfile', level: 'fail',
    fault: { 'config/prod.exs': replace('rewrite_on: [:x_forwarded_proto],\n', '') },
    at: { file: 'config/prod.exs', line: 'force_ssl: [' },
    fix: { 'config/prod.exs': replace('force_ssl: [', 'force_ssl: [\n    rewrite_on: [:x_forwarded_proto],') } },
  { rule: 'log-level-not-debug', fixture: 'phx-1.7-postgres', strategy: 'dockerfile', level: 'warn',
    fault: { 'config/prod.exs': append('config :logger, level: :debug\n') },
    at: { file: 'config/prod.exs', line: 'level: :debug' },
    fix: { 'config/prod.exs': replace('level: :debug', 'level: :info') } },
  { rule: 'required-variables-set', fixture: 'phx-1.7-postgres', strategy: 'dockerfile', level: 'warn',
    fault: { 'config/runtime.exs': append('config :shop, :stripe, key: System.fetch_env!("STRIPE_KEY")\n') },
    at: { file: 'config/runtime.exs', line: 'STRIPE_KEY' },
    fix: { 'config/runtime.exs': replace('System.fetch_env!("STRIPE_KEY")', 'System.get_env("STRIPE_KEY")') } },
  { rule: 'env-sh-platform', fixture: 'fly-launch', strategy: 'dockerfile', level: 'fail',
    fault: {}, at: { file: 'rel/env.sh.eex', line: 'export ERL_AFLAGS' },
    fix: { 'rel/env.sh.eex': content => (guardFlyEnv(content) as { content: string }).content } },
  { rule: 'release-migrates-without-mix', fixture: 'phx-1.7-release', strategy: 'dockerfile', level: 'fail',
    fault: { 'Procfile': () => 'web: /app/bin/server\nrelease: mix ecto.migrate\n' },
    at: { file: 'Procfile', line: 'release: mix ecto.migrate' },
    fix: { 'Procfile': () => PROCFILE_RELEASE } },
  { rule: 'migrations-before-traffic', fixture: 'phx-1.7-release', strategy: 'dockerfile', level: 'fail',
    fault: { 'app.json': () => JSON.stringify({ scripts: { dokku: { postdeploy: '/app/bin/migrate' } } }, null, 2) + '\n', 'Procfile': () => 'web: /app/bin/server\n' },
    at: { file: 'app.json', line: '/app/bin/migrate' },
    fix: { 'app.json': () => '{}\n', 'Procfile': () => PROCFILE_RELEASE } },
  { rule: 'procfile-matches-build', fixture: 'phx-1.7-release', strategy: 'dockerfile', level: 'fail',
    fault: { 'Procfile': () => 'web: mix phx.server\nrelease: /app/bin/migrate\n' },
    at: { file: 'Procfile', line: 1 },
    fix: { 'Procfile': () => PROCFILE_RELEASE } },
  { rule: 'app-json-startup-check', fixture: 'phx-1.7-release', strategy: 'dockerfile', level: 'warn',
    fault: { 'app.json': () => '{"scripts": {}}\n' }, at: { file: 'app.json' },
    fix: { 'app.json': () => APP_JSON } },
  { rule: 'health-route', fixture: 'phx-1.7-postgres', strategy: 'dockerfile', level: 'fail',
    fault: {}, at: { file: 'lib/shop_web/router.ex' },
    fix: { 'lib/shop_web/router.ex': replace('  pipeline :browser do', '  scope "/", ShopWeb do\n    get "/health", StatusController, :show\n  end\n\n  pipeline :browser do') } },
  { rule: 'health-route', fixture: 'phx-1.7-postgres', strategy: 'dockerfile', level: 'fail',
    fault: { 'lib/shop_web/router.ex': replace('  pipeline :browser do', '  get "/*path", PageController, :not_found\n  get "/health", StatusController, :show\n\n  pipeline :browser do') },
    at: { file: 'lib/shop_web/router.ex', line: 'get "/health"' },
    fix: { 'lib/shop_web/router.ex': replace('  get "/*path", PageController, :not_found\n  get "/health", StatusController, :show\n', '  get "/health", StatusController, :show\n  get "/*path", PageController, :not_found\n') } },
  { rule: 'health-route', fixture: 'kamal-app', strategy: 'dockerfile', level: 'warn',
    fault: { 'lib/ledgerly_web/router.ex': replace('get "/up", HealthController, :index', 'get "/health", HealthController, :index') },
    at: { file: 'lib/ledgerly_web/router.ex', line: 'get "/health"' },
    fix: {
      'lib/ledgerly_web/router.ex': content => content.replace('    get "/health", HealthController, :index\n', '').replace('  pipeline :browser do', '  scope "/", LedgerlyWeb do\n    get "/health", HealthController, :index\n  end\n\n  pipeline :browser do'),
      'lib/ledgerly_web/controllers/health_controller.ex': replace('    send_resp(conn, 200, "ok")', '    case Ledgerly.Repo.query("SELECT 1") do\n      {:ok, _} -> send_resp(conn, 200, "ok")\n      {:error, _} -> send_resp(conn, 503, "error")\n    end'),
    } },
  { rule: 'dockerfile-assets-before-release', fixture: 'phx-1.7-release', strategy: 'dockerfile', level: 'fail',
    fault: { Dockerfile: content => content.replace('RUN mix assets.deploy\n', '').replace('RUN mix release\n', 'RUN mix release\nRUN mix assets.deploy\n') },
    at: { file: 'Dockerfile', line: 'RUN mix release' },
    fix: { Dockerfile: content => content.replace('RUN mix release\nRUN mix assets.deploy\n', 'RUN mix assets.deploy\nRUN mix release\n') } },
  { rule: 'dockerfile-compile-before-assets', fixture: 'phx-1.8-postgres', strategy: 'dockerfile', level: 'fail',
    fault: { Dockerfile: () => readFileSync(join(copyOf('phx-1.7-release'), 'Dockerfile'), 'utf8').replace(/rel\/relay/g, 'rel/hello') },
    at: { file: 'Dockerfile', line: 'RUN mix assets.deploy' },
    fix: { Dockerfile: content => content.replace('RUN mix assets.deploy\n', '').replace('RUN mix compile\n', 'RUN mix compile\nRUN mix assets.deploy\n') } },
  { rule: 'dockerfile-starts-server', fixture: 'phx-1.7-release', strategy: 'dockerfile', level: 'fail',
    fault: { Dockerfile: replace('CMD ["/app/bin/server"]', 'CMD ["/app/bin/relay", "start"]'), Procfile: null },
    at: { file: 'Dockerfile', line: 'CMD ["/app/bin/relay", "start"]' },
    fix: { Dockerfile: replace('CMD ["/app/bin/relay", "start"]', 'ENV PHX_SERVER=true\nCMD ["/app/bin/relay", "start"]'), Procfile: () => PROCFILE_RELEASE } },
  { rule: 'dockerfile-expose', fixture: 'phx-1.7-release', strategy: 'dockerfile', level: 'warn',
    fault: { Dockerfile: replace('USER nobody', 'USER nobody\nEXPOSE 4000') }, at: { file: 'Dockerfile', line: 'EXPOSE 4000' },
    fix: { Dockerfile: replace('EXPOSE 4000\n', '') } },
  { rule: 'dockerfile-runner-libraries', fixture: 'phx-1.7-release', strategy: 'dockerfile', level: 'warn',
    fault: { Dockerfile: replace('libstdc++6 openssl libncurses5', 'libstdc++6 libncurses5') }, at: { file: 'Dockerfile', line: 'FROM ${RUNNER_IMAGE}' },
    fix: { Dockerfile: replace('libstdc++6 libncurses5', 'libstdc++6 openssl libncurses5') } },
  { rule: 'dockerfile-not-root', fixture: 'phx-1.7-release', strategy: 'dockerfile', level: 'warn',
    fault: { Dockerfile: replace('USER nobody\n', '') }, at: { file: 'Dockerfile', line: 'FROM ${RUNNER_IMAGE}' },
    fix: { Dockerfile: replace('CMD ["/app/bin/server"]', 'USER nobody\nCMD ["/app/bin/server"]') } },
  { rule: 'dockerfile-no-secrets', fixture: 'phx-1.7-release', strategy: 'dockerfile', level: 'fail',
    fault: { Dockerfile: replace('ENV MIX_ENV="prod"\n\n# Only copy', 'ENV MIX_ENV="prod"\nENV SECRET_KEY_BASE=abcdefabcdef\n\n# Only copy') }, at: { file: 'Dockerfile', line: 'ENV SECRET_KEY_BASE' },
    fix: { Dockerfile: replace('ENV SECRET_KEY_BASE=abcdefabcdef\n', '') } },
  { rule: 'dockerfile-no-env-files', fixture: 'phx-1.7-release', strategy: 'dockerfile', level: 'fail',
    fault: { Dockerfile: replace('COPY lib lib', 'COPY lib lib\nCOPY .env .env') }, at: { file: 'Dockerfile', line: 'COPY .env .env' },
    fix: { Dockerfile: replace('COPY .env .env\n', '') } },
  { rule: 'dockerfile-no-fly-networking', fixture: 'fly-launch', strategy: 'dockerfile', level: 'fail',
    fault: {}, at: { file: 'Dockerfile', line: 'ENV ECTO_IPV6 true' },
    fix: { Dockerfile: content => content.replace('ENV ECTO_IPV6 true\n', '').replace('ENV ERL_AFLAGS "-proto_dist inet6_tcp"\n', '') } },
  { rule: 'one-builder', fixture: 'phx-1.7-release', strategy: 'dockerfile', level: 'warn',
    fault: { '.buildpacks': () => 'https://github.com/gigalixir/gigalixir-buildpack-elixir\n' }, at: { file: '.buildpacks' },
    fix: { '.buildpacks': null } },
  { rule: 'build-files-present', fixture: 'phx-1.7-release', strategy: 'dockerfile', level: 'fail',
    fault: { Dockerfile: null }, at: { file: 'Dockerfile' },
    fix: { Dockerfile: () => readFileSync(join(copyOf('phx-1.7-release'), 'Dockerfile'), 'utf8'), Procfile: () => PROCFILE_RELEASE } },
  { rule: 'buildpacks-file', fixture: 'heroku-classic', strategy: 'buildpack', level: 'fail',
    fault: {}, at: { file: '.buildpacks', line: 'HashNuke' },
    fix: { '.buildpacks': () => 'https://github.com/gigalixir/gigalixir-buildpack-elixir#v2.12.0\nhttps://github.com/gigalixir/gigalixir-buildpack-phoenix-static#d094770\n' } },
  { rule: 'buildpacks-file', fixture: 'heroku-classic', strategy: 'buildpack', level: 'fail',
    fault: { '.buildpacks': () => '# Elixir first\nhttps://github.com/gigalixir/gigalixir-buildpack-elixir\n' }, at: { file: '.buildpacks', line: 1 },
    fix: { '.buildpacks': () => 'https://github.com/gigalixir/gigalixir-buildpack-elixir\n' } },
  { rule: 'elixir-buildpack-versions', fixture: 'heroku-classic', strategy: 'buildpack', level: 'fail',
    fault: { 'elixir_buildpack.config': replace('erlang_version=25.3', 'erlang_version=25') }, at: { file: 'elixir_buildpack.config', line: 'erlang_version=25' },
    fix: { 'elixir_buildpack.config': replace('erlang_version=25\n', 'erlang_version=25.3.2.21\n') } },
  { rule: 'buildpack-hooks-eval', fixture: 'heroku-classic', strategy: 'buildpack', level: 'fail',
    fault: { 'elixir_buildpack.config': append('hook_post_compile="mix assets.deploy && rm -f _build/esbuild*"\n') }, at: { file: 'elixir_buildpack.config', line: 'hook_post_compile=' },
    fix: { 'elixir_buildpack.config': replace('hook_post_compile="mix', 'hook_post_compile="eval mix') } },
];

const copies: string[] = [];
after(() => copies.forEach(dir => rmSync(dir, { recursive: true, force: true })));
function copyOf(fixture: string): string {
  const dir = copyFixture(fixture, 'pd-doctor');
  copies.push(dir);
  return dir;
}

function applyEdits(dir: string, edits: Edits): void {
  for (const [file, edit] of Object.entries(edits)) {
    const path = join(dir, file);
    if (edit === null) {
      try {
        unlinkSync(path);
      } catch {
        // Already absent.
      }
      continue;
    }
    let content = '';
    try {
      content = readFileSync(path, 'utf8');
    } catch {
      // A new file.
    }
    writeFileSync(path, edit(content));
  }
}

async function audit(dir: string, strategy: 'dockerfile' | 'buildpack'): Promise<RuleResult[]> {
  const project = await readPhoenixProject(dir);
  return runAudit({ project, strategy, appName: 'demo', read: file => { try { return readFileSync(join(dir, file), 'utf8'); } catch { return undefined; } } });
}

describe('phoenix-dokku doctor', function () {
  this.timeout(60_000);

  describe('each rule finds its planted fault at file:line, and passes once it is fixed', () => {
    for (const [index, entry] of cases.entries()) {
      it(`${entry.rule} (${entry.fixture}, case ${index + 1})`, async () => {
        const dir = copyOf(entry.fixture);
        applyEdits(dir, entry.fault);
        const results = await audit(dir, entry.strategy);
        const result = results.find(candidate => candidate.rule.id === entry.rule)!;
        assert.equal(result.level, entry.level, JSON.stringify(result.findings, null, 2));
        const expectedLine = typeof entry.at.line === 'string'
          ? readFileSync(join(dir, entry.at.file), 'utf8').split('\n').findIndex(line => line.includes(entry.at.line as string)) + 1
          : entry.at.line;
        assert.ok(
          result.findings.some(found => found.file === entry.at.file && (expectedLine === undefined || found.line === expectedLine)),
          `expected a finding at ${entry.at.file}:${expectedLine ?? ''}, got ${JSON.stringify(result.findings.map(f => `${f.file}:${f.line}`))}`,
        );
        applyEdits(dir, entry.fix);
        const fixed = (await audit(dir, entry.strategy)).find(candidate => candidate.rule.id === entry.rule)!;
        // Fixed: it passes (or, once the file it is about is gone, no longer applies).
        assert.ok(fixed.level === 'pass' || fixed.level === 'n/a', `after the fix: ${fixed.level} ${JSON.stringify(fixed.findings, null, 2)}`);
      });
    }

    it('every rule has a planted-fault case', () => {
      const covered = new Set(cases.map(entry => entry.rule));
      assert.deepEqual(RULES.map(rule => rule.id).filter(id => !covered.has(id)), []);
    });
  });

  describe('the command', () => {
    it('is read-only, exits 1 on a fail, and names the rule, file:line, why and the piece that fixes it', () => {
      const dir = copyOf('fly-launch');
      const before = snapshotDir(dir);
      const run = runCli(dir, ['doctor']);
      assert.equal(run.status, 1, run.output);
      assert.deepEqual(snapshotDir(dir), before, 'nothing written, not even .yo-rc.json');
      assert.match(run.output, /FAIL {2}dockerfile-no-fly-networking: .*\n {6}Dockerfile:100 {2}ENV ECTO_IPV6 true[\s\S]*?\n {6}Why: [\s\S]*?\n {6}Fixed by: phoenix-dokku dockerfile\n/);
      assert.match(run.output, /\n\d+ fail, \d+ warn, \d+ pass, \d+ not applicable\n/);
    });

    it('--json: the documented document on stdout, with the same results', () => {
      const dir = copyOf('kamal-app');
      const run = runCli(dir, ['doctor', '--json']);
      const data = JSON.parse(run.stdout);
      assert.deepEqual(Object.keys(data), ['version', 'project', 'strategy', 'summary', 'rules']);
      assert.equal(data.version, 1);
      assert.deepEqual(data.project, { module: 'Ledgerly', otpApp: 'ledgerly' });
      assert.equal(data.rules.length, RULES.length);
      for (const rule of data.rules) {
        assert.deepEqual(Object.keys(rule), ['id', 'title', 'level', 'why', 'piece', 'findings']);
        for (const found of rule.findings) assert.deepEqual(Object.keys(found), ['level', 'file', 'line', 'message']);
      }
      const expose = data.rules.find((rule: { id: string }) => rule.id === 'dockerfile-expose');
      assert.deepEqual(expose.findings.map((found: { file: string; line: number }) => `${found.file}:${found.line}`), ['Dockerfile:96']);
      assert.equal(run.status, data.summary.fail ? 1 : 0);
    });

    it('passes, with no fail, on what phoenix-dokku just generated', () => {
      const dir = copyOf('phx-1.7-postgres');
      assert.equal(runCli(dir, ['--yes', '--host', 'shop.example.com']).status, 0);
      const run = runCli(dir, ['doctor']);
      assert.equal(run.status, 0, run.output);
      assert.match(run.output, /\n0 fail, /);
    });

    it('--strategy is validated before anything runs', () => {
      const dir = copyOf('phx-1.7-postgres');
      const run = runCli(dir, ['doctor', '--strategy', 'kubernetes']);
      assert.equal(run.status, 1);
      assert.match(run.stderr, /Unknown --strategy "kubernetes": use dockerfile or buildpack/);
    });
  });
});
