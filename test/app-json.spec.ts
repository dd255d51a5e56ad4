/**
 * The app-json piece: Dokku's startup check on /health, migrations before traffic switches
 * (Procfile release:, never postdeploy), and an existing app.json merged key by key.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'prettier';
import { mergeAbsentKeys } from '../generators/support/dokku.js';
import { fixtureProject } from './support/fixture-projects.js';
import { assertRefused, fixture, phoenixFixtures, rerunPiece, runCli, runPiece, snapshotDir, type RunResult } from './support/helpers.js';

const read = (result: RunResult, file: string) => readFileSync(join(result.cwd, file), 'utf8');

interface Check {
  type: string;
  path: string;
  attempts: number;
  wait: number;
  timeout: number;
  httpHeaders?: { name: string; value: string }[];
}

describe('phoenix-dokku:app-json', function () {
  this.timeout(120_000);

  for (const name of phoenixFixtures()) {
    for (const strategy of ['dockerfile', 'buildpack'] as const) {
      describe(`${name} (${strategy})`, () => {
        const project = fixtureProject(name);
        let result: RunResult;
        before(async () => {
          // The strategy piece writes the Procfile, then app-json: what the main generator runs.
          result = await runPiece(strategy === 'dockerfile' ? 'dockerfile' : 'buildpacks', name);
          result = await rerunPiece(result, 'app-json', { strategy });
        });

        it('app.json is JSON with one startup check on /health that gives the app time to boot', () => {
          const appJson = JSON.parse(read(result, 'app.json'));
          const checks: Check[] = appJson.healthchecks.web;
          assert.equal(checks.length, 1);
          const [check] = checks;
          assert.equal(check.type, 'startup');
          assert.equal(check.path, '/health');
          for (const key of ['attempts', 'wait', 'timeout'] as const) assert.ok(Number.isInteger(check[key]) && check[key] > 0, key);
          assert.ok(check.attempts * (check.wait + check.timeout) >= 60, 'a minute or more before giving up');
        });

        it(project.forceSsl.enabled ? 'the check sends X-Forwarded-Proto: https (force_ssl)' : 'the check sends no extra header (no force_ssl)', () => {
          const [check]: Check[] = JSON.parse(read(result, 'app.json')).healthchecks.web;
          if (project.forceSsl.enabled) assert.deepEqual(check.httpHeaders, [{ name: 'X-Forwarded-Proto', value: 'https' }]);
          else assert.equal(check.httpHeaders, undefined);
        });

        it('migrations run before traffic switches only with Ecto, never after (no postdeploy)', () => {
          const appJson = JSON.parse(read(result, 'app.json'));
          // A postdeploy of the project's own that does not migrate (Heroku's seeds) stays; none is added.
          for (const script of [appJson.scripts?.postdeploy, appJson.scripts?.dokku?.postdeploy]) assert.doesNotMatch(String(script ?? ''), /migrat/);
          if (!project.existing.appJson) assert.equal(JSON.stringify(appJson).match(/postdeploy/), null);
          const release = /^release: (.+)$/m.exec(read(result, 'Procfile'))?.[1];
          const predeploy = appJson.scripts?.dokku?.predeploy;
          assert.equal(Boolean(release ?? predeploy), Boolean(project.ecto));
          if (project.ecto) assert.equal(release, strategy === 'dockerfile' ? '/app/bin/migrate' : 'mix ecto.migrate');
        });

        it('is formatted with prettier, and a second run changes nothing', async () => {
          const content = read(result, 'app.json');
          assert.equal(await format(content, { parser: 'json' }), content);
          const before = snapshotDir(result.cwd);
          await rerunPiece(result, 'app-json', { strategy });
          assert.deepEqual(snapshotDir(result.cwd), before);
        });
      });
    }
  }

  describe('an existing app.json', () => {
    const theirs = {
      name: 'shop',
      scripts: { dokku: { predeploy: 'echo predeploy' } },
      cron: [{ command: 'mix run priv/tasks/cleanup.exs', schedule: '@daily' }],
      formation: { web: { quantity: 2 } },
    };

    it('keeps every key of the user, adds the health check', async () => {
      const result = await runPiece('app-json', 'phx-1.7-postgres', { strategy: 'dockerfile' })
        .withFiles({ 'app.json': `${JSON.stringify(theirs)}\n` })
        .commitFiles();
      const merged = JSON.parse(read(result, 'app.json'));
      assert.deepEqual({ ...merged, healthchecks: undefined }, { ...theirs, healthchecks: undefined });
      assert.deepEqual(Object.keys(merged), [...Object.keys(theirs), 'healthchecks']);
      assert.equal(merged.healthchecks.web[0].path, '/health');
      const content = read(result, 'app.json');
      assert.equal(await format(content, { parser: 'json' }), content, 'a one-line app.json has no layout to keep: formatted');
    });

    it('keeps the user\'s layout: their lines as written, ours added in their indentation and line endings', async () => {
      const lines = [
        '{',
        '    "name": "shop",',
        '    "scripts": { "dokku": { "predeploy": "echo predeploy" } },',
        '    "cron": [{ "command": "mix run priv/tasks/cleanup.exs", "schedule": "@daily" }]',
        '}',
      ];
      for (const eol of ['\n', '\r\n']) {
        const result = await runPiece('app-json', 'phx-1.7-postgres', { strategy: 'dockerfile' })
          .withFiles({ 'app.json': lines.join(eol) + eol })
          .commitFiles();
        const merged = read(result, 'app.json');
        const kept = lines.slice(0, -2).join(eol) + eol + lines.at(-2) + ',' + eol;
        assert.ok(merged.startsWith(kept), merged);
        assert.ok(merged.slice(kept.length).startsWith(`    "healthchecks": {${eol}        "web": [${eol}`), merged);
        assert.ok(merged.endsWith(`${eol}}${eol}`));
        assert.equal(merged.split(eol).length, merged.split('\n').length, 'one line ending throughout');
        assert.equal(JSON.parse(merged).healthchecks.web[0].path, '/health');
      }
    });

    it('keeps the user\'s own web health checks as they are', async () => {
      const own = { healthchecks: { web: [{ type: 'startup', path: '/ready', attempts: 3 }] } };
      const content = `${JSON.stringify(own, null, 2)}\n`;
      const result = await runPiece('app-json', 'phx-1.7-postgres', { strategy: 'dockerfile' }).withFiles({ 'app.json': content }).commitFiles();
      assert.equal(read(result, 'app.json'), content, 'untouched, byte for byte');
    });

    it('refuses an app.json that is not JSON: what and how to fix, nothing written', async () => {
      await assertRefused('app-json', 'phx-1.7-postgres', { strategy: 'dockerfile' }, /app\.json is not valid JSON.*fix it/s, {
        'app.json': '{ "name": "shop", }\n',
      });
    });
  });

  describe('told in the summary', () => {
    const dirs: string[] = [];
    after(() => dirs.forEach(dir => rmSync(dir, { recursive: true, force: true })));
    const project = (files: Record<string, string>) => {
      const dir = mkdtempSync(join(tmpdir(), 'pd-appjson-'));
      dirs.push(dir);
      cpSync(fixture('phx-1.7-postgres'), dir, { recursive: true });
      for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
      return dir;
    };

    it('force_ssl without rewrite_on: the check still sends the header, and the summary says what to add to the config', () => {
      const prod = readFileSync(fixture('phx-1.7-postgres/config/prod.exs'), 'utf8');
      const dir = project({ 'config/prod.exs': `${prod}\nconfig :shop, ShopWeb.Endpoint, force_ssl: [hsts: true]\n` });
      const run = runCli(dir, ['app-json', '--yes', '--strategy', 'dockerfile']);
      assert.equal(run.status, 0, run.output);
      assert.match(run.output, /Do by hand\n.*force_ssl in config\/prod\.exs redirects Dokku's plain-HTTP check on \/health.*Add rewrite_on: \[:x_forwarded_proto\]/s);
      assert.match(run.output, /needs Plug 1\.19\.1; the project locks Plug \d/);
      const [check] = JSON.parse(readFileSync(join(dir, 'app.json'), 'utf8')).healthchecks.web;
      assert.deepEqual(check.httpHeaders, [{ name: 'X-Forwarded-Proto', value: 'https' }]);
    });

    it('a migration in postdeploy: a warning to remove it, the user\'s script kept', () => {
      const theirs = { scripts: { dokku: { postdeploy: 'mix ecto.migrate' } } };
      const dir = project({ 'app.json': JSON.stringify(theirs) });
      const run = runCli(dir, ['app-json', '--yes', '--strategy', 'buildpack']);
      assert.equal(run.status, 0, run.output);
      assert.match(run.output, /Warnings\n.*runs "mix ecto\.migrate" in scripts\.dokku\.postdeploy: after the new containers already take traffic.*Procfile "release: mix ecto\.migrate"/s);
      assert.equal(JSON.parse(readFileSync(join(dir, 'app.json'), 'utf8')).scripts.dokku.postdeploy, 'mix ecto.migrate');
    });
  });

  describe('mergeAbsentKeys', () => {
    it('adds absent keys only, reports different values as conflicts and keeps theirs', () => {
      const merged = mergeAbsentKeys({ a: 1, nested: { keep: true, clash: 'theirs' } }, { a: 2, b: 3, nested: { clash: 'ours', add: [1] } });
      assert.deepEqual(merged.value, { a: 1, nested: { keep: true, clash: 'theirs', add: [1] }, b: 3 });
      assert.deepEqual(merged.added, ['b', 'nested.add']);
      assert.deepEqual(merged.conflicts, [
        { path: 'a', theirs: 1, ours: 2 },
        { path: 'nested.clash', theirs: 'theirs', ours: 'ours' },
      ]);
    });
  });

  it('without Ecto, the check does not claim to query a database', async () => {
    const result = await runPiece('app-json', 'phx-1.7-no-ecto', { strategy: 'dockerfile' });
    const [check] = JSON.parse(read(result, 'app.json')).healthchecks.web;
    assert.doesNotMatch(check.description, /database/);
    const withDb = await runPiece('app-json', 'phx-1.7-postgres', { strategy: 'dockerfile' });
    assert.match(JSON.parse(read(withDb, 'app.json')).healthchecks.web[0].description, /queries the database/);
  });

  it('without Ecto, no migration step anywhere', async () => {
    const result = await runPiece('dockerfile', 'phx-1.7-no-ecto');
    assert.doesNotMatch(read(result, 'Procfile'), /release:/);
    assert.equal(existsSync(join(result.cwd, 'rel/overlays/bin/migrate')), false);
  });
});
