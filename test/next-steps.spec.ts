/**
 * The main generator end to end on every fixture with both strategies: a complete and
 * consistent set of Dokku files, next steps that match them, and a SECRET_KEY_BASE that is
 * printed once and written nowhere. Plus the next steps' blocks per database and buildpack.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ELIXIR_BUILDPACKS } from '../generators/support/dokku.js';
import { dokkuNextSteps, generateSecretKeyBase } from '../generators/support/next-steps.js';
import { readPhoenixProject, type PhoenixProject } from '../generators/support/project.js';
import { fixtureProject } from './support/fixture-projects.js';
import { fixture, hostFor, listFiles, phoenixFixtures, runCli } from './support/helpers.js';

describe('next steps', function () {
  this.timeout(180_000);

  describe('phoenix-dokku on every fixture, both strategies', () => {
    const dirs: string[] = [];
    after(() => dirs.forEach(dir => rmSync(dir, { recursive: true, force: true })));

    for (const name of phoenixFixtures()) {
      for (const strategy of ['dockerfile', 'buildpack'] as const) {
        it(`${name} (${strategy}): the strategy's files, a matching Procfile, next steps, and no secret in any file`, async () => {
          const dir = mkdtempSync(join(tmpdir(), `pd-next-${name}-`));
          dirs.push(dir);
          cpSync(fixture(name), dir, { recursive: true });
          const project = await readPhoenixProject(dir);
          const before = new Set(listFiles(dir));
          const app = project.otpApp.replaceAll('_', '-');
          // --force: fixtures with their own Dockerfile (phx-1.7-release) agree to replace it.
          const run = runCli(dir, ['--yes', '--force', '--host', hostFor(name), '--strategy', strategy]);
          assert.equal(run.status, 0, run.output);
          const written = listFiles(dir).filter(file => !before.has(file));
          const has = (file: string) => existsSync(join(dir, file));

          const own = strategy === 'dockerfile' ? ['Dockerfile', '.dockerignore'] : ['.buildpacks', 'elixir_buildpack.config'];
          const other = strategy === 'dockerfile' ? ['.buildpacks', 'elixir_buildpack.config', 'phoenix_static_buildpack.config'] : ['Dockerfile', '.dockerignore'];
          for (const file of [...own, 'Procfile', 'app.json']) assert.ok(has(file), `${file} written`);
          for (const file of other) assert.ok(!written.includes(file), `${file} is the other strategy's`);

          // The Procfile points at what the build produces.
          const procfile = readFileSync(join(dir, 'Procfile'), 'utf8');
          const release = /^release: (.+)$/m.exec(procfile)?.[1];
          if (strategy === 'dockerfile') {
            assert.match(procfile, /^web: \/app\/bin\/server$/m);
            assert.ok(has('rel/overlays/bin/server'), 'the release piece wrote bin/server');
            assert.equal(release, project.ecto ? '/app/bin/migrate' : undefined);
            if (project.ecto) assert.ok(has('rel/overlays/bin/migrate'), 'the release piece wrote bin/migrate');
          } else {
            assert.match(procfile, /^web: mix phx\.server$/m);
            assert.equal(release, project.ecto ? 'mix ecto.migrate' : undefined);
          }

          // Next steps: the commands for this app, this build, this database.
          const steps = run.output.slice(run.output.indexOf('Next steps'));
          assert.ok(steps.startsWith('Next steps'), run.output);
          assert.match(steps, new RegExp(`dokku apps:create ${app}\\n`));
          assert.match(steps, new RegExp(`dokku builder:set ${app} selected ${strategy === 'dockerfile' ? 'dockerfile' : 'herokuish'}\\n`));
          assert.match(steps, new RegExp(`dokku domains:set ${app} ${hostFor(name).replaceAll('.', '\\.')}\\n`));
          assert.match(steps, new RegExp(`git remote add dokku dokku@${hostFor(name).replaceAll('.', '\\.')}:${app}\\n`));
          assert.match(steps, /git push dokku main\n/);
          assert.equal(/postgres:link/.test(steps), project.ecto?.adapter === 'postgres');
          assert.equal(/mysql:link/.test(steps), project.ecto?.adapter === 'mysql');
          assert.equal(/storage:mount/.test(steps), project.ecto?.adapter === 'sqlite');

          // The secret: 64 characters, printed once, in no file of the project (.yo-rc.json included).
          const secret = /SECRET_KEY_BASE=(\S+)/.exec(steps)?.[1];
          assert.ok(secret && secret.length === 64, steps);
          assert.equal(run.output.split(secret).length - 1, 1, 'printed once');
          for (const file of listFiles(dir)) {
            assert.ok(!readFileSync(join(dir, file)).includes(secret), `${file} contains SECRET_KEY_BASE`);
          }
        });
      }
    }
  });

  it('--elixir-buildpack hashnuke, saved by the first run: a run without the flag still prints the stack command', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-next-hashnuke-'));
    try {
      cpSync(fixture('phx-1.7-postgres'), dir, { recursive: true });
      const first = runCli(dir, ['--yes', '--host', 'shop.example.com', '--strategy', 'buildpack', '--elixir-buildpack', 'hashnuke']);
      assert.equal(first.status, 0, first.output);
      const second = runCli(dir, ['--yes']);
      assert.equal(second.status, 0, second.output);
      assert.match(second.output, /dokku buildpacks:set-property shop stack gliderlabs\/herokuish:latest-22\n/);
      assert.equal(readFileSync(join(dir, '.buildpacks'), 'utf8'), 'https://github.com/HashNuke/heroku-buildpack-elixir\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('dokkuNextSteps', () => {
    const project = (name: string): PhoenixProject => fixtureProject(name);
    const steps = (name: string, strategy: 'dockerfile' | 'buildpack', extra: Partial<Parameters<typeof dokkuNextSteps>[0]> = {}) =>
      dokkuNextSteps({ project: project(name), appName: 'demo', host: 'demo.example.com', strategy, secretKeyBase: 'S'.repeat(64), ...extra });

    it('PostgreSQL: plugin, database linked to the app (it sets DATABASE_URL), then config, domain, TLS, git', () => {
      const text = steps('phx-1.7-postgres', 'dockerfile');
      const order = [
        'dokku apps:create demo',
        'sudo dokku plugin:install https://github.com/dokku/dokku-postgres.git postgres',
        'dokku postgres:create demo-db',
        'dokku postgres:link demo-db demo --no-restart',
        'dokku builder:set demo selected dockerfile',
        `dokku config:set --no-restart demo PHX_HOST=demo.example.com SECRET_KEY_BASE=${'S'.repeat(64)}`,
        'dokku domains:set demo demo.example.com',
        'dokku letsencrypt:set demo email',
        'git remote add dokku dokku@demo.example.com:demo',
        'git push dokku main',
        'dokku letsencrypt:enable demo',
      ].map(line => text.indexOf(line));
      assert.ok(order.every(index => index !== -1), text);
      assert.deepEqual(order, [...order].sort((a, b) => a - b), 'in the order they must run');
      assert.doesNotMatch(text, /stack|DATABASE_PATH|mysql/);
    });

    it("fills in the Let's Encrypt e-mail when given, and marks the placeholder when not", () => {
      assert.match(steps('phx-1.7-postgres', 'dockerfile', { email: 'ops@shop.example.com' }), /^ {2}dokku letsencrypt:set demo email ops@shop\.example\.com$/m);
      assert.match(steps('phx-1.7-postgres', 'dockerfile'), /letsencrypt:set demo email you@example\.com {2}# .*--email/);
    });

    it('SQLite: persistent storage mounted where DATABASE_PATH points, owned by the user the build runs as', () => {
      const dockerfile = steps('phx-1.7-sqlite', 'dockerfile');
      assert.match(dockerfile, /dokku storage:mount demo \/var\/lib\/dokku\/data\/storage\/demo:\/data\n/);
      assert.match(dockerfile, /DATABASE_PATH=\/data\/demo\.db/);
      assert.match(dockerfile, /chown 65534:65534 \/var\/lib\/dokku\/data\/storage\/demo/);
      const buildpack = steps('phx-1.7-sqlite', 'buildpack');
      assert.match(buildpack, /dokku storage:ensure-directory demo\n/);
      assert.doesNotMatch(buildpack, /chown/);
      assert.doesNotMatch(dockerfile + buildpack, /postgres/);
    });

    it('MySQL uses the mysql plugin; no Ecto means no database block', () => {
      assert.match(steps('phx-1.7-mysql', 'buildpack'), /dokku mysql:create demo-db\n.*dokku mysql:link demo-db demo/s);
      assert.doesNotMatch(steps('phx-1.7-no-ecto', 'dockerfile'), /postgres|mysql|storage|DATABASE_/);
    });

    it('the classic buildpack comes with the stack change and why; the default one with none', () => {
      const hashnuke = steps('phx-1.7-postgres', 'buildpack', { elixirBuildpack: ELIXIR_BUILDPACKS.find(b => b.name === 'hashnuke') });
      assert.match(hashnuke, /# .*heroku-24.*\n\s+dokku buildpacks:set-property demo stack gliderlabs\/herokuish:latest-22\n/);
      assert.match(hashnuke, /builder:set demo selected herokuish/);
      assert.doesNotMatch(steps('phx-1.7-postgres', 'buildpack', { elixirBuildpack: ELIXIR_BUILDPACKS[0] }), /set-property/);
    });

    it('pushes the branch the project is on (Dokku deploys the branch pushed first), main when unknown', () => {
      assert.match(steps('phx-1.7-postgres', 'dockerfile', { project: { ...project('phx-1.7-postgres'), gitBranch: 'master' } }), /\n\s+git push dokku master\n/);
      assert.match(steps('phx-1.7-postgres', 'dockerfile', { project: { ...project('phx-1.7-postgres'), gitBranch: undefined } }), /\n\s+git push dokku main\n/);
    });

    it('generateSecretKeyBase: 64 Base64 characters, fresh every time', () => {
      const secrets = Array.from({ length: 20 }, generateSecretKeyBase);
      for (const secret of secrets) assert.match(secret, /^[A-Za-z0-9+/]{64}$/);
      assert.equal(new Set(secrets).size, secrets.length);
    });
  });
});
