/**
 * The main generator end to end on every fixture with both strategies, and the printed commands
 * run as a user pastes them: the server commands against a fake `dokku` that records them, the
 * resulting environment fed to the app's own config/runtime.exs through Config.Reader (it must
 * boot: no required variable left unset, the host in the variable the app reads), and the git
 * commands, after which nothing the run wrote is left out of the commit. Plus the next steps'
 * blocks per database and buildpack.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runAudit } from '../generators/support/audit-rules.js';
import { ELIXIR_BUILDPACKS } from '../generators/support/dokku.js';
import { dokkuEnvironment } from '../generators/support/dokku-env.js';
import { dokkuNextSteps, generateSecret, generateSecretKeyBase } from '../generators/support/next-steps.js';
import { readPhoenixProject, type PhoenixProject } from '../generators/support/project.js';
import { configSetValues, FAKE_DSN_PASSWORD, placeholderVariables, runWithFakeDokku, stepsUnder } from './support/dokku-commands.js';
import { fixtureProject } from './support/fixture-projects.js';
import { copyFixture, hostFor, listFiles, phoenixFixtures, readElixirConfig, runCli } from './support/helpers.js';

/** What a user fills in for "values only you know": valid as a string, and as Base64 of 32 bytes (a Cloak key). */
const FILLED = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';
const GIT_IDENTITY = { GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com' };

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...GIT_IDENTITY } });
}

/** What Dokku itself puts in the environment of a web container (and the start command sets). */
function providedByDokku(project: PhoenixProject, app: string, strategy: 'dockerfile' | 'buildpack'): Record<string, string> {
  const provided: Record<string, string> = { PORT: '5000' };
  const adapter = project.ecto?.adapter;
  if (adapter === 'postgres') provided.DATABASE_URL = `postgres://postgres:${FAKE_DSN_PASSWORD}@dokku-postgres-${app}-db:5432/${app.replaceAll('-', '_')}_db`;
  if (adapter === 'mysql') provided.DATABASE_URL = `mysql://mysql:${FAKE_DSN_PASSWORD}@dokku-mysql-${app}-db:3306/${app.replaceAll('-', '_')}_db`;
  // rel/overlays/bin/server sets PHX_SERVER; under mix phx.server the endpoint serves anyway.
  if (strategy === 'dockerfile') provided.PHX_SERVER = 'true';
  return provided;
}

describe('next steps', function () {
  this.timeout(180_000);

  describe('phoenix-dokku on every fixture, both strategies, and its commands run', () => {
    const dirs: string[] = [];
    after(() => dirs.forEach(dir => rmSync(dir, { recursive: true, force: true })));

    for (const name of phoenixFixtures()) {
      for (const strategy of ['dockerfile', 'buildpack'] as const) {
        it(`${name} (${strategy}): files that match, server commands that boot the app, a commit with every file written`, async () => {
          const dir = copyFixture(name, 'pd-next');
          dirs.push(dir);
          git(dir, 'init', '-q', '-b', 'main');
          git(dir, 'add', '-A');
          git(dir, 'commit', '-q', '-m', 'the app as it was');
          const project = await readPhoenixProject(dir);
          const app = project.otpApp.replaceAll('_', '-');
          const host = hostFor(name);
          // --force: the user agrees to phoenix-dokku's changes of lines the build cannot use.
          const run = runCli(dir, ['--yes', '--force', '--host', host, '--strategy', strategy]);
          assert.equal(run.status, 0, run.output);
          const has = (file: string) => existsSync(join(dir, file));

          const own = strategy === 'dockerfile' ? ['Dockerfile', '.dockerignore'] : ['.buildpacks', 'elixir_buildpack.config'];
          for (const file of [...own, 'Procfile', 'app.json']) assert.ok(has(file), `${file} written`);

          // The Procfile points at what the build produces.
          const procfile = readFileSync(join(dir, 'Procfile'), 'utf8');
          const release = /^release: (.+)$/m.exec(procfile)?.[1];
          if (strategy === 'dockerfile') {
            assert.match(procfile, /^web: \/app\/bin\/server$/m);
            assert.ok(has('rel/overlays/bin/server'), 'the release piece wrote bin/server');
            if (project.ecto) assert.equal(release, '/app/bin/migrate');
          } else {
            assert.match(procfile, /^web: .*\bmix phx\.server$/m);
            if (project.ecto) assert.equal(release, 'mix ecto.migrate');
          }
          if (!project.ecto) assert.equal(release, undefined);

          const steps = run.output.slice(run.output.indexOf('Next steps'));
          assert.match(steps, new RegExp(`dokku apps:create ${app}\\n`));
          assert.match(steps, new RegExp(`dokku builder:set ${app} selected ${strategy === 'dockerfile' ? 'dockerfile' : 'herokuish'}\\n`));
          assert.match(steps, /\n\s+dokku version\n/, 'the server steps start with the Dokku version they need');
          assert.doesNotMatch(steps, /plugin:install \S+ (?!--name)\S+\n/, 'plugin:install names the plugin with --name');

          // The server commands, pasted as they are. With values only the user knows, the paste fails and stores no placeholder.
          const server = stepsUnder(run.output, 'On the Dokku server');
          const placeholders = placeholderVariables(server);
          const paste = runWithFakeDokku(server);
          if (placeholders.length) {
            assert.notEqual(paste.status, 0, 'a paste with unset placeholders fails');
            assert.match(paste.stderr, new RegExp(placeholders[0]));
            for (const call of paste.calls) assert.doesNotMatch(call.join(' '), /\$\{|<[a-z]/i, 'no placeholder reaches dokku');
          } else {
            assert.equal(paste.status, 0, paste.stderr);
          }
          const filled = runWithFakeDokku(server, Object.fromEntries(placeholders.map(variable => [variable, FILLED])));
          assert.equal(filled.status, 0, filled.stderr);
          const configured = configSetValues(filled.calls);
          assert.equal(configured.PORT, undefined, 'PORT is Dokku\'s, never config:set');
          // A directory chowned for the image's user is the one mounted into the container.
          for (const chown of filled.calls.filter(call => call[0] === 'sudo' && call[1] === 'chown')) {
            const mounts = filled.calls.filter(call => call[0] === 'storage:mount').map(call => call[2].split(':')[0]);
            assert.ok(mounts.includes(chown[3]), `${chown[3]} is mounted (${mounts.join(', ')})`);
          }

          // Every variable the config requires is set, by Dokku or by the commands.
          const final = await readPhoenixProject(dir);
          const env = { ...providedByDokku(final, app, strategy), ...configured };
          const required = final.environment.reads.filter(read => read.need === 'required' && (strategy === 'buildpack' || read.phase === 'boot'));
          for (const read of required) assert.ok(env[read.variable] !== undefined, `${read.variable} (${read.file}:${read.line}, ${read.how}) is set`);

          // The host lands in the variable the app reads, in the form it expects.
          for (const use of final.environment.roles.filter(role => role.role === 'host' || role.role === 'origin')) {
            assert.equal(env[use.variable], use.role === 'origin' ? `https://${host}` : host, use.variable);
          }
          assert.ok(!final.environment.roles.some(role => role.role === 'host' && role.variable === 'PHX_HOST') || !final.environment.roles.some(role => (role.role === 'host' || role.role === 'origin') && role.variable !== 'PHX_HOST'), 'no second host variable invented');

          // And the app's own runtime.exs boots with that environment.
          const booted = readElixirConfig(join(dir, 'config/runtime.exs'), env);
          assert.ok(booted.config, `config/runtime.exs raised: ${booted.raised}`);
          const endpoint = booted.config![final.web.app.otpApp]?.[final.web.endpointModule];
          if (endpoint?.url?.host) assert.equal(endpoint.url.host, host);

          // The secrets are printed once and written nowhere.
          const secret = configured.SECRET_KEY_BASE ?? Object.entries(configured).find(([key]) => key.endsWith('SECRET_KEY_BASE'))?.[1];
          assert.ok(secret && secret.length === 64, 'a secret key base is generated');
          assert.equal(run.output.split(secret).length - 1, 1, 'printed once');
          for (const file of listFiles(dir).filter(file => !file.startsWith('.git/'))) {
            assert.ok(!readFileSync(join(dir, file)).includes(secret), `${file} contains the secret key base`);
          }

          // The commit before the push holds every file the run wrote.
          const local = stepsUnder(run.output, 'From this project').split('\n').filter(line => /^git (?:add|commit|init)\b/.test(line));
          const committed = spawnSync('bash', ['-e', '-c', local.join('\n')], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...GIT_IDENTITY } });
          assert.equal(committed.status, 0, committed.stderr);
          assert.equal(git(dir, 'status', '--porcelain'), '', 'nothing the run wrote is left out of the commit');
          assert.match(steps, /\n\s+git push dokku main\n/);

          // And doctor's rules find nothing that would fail the deploy in what the run left (the same rules the generator audits with).
          const fails = runAudit({ project: final, strategy, appName: app, read: file => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : undefined) })
            .filter(result => result.level === 'fail')
            .flatMap(result => result.findings.map(found => `${result.rule.id}: ${found.file ?? ''}${found.line ? `:${found.line}` : ''} ${found.message}`));
          assert.deepEqual(fails, []);
        });
      }
    }
  });

  it('--cluster docker-local: the commands create the network, set the query and one cookie, scale, and the runtime.exs reads the query', () => {
    const dir = copyFixture('phx-1.6-postgres', 'pd-next-cluster');
    try {
      const run = runCli(dir, ['--yes', '--host', 'blog.example.com', '--strategy', 'dockerfile', '--cluster', 'docker-local']);
      assert.equal(run.status, 0, run.output);
      const server = runWithFakeDokku(stepsUnder(run.output, 'On the Dokku server'));
      assert.equal(server.status, 0, server.stderr);
      const calls = server.calls.map(call => call.join(' '));
      const order = ['apps:create blog', 'config:set --no-restart blog', 'network:create blog-cluster', 'network:set blog attach-post-create blog-cluster', 'ps:scale --skip-deploy blog web=2']
        .map(prefix => calls.findIndex(call => call.startsWith(prefix)));
      assert.ok(order.every(index => index !== -1), calls.join('\n'));
      assert.deepEqual(order, [...order].sort((a, b) => a - b), 'the network exists before the app is attached, and both before the first deploy');
      const configured = configSetValues(server.calls);
      assert.equal(configured.DNS_CLUSTER_QUERY, 'blog.web', "Dokku's alias of the app's web containers");
      assert.match(configured.RELEASE_COOKIE, /^[0-9a-f]{64}$/);
      assert.equal(run.output.split(configured.RELEASE_COOKIE).length - 1, 1, 'the cookie is printed once');
      for (const file of listFiles(dir)) assert.ok(!readFileSync(join(dir, file)).includes(configured.RELEASE_COOKIE), `${file} holds the cookie`);

      const booted = readElixirConfig(join(dir, 'config/runtime.exs'), { ...providedByDokku(fixtureProject('phx-1.6-postgres'), 'blog', 'dockerfile'), ...configured });
      assert.ok(booted.config, booted.raised);
      assert.equal(booted.config!.blog?.dns_cluster_query, 'blog.web');
      assert.ok(existsSync(join(dir, 'rel/env.sh.eex')));
      assert.match(stepsUnder(run.output, 'After the first deploy'), /dokku enter blog web \/app\/bin\/blog rpc 'IO\.inspect\(Node\.list\(\)\)'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--cluster with buildpacks: nothing written for it, says why, no cluster commands', () => {
    const dir = copyFixture('phx-1.6-postgres', 'pd-next-cluster-bp');
    try {
      const run = runCli(dir, ['--yes', '--host', 'blog.example.com', '--strategy', 'buildpack', '--cluster', 'docker-local']);
      assert.equal(run.status, 0, run.output);
      assert.ok(!existsSync(join(dir, 'rel/env.sh.eex')));
      assert.match(run.output, /clustering is generated for the release \(Dockerfile\) build only[\s\S]*mix phx\.server/);
      assert.doesNotMatch(run.output.slice(run.output.indexOf('Next steps')), /network:create|DNS_CLUSTER_QUERY|RELEASE_COOKIE|ps:scale/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--elixir-buildpack hashnuke, saved by the first run: a run without the flag still prints the stack command', () => {
    const dir = copyFixture('phx-1.7-postgres', 'pd-next-hashnuke');
    try {
      const first = runCli(dir, ['--yes', '--host', 'shop.example.com', '--strategy', 'buildpack', '--elixir-buildpack', 'hashnuke']);
      assert.equal(first.status, 0, first.output);
      const second = runCli(dir, ['--yes']);
      assert.equal(second.status, 0, second.output);
      assert.match(second.output, /dokku buildpacks:set-property shop stack gliderlabs\/herokuish:latest-22\n/);
      assert.equal(readFileSync(join(dir, '.buildpacks'), 'utf8'), `${ELIXIR_BUILDPACKS.find(b => b.name === 'hashnuke')!.url}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('dokkuNextSteps', () => {
    const project = (name: string): PhoenixProject => fixtureProject(name);
    const random = (length: number) => 'S'.repeat(length);
    const steps = (name: string, strategy: 'dockerfile' | 'buildpack', extra: Partial<Parameters<typeof dokkuNextSteps>[0]> = {}) => {
      const base = extra.project ?? project(name);
      return dokkuNextSteps({
        project: base,
        appName: 'demo',
        host: 'demo.example.com',
        strategy,
        environment: dokkuEnvironment({ project: base, strategy, appName: 'demo', host: 'demo.example.com', random }),
        files: ['Dockerfile', 'config/runtime.exs'],
        ...extra,
      });
    };

    it('PostgreSQL: Dokku version, plugin, database linked to the app (it sets DATABASE_URL), then config, domain, TLS, git', () => {
      const text = steps('phx-1.7-postgres', 'dockerfile', { project: { ...project('phx-1.7-postgres'), gitRepository: true } });
      const order = [
        'dokku version',
        'dokku apps:create demo',
        'sudo dokku plugin:install https://github.com/dokku/dokku-postgres.git --name postgres',
        'dokku postgres:create demo-db',
        'dokku postgres:link demo-db demo --no-restart',
        'dokku builder:set demo selected dockerfile',
        'dokku config:set --no-restart demo \\',
        `SECRET_KEY_BASE=${'S'.repeat(64)}`,
        'PHX_HOST=demo.example.com',
        'dokku domains:set demo demo.example.com',
        'dokku letsencrypt:set demo email',
        'git add Dockerfile config/runtime.exs',
        'git commit -m',
        'git remote add dokku dokku@demo.example.com:demo',
        'git push dokku main',
        'dokku letsencrypt:enable demo',
      ].map(line => text.indexOf(line));
      assert.ok(order.every(index => index !== -1), text);
      assert.deepEqual(order, [...order].sort((a, b) => a - b), 'in the order they must run');
      assert.doesNotMatch(text, /stack|DATABASE_PATH|mysql|DATABASE_URL=|PORT=/);
    });

    it('says which Dokku version the files need, and where to upgrade', () => {
      assert.match(steps('phx-1.7-postgres', 'dockerfile'), /Dokku 0\.31\.0 or newer[\s\S]*0\.29\/0\.30[\s\S]*https:\/\/dokku\.com\/docs\/getting-started\/upgrading\/\n\s+dokku version\n/);
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

    it('pushes the branch the project is on (Dokku deploys the branch pushed first), main when unknown; a project outside git is committed whole', () => {
      const onMaster = steps('phx-1.7-postgres', 'dockerfile', { project: { ...project('phx-1.7-postgres'), gitBranch: 'master', gitRepository: true } });
      assert.match(onMaster, /\n\s+git push dokku master\n/);
      assert.match(onMaster, /first branch pushed to it \(Dokku 0\.22\.1\+\)/);
      const outside = steps('phx-1.7-postgres', 'dockerfile', { project: { ...project('phx-1.7-postgres'), gitBranch: undefined, gitRepository: false } });
      assert.match(outside, /\n\s+git init -b main\n\s+git add -A\n\s+git commit -m "Deploy to Dokku with phoenix-dokku"\n[\s\S]*git push dokku main\n/);
    });

    it('a Dockerfile that EXPOSEs a port gets the ports:set that serves it on 80', () => {
      const kamal = project('kamal-app');
      assert.match(steps('kamal-app', 'dockerfile', { project: kamal }), /dokku ports:set demo http:80:4000\n/);
      assert.doesNotMatch(steps('phx-1.7-postgres', 'dockerfile'), /ports:set/);
    });

    it('generateSecret: Base64 of the asked length, fresh every time (64 for a secret key base, like mix phx.gen.secret)', () => {
      const secrets = Array.from({ length: 20 }, generateSecretKeyBase);
      for (const secret of secrets) assert.match(secret, /^[A-Za-z0-9+/]{64}$/);
      assert.equal(new Set(secrets).size, secrets.length);
      assert.match(generateSecret(32), /^[A-Za-z0-9+/]{32}$/);
    });
  });
});
