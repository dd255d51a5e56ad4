// `npm run build`, after `tsc`: copies what tsc does not (each generator's USAGE, the Elixir
// grammar), then bundles lib/generators/run.js with Yeoman into lib/phoenix-dokku.cjs, the file
// the `phoenix-dokku` bin runs (see generators/cli.ts). `yo phoenix-dokku` uses the unbundled
// lib/generators/<name>/index.js and is not affected by the bundle.
//
// Why a bundle: loading yeoman-environment and yeoman-generator as a few hundred ES modules
// took about a second before any work started; one file, compiled once and then read from
// V8's code cache, takes a fraction of that (numbers in the README, from `npm run bench`).
import { build } from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(join(root, 'package.json'));

for (const name of readdirSync(join(root, 'generators'))) {
  const usage = join(root, 'generators', name, 'USAGE');
  if (existsSync(usage)) copyFileSync(usage, join(root, 'lib/generators', name, 'USAGE'));
}
const grammars = join(root, 'lib/generators/support/grammars');
mkdirSync(grammars, { recursive: true });
const grammarPackage = dirname(require.resolve('tree-sitter-elixir/package.json'));
copyFileSync(join(grammarPackage, 'tree-sitter-elixir.wasm'), join(grammars, 'tree-sitter-elixir.wasm'));
copyFileSync(join(grammarPackage, 'LICENSE'), join(grammars, 'tree-sitter-elixir.LICENSE'));
// The bundle's web-tree-sitter JavaScript loads the wasm of its own version from here (elixir-ast.ts).
copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), join(grammars, 'web-tree-sitter.wasm'));
chmodSync(join(root, 'lib/generators/cli.js'), 0o755);

/**
 * Text patches of Yeoman's modules as they go into the bundle (yeoman-environment 6,
 * yeoman-generator 8, @yeoman/adapter 4, @yeoman/conflicter 4). Each names the exact code it
 * replaces; the build fails when that code is not found, so an upgrade that changes it is
 * noticed here, not at run time. `pkg` is the patched module's own package.json.
 */
const lazy = (name, use) => `/* loaded on first use by phoenix-dokku's bundle */ ${use.replaceAll('$', `require(${JSON.stringify(name)})`)}`;
const UPSTREAM_PATCHES = [
  // Yeoman reads its own package.json relative to its module file, which inside the bundle would
  // be phoenix-dokku's lib/: each read becomes the value it reads.
  { file: 'yeoman-environment/dist/environment-base.js', code: "require('../package.json').version", with: pkg => JSON.stringify(pkg.version) },
  { file: 'yeoman-environment/dist/module-lookup.js', code: "JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json')).toString()).name", with: pkg => JSON.stringify(pkg.name) },
  { file: 'yeoman-generator/dist/generator.js', code: "JSON.parse(readFileSync(pathJoin(_dirname, '../package.json'), 'utf8'))", with: pkg => JSON.stringify(pkg) },
  // Modules a run without questions never calls, loaded when first called instead of at start:
  // inquirer and its prompts (rxjs), ora's spinner (and string-width's Unicode tables), and
  // read-package-up's package.json normalizer.
  // this._, all of lodash for generators that want it: loading it would defeat the tree-shaking
  // of the few lodash functions Yeoman itself imports, and phoenix-dokku's generators do not use it.
  { file: 'yeoman-generator/dist/generator.js', code: "import * as _ from 'lodash-es';", with: () => "const _ = new Proxy({}, { get() { throw new Error(\"phoenix-dokku's bundle has no this._ (lodash): import what you need\"); } });" },
  { file: 'yeoman-generator/dist/generator.js', code: "import { readPackageUpSync } from 'read-package-up';", with: () => lazy('read-package-up', 'const readPackageUpSync = options => $.readPackageUpSync(options);') },
  { file: '@yeoman/adapter/dist/queued-adapter.js', code: "import ora from 'ora';", with: () => lazy('ora', 'const ora = options => $.default(options);') },
  { file: '@yeoman/adapter/dist/adapter.js', code: "import { Separator } from '@inquirer/core';", with: () => lazy('@inquirer/core', 'function Separator(separator) { return new $.Separator(separator); }') },
  { file: '@yeoman/adapter/dist/inquirer.js', code: "import { createPromptModule } from 'inquirer';", with: () => lazy('inquirer', 'const createPromptModule = parameter => $.createPromptModule(parameter);') },
  // The queued adapter makes its spinner when it is constructed. ora shows no spinner on a stream
  // that is not a terminal (it only prints "- <text>" when started with a text): there, a
  // stand-in that does just that, and on a terminal the real one, made when first used.
  {
    file: '@yeoman/adapter/dist/queued-adapter.js',
    code: 'this.#ora = ora({\n            stream: options?.stdout ?? options?.stderr ?? process.stderr,\n        });',
    with: () =>
      [
        'const spinnerStream = options?.stdout ?? options?.stderr ?? process.stderr;',
        '        let spinner;',
        '        const realSpinner = () => (spinner ??= ora({ stream: spinnerStream }));',
        '        this.#ora = spinnerStream.isTTY',
        "          ? new Proxy({}, { get: (_target, key) => { if (key === 'isSpinning' && !spinner) return false; const value = Reflect.get(realSpinner(), key); return typeof value === 'function' ? value.bind(spinner) : value; }, set: (_target, key, value) => Reflect.set(realSpinner(), key, value) })",
        "          : { isSpinning: false, suffixText: '', start(text) { if (text) spinnerStream.write(`- ${text}\\n`); return this; }, stop() { return this; }, succeed() { return this; } };",
      ].join('\n'),
  },
  // The terminal adapter takes process.stdin when it is constructed, which makes Node set up the
  // input stream (a pipe or a terminal) that a run without questions never reads: taken when first asked for.
  {
    file: '@yeoman/adapter/dist/adapter.js',
    code: '        this.stdin = options?.stdin ?? process.stdin;',
    with: () =>
      [
        '        let stdin = options?.stdin;',
        "        Object.defineProperty(this, 'stdin', { configurable: true, enumerable: true, get: () => (stdin ??= process.stdin), set: value => { stdin = value; } });",
      ].join('\n'),
  },
  {
    file: '@yeoman/adapter/dist/adapter.js',
    code: '                    input: this.stdin,',
    with: () => "                    get input() { return adapterStdin(); },",
  },
  {
    file: '@yeoman/adapter/dist/adapter.js',
    code: '        this.promptModule =\n',
    with: () => '        const adapterStdin = () => this.stdin;\n        this.promptModule =\n',
  },
  // The terminal adapter makes its prompt module when it is constructed; make it at the first question.
  {
    file: '@yeoman/adapter/dist/inquirer.js',
    code: 'export const createAdapterPromptModule = parameter => {',
    with: () => 'export const createAdapterPromptModule = parameter => { let made; return (...args) => (made ??= createAdapterPromptModuleNow(parameter))(...args); };\nconst createAdapterPromptModuleNow = parameter => {',
  },
  // The conflicter looks for a .yo-resolve file in every folder above each file it commits, and
  // remembers only the folders that have one (its cache reads `null` as "none here", but never
  // stores it): a run stat()ed each folder again for every file, one trip to the thread pool each.
  {
    file: '@yeoman/conflicter/dist/yo-resolve.js',
    code: '        catch {\n            // Ignore errors\n        }\n        return undefined;',
    with: () => '        catch {\n            // Ignore errors\n        }\n        this.groupedYoResolve.set(folder, null);\n        return undefined;',
  },
];

/**
 * Parts of Yeoman that phoenix-dokku never uses, left out of the bundle because loading them is
 * a large part of start-up: fly-import installs generators from npm (it pulls in npm's Arborist),
 * latest-version looks up npm packages for addDependencies (it starts Node's fetch at load),
 * execa and simple-git run commands and git for generators that do (phoenix-dokku runs
 * neither; the environment's package-manager install is switched off by customInstallTask),
 * and @inquirer/external-editor backs the editor prompt (phoenix-dokku asks no such question).
 * Each stand-in throws, naming itself, if it is ever called.
 */
const UNUSED_MODULES = {
  'fly-import': [
    'export class FlyRepository { constructor(options) { this.repositoryPath = options.repositoryPath; } async install() { unused(); } }',
    'export const flyImport = async () => unused();',
  ],
  'latest-version': ['export default async function latestVersion() { unused(); }'],
  execa: ['export const execa = unused, execaSync = unused, execaCommand = unused, execaCommandSync = unused;'],
  'simple-git': ['export const simpleGit = unused;', 'export const CheckRepoActions = {}, CleanOptions = {};'],
  '@inquirer/external-editor': ['export const editAsync = unused, edit = unused;'],
};

const withoutUnusedModules = {
  name: 'without-unused-modules',
  setup(bundler) {
    const names = Object.keys(UNUSED_MODULES).map(name => name.replace(/[/]/g, '\\/'));
    bundler.onResolve({ filter: new RegExp(`^(?:${names.join('|')})$`) }, args => ({ path: args.path, namespace: 'phoenix-dokku-unused' }));
    bundler.onLoad({ filter: /.*/, namespace: 'phoenix-dokku-unused' }, args => ({
      loader: 'js',
      contents: [
        `function unused() { throw new Error('phoenix-dokku does not use ${args.path}, so its bundle leaves it out (.build/build.mjs)'); }`,
        ...UNUSED_MODULES[args.path],
      ].join('\n'),
    }));
  },
};

/**
 * Packages a run needs only for some projects stay out of the bundle and are loaded from
 * node_modules when asked for: prettier (a one-line app.json, or your own template), yaml
 * (Kamal's config/deploy.yml, the k3s cluster) and smol-toml (mise.toml, fly.toml). The rest
 * of a run does not pay for reading them.
 */
const LOADED_WHEN_NEEDED = ['prettier', 'yaml', 'smol-toml'];

/**
 * What the bundle's sources get as esbuild loads them: the patches above, and, because a
 * CommonJS bundle run as a vm.Script has no dynamic import(), require() in place of the
 * import() of Node's own modules (web-tree-sitter's `await import("fs/promises")`) and of the
 * packages loaded when needed.
 */
const applied = new Set();
const sourceTransforms = {
  name: 'source-transforms',
  setup(bundler) {
    const patched = [...new Set(UPSTREAM_PATCHES.map(patch => patch.file))];
    const names = [...builtinModules, ...LOADED_WHEN_NEEDED].map(name => name.replace(/[/]/g, '\\/'));
    const dynamicImport = new RegExp(`\\bimport\\((["'])((?:node:)?(?:${names.join('|')})(?:\\/[\\w./-]+)?)\\1\\)`, 'g');
    bundler.onLoad({ filter: /[\\/](?:yeoman-environment|yeoman-generator|@yeoman[\\/](?:adapter|conflicter)|web-tree-sitter|lib[\\/]generators)[\\/].*\.js$/ }, args => {
      const path = args.path.replaceAll('\\', '/');
      const file = patched.find(candidate => path.endsWith(`/node_modules/${candidate}`));
      const rewritesImports = /\/(?:web-tree-sitter|lib\/generators)\//.test(path);
      if (!file && !rewritesImports) return undefined;
      let contents = readFileSync(args.path, 'utf8');
      if (file) {
        const packageName = file.split('/').slice(0, file.startsWith('@') ? 2 : 1).join('/');
        const packageDir = path.slice(0, path.lastIndexOf(`/node_modules/${packageName}/`)) + `/node_modules/${packageName}`;
        const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
        for (const patch of UPSTREAM_PATCHES.filter(candidate => candidate.file === file)) {
          if (!contents.includes(patch.code)) throw new Error(`${args.path} no longer contains ${patch.code}: update UPSTREAM_PATCHES in .build/build.mjs`);
          contents = contents.replace(patch.code, patch.with(pkg));
          applied.add(patch);
        }
      }
      if (rewritesImports) contents = contents.replace(dynamicImport, (_, quote, name) => `Promise.resolve().then(() => __bundleRequire(${quote}${name}${quote}))`);
      return { contents, loader: 'js' };
    });
  },
};

/**
 * The built-in templates, compiled by ejs here rather than in every run: the bundle's
 * support/precompiled-templates.js is this map (the module itself is empty). template-render.ts
 * makes each entry (with the ejs its module imports, as the bundle does) and renders from it,
 * so a run renders exactly what ejs would.
 */
const { precompiledKey, precompileTemplate } = await import(pathToFileURL(join(root, 'lib/generators/support/template-render.js')).href);
const templateFiles = readdirSync(join(root, 'templates'), { recursive: true, withFileTypes: true })
  .filter(entry => entry.isFile() && entry.name.endsWith('.ejs'))
  .map(entry => join(entry.parentPath, entry.name))
  .sort();
const precompiled = Object.fromEntries(
  templateFiles.map(file => [precompiledKey(file), precompileTemplate(readFileSync(file, 'utf8'), file)]),
);
const precompiledTemplates = {
  name: 'precompiled-templates',
  setup(bundler) {
    bundler.onLoad({ filter: /[\\/]lib[\\/]generators[\\/]support[\\/]precompiled-templates\.js$/ }, () => ({
      loader: 'js',
      contents: `export const PRECOMPILED_TEMPLATES = ${JSON.stringify(precompiled)};`,
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20.17',
  // ES modules read import.meta.url; in a bundle it is the bundle's own URL.
  define: { 'import.meta.url': '__bundleUrl' },
  // __bundleRequire: web-tree-sitter declares a `var require` of its own where its imports were.
  banner: { js: '"use strict";\nvar __bundleUrl = require("node:url").pathToFileURL(__filename).href;\nvar __bundleRequire = require;' },
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  metafile: true,
};
const megabytes = result => (Object.values(result.metafile.outputs).reduce((total, output) => total + output.bytes, 0) / 1024 / 1024).toFixed(2);

// Yeoman and the generators, loaded by the bin for a run.
const result = await build({
  ...common,
  entryPoints: [join(root, 'lib/generators/run.js')],
  outfile: join(root, 'lib/phoenix-dokku.cjs'),
  plugins: [precompiledTemplates, sourceTransforms, withoutUnusedModules],
  define: { ...common.define, PHOENIX_DOKKU_BUNDLE: 'true' },
  external: LOADED_WHEN_NEEDED.flatMap(name => [name, `${name}/*`]),
});
const unapplied = UPSTREAM_PATCHES.filter(patch => !applied.has(patch));
if (unapplied.length) throw new Error(`Patches for modules the bundle no longer contains: ${unapplied.map(patch => patch.file).join(', ')}: update UPSTREAM_PATCHES in .build/build.mjs`);
// esbuild gives every ES module that imports one of Node's modules its own copy of that
// module's namespace (`__toESM(require("node:fs"), 1)`: a getter per export, built while the
// bundle loads); a hundred modules import path, fs or process, so the bundle made thousands of
// getters before it ran anything. They are alike (a namespace only reads through to the module),
// so each of Node's modules gets one, made when it is first asked for.
const BUILTIN_NAMESPACE = /__toESM\(require\("((?:node:)?[a-z_/]+)"\)(?:, ?1)?\)/g;
const TO_ESM = /var __toESM ?= ?\(mod, ?isNodeMode, ?target\) ?=>/;
let bundled = readFileSync(join(root, 'lib/phoenix-dokku.cjs'), 'utf8');
if (!TO_ESM.test(bundled)) throw new Error(`lib/phoenix-dokku.cjs no longer defines __toESM as ${TO_ESM}: update the namespace sharing in .build/build.mjs`);
const builtinNamespaces = [...bundled.matchAll(BUILTIN_NAMESPACE)].length;
bundled = bundled
  .replace(BUILTIN_NAMESPACE, (_, name) => `__builtinNamespace(${JSON.stringify(name.startsWith('node:') ? name : `node:${name}`)})`)
  .replace(TO_ESM, toESM => `var __builtinNamespaces=new Map(),__builtinNamespace=name=>{let namespace=__builtinNamespaces.get(name);return namespace||__builtinNamespaces.set(name,namespace=__toESM(require(name),1)),namespace};${toESM}`);
writeFileSync(join(root, 'lib/phoenix-dokku.cjs'), bundled);
// What is left are Yeoman's imports of generators registered by path, which run.ts never does.
const dynamicImports = [...bundled.matchAll(/(?:\bawait|\breturn|=>|\()\s*import\(([^)]{0,80})/g)].map(match => match[1]).filter(text => !text.includes('pathToFileURL'));
if (dynamicImports.length) throw new Error(`lib/phoenix-dokku.cjs still has dynamic import() calls, which fail in the bundle: ${dynamicImports.join('; ')}`);
// esbuild writes ASCII only (non-ASCII characters escaped), which lets the bin read the bundle as latin1, without UTF-8 decoding.
if (/[^\x00-\x7f]/.test(bundled)) throw new Error('lib/phoenix-dokku.cjs is not ASCII: support/code-cache.ts reads it as latin1');
console.log(`lib/phoenix-dokku.cjs: ${megabytes(result)} MB, ${templateFiles.length} templates precompiled, ${builtinNamespaces} imports of Node's modules sharing their namespaces`);

// The bin: the argument check, --help from the option data, and the loader of the bundle above.
// Its fallback for running without that bundle imports lib/generators/run.js as it is.
const runUnbundled = {
  name: 'run-unbundled',
  setup(bundler) {
    bundler.onResolve({ filter: /^\.\/run\.js$/ }, () => ({ path: './generators/run.js', external: true }));
  },
};
// The Node modules the bundle requires, for the bin to load before it sets a V8 flag (see cli.ts).
const bundleBuiltins = [...new Set([...bundled.matchAll(/(?:\brequire|__builtinNamespace)\("((?:node:)?[a-z_/]+)"\)/g)].map(match => match[1].replace(/^node:/, '')))]
  .filter(name => builtinModules.includes(name))
  .sort()
  .map(name => `node:${name}`);
const cli = await build({
  ...common,
  entryPoints: [join(root, 'lib/generators/cli.js')],
  outfile: join(root, 'lib/cli.cjs'),
  plugins: [runUnbundled],
  define: { ...common.define, PHOENIX_DOKKU_BUNDLE_BUILTINS: JSON.stringify(bundleBuiltins) },
});
chmodSync(join(root, 'lib/cli.cjs'), 0o755);
console.log(`lib/cli.cjs: ${megabytes(cli)} MB, loads ${bundleBuiltins.length} Node modules before the bundle`);
