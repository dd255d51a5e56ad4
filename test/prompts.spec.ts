/** The interactive path: questions with detected defaults, saved answers, and the conflict prompt. */
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import helpers from 'yeoman-test';
import { fixture, generatorPath } from './support/helpers.js';

const asked = (result: { askedQuestions: { name: string; answer: unknown }[] }) =>
  Object.fromEntries(result.askedQuestions.map(question => [question.name, question.answer]));

describe('prompts', function () {
  this.timeout(60_000);

  it('asks each question once, with the values detected from the project as defaults', async () => {
    const result = await helpers
      .run(generatorPath('app'))
      .inTmpDir(dir => cpSync(fixture('phx-1.7-npm-assets'), dir, { recursive: true }))
      .withAnswers({ host: 'gallery.example.com' });
    // Unanswered questions take their default: the defaults are what detection found.
    assert.deepEqual(asked(result), {
      appName: 'gallery',
      host: 'gallery.example.com',
      elixirVersion: '1.16.3',
      erlangVersion: '26.2.5.6',
      strategy: 'dockerfile',
      nodeVersion: '20.18.1',
      // "Run more than one web container?": one container unless asked.
      cluster: 'no',
    });
    const saved = JSON.parse(readFileSync(join(result.cwd, '.yo-rc.json'), 'utf8'))['generator-phoenix-dokku'];
    assert.equal(saved.host, 'gallery.example.com');
    assert.equal(saved.nodeVersion, '20.18.1');
  });

  it('does not ask again what .yo-rc.json already answers, and asks no Node question without npm assets', async () => {
    const result = await helpers
      .run(generatorPath('app'))
      .inTmpDir(dir => cpSync(fixture('phx-1.7-postgres'), dir, { recursive: true }))
      .withYoRcConfig('generator-phoenix-dokku', { appName: 'shop-prod', host: 'shop.example.com' })
      .withAnswers({});
    assert.deepEqual(Object.keys(asked(result)).sort(), ['cluster', 'elixirVersion', 'erlangVersion', 'strategy']);
    assert.match(readFileSync(join(result.cwd, 'Procfile'), 'utf8'), /release: \/app\/bin\/migrate/);
  });

  it('a flag skips its question; one piece asks only what it needs', async () => {
    const result = await helpers
      .run(generatorPath('dockerfile'))
      .inTmpDir(dir => cpSync(fixture('phx-1.7-postgres'), dir, { recursive: true }))
      .withOptions({ 'elixir-version': '1.18.1' } as never)
      .withAnswers({});
    const names = Object.keys(asked(result));
    assert.ok(!names.includes('elixirVersion') && !names.includes('host') && !names.includes('strategy'), names.join(', '));
    assert.ok(names.includes('erlangVersion'));
    assert.match(readFileSync(join(result.cwd, 'Dockerfile'), 'utf8'), /ELIXIR_VERSION=1\.18\.1/);
  });

  it('the conflict prompt keeps a user-edited file when told to skip it', async () => {
    const run = await helpers
      .run(generatorPath('health'))
      .inTmpDir(dir => cpSync(fixture('phx-1.7-postgres'), dir, { recursive: true }))
      .withOptions({ yes: true } as never);
    const controller = join(run.cwd, 'lib/shop_web/controllers/health_controller.ex');
    appendFileSync(controller, '# my edit\n');
    const again = await run
      .create(generatorPath('health'), { cwd: run.cwd }, { force: false } as never)
      .withAnswers({ action: 'skip' })
      .run();
    assert.ok(again.askedQuestions.some(question => question.name === 'action'), 'the conflict was asked about');
    assert.match(readFileSync(controller, 'utf8'), /# my edit\n$/);
  });
});
