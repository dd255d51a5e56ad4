/**
 * Rendering a template with ejs (templates.ts finds which one). Apart from templates.ts so that
 * the bin, which needs the package's paths for --help, does not load ejs.
 */
import ejs from 'ejs';
import { relative, sep } from 'node:path';
import { PRECOMPILED_TEMPLATES, type PrecompiledTemplate } from './precompiled-templates.js';
import { packagedTemplatesRoot } from './templates.js';

/**
 * ejs's options for every template, as mem-fs-editor's copyTpl passes them: the file name (for
 * its error messages), the generator as `this`, and no async rendering. The build compiles the
 * built-in templates with the same options.
 */
export const templateOptions = (file: string, context?: object): ejs.Options & { async: false } => ({ filename: file, context, async: false });

/** A built-in template's key in PRECOMPILED_TEMPLATES: its path under templates/, with `/`. */
export const precompiledKey = (file: string) => relative(packagedTemplatesRoot, file).split(sep).join('/');

/** What the build stores for a built-in template: its text, and the JavaScript ejs generates from it. */
export function precompileTemplate(text: string, file: string): PrecompiledTemplate {
  const template = new ejs.Template(text, templateOptions(file));
  template.compile();
  return { text, source: template.source };
}

/**
 * Renders the template `text` read from `file` with ejs. A built-in template whose text is the
 * one the build compiled uses that compiled form (ejs's own Template, given its source), so
 * the output is ejs's; a changed or user's template is compiled here.
 */
export function renderTemplateText(text: string, file: string, data: object, context?: object): string {
  const options = templateOptions(file, context);
  const precompiled = PRECOMPILED_TEMPLATES[precompiledKey(file)];
  if (precompiled?.text !== text) return ejs.render(text, data, options);
  const template = new ejs.Template(text, options);
  // ejs's Template#compile generates the source only when it has none (precompileTemplate made this one).
  (template as { source: string }).source = precompiled.source;
  // Neither client nor async is set, so compile() returns a TemplateFunction (one argument, a string back).
  return (template.compile() as ejs.TemplateFunction)(data);
}
