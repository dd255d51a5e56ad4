/**
 * The plain copy of tree-sitter's tree that every reader of Elixir works on: node for node the
 * same types, names, fields, offsets, lines and columns as tree-sitter's own Node API reports,
 * on every Elixir file of the fixtures, on non-ASCII text and on a file with a syntax error.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadElixirParser, type SyntaxNode } from '../generators/support/elixir-ast.js';
import { listFiles, repoRoot } from './support/helpers.js';

interface Expected {
  type: string;
  named: boolean;
  field: string | undefined;
  start: number;
  end: number;
  line: number;
  column: number;
  children: Expected[];
}

const require = createRequire(import.meta.url);

/** The tree as tree-sitter's Node API reports it. */
async function treeSitterTree(text: string): Promise<Expected> {
  const { Parser, Language } = await import('web-tree-sitter');
  await Parser.init();
  const parser = new Parser();
  parser.setLanguage(await Language.load(require.resolve('tree-sitter-elixir/tree-sitter-elixir.wasm')));
  const tree = parser.parse(text)!;
  type Node = NonNullable<ReturnType<typeof tree.rootNode.child>>;
  const convert = (node: Node, field: string | null): Expected => {
    const type = node.isMissing ? 'MISSING' : node.type;
    return {
      type,
      named: node.isNamed || node.isError || node.isMissing,
      field: field ?? undefined,
      start: node.startIndex,
      end: node.endIndex,
      line: node.startPosition.row + 1,
      column: node.startPosition.column,
      children: Array.from({ length: node.childCount }, (_, index) => convert(node.child(index)!, node.fieldNameForChild(index))),
    };
  };
  const expected = convert(tree.rootNode, null);
  tree.delete();
  parser.delete();
  return expected;
}

const plain = (node: SyntaxNode): Expected => ({
  type: node.type,
  named: node.named,
  field: node.field,
  start: node.start,
  end: node.end,
  line: node.line,
  column: node.column,
  children: node.children.map(plain),
});

describe('Elixir syntax trees', () => {
  const fixtures = join(repoRoot, 'test/fixtures');
  const files = listFiles(fixtures).filter(file => /\.exs?$/.test(file));

  it(`the copy of every fixture's Elixir file (${files.length}) is tree-sitter's tree, node for node`, async () => {
    assert.ok(files.length > 50, 'the fixtures have Elixir files');
    const parser = await loadElixirParser();
    // The copy calls web-tree-sitter's wasm itself, not through its TreeCursor (elixir-ast.ts, directCursorCalls).
    assert.equal(parser.walk, 'direct');
    for (const file of files) {
      const text = readFileSync(join(fixtures, file), 'utf8');
      assert.deepEqual(plain(parser.parse(text, file).root), await treeSitterTree(text), file);
    }
  });

  it('non-ASCII text: offsets and columns in JavaScript string units, as tree-sitter counts them', async () => {
    const text = 'import Config\n\n# Grüße 🎉\nconfig :shop, greeting: "héllo 🌍", after: System.get_env("ÜBER")\n';
    const parser = await loadElixirParser();
    const copy = parser.parse(text, 'config/config.exs');
    assert.deepEqual(plain(copy.root), await treeSitterTree(text));
    const call = copy.root.children.at(-1)!;
    assert.equal(text.slice(call.start, call.end), 'config :shop, greeting: "héllo 🌍", after: System.get_env("ÜBER")');
  });

  it('a file with a syntax error: the same tree, ERROR and MISSING nodes included, and the line of the first', async () => {
    const text = 'import Config\n\nconfig :shop, Shop.Repo,\n  url: System.get_env("DATABASE_URL"\n\nconfig :shop, :other, 1\n';
    const parser = await loadElixirParser();
    const copy = parser.parse(text, 'config/runtime.exs');
    assert.deepEqual(plain(copy.root), await treeSitterTree(text));
    assert.ok(copy.errorLine !== undefined && copy.errorLine >= 3, `error line ${copy.errorLine}`);
  });
});
