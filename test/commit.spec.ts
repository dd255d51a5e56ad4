/** support/commit.ts against Yeoman's own commit: the same files, modes and conflicter lines. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create as createEditor, type MemFsEditorFile } from 'mem-fs-editor';
import { createEnv, commitSharedFsTask } from 'yeoman-environment';
import { commitFiles } from '../generators/support/commit.js';
import { listFiles } from './support/helpers.js';

type Commit = (environment: Parameters<typeof commitSharedFsTask>[0]) => Promise<void>;

/** A project with files on disk, the same pending changes in a fresh store, committed by `commit`. */
async function commitProject(commit: Commit, setup: (dir: string) => void = () => {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pd-commit-'));
  writeFileSync(join(dir, 'same.txt'), 'same\n');
  writeFileSync(join(dir, 'ours.txt'), 'old\n');
  writeFileSync(join(dir, '.yo-rc.json'), '{}\n');
  setup(dir);
  const environment = createEnv({ cwd: dir });
  const editor = createEditor(environment.sharedFs as never);
  editor.write(join(dir, 'new.txt'), 'new\n');
  editor.write(join(dir, 'deep/er/file.txt'), 'deep\n');
  editor.write(join(dir, 'same.txt'), 'same\n');
  editor.write(join(dir, 'ours.txt'), 'updated\n');
  // What PieceGenerator#conflicts does for a file phoenix-dokku wrote and nobody edited since.
  (environment.sharedFs.get(join(dir, 'ours.txt')) as MemFsEditorFile & { conflicter?: string }).conflicter = 'force';
  editor.write(join(dir, '.yo-rc.json'), '{"generator-phoenix-dokku":{}}\n');
  editor.write(join(dir, 'rel/overlays/bin/server'), '#!/bin/sh\n', { stat: { mode: 0o100755 } } as never);
  const lines: string[] = [];
  const logger = Object.fromEntries(['create', 'force', 'identical', 'skip', 'conflict'].map(status => [status, (path: string) => lines.push(`${status} ${path}`)]));
  const adapter = { log: Object.assign(() => {}, logger, { writeln: () => {} }), queue: async (task: (a: unknown) => unknown) => task(adapter) };
  await commit({ adapter: adapter as never, conflicterOptions: { cwd: dir }, sharedFs: environment.sharedFs as never });
  const files = Object.fromEntries(listFiles(dir).map(file => [file, { text: readFileSync(join(dir, file), 'utf8'), mode: (statSync(join(dir, file)).mode & 0o777).toString(8) }]));
  const pending = environment.sharedFs.all().filter(file => (file as MemFsEditorFile).state !== undefined).length;
  rmSync(dir, { recursive: true, force: true });
  return { files, lines, pending };
}

describe('committing the files of a run', () => {
  it('writes what Yeoman commit writes, with the same modes, lines and nothing left pending', async () => {
    const ours = await commitProject(environment => commitFiles(environment, false));
    const yeoman = await commitProject(commitSharedFsTask);
    assert.deepEqual(ours.files, yeoman.files);
    assert.equal(ours.files['rel/overlays/bin/server']?.mode, '755');
    assert.equal(ours.files['ours.txt']?.text, 'updated\n');
    // Yeoman's streams may finish files in another order; the loop goes in the store's.
    assert.deepEqual([...ours.lines].sort(), [...yeoman.lines].sort());
    assert.deepEqual(ours.lines, ['create new.txt', 'create deep/er/file.txt', 'identical same.txt', 'force ours.txt', 'force .yo-rc.json', 'create rel/overlays/bin/server']);
    assert.equal(ours.pending, 0);
  });

  it("leaves a project's .yo-resolve rules to Yeoman's commit, which applies them", async () => {
    const skipNew = (dir: string) => writeFileSync(join(dir, '.yo-resolve'), 'new.txt skip\n');
    const ours = await commitProject(environment => commitFiles(environment, false), skipNew);
    assert.equal(ours.files['new.txt'], undefined);
    assert.ok(ours.lines.includes('skip new.txt'), ours.lines.join('\n'));
    assert.deepEqual(ours.files, (await commitProject(commitSharedFsTask, skipNew)).files);
  });

  it("leaves a .yo-resolve in a folder above the project to Yeoman's commit as well", async () => {
    const ours = await commitProject(
      environment => commitFiles(environment, false),
      dir => {
        mkdirSync(join(dir, 'deep/er'), { recursive: true });
        writeFileSync(join(dir, 'deep/.yo-resolve'), 'er/file.txt skip\n');
      },
    );
    assert.equal(ours.files['deep/er/file.txt'], undefined);
  });
});
