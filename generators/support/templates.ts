/**
 * Where templates come from. Like Phoenix's own generators, the user's
 * `priv/templates/phoenix-dokku/<piece>/<file>` wins over the packaged `templates/<piece>/<file>`.
 */
import { existsSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
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

export const packagedTemplatesDir = (piece: string) => join(packageRoot, 'templates', piece);

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

/**
 * Absolute path of a sibling generator's entry point, with the running file's own extension
 * (`.ts` under tsx, `.js` once built), for `composeWith`.
 */
export function generatorPath(piece: string): string {
  const ext = extname(fileURLToPath(import.meta.url));
  return fileURLToPath(new URL(`../${piece}/index${ext}`, import.meta.url));
}
