/**
 * The package as npm publishes it: `npm pack`, unpacked where npm would install it, next to its
 * production dependencies only (hoisted beside it, as `npm i`, `npm i -g` and npx lay them out),
 * with the bin linked in node_modules/.bin. Then the README's commands: `npx generator-phoenix-dokku`
 * and `npx -p generator-phoenix-dokku phoenix-dokku`, a full run, and Yeoman's lookup (what `yo`
 * does) finding every generator. No network: the dependencies come from this checkout's
 * node_modules, and npx runs with --offline.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fixture, repoRoot } from './support/helpers.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string; bin: Record<string, string>; files: string[] };

describe('the published package', function () {
  this.timeout(120_000);
  let scratch: string;
  let project: string;
  let installed: string;
  let packed: string[];

  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'pd-package-'));
    // lib/ is built by npm test's pretest; --ignore-scripts keeps prepack from rebuilding it mid-run.
    const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', scratch], { cwd: repoRoot, encoding: 'utf8' }).trim().split('\n').at(-1)!;
    packed = execFileSync('tar', ['-tzf', join(scratch, tarball)], { encoding: 'utf8' }).trim().split('\n').map(entry => entry.replace(/^package\//, ''));
    project = join(scratch, 'shop');
    installed = join(project, 'node_modules', pkg.name);
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(scratch, tarball), '-C', installed, '--strip-components=1']);
    // The production dependencies, each at the top of node_modules as npm hoists them.
    const production = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: repoRoot, encoding: 'utf8' }).trim().split('\n').slice(1);
    for (const path of production) {
      const name = relative(join(repoRoot, 'node_modules'), path);
      if (name.startsWith('..') || name.includes('node_modules')) continue;
      mkdirSync(dirname(join(project, 'node_modules', name)), { recursive: true });
      if (!existsSync(join(project, 'node_modules', name))) symlinkSync(path, join(project, 'node_modules', name));
    }
    mkdirSync(join(project, 'node_modules/.bin'), { recursive: true });
    for (const [bin, target] of Object.entries(pkg.bin)) symlinkSync(join('..', pkg.name, target), join(project, 'node_modules/.bin', bin));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'shop-tools', private: true, dependencies: { [pkg.name]: pkg.version } }));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  const npx = (args: string[], cwd = project) =>
    spawnSync('npx', ['--offline', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_UPDATE_NOTIFIER: '1', npm_config_update_notifier: 'false' }, timeout: 60_000 });

  it('holds the bin, its bundle, the generators, the grammar and the templates, and none of the sources or tests', () => {
    for (const file of [...Object.values(pkg.bin), 'lib/phoenix-dokku.cjs', 'lib/generators/app/index.js', 'lib/generators/app/USAGE', 'lib/generators/support/grammars/tree-sitter-elixir.wasm', 'lib/generators/support/grammars/tree-sitter-elixir.LICENSE', 'templates/dockerfile/Dockerfile.ejs', 'package.json', 'README.md']) {
      assert.ok(packed.includes(file), `${file} is in the package`);
    }
    assert.deepEqual(packed.filter(file => /^(generators|test|bench|\.build|\.ci)\//.test(file) || file.endsWith('.ts')), []);
  });

  it('`npx generator-phoenix-dokku` (the package name) and `npx -p generator-phoenix-dokku phoenix-dokku` run its bin', () => {
    const byName = npx([pkg.name, '--help']);
    assert.equal(byName.status, 0, byName.stderr);
    assert.match(byName.stdout, /^Usage: phoenix-dokku \[options\]/);
    const byBin = npx(['-p', pkg.name, 'phoenix-dokku', 'health', '--help']);
    assert.equal(byBin.status, 0, byBin.stderr);
    assert.match(byBin.stdout, /^Usage: phoenix-dokku health \[options\]/);
  });

  it('a full run from the installed package, with the dependencies it loads only for some projects found beside it', () => {
    // Kamal's config/deploy.yml (yaml), a mise.toml (smol-toml), an app.json on one line (prettier).
    const app = join(scratch, 'app');
    cpSync(fixture('kamal-app'), app, { recursive: true });
    writeFileSync(join(app, 'mise.toml'), '[tools]\nerlang = "27.3.4"\nelixir = "1.18.4-otp-27"\n');
    writeFileSync(join(app, 'app.json'), '{"name":"ledgerly"}\n');
    const run = spawnSync(process.execPath, [join(project, 'node_modules/.bin/phoenix-dokku'), '--yes', '--host', 'ledgerly.example.com', '--force'], {
      cwd: app,
      encoding: 'utf8',
      env: { ...process.env, PHOENIX_DOKKU_OFFLINE: '1' },
    });
    const output = run.stdout + run.stderr;
    assert.equal(run.status, 0, output);
    for (const file of ['config/runtime.exs', 'Procfile', 'rel/overlays/bin/migrate']) assert.ok(existsSync(join(app, file)), file);
    assert.match(output, /Elixir 1\.18\.4 .*mise\.toml|mise\.toml \(elixir\)/, 'the versions pinned in mise.toml were read');
    assert.match(output, /config\/deploy\.yml/, "Kamal's settings were read");
    assert.match(readFileSync(join(app, 'app.json'), 'utf8'), /^\{\n {2}"name": "ledgerly",\n {2}"healthchecks": \{\n/, 'the one-line app.json was merged and formatted by prettier');
  });

  it("Yeoman's lookup (what `yo phoenix-dokku` does) finds every generator in the installed package", async () => {
    const { createEnv } = await import('yeoman-environment');
    const env = createEnv();
    const found = await env.lookup({ packagePaths: [installed] });
    const namespaces = found.map(meta => meta.namespace).sort();
    const generators = readdirSync(join(installed, 'lib/generators')).filter(name => existsSync(join(installed, 'lib/generators', name, 'index.js')));
    assert.deepEqual(namespaces, generators.map(name => `phoenix-dokku:${name}`).sort());
    for (const name of ['app', 'runtime', 'logger', 'release', 'health', 'dockerfile', 'buildpacks', 'app-json', 'cluster', 'doctor', 'eject']) {
      assert.ok(namespaces.includes(`phoenix-dokku:${name}`), name);
    }
  });
});
