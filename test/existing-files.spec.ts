/**
 * Projects that already carry deploy files (phx.gen.release, Fly, Heroku buildpacks, Kamal):
 * `--yes` completes, every line of every file the project had is still there, line formats are
 * merged, a user's Dockerfile is kept and audited, and the summary says per file what happened.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILDPACK_KINDS, ELIXIR_BUILDPACKS, PHOENIX_STATIC_BUILDPACK, mergeBuildpacks, mergeDockerignore, mergeProcfile } from '../generators/support/dokku.js';
import { copyFixture, fixture, listFiles, runCli } from './support/helpers.js';

/** Every line of `before` is still in `after`, in the same order. */
function assertLinesKept(file: string, before: string, after: string): void {
  const afterLines = after.split(/\r?\n/);
  let at = 0;
  for (const line of before.split(/\r?\n/)) {
    const found = afterLines.indexOf(line, at);
    assert.notEqual(found, -1, `${file}: line lost or reordered: ${JSON.stringify(line)}`);
    at = found + 1;
  }
}

const summaryLine = (output: string, file: string) => new RegExp(`\\n {2}(rendered|merged {2}|kept {4}) ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} {2}\\[`).exec(output)?.[1]?.trim();

describe('projects with deploy files of their own', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => dirs.forEach(dir => rmSync(dir, { recursive: true, force: true })));

  for (const name of ['fly-launch', 'heroku-classic', 'kamal-app', 'phx-1.7-release', 'custom-teslamate']) {
    for (const strategy of ['dockerfile', 'buildpack'] as const) {
      it(`${name} (${strategy}): --yes completes, keeping every line of every file it had`, () => {
        const dir = copyFixture(name, 'pd-existing');
        dirs.push(dir);
        const run = runCli(dir, ['--yes', '--host', 'app.example.org', '--strategy', strategy]);
        assert.equal(run.status, 0, run.output);
        assert.doesNotMatch(run.output, /These files exist with content/);
        for (const file of listFiles(fixture(name))) {
          assertLinesKept(file, readFileSync(join(fixture(name), file), 'utf8'), readFileSync(join(dir, file), 'utf8'));
        }
      });
    }
  }

  it('fly-launch: the Dockerfile is kept byte for byte, audited at file:line; .dockerignore merged; env.sh guarded; the summary says which', () => {
    const dir = copyFixture('fly-launch', 'pd-existing');
    dirs.push(dir);
    const run = runCli(dir, ['--yes', '--host', 'app.example.org']);
    assert.equal(run.status, 0, run.output);
    assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), readFileSync(fixture('fly-launch/Dockerfile'), 'utf8'));
    assert.equal(summaryLine(run.output, 'Dockerfile'), 'kept');
    assert.equal(summaryLine(run.output, '.dockerignore'), 'merged');
    assert.equal(summaryLine(run.output, 'rel/env.sh.eex'), 'merged');
    assert.match(run.output, /Dockerfile:100 ENV ECTO_IPV6 true is Fly\.io's IPv6 setting/);
    assert.match(run.output, /Dockerfile: kept, it is yours[\s\S]*--force replaces it/);
    assert.match(readFileSync(join(dir, 'rel/env.sh.eex'), 'utf8'), /if \[ -z "\$\{FLY_PRIVATE_IP:-\}" \]; then\n[\s\S]*unset RELEASE_NODE\nfi\n$/);
    assert.match(readFileSync(join(dir, '.dockerignore'), 'utf8'), /# phoenix-dokku: also kept out of the Docker build[^\n]*\n(?:[^\n]+\n)+$/);
  });

  it('--force replaces a Dockerfile the user owns (the only way besides answering yes)', () => {
    const dir = copyFixture('fly-launch', 'pd-existing');
    dirs.push(dir);
    const run = runCli(dir, ['--yes', '--force', '--host', 'app.example.org']);
    assert.equal(run.status, 0, run.output);
    assert.equal(summaryLine(run.output, 'Dockerfile'), 'rendered');
    assert.doesNotMatch(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /ECTO_IPV6/);
  });

  it('heroku-classic: obsolete buildpacks reported with the exact fix under --yes, replaced with --force', () => {
    const dir = copyFixture('heroku-classic', 'pd-existing');
    dirs.push(dir);
    const kept = runCli(dir, ['--yes', '--host', 'app.example.org']);
    assert.equal(kept.status, 0, kept.output);
    assert.equal(readFileSync(join(dir, '.buildpacks'), 'utf8'), readFileSync(fixture('heroku-classic/.buildpacks'), 'utf8'));
    assert.match(kept.output, /\.buildpacks:1 https:\/\/github\.com\/HashNuke\/heroku-buildpack-elixir\.git: the classic Elixir buildpack has no Erlang builds for heroku-24[\s\S]*Replace the line with https:\/\/github\.com\/gigalixir\/gigalixir-buildpack-elixir#v2\.12\.0/);
    assert.match(kept.output, /app\.json "buildpacks" lists [^\n]*HashNuke[^\n]*Dokku 0\.38\+ builds with app\.json's list/);
    const forced = runCli(dir, ['--yes', '--force']);
    assert.equal(forced.status, 0, forced.output);
    assert.equal(readFileSync(join(dir, '.buildpacks'), 'utf8'), `${ELIXIR_BUILDPACKS[0].url}\n${PHOENIX_STATIC_BUILDPACK}\n`);
  });

  it('heroku-classic: elixir_buildpack.config keeps valid versions of its own, takes flags, and fixes a bare OTP major', () => {
    const dir = copyFixture('heroku-classic', 'pd-existing');
    dirs.push(dir);
    writeFileSync(join(dir, 'elixir_buildpack.config'), readFileSync(join(dir, 'elixir_buildpack.config'), 'utf8').replace('erlang_version=25.3', 'erlang_version=25'));
    const run = runCli(dir, ['--yes', '--host', 'app.example.org']);
    assert.equal(run.status, 0, run.output);
    const config = readFileSync(join(dir, 'elixir_buildpack.config'), 'utf8');
    assert.match(config, /^erlang_version=25\.3\.2\.21$/m, 'the bare major became the newest 25 release');
    assert.match(config, /^elixir_version=1\.14\.5$/m);
    assert.match(config, /^config_vars_to_export=\(DATABASE_URL HOST\)$/m, 'an obsolete line of theirs is kept');
    assert.match(run.output, /pins Erlang\/OTP 25 without a dot: the gigalixir buildpack silently installs 25\.0/);
    const flagged = runCli(dir, ['--yes', '--elixir-version', '1.15.8', '--erlang-version', '26.2.5.21']);
    assert.equal(flagged.status, 0, flagged.output);
    const updated = readFileSync(join(dir, 'elixir_buildpack.config'), 'utf8');
    assert.match(updated, /^erlang_version=26\.2\.5\.21$/m);
    assert.match(updated, /^elixir_version=1\.15\.8$/m);
    assertLinesKept('elixir_buildpack.config', readFileSync(fixture('heroku-classic/elixir_buildpack.config'), 'utf8').replace(/^(erlang|elixir)_version=.*\n/gm, ''), updated);
  });

  it('heroku-classic: the Procfile gains release:, its own web: stays; its compile script stays in charge', () => {
    const dir = copyFixture('heroku-classic', 'pd-existing');
    dirs.push(dir);
    const run = runCli(dir, ['--yes', '--host', 'app.example.org']);
    assert.equal(run.status, 0, run.output);
    assert.equal(readFileSync(join(dir, 'Procfile'), 'utf8'), 'web: MIX_ENV=prod elixir --sname server -S mix phx.server\nrelease: mix ecto.migrate\n');
    assert.match(run.output, /runs your own compile script \(compile\): kept/);
    assert.ok(!listFiles(dir).includes('phoenix_static_buildpack_compile'), 'no unused compile script written');
  });

  it('kamal-app: its own HealthController (the /up check) stays; /health is served by one that queries the database', () => {
    const dir = copyFixture('kamal-app', 'pd-existing');
    dirs.push(dir);
    const run = runCli(dir, ['--yes', '--host', 'app.example.org']);
    assert.equal(run.status, 0, run.output);
    assert.equal(readFileSync(join(dir, 'lib/ledgerly_web/controllers/health_controller.ex'), 'utf8'), readFileSync(fixture('kamal-app/lib/ledgerly_web/controllers/health_controller.ex'), 'utf8'));
    assert.match(readFileSync(join(dir, 'lib/ledgerly_web/controllers/dokku_health_controller.ex'), 'utf8'), /defmodule LedgerlyWeb\.DokkuHealthController do[\s\S]*repo\.query\("SELECT 1"/);
    assert.match(readFileSync(join(dir, 'lib/ledgerly_web/router.ex'), 'utf8'), /get "\/health", DokkuHealthController, :show/);
    assert.match(run.output, /dokku ports:set ledgerly http:80:4000\n/, 'its EXPOSE 4000 is served on port 80');
    const again = runCli(dir, ['--yes']);
    assert.equal(again.status, 0, again.output);
    assert.match(again.output, /identical lib\/ledgerly_web\/controllers\/dokku_health_controller\.ex/);
  });

  describe('line-format merges', () => {
    it('.buildpacks: their URLs and order stay, what the build lacks is added, the Elixir one before the static one', () => {
      const apt = 'https://github.com/heroku/heroku-buildpack-apt\n';
      assert.deepEqual(mergeBuildpacks(apt, [ELIXIR_BUILDPACKS[0].url, PHOENIX_STATIC_BUILDPACK], false).content, `${apt}${ELIXIR_BUILDPACKS[0].url}\n${PHOENIX_STATIC_BUILDPACK}\n`);
      const staticOnly = `${apt}https://github.com/gigalixir/gigalixir-buildpack-phoenix-static\n`;
      assert.equal(mergeBuildpacks(staticOnly, [ELIXIR_BUILDPACKS[0].url, PHOENIX_STATIC_BUILDPACK], false).content, `${apt}${ELIXIR_BUILDPACKS[0].url}\nhttps://github.com/gigalixir/gigalixir-buildpack-phoenix-static\n`);
      const own = 'https://github.com/gigalixir/gigalixir-buildpack-elixir.git\n';
      assert.deepEqual(mergeBuildpacks(own, [ELIXIR_BUILDPACKS[0].url], false), { content: undefined, added: [], replacements: [], comments: [] }, 'their unpinned gigalixir URL fills the role');
    });
    it('.buildpacks: an obsolete buildpack is replaced only when allowed; comments are reported; CRLF kept', () => {
      const classic = 'https://github.com/HashNuke/heroku-buildpack-elixir.git\r\n# static\r\n';
      const reported = mergeBuildpacks(classic, [ELIXIR_BUILDPACKS[0].url], false);
      assert.equal(reported.content, undefined);
      assert.equal(reported.replacements[0].ours, BUILDPACK_KINDS['hashnuke-elixir'].replacement);
      assert.deepEqual(reported.comments, [2]);
      assert.equal(mergeBuildpacks(classic, [ELIXIR_BUILDPACKS[0].url], true).content, `${ELIXIR_BUILDPACKS[0].url}\r\n# static\r\n`);
      assert.equal(mergeBuildpacks(classic, [ELIXIR_BUILDPACKS[1].url], false).replacements.length, 0, 'chosen on purpose (--elixir-buildpack hashnuke): not obsolete');
    });
    it('.dockerignore: missing patterns appended once in a marked block; /_build/ and _build/ are the same', () => {
      const merged = mergeDockerignore('/_build/\n/deps/\n', '_build/\ndeps/\n# comment\n**/.env\n');
      assert.deepEqual(merged.added, ['**/.env']);
      assert.match(merged.content!, /^\/_build\/\n\/deps\/\n\n# phoenix-dokku: [^\n]+\n\*\*\/\.env\n$/);
      assert.deepEqual(mergeDockerignore(merged.content!, '_build/\n**/.env\n'), { added: [] });
    });
    it('Procfile: every process type kept, release: added when missing, a different web: reported', () => {
      const merged = mergeProcfile('web: bin/start\nworker: bin/worker\n', { web: '/app/bin/server', release: '/app/bin/migrate' });
      assert.deepEqual(merged.injection, { kind: 'injected', content: 'web: bin/start\nworker: bin/worker\nrelease: /app/bin/migrate\n' });
      assert.deepEqual(merged.conflicts, [{ name: 'web', theirs: 'bin/start', ours: '/app/bin/server' }]);
    });
  });
});
