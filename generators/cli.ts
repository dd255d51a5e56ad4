#!/usr/bin/env node
/**
 * `phoenix-dokku [piece] [options]`: runs a generator of this package without a global `yo`.
 * `phoenix-dokku health --yes` is `yo phoenix-dokku:health --yes`.
 *
 * Start-up is most of a run, so this file loads only what the arguments need: `--help` is
 * printed from the option data (support/help.ts) without Yeoman; a run loads
 * lib/phoenix-dokku.cjs, the bundle of Yeoman and the generators that `npm run build` makes
 * from run.ts, through V8's code cache (support/code-cache.ts). Without that bundle (running
 * from the sources) it imports run.ts itself. The bin is this file bundled on its own, as
 * CommonJS (lib/cli.cjs): Node starts a CommonJS file without its ES module loader.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { loadBundle } from './support/code-cache.js';
import { isUserError } from './support/errors.js';
import { helpText } from './support/help.js';
import { PIECES } from './support/pieces.js';
import { packageRoot } from './support/templates.js';

type Runner = typeof import('./run.js');

/** Node's modules that lib/phoenix-dokku.cjs requires; the build fills it in (empty when run from the sources). */
declare const PHOENIX_DOKKU_BUNDLE_BUILTINS: string[] | undefined;
const BUNDLE_BUILTINS = typeof PHOENIX_DOKKU_BUNDLE_BUILTINS === 'undefined' ? [] : PHOENIX_DOKKU_BUNDLE_BUILTINS;

async function main(args: string[]): Promise<void> {
  const sub = args[0] && !args[0].startsWith('-') ? args.shift()! : 'app';
  const known = ['app', ...PIECES.map(piece => piece.name)];
  if (!known.includes(sub)) {
    process.stderr.write(
      `phoenix-dokku: unknown sub-generator "${sub}". Choose one of: ${known.join(', ')}.\n` +
        'Run `phoenix-dokku --help` for the main generator or `phoenix-dokku <piece> --help` for one piece.\n',
    );
    process.exit(1);
  }

  const endOfOptions = args.indexOf('--');
  const options = endOfOptions === -1 ? args : args.slice(0, endOfOptions);
  if (options.includes('--help') || options.includes('-h')) {
    process.stdout.write(helpText(sub, process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : 80));
    return;
  }

  if (args.includes('--json')) {
    // stdout carries only the JSON document (written straight to fd 1); Yeoman's messages go to stderr.
    process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  }

  // The Elixir grammar is 1.4 MB of WebAssembly. V8's baseline compiler (Liftoff) handles the few
  // files a run parses in time; optimizing it as well made every run wait for that (about
  // 0.14 s, measured with and without). Set before anything compiles WebAssembly.
  // Once a flag is set, V8 no longer accepts the code cache Node ships for its own modules, and
  // compiles each one loaded afterwards from its source: so the Node modules the bundle uses,
  // and the output streams, are loaded first (the build lists them, see .build/build.mjs).
  const requireBuiltin = createRequire(import.meta.url);
  for (const name of BUNDLE_BUILTINS) requireBuiltin(name);
  void process.stdout;
  void process.stderr;
  setFlagsFromString('--liftoff-only');

  try {
    const bundle = join(packageRoot, 'lib', 'phoenix-dokku.cjs');
    if (existsSync(bundle)) {
      const loaded = loadBundle<Runner>(bundle);
      await loaded.exports.runGenerator(sub, args);
      loaded.saveCache();
    } else {
      const { runGenerator } = (await import('./run.js')) as Runner;
      await runGenerator(sub, args);
    }
  } catch (error) {
    if (isUserError(error)) {
      process.stderr.write(`\nphoenix-dokku: ${error.message}\n`);
    } else {
      process.stderr.write(`\nphoenix-dokku failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exit(1);
  }
}

void main(process.argv.slice(2));
