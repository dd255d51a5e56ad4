/**
 * phoenix-dokku:release: the Release module, rel/overlays/bin/server and bin/migrate
 * (shellcheck-clean, mode 0755 on disk), reuse of an existing migration module, umbrellas.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { elixirProblems, fixture, rerunPiece, runCli, runPiece, shellcheckProblems, snapshotDir, type RunResult } from './support/helpers.js';

const SCRIPTS = ['rel/overlays/bin/server', 'rel/overlays/bin/migrate'];
const modeOf = (path: string) => statSync(path).mode & 0o777;

function assertScriptsSound(cwd: string, scripts = SCRIPTS): void {
  for (const script of scripts) assert.equal(modeOf(join(cwd, script)).toString(8), '755', `${script} is executable`);
  assert.equal(shellcheckProblems(scripts.map(script => join(cwd, script))), '');
}

async function assertSecondRunChangesNothing(result: RunResult): Promise<void> {
  const first = snapshotDir(result.cwd);
  await rerunPiece(result, 'release');
  assert.deepEqual(snapshotDir(result.cwd), first);
}

describe('phoenix-dokku:release on phx-1.7-postgres', () => {
  let result: RunResult;
  const file = (path: string) => readFileSync(join(result.cwd, path), 'utf8');
  before(async () => {
    result = await runPiece('release', 'phx-1.7-postgres');
  });

  it('writes Shop.Release with migrate/0 and rollback/2 over the app\'s repos, without Mix', () => {
    const source = file('lib/shop/release.ex');
    assert.match(source, /^defmodule Shop\.Release do$/m);
    assert.match(source, /@app :shop\n/);
    assert.match(source, /def migrate do\n\s+load_app\(\)\n\n\s+for repo <- repos\(\) do/);
    assert.match(source, /def rollback\(repo, version\) do/);
    assert.match(source, /Application\.fetch_env!\(@app, :ecto_repos\)/);
    assert.doesNotMatch(source, /\bMix\./);
    assert.deepEqual(elixirProblems([join(result.cwd, 'lib/shop/release.ex')]), []);
  });

  it('starts :ssl before loading the app (the Phoenix 1.8 loader, for every version)', () => {
    const source = file('lib/shop/release.ex');
    const ssl = source.indexOf('Application.ensure_all_started(:ssl)');
    assert.ok(ssl > 0 && ssl < source.indexOf('Application.ensure_loaded(@app)'));
  });

  it('bin/server starts the release with PHX_SERVER=true; bin/migrate evals Shop.Release.migrate', () => {
    assert.match(file('rel/overlays/bin/server'), /^#!\/bin\/sh\n[\s\S]*\nPHX_SERVER=true exec \.\/shop start\n$/);
    assert.match(file('rel/overlays/bin/migrate'), /^#!\/bin\/sh\n[\s\S]*\nexec \.\/shop eval Shop\.Release\.migrate\n$/);
  });

  it('the scripts are POSIX sh, shellcheck-clean and executable on disk', () => assertScriptsSound(result.cwd));

  it('a second run changes no byte and no mode', () => assertSecondRunChangesNothing(result));
});

describe('phoenix-dokku:release on the umbrella', () => {
  let result: RunResult;
  before(async () => {
    result = await runPiece('release', 'phx-1.7-umbrella');
  });

  it('puts Kitchen.Release in the app that owns the repos', () => {
    const source = readFileSync(join(result.cwd, 'apps/kitchen/lib/kitchen/release.ex'), 'utf8');
    assert.match(source, /^defmodule Kitchen\.Release do$/m);
    assert.match(source, /@app :kitchen\n/);
    assert.equal(existsSync(join(result.cwd, 'lib')), false, 'nothing at the umbrella root lib/');
  });

  it('defines the release mix release needs in the root mix.exs, with every app, format-clean', () => {
    const mixExs = readFileSync(join(result.cwd, 'mix.exs'), 'utf8');
    assert.match(mixExs, /releases: \[\n\s+kitchen: \[\n\s+applications: \[\n\s+kitchen: :permanent,\n\s+kitchen_web: :permanent\n/);
    for (const line of readFileSync(fixture('phx-1.7-umbrella/mix.exs'), 'utf8').split('\n')) assert.ok(mixExs.includes(line), `lost: ${line}`);
    assert.deepEqual(elixirProblems([join(result.cwd, 'mix.exs'), join(result.cwd, 'apps/kitchen/lib/kitchen/release.ex')]), []);
  });

  it('the scripts run that release', () => {
    assert.match(readFileSync(join(result.cwd, 'rel/overlays/bin/migrate'), 'utf8'), /exec \.\/kitchen eval Kitchen\.Release\.migrate\n$/);
    assert.match(readFileSync(join(result.cwd, 'rel/overlays/bin/server'), 'utf8'), /PHX_SERVER=true exec \.\/kitchen start\n$/);
    assertScriptsSound(result.cwd);
  });

  it('a second run changes no byte', () => assertSecondRunChangesNothing(result));
});

describe('phoenix-dokku:release with an existing migration module (TeslaMate.ReleaseTasks)', () => {
  let result: RunResult;
  before(async () => {
    result = await runPiece('release', 'custom-teslamate');
  });

  it('writes no second module and points bin/migrate at the existing one', () => {
    assert.equal(existsSync(join(result.cwd, 'lib/teslamate/release.ex')), false);
    assert.equal(readFileSync(join(result.cwd, 'lib/teslamate/release_tasks.ex'), 'utf8'), readFileSync(fixture('custom-teslamate/lib/teslamate/release_tasks.ex'), 'utf8'));
    assert.match(readFileSync(join(result.cwd, 'rel/overlays/bin/migrate'), 'utf8'), /exec \.\/teslamate eval TeslaMate\.ReleaseTasks\.migrate\n$/);
    assertScriptsSound(result.cwd);
  });

  it('says so in the summary', () => {
    const run = runCli(result.cwd, ['release', '--yes']);
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /runs TeslaMate\.ReleaseTasks\.migrate from lib\/teslamate\/release_tasks\.ex, the project's own migration module/);
  });

  it('warns that the existing module does not start :ssl, which eval needs for an SSL repo', () => {
    const run = runCli(result.cwd, ['release', '--yes']);
    assert.match(run.output, /TeslaMate\.ReleaseTasks does not start :ssl before connecting/);
    assert.match(run.output, /Application\.ensure_all_started\(:ssl\)/);
  });
});

describe('phoenix-dokku:release after mix phx.gen.release (phx-1.7-release)', () => {
  let result: RunResult;
  before(async () => {
    result = await runPiece('release', 'phx-1.7-release');
  });

  it('keeps the existing module and scripts byte for byte, modes included', () => {
    for (const path of ['lib/relay/release.ex', ...SCRIPTS]) {
      assert.equal(readFileSync(join(result.cwd, path), 'utf8'), readFileSync(fixture(`phx-1.7-release/${path}`), 'utf8'), path);
      assert.equal(modeOf(join(result.cwd, path)), modeOf(fixture(`phx-1.7-release/${path}`)), path);
    }
  });
});

describe('phoenix-dokku:release without Ecto (phx-1.7-no-ecto)', () => {
  let result: RunResult;
  before(async () => {
    result = await runPiece('release', 'phx-1.7-no-ecto');
  });

  it('writes only bin/server, and says why there is no migration', () => {
    assert.equal(existsSync(join(result.cwd, 'rel/overlays/bin/migrate')), false);
    assert.equal(existsSync(join(result.cwd, 'lib/notes/release.ex')), false);
    assertScriptsSound(result.cwd, ['rel/overlays/bin/server']);
    const run = runCli(result.cwd, ['release', '--yes']);
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /Not applicable[\s\S]*no Ecto repo, so there is nothing to migrate/);
  });
});
