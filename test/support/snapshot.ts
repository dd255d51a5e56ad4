/**
 * Reviewed, checked-in snapshots of what the generator writes into a project.
 *
 * A snapshot lists every file the run created (whole content, with its mode when executable)
 * and every fixture file it changed (as a unified diff against the fixture), so a review
 * reads exactly what a user would see in `git status` / `git diff`.
 *
 * A missing or different snapshot fails. `UPDATE_SNAPSHOTS=1 npm test` rewrites them; review
 * the diff of test/__snapshots__/ like code before committing.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { listFiles, repoRoot } from './helpers.js';

const SNAPSHOT_DIR = join(repoRoot, 'test/__snapshots__');

/** Files created or changed in `dir` compared with `original` (a fixture). */
export function outputOf(dir: string, original: string): string {
  const sections: string[] = [];
  for (const file of listFiles(dir).sort()) {
    const after = readFileSync(join(dir, file), 'utf8');
    const before = existsSync(join(original, file)) ? readFileSync(join(original, file), 'utf8') : undefined;
    if (before === after) continue;
    const mode = (statSync(join(dir, file)).mode & 0o111) !== 0 ? ' (executable)' : '';
    if (before === undefined) {
      sections.push(`=== created ${file}${mode}\n${after}`);
    } else {
      const patch = createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, undefined, undefined, { context: 2 });
      sections.push(`=== changed ${file}${mode}\n${patch.split('\n').slice(2).join('\n')}`);
    }
  }
  return sections.join('\n');
}

export function assertSnapshot(name: string, actual: string): void {
  const file = join(SNAPSHOT_DIR, `${name}.snap`);
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `No snapshot ${file}. Run UPDATE_SNAPSHOTS=1 npm test, review it, and commit it.`);
  assert.equal(actual, readFileSync(file, 'utf8'), `Output differs from ${file}. If the change is intended, run UPDATE_SNAPSHOTS=1 npm test and review the diff.`);
}
