/**
 * phoenix-dokku:logger: :info in config/prod.exs (a :debug there is turned into :info), and the
 * LOG_LEVEL override in config/runtime.exs (its evaluation is covered per fixture in
 * runtime.spec.ts).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixture, elixirProblems, fixture, readElixirConfig, rerunPiece, runCli, runPiece, snapshotDir, type RunResult } from './support/helpers.js';

const copies: string[] = [];
function copyOf(name: string): string {
  const dir = copyFixture(name, 'pd-logger');
  copies.push(dir);
  return dir;
}
after(() => copies.forEach(dir => rmSync(dir, { recursive: true, force: true })));

describe('phoenix-dokku:logger on phx-1.7-postgres', () => {
  let result: RunResult;
  before(async () => {
    result = await runPiece('logger', 'phx-1.7-postgres');
  });

  it('leaves a prod.exs that already logs at :info as it is', () => {
    assert.equal(readFileSync(join(result.cwd, 'config/prod.exs'), 'utf8'), readFileSync(fixture('phx-1.7-postgres/config/prod.exs'), 'utf8'));
  });

  it('appends the LOG_LEVEL override to runtime.exs, keeping the file, format-clean', () => {
    const runtime = readFileSync(join(result.cwd, 'config/runtime.exs'), 'utf8');
    assert.ok(runtime.startsWith(readFileSync(fixture('phx-1.7-postgres/config/runtime.exs'), 'utf8')));
    assert.match(runtime, /System\.get_env\("LOG_LEVEL"\)/);
    assert.match(runtime, /dokku config:set shop LOG_LEVEL=debug/);
    assert.deepEqual(elixirProblems([join(result.cwd, 'config/runtime.exs')]), []);
  });

  it('a second run changes no byte', async () => {
    const first = snapshotDir(result.cwd);
    await rerunPiece(result, 'logger');
    assert.deepEqual(snapshotDir(result.cwd), first);
  });
});

describe('phoenix-dokku logger on a prod.exs that logs at :debug', () => {
  it('turns it into :info, keeps every other line, and the evaluated config says :info', () => {
    const dir = copyOf('phx-1.7-postgres');
    const prodExs = join(dir, 'config/prod.exs');
    const debug = readFileSync(prodExs, 'utf8').replace('config :logger, level: :info', 'config :logger, level: :debug');
    writeFileSync(prodExs, debug);
    assert.equal(readElixirConfig(prodExs, {}).config?.logger.level, ':debug', 'precondition');

    const run = runCli(dir, ['logger', '--yes']);
    assert.equal(run.status, 0, run.output);
    assert.equal(readFileSync(prodExs, 'utf8'), debug.replace('level: :debug', 'level: :info'));
    assert.equal(readElixirConfig(prodExs, {}).config?.logger.level, ':info');
  });

  it('adds the level when prod.exs sets none', () => {
    const dir = copyOf('phx-1.7-umbrella');
    const prodExs = join(dir, 'config/prod.exs');
    const none = readFileSync(prodExs, 'utf8').replace(/^config :logger, level: :info\n/m, '');
    assert.doesNotMatch(none, /config :logger, level/, 'precondition');
    writeFileSync(prodExs, none);

    const run = runCli(dir, ['logger', '--yes']);
    assert.equal(run.status, 0, run.output);
    const patched = readFileSync(prodExs, 'utf8');
    assert.ok(patched.startsWith(none.trimEnd()));
    assert.equal(readElixirConfig(prodExs, {}).config?.logger.level, ':info');
    assert.deepEqual(elixirProblems([prodExs]), []);
  });
});

describe('phoenix-dokku logger without config/runtime.exs (phx-1.5-legacy, run alone)', () => {
  it('creates nothing and says to run the runtime piece first, with the block to add', () => {
    const dir = copyOf('phx-1.5-legacy');
    const run = runCli(dir, ['logger', '--yes']);
    assert.equal(run.status, 0, run.output);
    assert.equal(existsSync(join(dir, 'config/runtime.exs')), false);
    assert.match(run.output, /Do by hand[\s\S]*config\/runtime\.exs does not exist\. Run `phoenix-dokku runtime` first[\s\S]*System\.get_env\("LOG_LEVEL"\)/);
  });
});
