import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import helpers, { type RunResult } from 'yeoman-test';

// No test asks the real Hex services: lookups answer from the offline lists, or from a local stub
// a spec starts (test/support/bob-stub.ts) and names with PHOENIX_DOKKU_BOB_URL / _BUILDS_URL.
process.env.PHOENIX_DOKKU_OFFLINE ??= '1';
// The bin's V8 code cache goes to a directory of this test run, not the user's ~/.cache.
process.env.PHOENIX_DOKKU_CACHE_DIR ??= mkdtempSync(join(tmpdir(), 'pd-code-cache-'));

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const fixturesDir = join(repoRoot, 'test/fixtures');
export const fixture = (name: string) => join(fixturesDir, name);

/** A fresh copy of a fixture in a new temp dir (the caller removes it). */
export function copyFixture(name: string, prefix = 'pd'): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-${name}-`));
  cpSync(fixture(name), dir, { recursive: true });
  return dir;
}

/** The public domain the tests give a fixture (`phx-1.7-postgres` → `phx-1-7-postgres.example.com`). */
export const hostFor = (name: string) => `${name.replace(/[^a-z0-9]+/g, '-')}.example.com`;

/** Every Phoenix fixture (all but the deliberately broken ones). */
export const phoenixFixtures = () =>
  readdirSync(fixturesDir).filter(name => statSync(fixture(name)).isDirectory() && name !== 'not-phoenix');

/** The compiled generator, as users run it (`npm test` builds first). */
export const generatorPath = (piece: string) => join(repoRoot, 'lib/generators', piece, 'index.js');
/** The package's bin (lib/cli.cjs), which runs the bundle `npm run build` makes. */
export const cliPath = join(repoRoot, JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).bin['phoenix-dokku']);

/** Runs a piece non-interactively on a copy of a fixture. */
export function runPiece(piece: string, fixtureName: string, options: Record<string, unknown> = {}) {
  return helpers
    .run(generatorPath(piece))
    .inTmpDir(dir => cpSync(fixture(fixtureName), dir, { recursive: true }))
    .withOptions({ yes: true, ...options } as never);
}

/**
 * Runs pieces one after the other on one copy of a fixture, in the main generator's order
 * (`runtime` before `logger`, ...). Returns the last result; `result.cwd` is the project.
 */
export async function runPieces(pieces: string[], fixtureName: string, options: Record<string, unknown> = {}): Promise<RunResult> {
  let result: RunResult = await runPiece(pieces[0], fixtureName, options);
  for (const piece of pieces.slice(1)) result = await rerunPiece(result, piece, options);
  return result;
}

/**
 * Runs a piece that must refuse: a UserError matching `message` that says nothing was
 * written, and the project copy byte-identical afterwards.
 */
export async function assertRefused(
  piece: string,
  fixtureName: string,
  options: Record<string, unknown>,
  message: RegExp,
  /** Files added to the copy first (e.g. a broken app.json). */
  seed: Record<string, string> = {},
): Promise<void> {
  let dir = '';
  let before: Record<string, string> = {};
  const run = helpers
    .run(generatorPath(piece))
    .inTmpDir(tmp => {
      dir = tmp;
      cpSync(fixture(fixtureName), tmp, { recursive: true });
      for (const [file, content] of Object.entries(seed)) writeFileSync(join(tmp, file), content);
      before = snapshotDir(tmp);
    })
    .withOptions({ yes: true, ...options } as never);
  await assert.rejects(run, (error: Error) => {
    assert.equal(error.name, 'UserError', error.stack);
    assert.match(error.message, message);
    assert.match(error.message, /Nothing was written/);
    return true;
  });
  assert.deepEqual(snapshotDir(dir), before);
}

/** Runs a piece again in the directory of an earlier run (a second run, or the next piece). */
export function rerunPiece(previous: RunResult, piece: string, options: Record<string, unknown> = {}) {
  return previous.create(generatorPath(piece)).withOptions({ yes: true, ...options } as never);
}

/** Every file under `dir` with its mode and content (fixtures are text), to compare two runs. */
export function snapshotDir(dir: string): Record<string, string> {
  return Object.fromEntries(
    listFiles(dir).map(file => [file, `${(statSync(join(dir, file)).mode & 0o777).toString(8)}\n${readFileSync(join(dir, file), 'utf8')}`]),
  );
}

export type { RunResult };

/** Runs the `phoenix-dokku` bin in `cwd`, never attached to a TTY. */
export function runCli(cwd: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_UPDATE_NOTIFIER: '1', FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: result.stdout + result.stderr };
}

const ELIXIR_CHECK = join(repoRoot, 'test/support/elixir_check.exs');

function requireTool(tool: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  if (found.status !== 0) {
    throw new Error(`${tool} is not installed; these tests need it (CI installs it: apt-get install -y ${tool}). Not skipping.`);
  }
}

/** Parses each file and checks it is `mix format`-clean; returns the problems (empty when all are fine). */
export function elixirProblems(files: string[]): string[] {
  if (!files.length) return [];
  requireTool('elixir');
  const output = execFileSync('elixir', [ELIXIR_CHECK, 'format', ...files], { encoding: 'utf8' });
  return output.split('\n').filter(line => line.startsWith('error '));
}

export type ConfigResult = { config: Record<string, any>; raised?: undefined } | { config?: undefined; raised: string };

/** Evaluates a config file with Config.Reader for :prod under exactly `env` (plus PATH/HOME). */
export function readElixirConfig(file: string, env: Record<string, string>): ConfigResult {
  requireTool('elixir');
  const result = spawnSync('elixir', [ELIXIR_CHECK, 'config', file], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LANG: 'C.UTF-8', ...env },
  });
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.status === 2) return { raised: JSON.parse(line).raised };
  if (result.status !== 0) throw new Error(`elixir failed on ${file}: ${result.stderr}`);
  return { config: JSON.parse(line) };
}

/**
 * shellcheck findings for the given scripts (empty when clean). Buildpack configs are bash
 * files whose variables are read by the buildpack that sources them (exclude SC2034 there).
 */
export function shellcheckProblems(files: string[], shell: 'sh' | 'bash' = 'sh', exclude: string[] = []): string {
  requireTool('shellcheck');
  const result = spawnSync('shellcheck', [`--shell=${shell}`, ...(exclude.length ? [`--exclude=${exclude.join(',')}`] : []), ...files], { encoding: 'utf8' });
  return result.status === 0 ? '' : result.stdout + result.stderr;
}

/** All files under `dir` (relative), for "nothing was written" checks. */
export function listFiles(dir: string, base = ''): string[] {
  return readdirSync(join(dir, base), { withFileTypes: true }).flatMap(entry => {
    const rel = base ? `${base}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(dir, rel) : [rel];
  });
}
