import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { PIECES } from '../generators/support/pieces.js';
import { copyFixture, generatorPath, listFiles, repoRoot, runCli } from './support/helpers.js';

/** A fresh copy of a fixture in a temp dir; removed after the suite. */
const copies: string[] = [];
function copyOf(name: string): string {
  const dir = copyFixture(name);
  copies.push(dir);
  return dir;
}

describe('phoenix-dokku bin', () => {
  after(() => copies.forEach(dir => rmSync(dir, { recursive: true, force: true })));

  describe('outside a Phoenix project', () => {
    it('refuses a plain Mix project with one paragraph, exit 1, nothing written', () => {
      const dir = copyOf('not-phoenix');
      const before = listFiles(dir);
      const run = runCli(dir, ['--yes', '--host', 'util.example.com']);
      assert.equal(run.status, 1, run.output);
      assert.match(run.stderr, /not a Phoenix one: no :phoenix dependency in mix\.exs/);
      assert.match(run.stderr, /Nothing was written/);
      assert.doesNotMatch(run.output, /\n\s+at /, 'no stack trace for a user error');
      assert.deepEqual(listFiles(dir), before);
    });

    it('refuses a directory without mix.exs, exit 1, nothing written', () => {
      const dir = mkdtempSync(join(tmpdir(), 'pd-empty-'));
      copies.push(dir);
      const run = runCli(dir, ['--yes', '--host', 'x.example.com']);
      assert.equal(run.status, 1, run.output);
      assert.match(run.stderr, /No mix\.exs in .*not an Elixir project/);
      assert.deepEqual(listFiles(dir), []);
    });
  });

  describe('invalid flags', () => {
    const cases: [string, string[], RegExp][] = [
      ['a bare OTP major', ['--erlang-version', '27'], /bare major.*\n.*Fix: write 27\.0/s],
      ['a v-prefixed Elixir', ['--elixir-version', 'v1.18.1'], /Fix: write 1\.18\.1/],
      ['an incompatible pair', ['--elixir-version', '1.14.5', '--erlang-version', '27.2'], /supports Erlang\/OTP 23–26 only/],
      ['an unknown strategy', ['--strategy', 'heroku'], /Unknown strategy "heroku".*dockerfile.*buildpack/s],
      ['an invalid app name', ['--app-name', 'My_App'], /not a valid Dokku app name.*my-app/s],
      ['a host with a scheme', ['--host', 'https://shop.example.com'], /not a domain name/],
      ['an e-mail without a domain', ['--email', 'ops'], /"ops" is not an e-mail address/],
    ];
    for (const [what, flags, message] of cases) {
      it(`refuses ${what} with the fix, exit 1, nothing written`, () => {
        const dir = copyOf('phx-1.7-postgres');
        const before = listFiles(dir).map(file => [file, readFileSync(join(dir, file), 'utf8')]);
        const run = runCli(dir, ['--yes', '--host', 'shop.example.com', ...flags]);
        assert.equal(run.status, 1, run.output);
        assert.match(run.stderr, message);
        assert.match(run.stderr, /Nothing was written/);
        assert.deepEqual(listFiles(dir).map(file => [file, readFileSync(join(dir, file), 'utf8')]), before);
      });
    }

    it('refuses an unknown sub-generator, listing the real ones', () => {
      const run = runCli(copyOf('phx-1.7-postgres'), ['helth']);
      assert.equal(run.status, 1);
      assert.match(run.stderr, /unknown sub-generator "helth".*app, runtime, .*health/s);
    });

    it('names the flag when --yes leaves a needed value unknown', () => {
      const run = runCli(copyOf('phx-1.7-postgres'), ['--yes']);
      assert.equal(run.status, 1, run.output);
      assert.match(run.stderr, /Pass --host/);
    });

    it('names the file when a pinned version is malformed', () => {
      const dir = copyOf('phx-1.7-postgres');
      writeFileSync(join(dir, '.tool-versions'), 'erlang latest\nelixir 1.17.3-otp-27\n');
      const run = runCli(dir, ['--yes', '--host', 'shop.example.com']);
      assert.equal(run.status, 1, run.output);
      assert.match(run.stderr, /latest from \.tool-versions \(erlang\)/);
      assert.match(run.stderr, /or pass --erlang-version/);
      assert.doesNotMatch(run.output, /An error occured/, 'only phoenix-dokku\'s own message');
    });

    it('resolves a pin of a minor line or a bare OTP major to its newest release, and says so', () => {
      const dir = copyOf('phx-1.7-postgres');
      writeFileSync(join(dir, '.tool-versions'), 'erlang 27\nelixir 1.17\n');
      const run = runCli(dir, ['--yes', '--host', 'shop.example.com']);
      assert.equal(run.status, 0, run.output);
      assert.match(run.output, /elixirVersion: 1\.17\.3 {2}\(\.tool-versions \(elixir\)\)/);
      assert.match(run.output, /\.tool-versions \(elixir\) pins the Elixir 1\.17 line; using its newest release, 1\.17\.3/);
      assert.match(run.output, /\.tool-versions \(erlang\) pins Erlang\/OTP 27 without a dot/);
    });
  });

  describe('one piece alone', () => {
    it('runtime accepts --host and uses it in the PHX_HOST hint; it needs no other answer', () => {
      const dir = copyOf('phx-1.5-legacy');
      const run = runCli(dir, ['runtime', '--yes', '--host', 'legacy.example.com']);
      assert.equal(run.status, 0, run.output);
      assert.match(readFileSync(join(dir, 'config/runtime.exs'), 'utf8'), /dokku config:set legacy PHX_HOST=legacy\.example\.com/);
      assert.deepEqual(listFiles(dir).filter(file => /Dockerfile|Procfile|app\.json|buildpack/.test(file)), [], 'only its own files');
    });
  });

  describe('the README demo (npm run demo)', () => {
    it('runs the generator on the example project and shows what it wrote', () => {
      const demo = spawnSync(process.execPath, [join(repoRoot, 'test/demo.mjs')], { encoding: 'utf8', env: { ...process.env, NO_UPDATE_NOTIFIER: '1' }, timeout: 60_000 });
      assert.equal(demo.status, 0, demo.stdout + demo.stderr);
      const dir = /The generated project is in (\S+)/.exec(demo.stdout)?.[1];
      assert.ok(dir, demo.stdout);
      copies.push(dir);
      for (const file of ['Dockerfile', 'app.json', 'Procfile', 'lib/hello/release.ex', 'lib/hello_web/controllers/health_controller.ex']) {
        assert.ok(listFiles(dir).includes(file), `${file} missing`);
      }
      assert.match(demo.stdout + demo.stderr, /dokku apps:create hello/);
    });
  });

  describe('--help', () => {
    // The bin prints --help from pieces.ts without starting Yeoman: it must be what Yeoman's own
    // command for the generator prints (yeoman-environment's prepareCommand, commander's layout).
    for (const name of ['app', ...PIECES.map(piece => piece.name)]) {
      it(`${name}: the same text as Yeoman's command for the generator`, async () => {
        const { prepareCommand } = await import('yeoman-environment');
        const command = await prepareCommand({ resolved: generatorPath(name), namespace: `phoenix-dokku:${name}` });
        command.name(name === 'app' ? 'phoenix-dokku' : `phoenix-dokku ${name}`);
        const usage = readFileSync(join(repoRoot, 'generators', name, 'USAGE'), 'utf8');
        const yeoman = `${command.helpInformation()}\n${usage}`;
        const run = runCli(copyOf('phx-1.7-postgres'), name === 'app' ? ['--help'] : [name, '--help']);
        assert.equal(run.status, 0, run.output);
        assert.equal(run.stdout, yeoman);
      });
    }

    it('lists every option of the main generator', () => {
      const run = runCli(copyOf('phx-1.7-postgres'), ['--help']);
      assert.equal(run.status, 0, run.output);
      for (const flag of ['--app-name', '--host', '--erlang-version', '--elixir-version', '--node-version', '--npm-version', '--strategy', '--email', '--builder-image', '--runner-image', '--elixir-buildpack', '--yes', '--force', '--dry-run']) {
        assert.ok(run.stdout.includes(flag), `${flag} missing from --help:\n${run.stdout}`);
      }
    });
  });
});
