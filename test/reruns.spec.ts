/**
 * Issue 5: whole-output snapshots per fixture × strategy, second runs that change nothing,
 * user edits that survive, --dry-run, and answers that update exactly their files.
 */
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixture, fixture, hostFor, listFiles, phoenixFixtures, runCli, snapshotDir as tree } from './support/helpers.js';
import { assertSnapshot, outputOf } from './support/snapshot.js';

describe('safe re-runs', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  const fresh = (name: string) => {
    const dir = copyFixture(name, 'pd-rerun');
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach(dir => rmSync(dir, { recursive: true, force: true })));

  for (const name of phoenixFixtures()) {
    for (const strategy of ['dockerfile', 'buildpack']) {
      it(`${name} (${strategy}): output matches the reviewed snapshot, and a second run changes nothing`, () => {
        const dir = fresh(name);
        const args = ['--yes', '--host', hostFor(name), '--strategy', strategy];
        let first = runCli(dir, args);
        if (first.status !== 0) {
          // Only a project's own deploy files may stop the first run, and then nothing is written.
          assert.match(first.stderr, /would replace/, first.output);
          assert.deepEqual(tree(dir), tree(fixture(name)), 'a refused run writes nothing');
          first = runCli(dir, [...args, '--force']);
        }
        assert.equal(first.status, 0, first.output);
        assertSnapshot(`${name}.${strategy}`, outputOf(dir, fixture(name)));

        const before = tree(dir);
        const second = runCli(dir, ['--yes']);
        assert.equal(second.status, 0, second.output);
        assert.deepEqual(tree(dir), before, 'second run changed files');
        assert.doesNotMatch(second.output, /^\s*(create|force|conflict)\s+(?!\.yo-rc\.json)/m, 'second run reported writes');
        assert.match(second.output, /identical/);
      });
    }
  }

  it("a project's own Dockerfile (phx.gen.release) is not replaced without consent: kept byte for byte, audited, and the run completes", () => {
    const dir = fresh('phx-1.7-release');
    const run = runCli(dir, ['--yes', '--host', 'relay.example.com', '--strategy', 'dockerfile']);
    assert.equal(run.status, 0, run.output);
    assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), readFileSync(join(fixture('phx-1.7-release'), 'Dockerfile'), 'utf8'));
    assert.match(run.output, /\n {2}kept {5}Dockerfile {2}\[dockerfile\]/);
    assert.match(run.output, /Dockerfile: kept, it is yours[^\n]*the checks about it pass/);
  });

  describe('a file the user edited after generation', () => {
    let dir: string;
    beforeEach(() => {
      dir = fresh('phx-1.7-postgres');
      assert.equal(runCli(dir, ['--yes', '--host', 'shop.example.com']).status, 0);
      appendFileSync(join(dir, 'Dockerfile'), '# my tweak\n');
    });

    it('is kept by a --yes run (said so, with --force named), and the rest is updated', () => {
      const edited = readFileSync(join(dir, 'Dockerfile'), 'utf8');
      const run = runCli(dir, ['--yes', '--elixir-version', '1.18.1', '--erlang-version', '27.2']);
      assert.equal(run.status, 0, run.output);
      assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), edited);
      assert.match(run.output, /Dockerfile: kept, it is yours \(or edited since phoenix-dokku wrote it\)[^\n]*--force replaces it/);
      assert.equal(JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-phoenix-dokku'].elixirVersion, '1.18.1');
      // The next run still sees it as the user's: its hash is not saved as ours.
      assert.match(runCli(dir, ['--yes']).output, /Dockerfile: kept/);
    });

    it('is overwritten with --force', () => {
      const run = runCli(dir, ['--yes', '--force']);
      assert.equal(run.status, 0, run.output);
      assert.doesNotMatch(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /my tweak/);
    });

    it('is only diffed with --dry-run, nothing written', () => {
      const before = tree(dir);
      const run = runCli(dir, ['--yes', '--dry-run', '--elixir-version', '1.18.1', '--erlang-version', '27.2']);
      assert.equal(run.status, 0, run.output);
      assert.match(run.output, /my tweak/, 'the diff shows the user line that would go');
      assert.match(run.output, /--dry-run: nothing was written/);
      assert.deepEqual(tree(dir), before);
    });

    it('survives a run of an unrelated piece', () => {
      const run = runCli(dir, ['health', '--yes']);
      assert.equal(run.status, 0, run.output);
      assert.match(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /my tweak/);
    });
  });

  describe('changing one answer', () => {
    it('updates exactly the files that depend on it, without asking', () => {
      const dir = fresh('phx-1.7-postgres');
      assert.equal(runCli(dir, ['--yes', '--host', 'shop.example.com']).status, 0);
      const before = tree(dir);
      const run = runCli(dir, ['--yes', '--elixir-version', '1.18.1', '--erlang-version', '27.2']);
      assert.equal(run.status, 0, run.output);
      const after = tree(dir);
      const changed = Object.keys(after).filter(file => after[file] !== before[file]).sort();
      assert.deepEqual(changed, ['.yo-rc.json', 'Dockerfile']);
      assert.match(after.Dockerfile, /1\.18\.1/);
      assert.match(after['.yo-rc.json'], /"elixirVersion": "1\.18\.1"/);
    });

    it('switching strategy writes the other build files and says Dokku must be pinned', () => {
      const dir = fresh('phx-1.7-postgres');
      assert.equal(runCli(dir, ['--yes', '--host', 'shop.example.com']).status, 0);
      const run = runCli(dir, ['--yes', '--strategy', 'buildpack']);
      assert.equal(run.status, 0, run.output);
      const files = listFiles(dir);
      assert.ok(files.includes('.buildpacks') && files.includes('elixir_buildpack.config'));
      assert.match(run.output, /builder:set shop selected herokuish/);
    });
  });

});
