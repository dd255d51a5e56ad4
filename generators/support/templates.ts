/**
 * Where templates come from. Like Phoenix's own generators, the user's
 * `priv/templates/phoenix-dokku/<piece>/<file>` wins over the packaged `templates/<piece>/<file>`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder, inside a user's project, whose files override our templates. */
export const OVERRIDE_DIR = 'priv/templates/phoenix-dokku';

/**
 * Root of this package. Sources run from `generators/support/` (tsx) and builds from
 * `lib/generators/support/`, so walk up to package.json instead of counting `../`.
 */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('generator-phoenix-dokku: package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
})();

/** The package's templates/ folder: one folder per piece. */
export const packagedTemplatesRoot = join(packageRoot, 'templates');

export const packagedTemplatesDir = (piece: string) => join(packagedTemplatesRoot, piece);

export interface TemplateSource {
  path: string;
  /** The user's override from priv/templates/phoenix-dokku. */
  custom: boolean;
}

/** The template to render for `file` of `piece`: the project's override first, then ours. */
export function templateFor(projectRoot: string, piece: string, file: string): TemplateSource {
  const override = join(projectRoot, OVERRIDE_DIR, piece, file);
  if (existsSync(override)) return { path: override, custom: true };
  const packaged = join(packagedTemplatesDir(piece), file);
  if (!existsSync(packaged)) throw new Error(`phoenix-dokku: template ${piece}/${file} is missing from ${packagedTemplatesDir(piece)}`);
  return { path: packaged, custom: false };
}

/** Running from the TypeScript sources (tsx, in development and the tests' in-process runs). */
const fromSources = fileURLToPath(import.meta.url).endsWith('.ts');

/**
 * Absolute path of a generator's entry point: `generators/<piece>/index.ts` from the sources,
 * `lib/generators/<piece>/index.js` once built (also from the bin's bundle, which lives in lib/).
 * Yeoman reads the package's name (the .yo-rc.json key) from above this path.
 */
export function generatorPath(piece: string): string {
  return fromSources ? join(packageRoot, 'generators', piece, 'index.ts') : join(packageRoot, 'lib', 'generators', piece, 'index.js');
}

/** A file the build copies into lib/generators/support/ (the Elixir grammar). */
export const builtSupportFile = (file: string) => join(packageRoot, 'lib', 'generators', 'support', file);
