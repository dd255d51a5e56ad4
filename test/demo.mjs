#!/usr/bin/env node
// `npm run demo`: copies the example Phoenix project (test/fixtures/phx-1.8-postgres, or the
// fixture named as first argument) to a temp dir, runs `phoenix-dokku --yes` there the way a
// user would, then shows which files it created or changed and the diff of the patched ones.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const example = process.argv[2] ?? 'phx-1.8-postgres';
const extraArgs = process.argv.slice(3);
const dir = mkdtempSync(join(tmpdir(), `phoenix-dokku-demo-${example}-`));
cpSync(join(root, 'test/fixtures', example), dir, { recursive: true });

const git = (...args) => spawnSync('git', ['-c', 'user.name=demo', '-c', 'user.email=demo@example.com', ...args], { cwd: dir, encoding: 'utf8' });
const haveGit = git('init', '-q').status === 0 && git('add', '-A').status === 0 && git('commit', '-qm', 'phx.new').status === 0;

const host = `${example.replace(/[^a-z0-9]+/g, '-')}.example.com`;
console.log(`$ cd ${dir}`);
console.log(`$ phoenix-dokku --yes --host ${host} ${extraArgs.join(' ')}\n`);
const run = spawnSync(process.execPath, [join(root, 'lib/generators/cli.js'), '--yes', '--host', host, ...extraArgs], {
  cwd: dir,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, NO_UPDATE_NOTIFIER: '1' },
});

if (haveGit) {
  console.log('\n--- files created (??) and changed (M) ---');
  console.log(git('status', '--short', '--untracked-files=all').stdout);
  console.log('--- changes to the project\'s own files ---');
  console.log(git('--no-pager', 'diff').stdout || '(none)\n');
}
console.log(`The generated project is in ${dir}`);
process.exit(run.status ?? 1);
