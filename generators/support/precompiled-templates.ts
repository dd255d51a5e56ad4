/**
 * The built-in templates (templates/<piece>/<file>.ejs) as ejs compiles them, for the bin's
 * bundle: `npm run build` fills this map in lib/phoenix-dokku.cjs (.build/build.mjs), so a run
 * skips ejs's own compiling of each template (most of the time of rendering one). Here, and in
 * the modules tsc writes (`yo phoenix-dokku`), it is empty and every template is compiled as it
 * is rendered. template-render.ts uses an entry only while the file still has the text it was made from.
 */
export interface PrecompiledTemplate {
  /** The template's text when it was compiled. */
  text: string;
  /** The JavaScript ejs generated from it (ejs's Template#source). */
  source: string;
}

export const PRECOMPILED_TEMPLATES: Record<string, PrecompiledTemplate> = {};
