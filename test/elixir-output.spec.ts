/**
 * The main generator on every Phoenix fixture, seen from the Elixir side: every `.ex`/`.exs`
 * it writes or patches parses and is `mix format`-clean, keeps the user's lines, the
 * generated modules compile with --warnings-as-errors, the overlay scripts pass shellcheck
 * and are executable, and a second run changes none of it.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPhoenixProject, type PhoenixProject } from '../generators/support/project.js';
import { compileWithStubs, elixirStubs } from './support/elixir-stubs.js';
import { elixirProblems, fixture, listFiles, phoenixFixtures, readElixirConfig, runCli, shellcheckProblems } from './support/helpers.js';

const ELIXIR = /\.exs?$/;
const SCRIPTS = ['rel/overlays/bin/server', 'rel/overlays/bin/migrate'];

/** Files the run created or changed, relative to the project. */
function changedFiles(name: string, dir: string): string[] {
  return listFiles(dir).filter(file => {
    const original = fixture(`${name}/${file}`);
    return !existsSync(original) || !readFileSync(original).equals(readFileSync(join(dir, file)));
  });
}

/** What the four Elixir-side pieces own or patch, with content and mode, to compare two runs. */
function elixirSide(dir: string, files: string[]): Record<string, string> {
  return Object.fromEntries(
    files.filter(file => ELIXIR.test(file) || SCRIPTS.includes(file)).map(file => [file, `${statSync(join(dir, file)).mode & 0o777} ${readFileSync(join(dir, file), 'utf8')}`]),
  );
}

const copies: string[] = [];
after(() => copies.forEach(dir => rmSync(dir, { recursive: true, force: true })));

for (const name of phoenixFixtures()) {
  describe(`phoenix-dokku (main generator) on ${name}: the Elixir side`, () => {
    let dir: string;
    let project: PhoenixProject;
    let run: ReturnType<typeof runCli>;
    let changed: string[];

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), `pd-out-${name}-`));
      copies.push(dir);
      cpSync(fixture(name), dir, { recursive: true });
      project = await readPhoenixProject(dir);
      // --force: phx-1.7-release already has a Dockerfile, which is not this side's business.
      run = runCli(dir, ['--yes', '--force', '--host', `${project.otpApp.replaceAll('_', '-')}.example.org`]);
      changed = changedFiles(name, dir);
    });

    it('runs, and the summary accounts for runtime, logger, release and health', () => {
      assert.equal(run.status, 0, run.output);
      for (const piece of ['runtime', 'logger', 'release', 'health']) assert.match(run.output, new RegExp(`\\[${piece}\\]`), `${piece} missing from the summary`);
      assert.ok(existsSync(join(dir, 'config/runtime.exs')));
      assert.ok(existsSync(join(dir, 'rel/overlays/bin/server')));
      if (project.ecto) assert.ok(existsSync(join(dir, 'rel/overlays/bin/migrate')));
      else assert.match(run.output, /Not applicable[\s\S]*\[release\] .*no Ecto repo/);
    });

    it('every .ex/.exs it wrote or patched parses and is mix format-clean', () => {
      const elixirFiles = changed.filter(file => ELIXIR.test(file));
      assert.ok(elixirFiles.includes('config/runtime.exs'), `runtime.exs not among ${elixirFiles.join(', ')}`);
      assert.deepEqual(elixirProblems(elixirFiles.map(file => join(dir, file))), []);
    });

    it('keeps every line of every file it patched', () => {
      for (const file of changed.filter(file => ELIXIR.test(file) && existsSync(fixture(`${name}/${file}`)))) {
        const after = readFileSync(join(dir, file), 'utf8').split(/\r?\n/);
        for (const line of readFileSync(fixture(`${name}/${file}`), 'utf8').split(/\r?\n/)) {
          // A line the build cannot keep (Phoenix 1.5's import of prod.secret.exs) is commented out with consent (--force), never deleted.
          assert.ok(after.includes(line) || after.includes(line.replace(/^(\s*)/, '$1# ')), `${file} lost: ${line}`);
        }
      }
    });

    it('the generated Release module and HealthController compile with --warnings-as-errors', () => {
      const generated = changed.filter(file => /(?:^|\/)(?:release|(?:dokku_)?health_controller)\.ex$/.test(file));
      assert.ok(generated.some(file => file.endsWith('health_controller.ex')), 'a health controller was written');
      const compiled = compileWithStubs(generated.map(file => join(dir, file)), elixirStubs(project.web.module, project.ecto?.repos ?? []));
      try {
        assert.equal(compiled.status, 0, compiled.output);
      } finally {
        compiled.cleanup();
      }
    });

    it('the overlay scripts are executable and shellcheck-clean', () => {
      const scripts = SCRIPTS.filter(script => existsSync(join(dir, script)));
      for (const script of scripts) assert.equal((statSync(join(dir, script)).mode & 0o777).toString(8), '755', script);
      assert.equal(shellcheckProblems(scripts.map(script => join(dir, script))), '');
    });

    it('a second run with the same answers changes none of it', () => {
      const first = elixirSide(dir, changed);
      const again = runCli(dir, ['--yes']);
      assert.equal(again.status, 0, again.output);
      assert.deepEqual(elixirSide(dir, changedFiles(name, dir)), first);
    });
  });
}

describe('phoenix-dokku on a project with several repos', () => {
  const repos = ['Shop.Repo', 'Shop.ReadRepo', 'Shop.AnalyticsRepo', 'Shop.ArchiveRepository'];
  let dir: string;
  let run: ReturnType<typeof runCli>;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pd-out-repos-'));
    copies.push(dir);
    cpSync(fixture('phx-1.7-postgres'), dir, { recursive: true });
    const configExs = join(dir, 'config/config.exs');
    writeFileSync(configExs, readFileSync(configExs, 'utf8').replace('ecto_repos: [Shop.Repo],', `ecto_repos: [${repos.join(', ')}],`));
    run = runCli(dir, ['--yes', '--host', 'shop.example.org']);
  });

  it('configures every repo at boot; the others fall back to DATABASE_URL unless their own variable is set', () => {
    assert.equal(run.status, 0, run.output);
    const env = { SECRET_KEY_BASE: 'x'.repeat(64), PHX_HOST: 'shop.example.org', DATABASE_URL: 'ecto://u:p@db/shop', POOL_SIZE: '3' };
    const config = readElixirConfig(join(dir, 'config/runtime.exs'), { ...env, READ_REPO_DATABASE_URL: 'ecto://u:p@replica/shop' }).config!.shop;
    assert.equal(config['Shop.Repo'].url, env.DATABASE_URL);
    assert.equal(config['Shop.ReadRepo'].url, 'ecto://u:p@replica/shop');
    assert.equal(config['Shop.AnalyticsRepo'].url, env.DATABASE_URL);
    assert.equal(config['Shop.ArchiveRepository'].url, env.DATABASE_URL);
    for (const repo of repos) assert.equal(config[repo].pool_size, 3, repo);
  });

  it('checks every repo in /health and still writes format-clean Elixir that compiles without warnings', () => {
    const controller = join(dir, 'lib/shop_web/controllers/health_controller.ex');
    const source = readFileSync(controller, 'utf8');
    for (const repo of repos) assert.match(source, new RegExp(`\\b${repo.replace('.', '\\.')}\\b`));
    assert.deepEqual(elixirProblems([controller, join(dir, 'config/runtime.exs'), join(dir, 'lib/shop/release.ex')]), []);
    const compiled = compileWithStubs([controller, join(dir, 'lib/shop/release.ex')], elixirStubs('ShopWeb', repos));
    try {
      assert.equal(compiled.status, 0, compiled.output);
      const checked = compiled.run(`
Application.put_env(:shop, :ecto_repos, ${`[${repos.join(', ')}]`})
Shop.Release.migrate()
migrated = for _ <- 1..${repos.length}, do: receive(do: ({:migrated, repo} -> repo))
IO.inspect(migrated, label: "MIGRATED")
Process.put({:health_mode, Shop.AnalyticsRepo}, :raise)
IO.inspect(ShopWeb.HealthController.show(%{status: 200, body: nil}, %{}).status, label: "STATUS")
`);
      assert.match(checked.output, new RegExp(`MIGRATED: \\[${repos.map(repo => repo.replace('.', '\\.')).join(', ')}\\]`), checked.output);
      assert.match(checked.output, /STATUS: :service_unavailable/);
    } finally {
      compiled.cleanup();
    }
  });
});
