/**
 * The app's environment contract, read with the Elixir parser from fixtures shaped like real
 * apps: which variables the config requires at boot, which are optional (and their defaults) or
 * conditional, what each is for whatever its name, what the platform the app came from set, and
 * what `dokku config:set` must set for it. Expectations are written by hand from the fixtures.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dokkuEnvironment, type EnvSetting } from '../generators/support/dokku-env.js';
import { readPhoenixProject, type PhoenixProject } from '../generators/support/project.js';
import { fixtureProject } from './support/fixture-projects.js';
import { copyFixture, runCli } from './support/helpers.js';

const required = (project: PhoenixProject) =>
  [...new Set(project.environment.reads.filter(read => read.need === 'required' && read.phase === 'boot').map(read => read.variable))].sort();
const readsOf = (project: PhoenixProject, variable: string) => project.environment.reads.filter(read => read.variable === variable);
const role = (project: PhoenixProject, name: string) => project.environment.roles.filter(use => use.role === name).map(use => use.variable);
const plan = (name: string, strategy: 'dockerfile' | 'buildpack' = 'dockerfile') =>
  dokkuEnvironment({ project: fixtureProject(name), strategy, appName: 'demo', host: 'demo.example.com', random: length => 'R'.repeat(length) });
const setting = (settings: EnvSetting[], variable: string) => {
  const found = settings.find(candidate => candidate.variable === variable);
  assert.ok(found, `no setting for ${variable}: ${settings.map(s => s.variable).join(', ')}`);
  return found;
};

describe('environment contract', () => {
  describe('required variables, whatever the app calls them', () => {
    const expected: Record<string, string[]> = {
      'phx-1.7-postgres': ['DATABASE_URL', 'SECRET_KEY_BASE'],
      'phx-1.7-sqlite': ['DATABASE_PATH', 'SECRET_KEY_BASE'],
      'phx-1.7-no-ecto': ['SECRET_KEY_BASE'],
      // A dozen app secrets through System.fetch_env!, a raise in an else branch, a prefixed secret key base, the host in a full URL.
      'origin-saas': [
        'ACME_SECRET_KEY_BASE', 'APP_ORIGIN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'CLOAK_KEY', 'DATABASE_URL', 'GITHUB_CLIENT_ID', 'GITHUB_CLIENT_SECRET',
        'GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET', 'LIVE_VIEW_SIGNING_SALT', 'OPENAI_API_KEY', 'POSTMARK_API_KEY', 'S3_BUCKET', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET',
      ],
      // FLY_APP_NAME || raise, for libcluster's DNSPoll.
      'fly-launch': ['DATABASE_URL', 'FLY_APP_NAME', 'POSTMARK_API_KEY', 'SECRET_KEY_BASE'],
      // The database from separate variables.
      'kamal-app': ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'DATABASE_HOST', 'DATABASE_NAME', 'DATABASE_PASSWORD', 'DATABASE_USER', 'SECRET_KEY_BASE'],
      // {:system, "HOST"} and {:system, "PORT"} in prod.exs are read by Phoenix when the endpoint starts.
      'heroku-classic': ['DATABASE_URL', 'HOST', 'MAILGUN_API_KEY', 'PORT', 'SECRET_KEY_BASE'],
      // Util.fetch_env!/2, the project's own wrapper of System.fetch_env! in prod; MQTT_HOST unless DISABLE_MQTT is "true".
      'custom-teslamate': ['DATABASE_HOST', 'DATABASE_NAME', 'DATABASE_PASS', 'DATABASE_USER', 'ENCRYPTION_KEY', 'MQTT_HOST'],
    };
    for (const [name, variables] of Object.entries(expected)) {
      it(`${name}: ${variables.length} required at boot`, () => assert.deepEqual(required(fixtureProject(name)), [...variables].sort()));
    }
  });

  describe('how each is read', () => {
    it('a raise in the else branch makes DATABASE_URL required (origin-saas)', () => {
      assert.deepEqual(readsOf(fixtureProject('origin-saas'), 'DATABASE_URL').map(read => [read.need, read.how]), [['required', 'raise in the else branch when unset']]);
    });
    it('a variable only read under a condition is conditional, with the condition as written', () => {
      const [read] = readsOf(fixtureProject('origin-saas'), 'DATABASE_CA_CERT_PATH');
      assert.equal(read.need, 'conditional');
      assert.equal(read.when, 'System.get_env("DATABASE_SSL") == "true"');
      const [teslamate] = readsOf(fixtureProject('custom-teslamate'), 'DATABASE_SSL_CA_CERT_FILE');
      assert.equal(teslamate.need, 'conditional');
      assert.match(teslamate.when!, /DATABASE_SSL.*matches "true"/);
    });
    it('a branch that runs while its switch is unset requires what it reads, and says how to opt out (TeslaMate MQTT)', () => {
      const [read] = readsOf(fixtureProject('custom-teslamate'), 'MQTT_HOST');
      assert.equal(read.need, 'required');
      assert.equal(read.when, 'System.get_env("DISABLE_MQTT") != "true" or config_env() == :test');
    });
    it('a branch only an opt-in runs stays conditional; defaults and else branches are evaluated with the variables unset', async () => {
      const dir = copyFixture('phx-1.7-postgres', 'pd-env-unset');
      writeFileSync(
        join(dir, 'config/runtime.exs'),
        [
          'import Config',
          '',
          'if System.get_env("SENTRY_DSN") do',
          '  config :sentry, dsn: System.fetch_env!("SENTRY_DSN"), env: System.fetch_env!("SENTRY_ENV")',
          'end',
          '',
          'unless System.get_env("MAILER", "smtp") == "smtp" do',
          '  config :shop, Shop.Mailer, api_key: System.fetch_env!("MAILER_API_KEY")',
          'else',
          '  config :shop, Shop.Mailer, relay: System.fetch_env!("SMTP_RELAY")',
          'end',
          '',
          'if is_nil(System.get_env("S3_DISABLED")) and System.get_env("REGION") do',
          '  config :shop, :s3, bucket: System.fetch_env!("S3_BUCKET")',
          'end',
          '',
        ].join('\n'),
      );
      const project = await readPhoenixProject(dir);
      const need = (variable: string) => readsOf(project, variable).map(read => read.need);
      assert.deepEqual(need('SENTRY_ENV'), ['conditional']);
      assert.deepEqual(need('MAILER_API_KEY'), ['conditional']);
      assert.deepEqual(need('SMTP_RELAY'), ['required']);
      assert.deepEqual(need('S3_BUCKET'), ['conditional'], 'REGION unset makes the and false');
    });
    it('optional ones keep their defaults', () => {
      const kamal = fixtureProject('kamal-app');
      assert.deepEqual(readsOf(kamal, 'DATABASE_PORT').map(read => [read.need, read.default]), [['optional', '5432']]);
      assert.deepEqual(readsOf(kamal, 'S3_BUCKET').map(read => [read.need, read.default]), [['optional', 'ledgerly-uploads']]);
      assert.deepEqual(readsOf(fixtureProject('phx-1.7-postgres'), 'PHX_HOST').map(read => [read.need, read.default]), [['optional', 'example.com']]);
    });
    it('a wrapper defined in the config (Util.fetch_env!/2) is followed, with its prod default path', () => {
      const [read] = readsOf(fixtureProject('custom-teslamate'), 'DATABASE_USER');
      assert.equal(read.need, 'required');
      assert.match(read.how, /^Util\.fetch_env!\/2 \(calls System\.fetch_env! in prod\)$/);
      assert.equal(read.unsure, undefined);
    });
    it('{:system, "VAR"} tuples count as read at boot, even in prod.exs', () => {
      const [port] = readsOf(fixtureProject('heroku-classic'), 'PORT').filter(read => read.file === 'config/prod.exs');
      assert.equal(port.phase, 'boot');
      assert.match(port.how, /\{:system, _\}/);
    });
    it('config/dev.exs and dev-only branches are not read for prod; compile-time reads are told apart', async () => {
      const legacy = fixtureProject('phx-1.5-legacy');
      assert.ok(legacy.environment.files.some(file => file.file === 'config/prod.secret.exs' && file.phase === 'build'));
      assert.ok(!legacy.environment.files.some(file => file.file === 'config/dev.exs'));
      assert.deepEqual([...new Set(legacy.compileTimeEnv.map(read => read.variable))].sort(), ['DATABASE_URL', 'POOL_SIZE', 'PORT', 'SECRET_KEY_BASE']);
    });
    it('a helper it cannot see into, and a computed name, are said to be unsure', async () => {
      const dir = copyFixture('phx-1.7-postgres', 'pd-env');
      writeFileSync(
        join(dir, 'config/runtime.exs'),
        'import Config\n\nconfig :shop, :stripe, key: Shop.Config.fetch_env!("STRIPE_KEY")\n\nfor name <- ~w(A B) do\n  config :shop, String.to_atom(name), System.get_env(name)\nend\n',
      );
      const project = await readPhoenixProject(dir);
      const [stripe] = readsOf(project, 'STRIPE_KEY');
      assert.equal(stripe.need, 'required');
      assert.match(stripe.unsure!, /Shop\.Config\.fetch_env! is not defined in config\//);
      assert.deepEqual(project.environment.dynamicReads.map(read => [read.line, read.text]), [[6, 'System.get_env(name)']]);
    });
  });

  describe('roles', () => {
    it('the host from HOST with a default (heroku-classic), from a full URL (origin-saas), or VIRTUAL_HOST (TeslaMate)', () => {
      assert.deepEqual(role(fixtureProject('heroku-classic'), 'host'), ['HOST']);
      assert.deepEqual(role(fixtureProject('origin-saas'), 'origin'), ['APP_ORIGIN']);
      assert.deepEqual(role(fixtureProject('origin-saas'), 'host'), []);
      assert.deepEqual(role(fixtureProject('custom-teslamate'), 'host'), ['VIRTUAL_HOST']);
    });
    it('the server switch by another name, with the value it checks', () => {
      assert.deepEqual(fixtureProject('origin-saas').environment.roles.filter(use => use.role === 'server').map(use => [use.variable, use.detail]), [['START_WEB', 'true']]);
    });
    it('the database as a URL, or as separate parts', () => {
      assert.deepEqual(role(fixtureProject('origin-saas'), 'database-url'), ['DATABASE_URL']);
      const parts = fixtureProject('kamal-app').environment.roles.filter(use => use.role === 'database-part').map(use => `${use.detail}=${use.variable}`);
      assert.deepEqual(parts.sort(), ['database=DATABASE_NAME', 'hostname=DATABASE_HOST', 'password=DATABASE_PASSWORD', 'port=DATABASE_PORT', 'username=DATABASE_USER']);
    });
    it('the secret key base (prefixed), signing salts, pool size, IPv6, log level, cluster query', () => {
      const acme = fixtureProject('origin-saas');
      assert.deepEqual(role(acme, 'secret-key-base'), ['ACME_SECRET_KEY_BASE']);
      assert.deepEqual(role(acme, 'salt'), ['LIVE_VIEW_SIGNING_SALT']);
      assert.deepEqual(role(acme, 'pool-size'), ['POOL_SIZE']);
      assert.deepEqual(role(acme, 'ipv6'), ['ECTO_IPV6']);
      assert.deepEqual(role(acme, 'log-level'), ['LOG_LEVEL']);
      assert.deepEqual(role(acme, 'cluster-query'), ['DNS_CLUSTER_QUERY']);
    });
  });

  describe('what the previous platform set', () => {
    it('fly.toml: [env] values, release_command, internal_port', () => {
      const [fly] = fixtureProject('fly-launch').previousPlatforms;
      assert.equal(fly.name, 'Fly.io');
      assert.deepEqual(fly.settings.map(s => [s.variable, s.value, s.secret, s.line]), [['PHX_HOST', 'pulse.fly.dev', false, 16], ['PORT', '8080', false, 17]]);
      assert.deepEqual(fly.releaseCommand, { command: '/app/bin/migrate', file: 'fly.toml', line: 13 });
      assert.equal(fly.internalPort?.port, 8080);
    });
    it("Heroku's app.json: values, generated secrets, required ones without a value, plain strings", () => {
      const [heroku] = fixtureProject('heroku-classic').previousPlatforms;
      const by = Object.fromEntries(heroku.settings.map(s => [s.variable, s]));
      assert.equal(by.SECRET_KEY_BASE.generated, true);
      assert.deepEqual([by.HOST.secret, by.HOST.required], [true, true]);
      assert.equal(by.POOL_SIZE.value, '2');
      assert.equal(by.LANG.value, 'en_US.UTF-8');
      assert.deepEqual([by.MAILGUN_API_KEY.secret, by.MAILGUN_API_KEY.required], [true, true]);
    });
    it("Kamal's config/deploy.yml: env.clear values and env.secret names, proxy host and port", () => {
      const [kamal] = fixtureProject('kamal-app').previousPlatforms;
      assert.equal(kamal.name, 'Kamal');
      const clear = kamal.settings.filter(s => !s.secret).map(s => `${s.variable}=${s.value}`);
      assert.deepEqual(clear, ['PHX_HOST=app.ledgerly.io', 'PHX_SERVER=true', 'POOL_SIZE=10', 'DATABASE_HOST=ledgerly-db', 'DATABASE_NAME=ledgerly_prod', 'DATABASE_USER=ledgerly']);
      assert.deepEqual(kamal.settings.filter(s => s.secret).map(s => s.variable), ['SECRET_KEY_BASE', 'DATABASE_PASSWORD', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
      assert.deepEqual([kamal.host, kamal.internalPort?.port, kamal.healthcheckPath], ['app.ledgerly.io', 4000, '/up']);
    });
  });

  describe('what dokku config:set sets', () => {
    it('origin-saas: the URL form of the host, generated secrets where random is right, the rest to fill in', () => {
      const { settings } = plan('origin-saas');
      assert.equal(setting(settings, 'APP_ORIGIN').value, 'https://demo.example.com');
      assert.equal(setting(settings, 'ACME_SECRET_KEY_BASE').value, 'R'.repeat(64));
      assert.equal(setting(settings, 'LIVE_VIEW_SIGNING_SALT').value, 'R'.repeat(32));
      assert.equal(setting(settings, 'START_WEB').value, 'true');
      assert.equal(setting(settings, 'DATABASE_URL').source, 'dokku');
      assert.equal(setting(settings, 'PORT').source, 'dokku');
      for (const variable of ['CLOAK_KEY', 'STRIPE_SECRET_KEY', 'OPENAI_API_KEY', 'S3_BUCKET']) assert.equal(setting(settings, variable).source, 'fill', variable);
      assert.equal(setting(settings, 'DATABASE_CA_CERT_PATH').source, 'default');
      assert.ok(!settings.some(s => s.variable === 'PHX_HOST'), 'no PHX_HOST next to APP_ORIGIN');
    });
    it('kamal-app: the separate database variables from the linked service, Kamal secrets to fill, clear values carried', () => {
      const { settings } = plan('kamal-app');
      assert.equal(setting(settings, 'DATABASE_USER').value, 'postgres');
      assert.equal(setting(settings, 'DATABASE_HOST').value, 'dokku-postgres-demo-db');
      assert.equal(setting(settings, 'DATABASE_NAME').value, 'demo_db');
      assert.match(setting(settings, 'DATABASE_PASSWORD').value!, /^"\$\(dokku postgres:info demo-db --dsn \| sed /);
      assert.equal(setting(settings, 'POOL_SIZE').value, '10');
      assert.match(setting(settings, 'AWS_ACCESS_KEY_ID').why, /secret in config\/deploy\.yml env\.secret/);
      assert.match(setting(settings, 'SECRET_KEY_BASE').why, /copy the value Kamal used/);
      assert.equal(setting(settings, 'PHX_HOST').value, 'demo.example.com', 'the answer replaces app.ledgerly.io');
    });
    it('fly-launch: FLY_APP_NAME stands in as the app name, with a note of what it cannot do; PORT=8080 is not carried', () => {
      const { settings, notes } = plan('fly-launch');
      assert.equal(setting(settings, 'FLY_APP_NAME').value, 'demo');
      assert.match(notes.join('\n'), /requires FLY_APP_NAME, which only Fly\.io sets[\s\S]*libcluster or dns_cluster on <app>\.internal/);
      assert.equal(setting(settings, 'PORT').source, 'dokku');
      assert.equal(setting(settings, 'PHX_HOST').value, 'demo.example.com');
      assert.equal(setting(settings, 'ECTO_IPV6').value, 'false', 'the Fly Dockerfile sets ENV ECTO_IPV6 true: overridden');
    });
    it('heroku-classic: HOST is the host, app.json values carried, a generated secret, LANG kept for the code', () => {
      const { settings } = plan('heroku-classic', 'buildpack');
      assert.equal(setting(settings, 'HOST').value, 'demo.example.com');
      assert.equal(setting(settings, 'POOL_SIZE').value, '2');
      assert.equal(setting(settings, 'MAILGUN_DOMAIN').value, 'mg.bookshelf.app');
      assert.equal(setting(settings, 'SECRET_KEY_BASE').source, 'generated');
      assert.deepEqual([setting(settings, 'LANG').need, setting(settings, 'LANG').value], ['platform', 'en_US.UTF-8']);
    });
  });

  describe('in the summary and as --json', () => {
    it('one line per variable, never a secret value; --json prints the same as data on stdout', () => {
      const dir = copyFixture('origin-saas', 'pd-env-json');
      const text = runCli(dir, ['--yes', '--host', 'app.acme.io']);
      assert.equal(text.status, 0, text.output);
      const section = text.output.slice(text.output.indexOf('Environment ('), text.output.indexOf('Next steps'));
      assert.match(section, /\n {2}STRIPE_SECRET_KEY +required +TO FILL IN /);
      assert.match(section, /\n {2}APP_ORIGIN +required +from your answers: https:\/\/app\.acme\.io /);
      assert.match(section, /\n {2}POOL_SIZE +optional +not set \(the default 10 applies/);
      const secret = /ACME_SECRET_KEY_BASE=(\S+)/.exec(text.output)![1];
      assert.ok(!section.includes(secret), 'the summary does not repeat the secret');

      const json = runCli(dir, ['--yes', '--json']);
      assert.equal(json.status, 0, json.stderr);
      const data = JSON.parse(json.stdout);
      assert.deepEqual(Object.keys(data), ['project', 'answers', 'files', 'notes', 'environment', 'nextSteps']);
      const stripe = data.environment.settings.find((s: EnvSetting) => s.variable === 'STRIPE_SECRET_KEY');
      assert.deepEqual([stripe.need, stripe.source, stripe.readAt], ['required', 'fill', 'config/runtime.exs:88']);
      assert.equal(data.answers.host.value, 'app.acme.io');
      assert.match(data.nextSteps, /^Next steps\n/);
      assert.match(json.stderr, /Detected/, "Yeoman's and the detection's messages go to stderr");
    });
  });
});
