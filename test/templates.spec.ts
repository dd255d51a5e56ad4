/** Rendering templates: the built-in ones precompiled by the build, the rest compiled by ejs as they render. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import ejs from 'ejs';
import { PRECOMPILED_TEMPLATES } from '../generators/support/precompiled-templates.js';
import { precompiledKey, precompileTemplate, renderTemplateText, templateOptions } from '../generators/support/template-render.js';
import { listFiles, repoRoot } from './support/helpers.js';

// A template of the packaged folder's shape (the path need not exist: rendering is given the text).
const TEMPLATE = 'health/example.txt.ejs';
const file = join(repoRoot, 'templates', TEMPLATE);
const text = '<%_ if (checkRepo) { _%>\nrepo <%= repo %> & <%- module %>\n<%_ } _%>\ndone\n';
const data = { checkRepo: true, repo: 'Shop.Repo <primary>', module: 'ShopWeb.HealthController' };

describe('template rendering', () => {
  afterEach(() => delete PRECOMPILED_TEMPLATES[TEMPLATE]);

  it('renders a template without a precompiled entry with ejs', () => {
    assert.equal(renderTemplateText(text, file, data), 'repo Shop.Repo &lt;primary&gt; & ShopWeb.HealthController\ndone\n');
    assert.equal(renderTemplateText(text, file, data), ejs.render(text, data, templateOptions(file)));
  });

  it('renders a precompiled entry exactly as ejs renders the template', () => {
    PRECOMPILED_TEMPLATES[TEMPLATE] = precompileTemplate(text, file);
    assert.equal(renderTemplateText(text, file, data), ejs.render(text, data, templateOptions(file)));
  });

  it('uses the precompiled source while the text is the one it was made from, and ejs once the text changed', () => {
    // A source that renders something else shows which path ran.
    PRECOMPILED_TEMPLATES[TEMPLATE] = { text, source: precompileTemplate('precompiled', file).source };
    assert.equal(renderTemplateText(text, file, data), 'precompiled');
    const edited = `# edited\n${text}`;
    assert.equal(renderTemplateText(edited, file, data), ejs.render(edited, data, templateOptions(file)));
  });

  it("never uses a precompiled entry for a user's template of the same name", () => {
    PRECOMPILED_TEMPLATES[TEMPLATE] = { text, source: precompileTemplate('precompiled', file).source };
    const override = join(repoRoot, 'test/fixtures/phx-1.7-postgres/priv/templates/phoenix-dokku', TEMPLATE);
    assert.notEqual(precompiledKey(override), TEMPLATE);
    assert.equal(renderTemplateText(text, override, data), ejs.render(text, data, templateOptions(override)));
  });

  it('the bin bundle carries every built-in template precompiled, from its current text', () => {
    const bundle = createRequire(import.meta.url)(join(repoRoot, 'lib/phoenix-dokku.cjs')) as { PRECOMPILED_TEMPLATES: typeof PRECOMPILED_TEMPLATES };
    const templates = listFiles(join(repoRoot, 'templates')).filter(name => name.endsWith('.ejs'));
    assert.ok(templates.length >= 10, templates.join(', '));
    assert.deepEqual(Object.keys(bundle.PRECOMPILED_TEMPLATES).sort(), templates.sort());
    for (const name of templates) {
      const templateFile = join(repoRoot, 'templates', name);
      assert.deepEqual(bundle.PRECOMPILED_TEMPLATES[name], precompileTemplate(readFileSync(templateFile, 'utf8'), templateFile), `${name}: rebuild with npm run build`);
    }
  });
});
