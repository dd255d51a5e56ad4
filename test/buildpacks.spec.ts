/**
 * The buildpacks piece: the configs are bash files the buildpacks `source`, so they are
 * sourced with bash here, their hooks run the way the buildpacks run them (against stub
 * `mix`/`npm` commands that record where and how they were called), and shellcheck reads them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ELIXIR_BUILDPACKS, PHOENIX_STATIC_BUILDPACK } from '../generators/support/dokku.js';
import { fixtureProject } from './support/fixture-projects.js';
import {
  assertRefused,
  fixture,
  phoenixFixtures,
  rerunPiece,
  runCli,
  runPiece,
  shellcheckProblems,
  snapshotDir,
  type RunResult,
} from './support/helpers.js';

const read = (result: RunResult, file: string) => readFileSync(join(result.cwd, file), 'utf8');

/** Sources a buildpack config with bash, as the buildpack does, and prints the variables. */
function sourced(dir: string, file: string, names: string[]): Record<string, string> {
  const script = `set -e; source ./${file}; ${names.map(name => `printf '%s\\0' "\${${name}-<unset>}"`).join('; ')}`;
  const result = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const values = result.stdout.split('\0');
  return Object.fromEntries(names.map((name, index) => [name, values[index]]));
}

/**
 * A copy of the project with stub `mix`, `npm` and `rm` on PATH that log "<dir relative to the
 * project>|<args>" to a file; returns the runner and the log.
 */
function withStubs(projectDir: string) {
  const sandbox = mkdtempSync(join(tmpdir(), 'pd-hook-'));
  const build = join(sandbox, 'build');
  cpSync(projectDir, build, { recursive: true });
  const bin = join(sandbox, 'bin');
  mkdirSync(bin);
  const log = join(sandbox, 'calls.log');
  for (const tool of ['mix', 'npm', 'rm']) {
    writeFileSync(join(bin, tool), `#!/bin/sh\nprintf '%s|%s|%s\\n' "${tool}" "\${PWD#${build}}" "$*" >> '${log}'\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  return {
    build,
    run(script: string, env: Record<string, string> = {}) {
      const result = spawnSync('bash', ['-c', script], { cwd: build, encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, ...env } });
      return { status: result.status, stderr: result.stderr, calls: existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [] };
    },
    cleanup: () => rmSync(sandbox, { recursive: true, force: true }),
  };
}

describe('phoenix-dokku:buildpacks', function () {
  this.timeout(120_000);

  for (const name of phoenixFixtures()) {
    describe(name, () => {
      const project = fixtureProject(name);
      const npm = Boolean(project.assets?.npm);
      let result: RunResult;
      let answers: Record<string, string>;
      before(async () => {
        result = await runPiece('buildpacks', name);
        answers = JSON.parse(read(result, '.yo-rc.json'))['generator-phoenix-dokku'];
      });

      it('.buildpacks: one pinned URL per line, no comments; the Elixir buildpack first, the static one only for npm assets (a project\'s own one kept)', () => {
        if (project.existing.buildpacks) {
          // yeoman-test runs with --force: the obsolete buildpacks of theirs (HashNuke, gjaldon) were replaced line for line.
          assert.equal(read(result, '.buildpacks'), `${ELIXIR_BUILDPACKS[0].url}\n${PHOENIX_STATIC_BUILDPACK}\n`);
          return;
        }
        const lines = read(result, '.buildpacks').split('\n');
        assert.equal(lines.pop(), '', 'ends with a newline');
        for (const line of lines) assert.match(line, /^https:\/\/github\.com\/[\w-]+\/[\w-]+#[\w.]+$/);
        assert.deepEqual(lines, npm ? [ELIXIR_BUILDPACKS[0].url, PHOENIX_STATIC_BUILDPACK] : [ELIXIR_BUILDPACKS[0].url]);
        assert.equal(existsSync(join(result.cwd, 'phoenix_static_buildpack.config')), npm);
      });

      it('elixir_buildpack.config sourced by bash yields the answered versions, written with a dot', () => {
        const values = sourced(result.cwd, 'elixir_buildpack.config', ['erlang_version', 'elixir_version', 'always_rebuild', 'config_vars_to_export']);
        assert.equal(values.erlang_version, answers.erlangVersion);
        assert.match(values.erlang_version, /^\d+\.\d+/);
        assert.equal(values.elixir_version, answers.elixirVersion);
        assert.match(values.always_rebuild, /^(true|false)$/);
        // Obsolete (every config var reaches the build): never written, kept where the project has it.
        const theirs = project.existing.elixirBuildpackConfig && /^config_vars_to_export=/m.test(readFileSync(fixture(`${name}/elixir_buildpack.config`), 'utf8'));
        assert.equal(values.config_vars_to_export === '<unset>', !theirs);
      });

      it('passes shellcheck (bash; the configs assign variables for the buildpack to read)', () => {
        const files = ['elixir_buildpack.config', 'phoenix_static_buildpack.config', 'phoenix_static_buildpack_compile']
          .map(file => join(result.cwd, file))
          .filter(existsSync);
        assert.equal(shellcheckProblems(files, 'bash', ['SC2034']), '');
      });

      it('builds the assets after mix compile, exactly as the buildpack runs the hook or compile script', () => {
        const stubs = withStubs(result.cwd);
        try {
          const { hook_post_compile: hook } = sourced(result.cwd, 'elixir_buildpack.config', ['hook_post_compile']);
          const webDir = project.web.app.dir ? `/${project.web.app.dir}` : '';
          if (!project.assets?.aliases.deploy && !(npm && project.assets?.npmScripts.includes('deploy'))) {
            assert.equal(hook, '<unset>', 'no assets step without a way to build them');
            return;
          }
          if (!npm) {
            // The Elixir buildpack: `cd $build_path; $hook_post_compile || exit 1` (unquoted, no shell parsing).
            const run = stubs.run('source ./elixir_buildpack.config; $hook_post_compile || exit 1; echo "cwd=$PWD" >&2');
            assert.equal(run.status, 0, run.stderr);
            assert.deepEqual(run.calls.slice(0, 2), [`mix|${webDir}|assets.deploy`, 'rm||-f _build/esbuild* _build/tailwind*']);
            assert.match(run.stderr, new RegExp(`cwd=${stubs.build}$`, 'm'), 'the hook leaves the build root as it was');
            return;
          }
          assert.equal(hook, '<unset>', 'with Node the static buildpack builds the assets');
          const config = sourced(result.cwd, 'phoenix_static_buildpack.config', ['node_version', 'compile', 'phoenix_relative_path', 'remove_node', 'assets_path']);
          assert.equal(config.node_version, answers.nodeVersion);
          if (config.compile !== 'phoenix_static_buildpack_compile') {
            // The project's own compile script (Heroku days) stays in charge, and none of ours is written.
            assert.ok(existsSync(join(result.cwd, config.compile)), `${config.compile} exists`);
            assert.ok(!existsSync(join(result.cwd, 'phoenix_static_buildpack_compile')));
            return;
          }
          assert.deepEqual([config.remove_node, config.assets_path], ['true', 'assets']);
          // The static buildpack: `cd $assets_dir; source $build_dir/$compile`, with $phoenix_dir set.
          const run = stubs.run(`source ./phoenix_static_buildpack.config; cd "$phoenix_dir/${'assets'}" && source "$build_dir/$compile"`, {
            build_dir: stubs.build,
            phoenix_dir: join(stubs.build, project.web.app.dir),
          });
          assert.equal(run.status, 0, run.stderr);
          const expected = [...(project.assets!.aliases.deploy ? [`mix|${webDir}|assets.deploy`] : [`npm|${webDir}|run deploy --prefix assets`, `mix|${webDir}|phx.digest`]), `mix|${webDir}|phx.digest.clean`];
          assert.deepEqual(run.calls.slice(0, expected.length), expected);
        } finally {
          stubs.cleanup();
        }
      });

      it('writes the Procfile: mix phx.server, and mix ecto.migrate as the release step only with Ecto (a Procfile of theirs gains what it lacks)', () => {
        if (project.existing.procfile) {
          const theirs = readFileSync(fixture(`${name}/Procfile`), 'utf8');
          assert.ok(read(result, 'Procfile').startsWith(theirs), 'their lines first, unchanged');
          if (project.ecto) assert.match(read(result, 'Procfile'), /^release: mix ecto\.migrate$/m);
          return;
        }
        assert.equal(read(result, 'Procfile'), project.ecto ? 'web: mix phx.server\nrelease: mix ecto.migrate\n' : 'web: mix phx.server\n');
      });

      it('changes nothing on a second run', async () => {
        const before = snapshotDir(result.cwd);
        await rerunPiece(result, 'buildpacks');
        assert.deepEqual(snapshotDir(result.cwd), before);
      });
    });
  }

  it('an existing elixir_buildpack.config keeps every line; missing settings are appended (custom-teslamate)', async () => {
    const theirs = readFileSync(fixture('custom-teslamate/elixir_buildpack.config'), 'utf8');
    const result = await runPiece('buildpacks', 'custom-teslamate');
    const merged = read(result, 'elixir_buildpack.config');
    assert.ok(merged.startsWith(theirs.trimEnd()), 'their lines, unchanged and in order');
    assert.match(merged, /^hook_post_compile="eval mix assets\.deploy && rm -f _build\/esbuild\* _build\/tailwind\*"$/m);
    assert.equal(merged.match(/^erlang_version=/gm)?.length, 1);
    assert.equal(sourced(result.cwd, 'elixir_buildpack.config', ['runtime_path']).runtime_path, '/app');
  });

  it('--erlang-version with an answered new version rewrites only that value', async () => {
    const result = await runPiece('buildpacks', 'custom-teslamate', { 'erlang-version': '26.2.5.21' });
    const values = sourced(result.cwd, 'elixir_buildpack.config', ['erlang_version', 'elixir_version', 'runtime_path']);
    assert.deepEqual(values, { erlang_version: '26.2.5.21', elixir_version: '1.16.3', runtime_path: '/app' });
  });

  it('an existing Procfile keeps its lines; ours are added', async () => {
    const result = await runPiece('buildpacks', 'phx-1.7-postgres').withFiles({ Procfile: 'worker: mix run --no-halt\n' }).commitFiles();
    assert.equal(read(result, 'Procfile'), 'worker: mix run --no-halt\nweb: mix phx.server\nrelease: mix ecto.migrate\n');
  });

  it('a Dockerfile left in the project: a warning, and the builder:set command', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-both-'));
    try {
      cpSync(fixture('phx-1.7-release'), dir, { recursive: true });
      const run = runCli(dir, ['buildpacks', '--yes']);
      assert.equal(run.status, 0, run.output);
      assert.match(run.output, /Warnings\n.*Dockerfile is still in the project.*dokku builder:set relay selected herokuish/s);
      assert.ok(existsSync(join(dir, 'Dockerfile')), 'the user deletes it, not us');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--elixir-buildpack hashnuke uses the classic buildpack', async () => {
    const result = await runPiece('buildpacks', 'phx-1.7-postgres', { 'elixir-buildpack': 'hashnuke' });
    assert.equal(read(result, '.buildpacks'), `${ELIXIR_BUILDPACKS[1].url}\n`);
    assert.match(ELIXIR_BUILDPACKS[1].url, /^https:\/\/github\.com\/HashNuke\/heroku-buildpack-elixir#\w+$/);
  });

  it('--elixir-buildpack is kept in .yo-rc.json: a later run without it changes nothing', async () => {
    const result = await runPiece('buildpacks', 'phx-1.7-postgres', { 'elixir-buildpack': 'hashnuke' });
    const before = snapshotDir(result.cwd);
    await rerunPiece(result, 'buildpacks');
    assert.deepEqual(snapshotDir(result.cwd), before);
    assert.equal(read(result, '.buildpacks'), `${ELIXIR_BUILDPACKS[1].url}\n`);
  });

  it('switching strategy: the Procfile phoenix-dokku wrote for the other build is replaced, both ways', async () => {
    let result: RunResult = await runPiece('dockerfile', 'phx-1.7-postgres');
    result = await rerunPiece(result, 'buildpacks');
    assert.equal(read(result, 'Procfile'), 'web: mix phx.server\nrelease: mix ecto.migrate\n');
    result = await rerunPiece(result, 'dockerfile');
    assert.equal(read(result, 'Procfile'), 'web: /app/bin/server\nrelease: /app/bin/migrate\n');
  });

  it('a Procfile with those commands that phoenix-dokku did not write is the user\'s: kept under --yes (said so), replaced on --force', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-procfile-'));
    try {
      cpSync(fixture('phx-1.7-postgres'), dir, { recursive: true });
      const theirs = 'web: /app/bin/server\nrelease: /app/bin/migrate\n';
      writeFileSync(join(dir, 'Procfile'), theirs);
      const run = runCli(dir, ['buildpacks', '--yes']);
      assert.equal(run.status, 0, run.output);
      assert.match(run.output, /\n {2}kept {5}Procfile {2}\[buildpacks\]/);
      assert.match(run.output, /Procfile: kept, it is yours/);
      assert.equal(readFileSync(join(dir, 'Procfile'), 'utf8'), theirs);
      assert.ok(existsSync(join(dir, '.buildpacks')), 'the rest is written');
      const forced = runCli(dir, ['buildpacks', '--yes', '--force']);
      assert.equal(forced.status, 0, forced.output);
      assert.equal(readFileSync(join(dir, 'Procfile'), 'utf8'), 'web: mix phx.server\nrelease: mix ecto.migrate\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown --elixir-buildpack, listing the choices; nothing written', async () => {
    await assertRefused('buildpacks', 'phx-1.7-postgres', { 'elixir-buildpack': 'heroku' }, /Unknown --elixir-buildpack "heroku".*gigalixir.*hashnuke/s);
  });

  it('refuses --erlang-version 27 (bare major) naming 27.0; nothing written', async () => {
    await assertRefused('buildpacks', 'phx-1.7-postgres', { 'erlang-version': '27' }, /bare major.*Fix: write 27\.0/s);
  });
});
