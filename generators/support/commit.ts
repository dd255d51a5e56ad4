/**
 * Writing a run's files to disk. yeoman-environment's commit (commitSharedFsTask) streams every
 * pending file through four Node stream transforms: the project's .yo-resolve rules, .yo-rc.json
 * forced, the conflicter (its status and its `create`/`force`/`identical` line), the write. For
 * the dozen small files of a run the streams cost more than the work: about 14 ms of a 200 ms
 * run (measured with and without). A run that can ask nothing gets the same steps in a loop:
 * Yeoman's own Conflicter decides each file and prints its line, in the store's order, and the
 * file is written the way mem-fs-editor writes it. Whatever the loop does not cover (a question,
 * --bail or --dry-run, a .yo-resolve file, a deletion) is committed by Yeoman's commit.
 */
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ConflicterFile, ConflicterOptions } from '@yeoman/conflicter';
import type { MemFsEditorFile } from 'mem-fs-editor';
import { clearFileState, isFilePending, isFileStateDeleted, setCommittedFile } from 'mem-fs-editor/state';
import type { commitSharedFsTask } from 'yeoman-environment';

type CommitEnvironment = Parameters<typeof commitSharedFsTask>[0];

/** The files Yeoman's commit always overwrites (its forceYoFiles transform). */
const YEOMAN_FILES = new Set(['.yo-rc.json', '.yo-resolve', '.yo-rc-global.json']);
/** Conflicter statuses that leave the file on disk as it is (its statusToSkipFile). */
const SKIPPED = new Set(['skip', 'diff', 'ignore']);

export async function commitFiles(environment: CommitEnvironment, canAsk: boolean): Promise<void> {
  const { adapter, conflicterOptions = {}, sharedFs } = environment;
  const files = sharedFs.all().filter(isFilePending) as ConflicterFile[];
  const hasYoResolve = yoResolveFinder();
  if (canAsk || conflicterOptions.bail || conflicterOptions.dryRun || files.some(file => isFileStateDeleted(file) || basename(file.path) === '.yo-resolve' || hasYoResolve(file.path))) {
    // Imported here: under `yo phoenix-dokku` (which has its own) these modules would otherwise
    // be loaded for every run, yeoman-environment alone in most of a second.
    const { commitSharedFsTask } = await import('yeoman-environment');
    await commitSharedFsTask(environment);
    return;
  }
  const { Conflicter, setConflicterStatus } = await import('@yeoman/conflicter');
  const { yoResolveFileName: _unused, ...options } = conflicterOptions as ConflicterOptions & { yoResolveFileName?: string };
  const conflicter = new Conflicter(adapter, options);
  for (const file of files) {
    if (YEOMAN_FILES.has(basename(file.path))) setConflicterStatus(file, 'force');
    const checked: ConflicterFile = await conflicter.checkForCollision(file);
    const status = checked.conflicter;
    // What the conflicter noted on the file, removed as its transform does before the write.
    for (const field of ['conflicter', 'changesDetected', 'binary', 'conflicterChanges', 'fileModeChanges']) delete (checked as unknown as Record<string, unknown>)[field];
    if (status && SKIPPED.has(status)) {
      clearFileState(checked);
      continue;
    }
    setCommittedFile(checked);
    write(checked);
    clearFileState(checked);
  }
}

/** Whether a .yo-resolve file is in the folder of a path or above it (Yeoman's commit applies each one's rules). */
function yoResolveFinder(): (path: string) => boolean {
  const folders = new Map<string, boolean>();
  return path => {
    for (let folder = dirname(path); ; folder = dirname(folder)) {
      let found = folders.get(folder);
      if (found === undefined) folders.set(folder, (found = existsSync(join(folder, '.yo-resolve'))));
      if (found) return true;
      if (dirname(folder) === folder) return false;
    }
  };
}

/** mem-fs-editor's write (actions/commit-file-async.js): the folder made if missing, the file's mode kept. */
function write(file: MemFsEditorFile): void {
  if (!file.contents) throw new Error(`${file.path} cannot write an empty file`);
  const folder = dirname(file.path);
  const folderStat = statSync(folder, { throwIfNoEntry: false });
  if (!folderStat) mkdirSync(folder, { recursive: true });
  else if (!folderStat.isDirectory()) throw new Error(`${folder} is not a directory`);
  const mode = file.stat?.mode;
  writeFileSync(file.path, file.contents, { mode: mode ?? undefined });
  if (mode != null && (statSync(file.path).mode & 0o777) !== (mode & 0o777)) chmodSync(file.path, mode);
}
