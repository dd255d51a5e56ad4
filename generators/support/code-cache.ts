/**
 * Loads the bin's bundle (a CommonJS file) through V8's code cache. Compiling the bundle's
 * few megabytes of JavaScript is a large part of every run, and Node 20 has no module compile
 * cache of its own (`module.enableCompileCache` is Node 22.1+). So the first run compiles it
 * and, once it is done, saves the code V8 compiled (all the functions that run used) in the
 * user's cache directory; later runs hand that to V8 instead of compiling again. V8 itself
 * rejects data made by another V8 version, other flags or another source, and a rejected or
 * missing cache is simply rebuilt. See https://nodejs.org/api/vm.html#scriptcreatecacheddata.
 *
 * Nothing here may fail a run: a cache that cannot be read or written is skipped.
 * PHOENIX_DOKKU_NO_CODE_CACHE=1 (or Node's own NODE_DISABLE_COMPILE_CACHE=1) turns it off.
 */
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

export interface LoadedBundle<Exports> {
  exports: Exports;
  /** Saves the compiled code when the cache was missing or stale; call once the run is done. */
  saveCache(): void;
}

/** `$XDG_CACHE_HOME/phoenix-dokku` or `~/.cache/phoenix-dokku`; PHOENIX_DOKKU_CACHE_DIR overrides it. */
export function codeCacheDir(): string {
  if (process.env.PHOENIX_DOKKU_CACHE_DIR) return process.env.PHOENIX_DOKKU_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'phoenix-dokku');
}

export function loadBundle<Exports>(file: string): LoadedBundle<Exports> {
  // esbuild writes ASCII only (the build checks it), so latin1 reads it exactly, without UTF-8 decoding.
  const source = readFileSync(file, 'latin1');
  // One cache file per bundle and Node build: a new version of either gets a file of its own.
  const stat = statSync(file);
  const key = createHash('sha256').update(`${file}\0${stat.size}\0${stat.mtimeMs}\0${process.version}\0${process.arch}`).digest('hex').slice(0, 16);
  const cacheFile = join(codeCacheDir(), `bundle-${key}.v8`);
  const off = process.env.PHOENIX_DOKKU_NO_CODE_CACHE === '1' || process.env.NODE_DISABLE_COMPILE_CACHE === '1';
  const cachedData = off ? undefined : readCache(cacheFile);

  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const module = { exports: {} as Exports };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));

  const used = cachedData !== undefined && !script.cachedDataRejected;
  return {
    exports: module.exports,
    saveCache() {
      if (!off && !used) writeCache(cacheFile, script.createCachedData());
    },
  };
}

function readCache(cacheFile: string): Buffer | undefined {
  try {
    // Only a file of this user's own, in a directory of this user's own: the cache is code V8 runs.
    const dir = lstatSync(dirname(cacheFile));
    const entry = lstatSync(cacheFile);
    const uid = process.getuid?.();
    if (!entry.isFile() || (uid !== undefined && (entry.uid !== uid || dir.uid !== uid))) return undefined;
    return readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

function writeCache(cacheFile: string, data: Buffer): void {
  try {
    mkdirSync(dirname(cacheFile), { recursive: true, mode: 0o700 });
    // Written beside, then renamed: a run that reads it meanwhile sees the old file or the new one, never half of one.
    const partial = `${cacheFile}.${process.pid}.tmp`;
    const fd = openSync(partial, 'w', 0o600);
    try {
      writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(partial, cacheFile);
  } catch {
    // A read-only home or a full disk: the next run compiles again.
  }
}
