/** Issue 5: template overrides in priv/templates/phoenix-dokku and the eject sub-generator. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixture, listFiles, repoRoot, runCli, snapshotDir as tree } from './support/helpers.js';

const OVERRIDES = 'priv/templates/phoenix-dokku';

describe('template overrides and eject', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = copyFixture('phx-1.7-postgres', 'pd-eject');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('eject copies every built-in template, byte for byte', () => {
    const run = runCli(dir, ['eject']);
    assert.equal(run.status, 0, run.output);
    const packaged = listFiles(join(repoRoot, 'templates'));
    assert.ok(packaged.length >= 10, `expected the templates of every piece, got ${packaged.join(', ')}`);
    for (const file of packaged) {
      assert.equal(readFileSync(join(dir, OVERRIDES, file), 'utf8'), readFileSync(join(repoRoot, 'templates', file), 'utf8'), file);
    }
    assert.deepEqual(listFiles(join(dir, OVERRIDES)).sort(), packaged.sort());
  });

  it('eject <piece> copies only that piece; an unknown piece is refused with the list', () => {
    assert.equal(runCli(dir, ['eject', 'health']).status, 0);
    assert.deepEqual(readdirSync(join(dir, OVERRIDES)), ['health']);
    const bad = runCli(dir, ['eject', 'helth']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /Unknown piece "helth" for eject\. Choose one of: runtime, release, health/);
  });

  it('an edited override is what the piece renders, and the summary says so', () => {
    runCli(dir, ['eject', 'health']);
    const template = join(dir, OVERRIDES, 'health/health_controller.ex.ejs');
    writeFileSync(template, `# Customised by the team\n${readFileSync(template, 'utf8')}`);
    const run = runCli(dir, ['health', '--yes']);
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /using custom template priv\/templates\/phoenix-dokku\/health\/health_controller\.ex\.ejs/);
    const controller = readFileSync(join(dir, 'lib/shop_web/controllers/health_controller.ex'), 'utf8');
    assert.match(controller, /^# Customised by the team\n/);
  });

  it('deleting the override goes back to the built-in template', () => {
    runCli(dir, ['eject', 'health']);
    rmSync(join(dir, OVERRIDES), { recursive: true });
    const run = runCli(dir, ['health', '--yes']);
    assert.equal(run.status, 0, run.output);
    assert.doesNotMatch(run.output, /using custom template/);
  });

  it('a broken override fails naming the file and line, and writes nothing', () => {
    runCli(dir, ['eject', 'health']);
    const template = join(dir, OVERRIDES, 'health/health_controller.ex.ejs');
    const lines = readFileSync(template, 'utf8').split('\n');
    lines.splice(2, 0, '<%- notAVariable %>');
    writeFileSync(template, lines.join('\n'));
    const before = tree(dir);
    const run = runCli(dir, ['health', '--yes']);
    assert.equal(run.status, 1, run.output);
    assert.match(run.stderr, /Your template priv\/templates\/phoenix-dokku\/health\/health_controller\.ex\.ejs failed to render/);
    assert.match(run.stderr, /notAVariable is not defined/);
    assert.match(run.stderr, /:3\b/, 'names line 3');
    assert.match(run.stderr, /Nothing was written/);
    assert.deepEqual(tree(dir), before);
  });

  it('a re-run of eject over edited overrides asks first (--yes keeps yours, --force replaces)', () => {
    runCli(dir, ['eject', 'health']);
    const template = join(dir, OVERRIDES, 'health/health_controller.ex.ejs');
    writeFileSync(template, 'mine\n');
    const kept = runCli(dir, ['eject', 'health', '--yes']);
    assert.equal(kept.status, 0, kept.output);
    assert.match(kept.output, /health_controller\.ex\.ejs: kept, it is yours/);
    assert.equal(readFileSync(template, 'utf8'), 'mine\n');
    assert.equal(runCli(dir, ['eject', 'health', '--force']).status, 0);
    assert.notEqual(readFileSync(template, 'utf8'), 'mine\n');
    assert.ok(existsSync(template) && statSync(template).isFile());
  });
});
