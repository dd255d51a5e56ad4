/**
 * Elixir source as syntax trees, from the real grammar: tree-sitter-elixir (the grammar the
 * Elixir team maintains, github.com/elixir-lang/tree-sitter-elixir) run through web-tree-sitter,
 * which needs no native build. Every fact phoenix-dokku takes from Elixir code (mix.exs,
 * config/, lib/) is read from these trees; edits are still text patches, placed at positions
 * the tree gives.
 *
 * The parser is loaded once, on first use (about 25 ms), so `--help` and runs that read no
 * Elixir never pay for it. Trees are copied into plain objects and the WebAssembly tree is
 * freed at once: the rest of the code works with ordinary values.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { builtSupportFile } from './templates.js';

/** One node of an Elixir syntax tree (tree-sitter-elixir node types: `call`, `string`, `atom`, `keywords`, ...). */
export class SyntaxNode {
  parent?: SyntaxNode;
  children: SyntaxNode[] = [];

  constructor(
    /** Node type; anonymous tokens (operators, `do`, `,`) have their own text as type. */
    readonly type: string,
    readonly named: boolean,
    /** Field name in the parent (`target`, `left`, `right`, `key`, `value`, `operator`, ...). */
    readonly field: string | undefined,
    /** Offsets into the source, as JavaScript string indices. */
    readonly start: number,
    readonly end: number,
    /** 1-based line of the node's first character. */
    readonly line: number,
    /** 0-based column of the node's first character. */
    readonly column: number,
    private readonly source: string,
  ) {}

  get text(): string {
    return this.source.slice(this.start, this.end);
  }

  /** Named children other than comments: the expressions of a block, the arguments of a call. */
  get items(): SyntaxNode[] {
    return this.children.filter(child => child.named && child.type !== 'comment');
  }

  child(field: string): SyntaxNode | undefined {
    return this.children.find(child => child.field === field);
  }

  childOfType(type: string): SyntaxNode | undefined {
    return this.children.find(child => child.type === type);
  }
}

export interface ElixirSource {
  /** Path relative to the project root, for messages (`config/runtime.exs`). */
  file: string;
  text: string;
  root: SyntaxNode;
  /** First line the grammar could not parse (the file is read as far as it can be), if any. */
  errorLine?: number;
}

export interface ElixirParser {
  parse(text: string, file: string): ElixirSource;
}

/** The parser of a run, as loadElixirParser makes it. */
export interface TreeSitterElixirParser extends ElixirParser {
  /** How trees are copied: calling web-tree-sitter's wasm directly, or through its TreeCursor. */
  readonly walk: 'direct' | 'cursor';
}

/** The part of the WebAssembly API used here (TypeScript declares it only in its DOM library). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => object;
};

let loading: Promise<TreeSitterElixirParser> | undefined;
let loaded: TreeSitterElixirParser | undefined;

/** The parser, loaded on first use and shared by the whole run. */
export function loadElixirParser(): Promise<TreeSitterElixirParser> {
  loading ??= createParser().then(parser => (loaded = parser));
  return loading;
}

/**
 * Parses with the parser loaded earlier in the run (project detection loads it): lets the pure
 * edit functions stay synchronous. Throws when nothing loaded it yet, which is a bug.
 */
export function parseElixir(text: string, file: string): ElixirSource {
  if (!loaded) throw new Error('parseElixir called before loadElixirParser() finished');
  return loaded.parse(text, file);
}

async function createParser(): Promise<TreeSitterElixirParser> {
  const { Parser, Language } = await import('web-tree-sitter');
  // The runtime's own wasm is read from where runtimeWasmPath says: from the bin's bundle,
  // web-tree-sitter's guess (beside its script) would point into phoenix-dokku's lib/.
  const runtimeWasm = runtimeWasmPath();
  // Both modules are read, compiled and instantiated synchronously (the runtime through
  // Emscripten's instantiateWasm hook, the grammar through Language.loadSync): their async
  // forms read the files and instantiate in several trips through the event loop, which a run
  // spent waiting.
  let runtime: { exports: Record<string, unknown>; memory: unknown } | undefined;
  await Parser.init({
    instantiateWasm(imports: { env?: { memory?: unknown } }, receive: (instance: object, module: object) => void) {
      const module = new WebAssembly.Module(readFileSync(runtimeWasm));
      const instance = new WebAssembly.Instance(module, imports) as { exports: Record<string, unknown> };
      runtime = { exports: instance.exports, memory: imports.env?.memory ?? instance.exports.memory };
      receive(instance, module);
      return {};
    },
  });
  const language = Language.loadSync(new WebAssembly.Module(readFileSync(grammarPath())));
  const parser = new Parser();
  parser.setLanguage(language);
  const direct = runtime && directCursorCalls(runtime.exports, runtime.memory);
  // Whether a node type is named, asked of the grammar once per type for the whole run.
  const named = new Map<number, boolean>();
  const isNamed = (typeId: number) => {
    let value = named.get(typeId);
    if (value === undefined) named.set(typeId, (value = language.nodeTypeIsNamed(typeId)));
    return value;
  };
  // Every piece reads the project again (after the pieces before it wrote theirs): the files
  // nobody changed parse to the same tree, and the copies are never modified, so they are shared.
  const parsed = new Map<string, ElixirSource>();
  return {
    walk: direct ? 'direct' : 'cursor',
    parse(text, file) {
      const key = `${file}\0${text}`;
      const cached = parsed.get(key);
      if (cached) return cached;
      if (parsed.size >= 2000) parsed.clear();
      const source = parseTree(text, file);
      parsed.set(key, source);
      return source;
    },
  };

  function parseTree(text: string, file: string): ElixirSource {
    const tree = parser.parse(text);
    if (!tree) throw new Error(`tree-sitter returned no tree for ${file}`);
    // Asked before the walk starts: the root node goes through the buffer the cursor lives in.
    const hasError = tree.rootNode.hasError;
    const cursor = direct ? direct.walk(tree) : tree.walk();
    try {
      const root = copyTree(cursor, language, isNamed, text, hasError);
      return { file, text, root, errorLine: hasError ? firstErrorLine(root) : undefined };
    } finally {
      cursor.delete();
      tree.delete();
    }
  }
}

/** True in lib/phoenix-dokku.cjs (the build defines it); not defined in the modules tsc writes. */
declare const PHOENIX_DOKKU_BUNDLE: boolean | undefined;

/**
 * web-tree-sitter's own wasm, of the same version as its JavaScript: the bundle carries that
 * JavaScript, so the build copies the wasm beside the grammar; the modules tsc writes (what
 * `yo phoenix-dokku` runs) import web-tree-sitter from node_modules and resolve the wasm there,
 * which costs a run about 5 ms of Node's package resolution.
 */
function runtimeWasmPath(): string {
  if (typeof PHOENIX_DOKKU_BUNDLE !== 'undefined') return builtSupportFile('grammars/web-tree-sitter.wasm');
  return createRequire(import.meta.url).resolve('web-tree-sitter/web-tree-sitter.wasm');
}

/**
 * The grammar ships inside the package (the build copies it from the tree-sitter-elixir npm
 * package, whose own install would pull in a native tree-sitter build users do not need);
 * running from the sources, it is read from that package directly.
 */
function grammarPath(): string {
  const packaged = builtSupportFile('grammars/tree-sitter-elixir.wasm');
  if (existsSync(packaged)) return packaged;
  return createRequire(import.meta.url).resolve('tree-sitter-elixir/tree-sitter-elixir.wasm');
}

/** The part of web-tree-sitter's TreeCursor the copy uses. */
interface TreeSitterCursor {
  nodeTypeId: number;
  nodeIsMissing: boolean;
  startIndex: number;
  endIndex: number;
  currentFieldId: number;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  delete(): void;
}

/** The part of web-tree-sitter's Tree the direct walk uses. */
interface TreeSitterTree {
  walk(): TreeSitterCursor & Record<number, number>;
}

/** The functions of web-tree-sitter's wasm (its binding.c) that a TreeCursor calls for the copy. */
const CURSOR_EXPORTS = {
  gotoFirstChild: 'ts_tree_cursor_goto_first_child_wasm',
  gotoNextSibling: 'ts_tree_cursor_goto_next_sibling_wasm',
  gotoParent: 'ts_tree_cursor_goto_parent_wasm',
  nodeTypeId: 'ts_tree_cursor_current_node_type_id_wasm',
  nodeIsMissing: 'ts_tree_cursor_current_node_is_missing_wasm',
  startIndex: 'ts_tree_cursor_start_index_wasm',
  endIndex: 'ts_tree_cursor_end_index_wasm',
  currentFieldId: 'ts_tree_cursor_current_field_id_wasm',
  transferBuffer: 'ts_init',
} as const;

/**
 * A cursor that calls web-tree-sitter's wasm functions itself. Its TreeCursor writes the cursor
 * into the wasm's transfer buffer before each call, one value at a time, and reads it back after
 * each move: most of the time of a copy (about 5× the calls themselves, measured on the
 * fixtures). Between calls of these functions the cursor stays in that buffer, so the walk
 * starts from where `tree.walk()` left it and, before the cursor is deleted, puts back into the
 * TreeCursor what the moves changed. Undefined (and the TreeCursor is used) when this build of
 * web-tree-sitter does not have these functions; the tests compare the copy with tree-sitter's
 * own Node API on every fixture.
 */
function directCursorCalls(exports: Record<string, unknown>, memory: unknown) {
  const calls = Object.fromEntries(Object.entries(CURSOR_EXPORTS).map(([name, symbol]) => [name, exports[symbol]])) as Record<keyof typeof CURSOR_EXPORTS, (tree?: number) => number>;
  if (!Object.values(calls).every(call => typeof call === 'function')) return undefined;
  if (!memory || typeof (memory as { buffer?: unknown }).buffer !== 'object') return undefined;
  // ts_init only returns the buffer's address (and writes the two version numbers it always holds).
  const transferBuffer = calls.transferBuffer();
  return {
    walk(tree: object): TreeSitterCursor {
      const cursor = (tree as TreeSitterTree).walk();
      const address = (tree as Record<number, unknown>)[0];
      // The tree's address, and a TreeCursor of the four values the buffer holds (as in web-tree-sitter 0.27):
      // any other shape is walked through the TreeCursor itself.
      if (typeof address !== 'number' || ![0, 1, 2, 3].every(index => typeof cursor[index] === 'number') || 4 in cursor) return cursor;
      return {
        get nodeTypeId() {
          return calls.nodeTypeId(address);
        },
        get nodeIsMissing() {
          return calls.nodeIsMissing(address) === 1;
        },
        get startIndex() {
          return calls.startIndex(address);
        },
        get endIndex() {
          return calls.endIndex(address);
        },
        get currentFieldId() {
          return calls.currentFieldId(address);
        },
        gotoFirstChild: () => calls.gotoFirstChild(address) === 1,
        gotoNextSibling: () => calls.gotoNextSibling(address) === 1,
        gotoParent: () => calls.gotoParent(address) === 1,
        delete() {
          // The TreeCursor's four values, as the moves left them in the buffer: its delete frees what they point to.
          const values = new Int32Array((memory as { buffer: ArrayBuffer }).buffer, transferBuffer, 4);
          for (let index = 0; index < 4; index++) cursor[index] = values[index]!;
          cursor.delete();
        },
      };
    },
  };
}

/** The part of web-tree-sitter's Language the copy uses. */
interface TreeSitterLanguage {
  types: string[];
  fields: (string | null)[];
}

/**
 * A plain copy of the tree, walked with one cursor: reading every node through the Node API
 * marshals each one out of wasm memory, several times slower on the files of a real project.
 * Each node costs four reads of the cursor (type and field ids, start and end): names come
 * from the language's tables, lines and columns from the source's line starts, and MISSING
 * nodes can only be there when the tree has an error.
 */
function copyTree(cursor: TreeSitterCursor, language: TreeSitterLanguage, isNamed: (typeId: number) => boolean, source: string, hasError: boolean): SyntaxNode {
  const lineStarts = [0];
  for (let index = source.indexOf('\n'); index !== -1; index = source.indexOf('\n', index + 1)) lineStarts.push(index + 1);
  let line = 0;
  const copyCurrent = (parent?: SyntaxNode): SyntaxNode => {
    const typeId = cursor.nodeTypeId;
    const type = hasError && cursor.nodeIsMissing ? 'MISSING' : (language.types[typeId] ?? 'ERROR');
    const start = cursor.startIndex;
    // Nodes come in source order, so the line only moves forward (a parent starts where its first child does).
    while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= start) line++;
    const fieldId = cursor.currentFieldId;
    const copy = new SyntaxNode(type, isNamed(typeId) || type === 'ERROR' || type === 'MISSING', (fieldId && language.fields[fieldId]) || undefined, start, cursor.endIndex, line + 1, start - lineStarts[line]!, source);
    copy.parent = parent;
    parent?.children.push(copy);
    return copy;
  };
  const root = copyCurrent();
  // The copy of the node the cursor is on. Depth-first: down to the first child, else across to
  // the next sibling, else up until there is one.
  let current = root;
  for (;;) {
    if (cursor.gotoFirstChild()) {
      current = copyCurrent(current);
      continue;
    }
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) return root;
      current = current.parent!;
    }
    current = copyCurrent(current.parent);
  }
}

function firstErrorLine(root: SyntaxNode): number | undefined {
  let line: number | undefined;
  walk(root, node => {
    if (line === undefined && (node.type === 'ERROR' || node.type === 'MISSING')) line = node.line;
    return line === undefined;
  });
  return line;
}

// --- reading the tree ----------------------------------------------------------------------

/** Visits `node` and its descendants depth-first; return false to skip a node's children. */
export function walk(node: SyntaxNode, visit: (node: SyntaxNode) => boolean | void): void {
  if (visit(node) === false) return;
  for (const child of node.children) walk(child, visit);
}

/** Every descendant (and `node` itself) for which `test` holds, in source order. */
export function findAll(node: SyntaxNode, test: (node: SyntaxNode) => boolean): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  walk(node, current => {
    if (test(current)) found.push(current);
  });
  return found;
}

/** `name` for `name(...)`/`name ...`, `{ module: 'System', name: 'get_env' }` for `System.get_env(...)`. */
export interface CallName {
  module?: string;
  name: string;
}

export function callName(node: SyntaxNode): CallName | undefined {
  if (node.type !== 'call') return undefined;
  const target = node.child('target');
  if (!target) return undefined;
  if (target.type === 'identifier') return { name: target.text };
  if (target.type === 'dot') {
    const left = target.child('left');
    const right = target.child('right');
    if (left && right?.type === 'identifier') return { module: left.text, name: right.text };
  }
  return undefined;
}

/** A call of `module.name` (or a local `name` when module is undefined), any of `names`. */
export function isCall(node: SyntaxNode, module: string | undefined, ...names: string[]): boolean {
  const name = callName(node);
  return name !== undefined && name.module === module && names.includes(name.name);
}

/** `origin.host`: a field access (a dot call with no arguments). */
export function fieldAccess(node: SyntaxNode): { subject: SyntaxNode; field: string } | undefined {
  if (node.type !== 'call' || node.childOfType('arguments')) return undefined;
  const target = node.child('target');
  const left = target?.child('left');
  const right = target?.child('right');
  if (target?.type !== 'dot' || !left || right?.type !== 'identifier') return undefined;
  return { subject: left, field: right.text };
}

export interface KeywordEntry {
  key: string;
  /** The whole `key: value` pair. */
  pair: SyntaxNode;
  value: SyntaxNode;
}

export interface CallArguments {
  /** Arguments before the trailing keyword list. */
  positional: SyntaxNode[];
  /** The trailing `key: value` arguments (`config :app, Key, url: [...]`). */
  keywords: KeywordEntry[];
}

export function callArguments(node: SyntaxNode): CallArguments {
  const args = node.childOfType('arguments')?.items ?? [];
  const last = args.at(-1);
  if (last?.type === 'keywords') return { positional: args.slice(0, -1), keywords: keywordEntries(last) };
  return { positional: args, keywords: [] };
}

/** Entries of a keyword list: a `keywords` node, or a `list` holding one (`[host: h, port: 443]`). */
export function keywordEntries(node: SyntaxNode | undefined): KeywordEntry[] {
  if (!node) return [];
  const keywords = node.type === 'keywords' ? node : node.type === 'list' ? node.items.find(item => item.type === 'keywords') : undefined;
  if (!keywords) return [];
  return keywords.items.flatMap(pair => {
    const key = pair.child('key');
    const value = pair.child('value');
    if (pair.type !== 'pair' || !key || !value) return [];
    return [{ key: keywordName(key), pair, value }];
  });
}

/** `host: ` → `host`; `"content-security-policy": ` → `content-security-policy`. */
function keywordName(key: SyntaxNode): string {
  const text = key.text.trim().replace(/:$/, '');
  return /^"(.*)"$/.exec(text)?.[1] ?? text;
}

/** The value under a keyword path (`['url', 'host']` in `url: [host: ...]`). */
export function keywordPath(entries: KeywordEntry[], path: readonly string[]): KeywordEntry | undefined {
  const [head, ...rest] = path;
  const entry = entries.find(candidate => candidate.key === head);
  if (!entry || !rest.length) return entry;
  return keywordPath(keywordEntries(entry.value), rest);
}

export interface DoBlock {
  body: SyntaxNode[];
  /** `else` branch (do/else/end form or `else:` keyword). */
  elseBody?: SyntaxNode[];
  /** `pattern -> body` clauses of a `case`/`cond` block. */
  clauses: { patterns: SyntaxNode[]; guard?: SyntaxNode; body: SyntaxNode[]; node: SyntaxNode }[];
}

/** The block of `if`/`unless`/`case`/`defmodule`/`def` in either form (`do ... end`, or `do:` keywords). */
export function doBlock(node: SyntaxNode): DoBlock | undefined {
  const block = node.childOfType('do_block');
  if (block) {
    const items = block.items;
    const elseBlock = items.find(item => item.type === 'else_block');
    const clauses = items.filter(item => item.type === 'stab_clause').map(stabClause);
    return {
      body: items.filter(item => item.type !== 'else_block' && item.type !== 'stab_clause' && !item.type.endsWith('_block')),
      elseBody: elseBlock?.items,
      clauses,
    };
  }
  const keywords = callArguments(node).keywords;
  const body = keywords.find(entry => entry.key === 'do');
  if (!body) return undefined;
  const elseEntry = keywords.find(entry => entry.key === 'else');
  return { body: [body.value], elseBody: elseEntry ? [elseEntry.value] : undefined, clauses: [] };
}

function stabClause(node: SyntaxNode): DoBlock['clauses'][number] {
  const left = node.child('left');
  let patterns = left?.items ?? [];
  let guard: SyntaxNode | undefined;
  // `x when is_binary(x) -> ...`: the guard is a `when` binary operator around the pattern.
  if (patterns.length === 1 && patterns[0].type === 'binary_operator' && operatorOf(patterns[0]) === 'when') {
    guard = patterns[0].child('right');
    patterns = [patterns[0].child('left')!];
  }
  return { patterns, guard, body: node.child('right')?.items ?? [], node };
}

/** The operator of a `binary_operator`/`unary_operator` node (`||`, `|>`, `==`, `=`, `and`, `!`, `not`). */
export function operatorOf(node: SyntaxNode): string | undefined {
  return node.child('operator')?.text;
}

/** The value of a string literal without interpolation (`"PHX_HOST"`), else undefined. */
export function stringValue(node: SyntaxNode | undefined): string | undefined {
  return node?.type === 'string' ? quotedValue(node) : undefined;
}

function quotedValue(node: SyntaxNode): string | undefined {
  let value = '';
  for (const child of node.children) {
    if (child.type === 'quoted_content') value += child.text;
    else if (child.type === 'escape_sequence') value += unescape(child.text);
    else if (child.type === 'interpolation') return undefined;
  }
  return value;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '#': '#', s: ' ', e: '\x1b', '0': '\0' };
const unescape = (sequence: string) => ESCAPES[sequence.slice(1)] ?? sequence.slice(1);

/** `:prod` → `prod`, `:"my-app"` → `my-app`; undefined for anything but an atom literal. */
export function atomValue(node: SyntaxNode | undefined): string | undefined {
  if (node?.type === 'atom') return node.text.slice(1);
  if (node?.type === 'quoted_atom') return quotedValue(node);
  return undefined;
}

/** A literal printed for a human: strings without quotes, atoms, numbers, booleans, nil. */
export function literalText(node: SyntaxNode | undefined): string | undefined {
  if (!node) return undefined;
  const string = stringValue(node);
  if (string !== undefined) return string;
  if (['atom', 'integer', 'float', 'boolean', 'nil', 'char'].includes(node.type)) return node.text;
  return undefined;
}

/** Parentheses around one expression (`(a || b)`) read as that expression. */
export function unwrap(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.type === 'block' && current.items.length === 1) current = current.items[0];
  return current;
}

/** `defmodule Name do ... end` nodes (at any depth), with their name. */
export function moduleDefinitions(root: SyntaxNode): { name: string; node: SyntaxNode }[] {
  return findAll(root, node => isCall(node, undefined, 'defmodule')).flatMap(node => {
    const alias = callArguments(node).positional[0];
    return alias?.type === 'alias' ? [{ name: alias.text, node }] : [];
  });
}

export interface FunctionDefinition {
  name: string;
  /** `def` or `defp`. */
  kind: string;
  params: SyntaxNode[];
  body: SyntaxNode[];
  node: SyntaxNode;
}

/** The `def`/`defp` clauses directly inside a module body. */
export function functionDefinitions(module: SyntaxNode): FunctionDefinition[] {
  return (doBlock(module)?.body ?? []).flatMap(node => {
    const kind = callName(node)?.name;
    if (node.type !== 'call' || (kind !== 'def' && kind !== 'defp')) return [];
    let head: SyntaxNode | undefined = callArguments(node).positional[0];
    if (head?.type === 'binary_operator' && operatorOf(head) === 'when') head = head.child('left');
    if (!head) return [];
    const name = head.type === 'identifier' ? head.text : callName(head)?.name;
    if (!name) return [];
    const params = head.type === 'call' ? (head.childOfType('arguments')?.items ?? []) : [];
    return [{ name, kind, params, body: doBlock(node)?.body ?? [], node }];
  });
}

/** The first line of a node's text, for messages (`if System.get_env("X") == "true" do`). */
export function firstLine(node: SyntaxNode): string {
  return node.text.split('\n')[0].trim();
}
