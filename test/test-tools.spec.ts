/**
 * `npm test` on a fresh machine: test/support/test-tools.mjs installs elixir and shellcheck with
 * apt when they are missing, and otherwise stops at once with the command to run. Run here with
 * a PATH of stand-ins (a fake apt-get that records its calls and "installs" stubs, a fake sudo),
 * so nothing is installed for real.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './support/helpers.js';

const script = join(repoRoot, 'test/support/test-tools.mjs');

function machine(withApt: boolean): { bin: string; log: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'pd-tools-'));
  const bin = join(dir, 'bin');
  const log = join(dir, 'calls.log');
  spawnSync('mkdir', ['-p', bin]);
  for (const tool of ['sh', 'cat', 'mkdir', 'chmod', 'printf']) {
    const path = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    symlinkSync(path, join(bin, tool));
  }
  const write = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  // sudo without a password, as on CI machines; the script only uses it when it is not root.
  write('sudo', 'if [ "$1" = "-n" ]; then shift; fi\nexec "$@"');
  if (withApt) {
    write(
      'apt-get',
      [
        `printf '%s\\n' "apt-get $*" >> '${log}'`,
        'case "$*" in *install*)',
        `  for tool in elixir mix shellcheck; do printf '#!/bin/sh\\necho "%s 1.0"\\n' "$tool" > '${bin}'/"$tool"; chmod +x '${bin}'/"$tool"; done;;`,
        'esac',
      ].join('\n'),
    );
  }
  return { bin, log, done: () => rmSync(dir, { recursive: true, force: true }) };
}

const run = (bin: string) => spawnSync(process.execPath, [script], { encoding: 'utf8', env: { PATH: bin, HOME: tmpdir() } });

describe('npm test on a machine without elixir and shellcheck', () => {
  it('installs them with apt-get (update, then install, non-interactive) and goes on', () => {
    const { bin, log, done } = machine(true);
    try {
      const result = run(bin);
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), ['apt-get update -qq', 'apt-get install -y -qq --no-install-recommends elixir shellcheck']);
      for (const tool of ['elixir', 'mix', 'shellcheck']) assert.ok(existsSync(join(bin, tool)), tool);
    } finally {
      done();
    }
  });

  it('without apt-get: stops at once, naming what is missing and the one command to run', () => {
    const { bin, done } = machine(false);
    try {
      const result = run(bin);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /npm test needs elixir, mix, shellcheck \(no apt-get here to install them with\)/);
      assert.match(result.stderr, /\n {2}sudo apt-get install -y elixir shellcheck\n/);
    } finally {
      done();
    }
  });

  it('with them on PATH: installs nothing', () => {
    const result = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /apt-get/);
  });
});
