// `npm run bench`: how long phoenix-dokku takes next to Node itself, on this machine, in one run.
//
// Medians of `node -e 0`, `phoenix-dokku --help`, `phoenix-dokku health --help` and a full
// `phoenix-dokku --yes` on a copy of a fixture, interleaved round by round (in a rotating
// order) so that a busy moment of the machine hits every command alike; then their ratios to `node -e 0`, the first
// (cold) run without the code cache, and the import time of each heavy dependency on its own.
// A benchmark, not a test: CI only checks that it runs (BENCH_ROUNDS=1).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
// The package's bin, as npm links it.
const bin = join(root, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin['phoenix-dokku']);
const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const fixture = join(root, 'test/fixtures/phx-1.7-postgres');
const scratch = mkdtempSync(join(tmpdir(), 'pd-bench-'));
const cacheDir = join(scratch, 'code-cache');
// No lookups over the network, and a code cache of the benchmark's own.
const env = { ...process.env, PHOENIX_DOKKU_OFFLINE: '1', PHOENIX_DOKKU_CACHE_DIR: cacheDir, NO_UPDATE_NOTIFIER: '1', FORCE_COLOR: '0' };

function time(args, cwd = scratch, extraEnv = {}) {
  const start = process.hrtime.bigint();
  // An extraEnv value of undefined removes that variable.
  const runEnv = Object.fromEntries(Object.entries({ ...env, ...extraEnv }).filter(([, value]) => value !== undefined));
  const result = spawnSync(process.execPath, args, { cwd, env: runEnv, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  return ms;
}

let project = 0;
/** A fresh copy of the fixture for each run, so every run generates every file. */
function freshProject() {
  const dir = join(scratch, `project-${project++}`);
  cpSync(fixture, dir, { recursive: true });
  return dir;
}
const generate = ['--yes', '--host', 'shop.example.com'];

const commands = {
  'node -e 0': () => time(['-e', '0']),
  'phoenix-dokku --help': () => time([bin, '--help']),
  'phoenix-dokku health --help': () => time([bin, 'health', '--help']),
  'phoenix-dokku --yes (full generation)': () => time([bin, ...generate], freshProject()),
};
// NODE_EXTRA_CA_CERTS makes every Node process load those certificates before anything else
// (tens of milliseconds for a system bundle): that lengthens `node -e 0` as much as a run, and
// flatters the ratios. Where it is set, both are measured without it as well.
const extraCaCerts = process.env.NODE_EXTRA_CA_CERTS;
if (extraCaCerts) {
  commands['node -e 0, no NODE_EXTRA_CA_CERTS'] = () => time(['-e', '0'], scratch, { NODE_EXTRA_CA_CERTS: undefined });
  commands['full generation, no NODE_EXTRA_CA_CERTS'] = () => time([bin, ...generate], freshProject(), { NODE_EXTRA_CA_CERTS: undefined });
}

const median = values => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

try {
  // The first run compiles the bundle and writes the code cache; every later run reads it.
  const cold = time([bin, ...generate], freshProject());
  const samples = Object.fromEntries(Object.keys(commands).map(name => [name, []]));
  // Each round runs the commands in another order (rotated), so that none always comes right
  // after the heaviest one.
  const entries = Object.entries(commands);
  for (let round = 0; round < rounds; round++) {
    for (let index = 0; index < entries.length; index++) {
      const [name, run] = entries[(index + round) % entries.length];
      samples[name].push(run());
    }
  }
  const base = median(samples['node -e 0']);
  console.log(`phoenix-dokku start-up, ${rounds} rounds; Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`);
  if (extraCaCerts) console.log(`NODE_EXTRA_CA_CERTS is set (${extraCaCerts}): the last two lines are without it, against the node -e 0 without it`);
  console.log('');
  for (const [name, values] of Object.entries(samples)) {
    const ms = median(values);
    const against = name.endsWith('no NODE_EXTRA_CA_CERTS') ? median(samples['node -e 0, no NODE_EXTRA_CA_CERTS']) : base;
    console.log(`${name.padEnd(40)} ${ms.toFixed(0).padStart(6)} ms   ${(ms / against).toFixed(1).padStart(5)}× node -e 0`);
  }
  console.log(`${'first run, no code cache yet'.padEnd(40)} ${cold.toFixed(0).padStart(6)} ms   ${(cold / base).toFixed(1).padStart(5)}× node -e 0`);

  console.log('');
  console.log('Import time of each heavy dependency on its own (median, including Node start):');
  const heavy = ['yeoman-environment', 'yeoman-generator', 'prettier', 'web-tree-sitter', 'dockerfile-ast', 'yaml', 'smol-toml', 'ejs'];
  for (const name of heavy) {
    const values = [];
    for (let round = 0; round < Math.min(rounds, 5); round++) values.push(time(['--input-type=module', '-e', `await import(${JSON.stringify(name)})`], root));
    console.log(`  ${name.padEnd(22)} ${median(values).toFixed(0).padStart(6)} ms`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
