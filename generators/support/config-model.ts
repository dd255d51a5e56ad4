/**
 * The project's configuration as Mix and the release evaluate it for `:prod`, read with the
 * Elixir parser: every `config` call that applies in prod, and every environment variable the
 * config reads, with whether the app needs it (required, optional with its default, or only
 * under a condition) and what it is for (the endpoint's host, the database, the secret key
 * base, ...), whatever the app calls it.
 *
 * This is the app's environment contract. The runtime piece (what to add to runtime.exs), the
 * next steps (what `dokku config:set` must set) and the audit all ask this one model; nothing
 * else reads config files.
 *
 * Evaluation follows the files as Mix does: `config/config.exs` and what it imports
 * (`import_config "#{config_env()}.exs"` is prod.exs) are evaluated when the release is built;
 * `config/runtime.exs` (or `config/releases.exs` without one), and files it reads with
 * `Config.Reader`, every time the release boots. Branches that cannot run in prod
 * (`if config_env() == :dev`) are skipped; other conditions are kept as conditions.
 */
import { posix } from 'node:path';
import {
  callArguments,
  callName,
  doBlock,
  fieldAccess,
  firstLine,
  functionDefinitions,
  isCall,
  keywordEntries,
  keywordPath,
  literalText,
  moduleDefinitions,
  operatorOf,
  stringValue,
  unwrap,
  atomValue,
  type ElixirParser,
  type ElixirSource,
  type KeywordEntry,
  type SyntaxNode,
} from './elixir-ast.js';
import type { ProjectFiles } from './files.js';
import { escapeRegExp } from './patch.js';

/** `build`: evaluated while compiling the release (and, under mix, at every start); `boot`: when the release starts. */
export type ConfigPhase = 'build' | 'boot';

/** A condition a config statement or read sits under (other than a `config_env()` guard, which is resolved for prod). */
export interface Condition {
  /** The condition as written (`System.get_env("DATABASE_SSL") == "true"`), negated with `not (...)` for else branches. */
  text: string;
  /** Variables the condition reads. */
  variables: string[];
  /** The value the condition compares a variable with, when it is a plain `==` (`"true"`). */
  expects?: string;
  /** The condition must be false for the statement to run (an `else` or `unless` branch). */
  negated: boolean;
  /** What the condition (as written, before `negated`) is on a new Dokku app, where none of its variables is set; undefined when that cannot be told. */
  whenUnset?: boolean;
}

export type Need = 'required' | 'optional' | 'conditional';

/** One read of an environment variable by the config. */
export interface EnvRead {
  variable: string;
  file: string;
  line: number;
  phase: ConfigPhase;
  need: Need;
  /** How it is read, in words: `System.fetch_env!`, `System.get_env || raise`, `raise in the else branch`, ... */
  how: string;
  /** The default, as written, when it is optional (`"4000"`, `example.com`). */
  default?: string;
  /** For a conditional read: the condition, as written. */
  when?: string;
  /** Set when phoenix-dokku could not be sure (a helper it cannot see into): the reason. */
  unsure?: string;
}

/** What a variable is for, recognised from where its value goes rather than from its name. */
export type EnvRole =
  | 'host'
  | 'origin'
  | 'port'
  | 'server'
  | 'database-url'
  | 'database-path'
  | 'database-part'
  | 'secret-key-base'
  | 'salt'
  | 'pool-size'
  | 'ipv6'
  | 'log-level'
  | 'cluster-query';

export interface RoleUse {
  role: EnvRole;
  variable: string;
  file: string;
  line: number;
  /** database-part: the repo option (`username`, `password`, `hostname`, `database`, `port`); server: the value that turns it on. */
  detail?: string;
}

/** One `config :app, ...` call that applies in prod. */
export interface ConfigCall {
  file: string;
  line: number;
  phase: ConfigPhase;
  app: string;
  /** `ShopWeb.Endpoint` for `config :shop, ShopWeb.Endpoint, ...`; `dns_cluster_query` for `config :shop, :dns_cluster_query, value`. */
  key?: string;
  keywords: KeywordEntry[];
  /** `config :app, :key, value`: the value. */
  value?: SyntaxNode;
  conditions: Condition[];
  node: SyntaxNode;
}

/** Where a config value comes from: the variables it reads and the literals it falls back to. */
export interface ValueSources {
  variables: string[];
  literals: string[];
  /** The value is taken from a parsed URL (`URI.parse(System.fetch_env!("APP_ORIGIN")).host`). */
  viaUri: boolean;
  file: string;
  line: number;
  phase: ConfigPhase;
  conditional: boolean;
}

export interface ConfigFileFacts {
  file: string;
  phase: ConfigPhase;
  /** First line the parser could not read, if any. */
  errorLine?: number;
}

/** A read whose variable name is computed (`System.get_env(name)`), so it cannot be listed. */
export interface DynamicRead {
  file: string;
  line: number;
  text: string;
}

export interface ConfigModel {
  files: ConfigFileFacts[];
  calls: ConfigCall[];
  reads: EnvRead[];
  dynamicReads: DynamicRead[];
  /** Variables the config sets itself (`System.put_env`), which it then reads without Dokku. */
  setsItself: string[];
  /** Where a config value (a keyword's value node) gets its value. */
  sourcesOf(value: SyntaxNode, call: ConfigCall): ValueSources;
}

/** Functions of the standard library that raise when given nil: a read passed straight to one is required. */
const NIL_INTOLERANT = new Set([
  'String.to_integer',
  'String.to_atom',
  'String.to_existing_atom',
  'String.split',
  'String.trim',
  'String.downcase',
  'String.upcase',
  'URI.parse',
  'URI.new!',
  'Base.decode64!',
  'Base.url_decode64!',
  'Base.decode16!',
  'Jason.decode!',
  'Integer.parse',
  'Float.parse',
]);

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

interface Context {
  phase: ConfigPhase;
  conditions: Condition[];
}

/** A project helper that reads the variable named by one of its parameters (`Util.fetch_env!(varname, defaults)`). */
interface EnvHelper {
  module: string;
  name: string;
  param: number;
  need: Need;
  how: string;
  sure: boolean;
  /** The default comes from the call's `prod:`/`all:` keyword (TeslaMate's `defaults[config_env()]`). */
  defaultFromParam?: number;
}

/** The files evaluation starts from: Mix's own by default. */
export interface ConfigEntries {
  build: string[];
  /** Default: config/runtime.exs, else config/releases.exs. */
  boot?: string;
}

/**
 * Reads the project's config for prod, starting from `entries` (missing files are skipped).
 * Files are read through `files`, so a run sees its own earlier writes.
 */
export function readConfigModel(files: ProjectFiles, parser: ElixirParser, entries: ConfigEntries = { build: ['config/config.exs'] }): ConfigModel {
  return new ConfigEvaluator(files, parser).evaluate(entries);
}

class ConfigEvaluator {
  private readonly model: ConfigModel;
  private readonly visited = new Set<string>();
  private readonly helpers: EnvHelper[] = [];
  /** Per file: variable name → the expression last assigned to it. */
  private readonly bindings = new Map<string, Map<string, { node: SyntaxNode; ctx: Context }>>();
  private currentFile = '';

  constructor(
    private readonly files: ProjectFiles,
    private readonly parser: ElixirParser,
  ) {
    this.model = {
      files: [],
      calls: [],
      reads: [],
      dynamicReads: [],
      setsItself: [],
      sourcesOf: (value, call) => this.sourcesOf(value, call),
    };
  }

  evaluate(entries: ConfigEntries): ConfigModel {
    for (const file of entries.build) this.evaluateFile(file, 'build');
    const runtime = entries.boot ?? (this.files.exists('config/runtime.exs') ? 'config/runtime.exs' : 'config/releases.exs');
    this.evaluateFile(runtime, 'boot');
    return this.model;
  }

  private evaluateFile(file: string, phase: ConfigPhase, conditions: Condition[] = []): void {
    if (this.visited.has(file)) return;
    const text = this.files.read(file);
    if (text === undefined) return;
    this.visited.add(file);
    const source = this.parser.parse(text, file);
    this.model.files.push({ file, phase, errorLine: source.errorLine });
    const previous = this.currentFile;
    this.currentFile = file;
    if (!this.bindings.has(file)) this.bindings.set(file, new Map());
    this.collectHelpers(source);
    this.visitAll(source.root.items, { phase, conditions });
    this.currentFile = previous;
  }

  private visitAll(nodes: SyntaxNode[], ctx: Context): void {
    for (const node of nodes) this.visit(node, ctx);
  }

  /** Evaluates one expression for prod: statements that matter are recorded, the rest searched for reads. */
  private visit(node: SyntaxNode, ctx: Context): void {
    if (node.type === 'comment') return;
    const name = callName(node);
    if (name && !name.module) {
      switch (name.name) {
        case 'import_config':
          return this.visitImport(node, ctx);
        case 'if':
        case 'unless':
          return this.visitIf(node, ctx, name.name === 'unless');
        case 'case':
          return this.visitCase(node, ctx);
        case 'cond':
          return this.visitCond(node, ctx);
        case 'config':
          this.recordConfig(node, ctx);
          break;
        case 'defmodule':
          return; // Module bodies define functions; helpers were collected up front.
      }
    }
    if (name?.module === 'Config.Reader' && (name.name === 'read!' || name.name === 'eval!')) this.visitConfigReader(node, ctx);
    if (name?.module === 'System' && name.name === 'put_env') {
      const variable = stringValue(callArguments(node).positional[0]);
      if (variable) this.model.setsItself.push(variable);
    }
    if (node.type === 'binary_operator' && operatorOf(node) === '=') {
      const left = node.child('left');
      const right = node.child('right');
      if (left?.type === 'identifier' && right) this.bindings.get(this.currentFile)!.set(left.text, { node: right, ctx });
    }
    if (this.recordRead(node, ctx)) return;
    for (const child of node.items) this.visit(child, ctx);
  }

  private visitImport(node: SyntaxNode, ctx: Context): void {
    const path = configPath(callArguments(node).positional[0]);
    if (!path) return;
    const dir = posix.dirname(this.currentFile);
    for (const file of this.expand(posix.normalize(posix.join(dir, path)))) this.evaluateFile(file, ctx.phase, ctx.conditions);
  }

  /** `Config.Reader.read!(Path.join(__DIR__, "runtime/stripe.exs"))` or a literal path: evaluated with the file that reads it. */
  private visitConfigReader(node: SyntaxNode, ctx: Context): void {
    const arg = callArguments(node).positional[0];
    if (!arg) return;
    let path = stringValue(arg);
    if (path === undefined && isCall(arg, 'Path', 'join', 'expand')) {
      const parts = callArguments(arg).positional;
      if (parts.length === 2 && parts[0].text === '__DIR__') path = stringValue(parts[1]);
      else if (parts.length === 2 && parts[1].text === '__DIR__') path = stringValue(parts[0]);
      if (path !== undefined) path = posix.join(posix.dirname(this.currentFile), path);
    }
    if (path !== undefined) this.evaluateFile(posix.normalize(path), ctx.phase, ctx.conditions);
  }

  /** `import_config "../apps/*\/config/config.exs"` (old umbrellas) names every matching file. */
  private expand(path: string): string[] {
    if (!path.includes('*')) return [path];
    const parts = path.split('/');
    let candidates = [''];
    for (const part of parts) {
      candidates = candidates.flatMap(prefix => {
        if (!part.includes('*')) return [prefix ? `${prefix}/${part}` : part];
        const pattern = new RegExp(`^${part.split('*').map(escapeRegExp).join('[^/]*')}$`);
        return this.files.list(prefix).filter(name => pattern.test(name)).map(name => (prefix ? `${prefix}/${name}` : name));
      });
    }
    return candidates.filter(candidate => this.files.exists(candidate));
  }

  private visitIf(node: SyntaxNode, ctx: Context, unless: boolean): void {
    const condition = callArguments(node).positional[0];
    const block = doBlock(node);
    if (!condition || !block) return;
    this.visit(condition, ctx);
    let value = evaluateForProd(condition);
    if (unless && value !== undefined) value = !value;
    const then = block.body;
    const otherwise = block.elseBody ?? [];
    if (value === true) return this.visitAll(then, ctx);
    if (value === false) return this.visitAll(otherwise, ctx);
    const described = this.describeCondition(condition);
    this.visitAll(then, { ...ctx, conditions: [...ctx.conditions, { ...described, negated: unless }] });
    this.visitAll(otherwise, { ...ctx, conditions: [...ctx.conditions, { ...described, negated: !unless }] });
  }

  private visitCase(node: SyntaxNode, ctx: Context): void {
    const subject = callArguments(node).positional[0];
    const block = doBlock(node);
    if (!subject || !block) return;
    this.visit(subject, ctx);
    if (isEnvironment(subject)) {
      const clause = block.clauses.find(candidate => candidate.patterns.some(pattern => matchesProd(pattern)));
      if (clause) this.visitAll(clause.body, ctx);
      return;
    }
    const described = this.describeCondition(subject);
    for (const clause of block.clauses) {
      const pattern = clause.patterns.map(p => p.text).join(', ');
      this.visitAll(clause.body, {
        ...ctx,
        conditions: [...ctx.conditions, { text: `${firstLine(subject)} matches ${pattern}`, variables: described.variables, expects: stringValue(clause.patterns[0]), negated: false }],
      });
    }
  }

  private visitCond(node: SyntaxNode, ctx: Context): void {
    for (const clause of doBlock(node)?.clauses ?? []) {
      const test = clause.patterns[0];
      if (!test) continue;
      this.visit(test, ctx);
      const value = evaluateForProd(test);
      if (value === false) continue;
      if (value === true) return this.visitAll(clause.body, ctx);
      this.visitAll(clause.body, { ...ctx, conditions: [...ctx.conditions, { ...this.describeCondition(test), negated: false }] });
    }
  }

  private describeCondition(condition: SyntaxNode): Omit<Condition, 'negated'> {
    const sources = this.sourcesIn(condition, new Set());
    let expects: string | undefined;
    const test = unwrap(condition);
    if (test.type === 'binary_operator' && operatorOf(test) === '==') expects = stringValue(test.child('right')) ?? stringValue(test.child('left'));
    const whenUnset = truthy(evaluateWithEnvUnset(condition));
    return { text: firstLine(condition), variables: sources.variables, expects, ...(whenUnset !== undefined ? { whenUnset } : {}) };
  }

  private recordConfig(node: SyntaxNode, ctx: Context): void {
    const { positional, keywords } = callArguments(node);
    const app = atomValue(positional[0]);
    if (!app) return;
    const second = positional[1];
    const key = second?.type === 'alias' ? second.text : atomValue(second);
    this.model.calls.push({
      file: this.currentFile,
      line: node.line,
      phase: ctx.phase,
      app,
      key,
      keywords,
      value: second?.type === 'atom' ? positional[2] : undefined,
      conditions: ctx.conditions,
      node,
    });
  }

  // --- environment reads ---------------------------------------------------------------------

  /** Records `node` when it reads the environment; true when its children were visited already. */
  private recordRead(node: SyntaxNode, ctx: Context): boolean {
    if (node.type === 'tuple') {
      const [tag, variable] = node.items;
      if (atomValue(tag) === 'system' && stringValue(variable) !== undefined) {
        // Phoenix resolves {:system, "VAR"} when the endpoint starts, whatever file sets it.
        this.pushRead(node, stringValue(variable)!, { ...ctx, phase: 'boot' }, 'required', '{:system, _} tuple, read by Phoenix when the endpoint starts');
        return true;
      }
      return false;
    }
    const name = callName(node);
    if (!name) return false;
    const args = callArguments(node).positional;
    if (name.module === 'System' && ['get_env', 'fetch_env!', 'fetch_env'].includes(name.name)) {
      if (!args.length) return false; // System.get_env/0: the whole environment.
      const variable = stringValue(args[0]);
      if (variable === undefined) {
        this.model.dynamicReads.push({ file: this.currentFile, line: node.line, text: firstLine(node) });
        return false;
      }
      const read = classifyRead(node, name.name, args);
      this.pushRead(node, variable, ctx, read.need, read.how, read.default);
      for (const arg of args.slice(1)) this.visit(arg, ctx);
      return true;
    }
    const helper = this.helpers.find(candidate => candidate.name === name.name && candidate.module === name.module);
    if (helper) {
      const variable = stringValue(args[helper.param]);
      if (variable === undefined) return false;
      let fallback: string | undefined;
      if (helper.defaultFromParam !== undefined) {
        const defaults = keywordEntries(args[helper.defaultFromParam]) ?? [];
        const forProd = defaults.find(entry => entry.key === 'prod') ?? defaults.find(entry => entry.key === 'all');
        fallback = forProd && (literalText(forProd.value) ?? forProd.value.text);
      }
      const arity = args.length + (callArguments(node).keywords.length ? 1 : 0);
      const how = `${name.module ? `${name.module}.` : ''}${name.name}/${arity} (${helper.how})`;
      this.pushRead(node, variable, ctx, helper.need, how, fallback, helper.sure ? undefined : `phoenix-dokku read ${helper.module}.${helper.name} but could not tell for sure whether it raises`);
      return true;
    }
    const variable = stringValue(args[0]);
    if (variable !== undefined && ENV_NAME.test(variable) && /env/i.test(name.name) && name.module !== 'System' && name.module !== 'Application') {
      // A helper defined outside config/ (in lib/, or a dependency): its name says it reads the environment.
      const raises = name.name.endsWith('!');
      this.pushRead(node, variable, ctx, raises ? 'required' : 'optional', `${name.module ? `${name.module}.` : ''}${name.name}`, undefined,
        `${name.module ? `${name.module}.` : ''}${name.name} is not defined in config/, so phoenix-dokku cannot see what it does; treated as ${raises ? 'required (its name ends in !)' : 'optional'}`);
      for (const arg of args.slice(1)) this.visit(arg, ctx);
      return true;
    }
    return false;
  }

  private pushRead(node: SyntaxNode, variable: string, ctx: Context, need: Need, how: string, fallback?: string, unsure?: string): void {
    const conditional = ctx.conditions.length > 0;
    // `if System.get_env("DISABLE_MQTT") != "true" do ... fetch_env!("MQTT_HOST")`: on a new app, where DISABLE_MQTT is unset,
    // the branch runs and MQTT_HOST is required (`when` says how to opt out); a branch only an opt-in runs stays conditional.
    const runsOnNewApp = ctx.conditions.every(c => c.whenUnset !== undefined && c.whenUnset !== c.negated);
    this.model.reads.push({
      variable,
      file: this.currentFile,
      line: node.line,
      phase: ctx.phase,
      need: conditional && need === 'required' && !runsOnNewApp ? 'conditional' : need,
      how,
      ...(fallback !== undefined ? { default: fallback } : {}),
      ...(conditional ? { when: ctx.conditions.map(c => (c.negated ? `not (${c.text})` : c.text)).join(' and ') } : {}),
      ...(unsure ? { unsure } : {}),
    });
  }

  /**
   * Helpers defined in a config file that read the variable named by a parameter: TeslaMate's
   * `Util.fetch_env!(varname, defaults)` calls `System.fetch_env!(varname)` when
   * `config_env()` is `:prod`, so every `Util.fetch_env!("X", ...)` requires X.
   */
  private collectHelpers(source: ElixirSource): void {
    for (const module of moduleDefinitions(source.root)) {
      for (const fn of functionDefinitions(module.node)) {
        fn.params.forEach((param, index) => {
          const paramName = param.type === 'identifier' ? param.text : param.type === 'binary_operator' && operatorOf(param) === '\\\\' ? param.child('left')?.text : undefined;
          if (!paramName) return;
          const reads = helperReads(fn.body, paramName);
          if (!reads.length) return;
          const required = reads.filter(read => read.need === 'required');
          const defaultParam = reads.map(read => read.defaultParam).find(name => name !== undefined);
          this.helpers.push({
            module: module.name,
            name: fn.name,
            param: index,
            need: required.length ? 'required' : 'optional',
            how: required.length ? `calls ${required[0].how} in prod` : `calls ${reads[0].how}`,
            sure: required.length === reads.length || required.length === 0,
            defaultFromParam: defaultParam === undefined ? undefined : fn.params.findIndex(p => (p.type === 'binary_operator' ? p.child('left')?.text : p.text) === defaultParam),
          });
        });
      }
    }
  }

  // --- where values come from ------------------------------------------------------------------

  private sourcesOf(value: SyntaxNode, call: ConfigCall): ValueSources {
    const previous = this.currentFile;
    this.currentFile = call.file;
    const found = this.sourcesIn(value, new Set());
    this.currentFile = previous;
    return { ...found, file: call.file, line: value.line, phase: call.phase, conditional: call.conditions.length > 0 };
  }

  /** Variables and literals an expression's value comes from, following the file's variable bindings. */
  private sourcesIn(node: SyntaxNode, seen: Set<string>): { variables: string[]; literals: string[]; viaUri: boolean } {
    const result = { variables: [] as string[], literals: [] as string[], viaUri: false };
    const add = (other: { variables: string[]; literals: string[]; viaUri: boolean }) => {
      result.variables.push(...other.variables.filter(v => !result.variables.includes(v)));
      result.literals.push(...other.literals);
      result.viaUri ||= other.viaUri;
    };
    const visit = (current: SyntaxNode) => {
      if (current.type === 'string') {
        const value = stringValue(current);
        if (value !== undefined) result.literals.push(value);
        return;
      }
      if (current.type === 'tuple') {
        const [tag, variable] = current.items;
        if (atomValue(tag) === 'system' && stringValue(variable)) {
          result.variables.push(stringValue(variable)!);
          return;
        }
      }
      if (['integer', 'boolean', 'atom'].includes(current.type)) {
        result.literals.push(current.text);
        return;
      }
      if (current.type === 'identifier' && current.field !== 'target') {
        const binding = this.bindings.get(this.currentFile)?.get(current.text);
        if (binding && !seen.has(current.text)) add(this.sourcesIn(binding.node, new Set([...seen, current.text])));
        return;
      }
      const name = callName(current);
      if (name?.module === 'URI' && (name.name === 'parse' || name.name === 'new!')) result.viaUri = true;
      if (name?.module === 'System' && ['get_env', 'fetch_env!', 'fetch_env'].includes(name.name)) {
        const args = callArguments(current).positional;
        const variable = stringValue(args[0]);
        if (variable) result.variables.push(variable);
        for (const arg of args.slice(1)) visit(arg);
        return;
      }
      const helper = name && this.helpers.find(candidate => candidate.name === name.name && candidate.module === name.module);
      if (helper) {
        const variable = stringValue(callArguments(current).positional[helper.param]);
        if (variable) result.variables.push(variable);
        return;
      }
      const access = fieldAccess(current);
      if (access) return visit(access.subject);
      for (const child of current.items) {
        if (child.field === 'key') continue;
        visit(child);
      }
    };
    visit(node);
    return result;
  }
}

/** Reads inside a helper's body of the variable named by `param`, classified as at a call site, in prod. */
function helperReads(body: SyntaxNode[], param: string): { need: Need; how: string; defaultParam?: string }[] {
  const reads: { need: Need; how: string; defaultParam?: string }[] = [];
  const visit = (node: SyntaxNode, live: boolean) => {
    if (!live) return;
    if (isCall(node, undefined, 'case')) {
      const subject = callArguments(node).positional[0];
      const block = doBlock(node);
      if (subject && block && isEnvironment(subject)) {
        const clause = block.clauses.find(candidate => candidate.patterns.some(pattern => matchesProd(pattern)));
        for (const statement of clause?.body ?? []) visit(statement, true);
        return;
      }
    }
    const name = callName(node);
    if (name?.module === 'System' && ['get_env', 'fetch_env!', 'fetch_env'].includes(name.name)) {
      const args = callArguments(node).positional;
      if (args[0]?.type === 'identifier' && args[0].text === param) {
        const read = classifyRead(node, name.name, args);
        const fallback = args[1] && unwrap(args[1]);
        const defaultParam = fallback?.type === 'access_call' && fallback.child('target')?.type === 'identifier' ? fallback.child('target')!.text : undefined;
        reads.push({ need: read.need, how: `System.${name.name}`, defaultParam });
      }
    }
    for (const child of node.items) visit(child, true);
  };
  for (const statement of body) visit(statement, true);
  return reads;
}

/** Whether a read of the environment makes the variable required, and what its default is otherwise. */
function classifyRead(node: SyntaxNode, fn: string, args: SyntaxNode[]): { need: Need; how: string; default?: string } {
  if (fn === 'fetch_env!') return { need: 'required', how: 'System.fetch_env!' };
  if (fn === 'fetch_env') return { need: 'optional', how: 'System.fetch_env (returns :error when unset)' };
  if (args[1]) return { need: 'optional', how: 'System.get_env with a default', default: literalText(args[1]) ?? args[1].text };

  let expression = node;
  while (expression.parent?.type === 'block' && expression.parent.items.length === 1) expression = expression.parent;
  const parent = expression.parent;

  // `System.get_env("X") || raise "..."`, `System.get_env("X") || "default"`, `A || B || raise`.
  if (parent?.type === 'binary_operator' && operatorOf(parent) === '||' && parent.child('left') === expression) {
    let chain = parent;
    while (chain.parent?.type === 'binary_operator' && operatorOf(chain.parent) === '||' && chain.parent.child('left') === chain) chain = chain.parent;
    const last = unwrap(chain.child('right')!);
    if (isCall(last, undefined, 'raise')) return { need: 'required', how: 'System.get_env || raise' };
    return { need: 'optional', how: 'System.get_env || default', default: literalText(last) ?? last.text };
  }

  // `System.get_env("X") |> String.to_integer()` or `String.to_integer(System.get_env("X"))`: raises on nil.
  const consumer = parent?.type === 'binary_operator' && operatorOf(parent) === '|>' && parent.child('left') === expression
    ? parent.child('right')
    : parent?.type === 'arguments' && parent.items[0] === expression
      ? parent.parent
      : undefined;
  const consumerName = consumer && callName(consumer);
  if (consumerName?.module && NIL_INTOLERANT.has(`${consumerName.module}.${consumerName.name}`)) {
    return { need: 'required', how: `System.get_env into ${consumerName.module}.${consumerName.name}, which raises when it is unset` };
  }

  // `if v = System.get_env("X") do ... else raise ... end`, `if !System.get_env("X"), do: raise ...`, `case System.get_env("X") do nil -> raise`.
  const test = conditionOwner(expression);
  if (test) {
    const block = doBlock(test.owner);
    if (block && test.kind === 'case') {
      const nilClause = block.clauses.find(clause => clause.patterns.some(pattern => pattern.type === 'nil'));
      if (nilClause && raises(nilClause.body)) return { need: 'required', how: 'case System.get_env with a raise for nil' };
    } else if (block) {
      const raisingBranch = test.positive ? block.elseBody : block.body;
      if (raisingBranch && raises(raisingBranch)) return { need: 'required', how: test.positive ? 'raise in the else branch when unset' : 'raise when unset' };
    }
    return { need: 'optional', how: 'System.get_env as a condition' };
  }
  if (parent?.type === 'binary_operator' && ['==', '!=', 'in', '=~'].includes(operatorOf(parent) ?? '')) {
    return { need: 'optional', how: `System.get_env compared (${operatorOf(parent)} ${parent.child('right')?.text ?? ''})` };
  }
  return { need: 'optional', how: 'System.get_env (nil when unset)' };
}

/**
 * The `if`/`unless`/`case` whose condition is this read (directly, bound with `v = ...`, or
 * negated with `!`/`not`/`is_nil`), and whether the read being set makes the condition true.
 */
function conditionOwner(expression: SyntaxNode): { owner: SyntaxNode; kind: 'if' | 'case'; positive: boolean } | undefined {
  let current = expression;
  let positive = true;
  for (;;) {
    const parent = current.parent;
    if (!parent) return undefined;
    if (parent.type === 'binary_operator' && operatorOf(parent) === '=' && parent.child('right') === current) {
      current = parent;
      continue;
    }
    if (parent.type === 'unary_operator' && ['!', 'not'].includes(operatorOf(parent) ?? '')) {
      positive = !positive;
      current = parent;
      continue;
    }
    if (parent.type === 'arguments' && parent.parent && isCall(parent.parent, undefined, 'is_nil')) {
      positive = !positive;
      current = parent.parent;
      continue;
    }
    if (parent.type === 'block' && parent.items.length === 1) {
      current = parent;
      continue;
    }
    if (parent.type === 'arguments' && parent.items[0] === current && parent.parent) {
      const owner = parent.parent;
      if (isCall(owner, undefined, 'if')) return { owner, kind: 'if', positive };
      if (isCall(owner, undefined, 'unless')) return { owner, kind: 'if', positive: !positive };
      if (isCall(owner, undefined, 'case')) return { owner, kind: 'case', positive };
    }
    return undefined;
  }
}

const raises = (statements: SyntaxNode[]) => statements.some(statement => isCall(unwrap(statement), undefined, 'raise'));

/** `config_env()` or `Mix.env()`. */
function isEnvironment(node: SyntaxNode): boolean {
  const inner = unwrap(node);
  return isCall(inner, undefined, 'config_env') || isCall(inner, 'Mix', 'env');
}

/** A `case config_env()` clause pattern that matches `:prod` (`:prod`, `_`, a variable). */
function matchesProd(pattern: SyntaxNode): boolean {
  if (pattern.type === 'atom') return pattern.text === ':prod';
  if (pattern.type === 'identifier') return true;
  return false;
}

/** Evaluates a condition for `config_env() == :prod`: true, false, or undefined when it depends on something else. */
export function evaluateForProd(condition: SyntaxNode): boolean | undefined {
  const node = unwrap(condition);
  if (node.type === 'boolean') return node.text === 'true';
  if (node.type === 'unary_operator' && ['!', 'not'].includes(operatorOf(node) ?? '')) {
    const inner = node.child('operand') ?? node.items[0];
    const value = inner && evaluateForProd(inner);
    return value === undefined ? undefined : !value;
  }
  if (node.type !== 'binary_operator') return undefined;
  const operator = operatorOf(node);
  const left = node.child('left');
  const right = node.child('right');
  if (!left || !right) return undefined;
  if (operator === 'and' || operator === '&&') {
    const a = evaluateForProd(left);
    const b = evaluateForProd(right);
    if (a === false || b === false) return false;
    return a === true && b === true ? true : undefined;
  }
  if (operator === 'or' || operator === '||') {
    const a = evaluateForProd(left);
    const b = evaluateForProd(right);
    if (a === true || b === true) return true;
    return a === false && b === false ? false : undefined;
  }
  const [environment, other] = isEnvironment(left) ? [left, right] : isEnvironment(right) ? [right, left] : [];
  if (!environment || !other) return undefined;
  if (operator === '==' || operator === '===' || operator === '!=' || operator === '!==') {
    const atom = atomValue(other);
    if (atom === undefined) return undefined;
    return (atom === 'prod') === (operator === '==' || operator === '===');
  }
  if ((operator === 'in' || operator === 'not in') && environment === left && other.type === 'list') {
    const atoms = other.items.map(item => atomValue(item));
    if (atoms.some(atom => atom === undefined)) return undefined;
    return atoms.includes('prod') === (operator === 'in');
  }
  return undefined;
}

/** A value the evaluator knows: nil is null; undefined is unknown. */
type KnownValue = string | boolean | null | undefined;

const truthy = (value: KnownValue): boolean | undefined => (value === undefined ? undefined : value !== null && value !== false);

/**
 * Evaluates a condition in prod with none of the variables it reads set (a new Dokku app):
 * `System.get_env("X")` is nil, `System.get_env("X", "d")` is "d". Undefined for anything else.
 */
export function evaluateWithEnvUnset(condition: SyntaxNode): KnownValue {
  const node = unwrap(condition);
  const forProd = evaluateForProd(node);
  if (forProd !== undefined) return forProd;
  if (node.type === 'nil') return null;
  if (node.type === 'boolean') return node.text === 'true';
  if (node.type === 'string') return stringValue(node);
  const name = callName(node);
  if (name?.module === 'System' && name.name === 'get_env') {
    const [variable, fallback] = callArguments(node).positional;
    if (stringValue(variable) === undefined) return undefined;
    return fallback ? evaluateWithEnvUnset(fallback) : null;
  }
  if (name && !name.module && name.name === 'is_nil') {
    const value = evaluateWithEnvUnset(callArguments(node).positional[0] ?? node);
    return value === undefined ? undefined : value === null;
  }
  if (node.type === 'unary_operator' && ['!', 'not'].includes(operatorOf(node) ?? '')) {
    const inner = truthy(evaluateWithEnvUnset(node.child('operand') ?? node.items[0] ?? node));
    return inner === undefined ? undefined : !inner;
  }
  if (node.type !== 'binary_operator') return undefined;
  const left = node.child('left');
  const right = node.child('right');
  if (!left || !right) return undefined;
  const operator = operatorOf(node);
  // `if url = System.get_env("DATABASE_URL") do`: the match is worth its right side.
  if (operator === '=') return evaluateWithEnvUnset(right);
  const a = evaluateWithEnvUnset(left);
  if (operator === 'and' || operator === '&&' || operator === 'or' || operator === '||') {
    // Short-circuits like Elixir; an unknown left side still decides nothing unless the right side settles it.
    const settles = operator === 'or' || operator === '||';
    if (truthy(a) === settles) return a;
    const b = evaluateWithEnvUnset(right);
    return a !== undefined || truthy(b) === settles ? b : undefined;
  }
  const b = evaluateWithEnvUnset(right);
  if (a === undefined || b === undefined) return undefined;
  if (operator === '==' || operator === '===') return a === b;
  if (operator === '!=' || operator === '!==') return a !== b;
  return undefined;
}

/** The path an `import_config` names: a literal, or `"#{config_env()}.exs"` / `"#{Mix.env()}.exs"` (prod.exs). */
function configPath(node: SyntaxNode | undefined): string | undefined {
  if (!node || node.type !== 'string') return undefined;
  let path = '';
  for (const child of node.children) {
    if (child.type === 'quoted_content') path += child.text;
    else if (child.type === 'interpolation') {
      const inner = child.items[0];
      if (!inner || !isEnvironment(inner)) return undefined;
      path += 'prod';
    }
  }
  return path;
}


// --- the facts other modules ask --------------------------------------------------------------

/** The endpoint's settings as the release sees them in prod (later calls win, like Config's deep merge). */
export interface EndpointFacts {
  calls: ConfigCall[];
  /** The value of a keyword path (`['url', 'host']`) from the last call that sets it. */
  value(path: readonly string[], phase?: ConfigPhase): { entry: KeywordEntry; call: ConfigCall } | undefined;
}

export function endpointFacts(model: ConfigModel, app: string, endpoint: string): EndpointFacts {
  return settingsOf(model, app, endpoint);
}

/** The `config :app, Key, ...` calls for one key (an endpoint, a repo), with last-wins lookup. */
export function settingsOf(model: ConfigModel, app: string, key: string): EndpointFacts {
  // Build-time config first, then boot-time: the release applies runtime.exs last.
  const calls = [...model.calls.filter(call => call.phase === 'build'), ...model.calls.filter(call => call.phase === 'boot')]
    .filter(call => call.app === app && call.key === key);
  return {
    calls,
    value(path, phase) {
      for (const call of [...calls].reverse()) {
        if (phase && call.phase !== phase) continue;
        const entry = keywordPath(call.keywords, path);
        if (entry) return { entry, call };
      }
      return undefined;
    },
  };
}

/** `config :app, key: [...]` values without a module key (`ecto_repos:`). */
export function appSetting(model: ConfigModel, app: string, key: string): { entry: KeywordEntry; call: ConfigCall } | undefined {
  for (const call of [...model.calls].reverse()) {
    if (call.app !== app || call.key !== undefined) continue;
    const entry = call.keywords.find(candidate => candidate.key === key);
    if (entry) return { entry, call };
  }
  return undefined;
}

export interface RoleTargets {
  /** OTP app and module of the endpoint. */
  endpoint: { app: string; module: string };
  repos: { app: string; module: string }[];
  sqlite: boolean;
}

const DATABASE_PARTS = ['username', 'password', 'hostname', 'database', 'port', 'socket_dir'];

/** What each variable is for, recognised from where its value goes. */
export function envRoles(model: ConfigModel, targets: RoleTargets): RoleUse[] {
  const roles: RoleUse[] = [];
  const add = (role: EnvRole, sources: ValueSources | undefined, detail?: string) => {
    for (const variable of sources?.variables ?? []) {
      if (!roles.some(use => use.role === role && use.variable === variable && use.detail === detail)) {
        roles.push({ role, variable, file: sources!.file, line: sources!.line, ...(detail ? { detail } : {}) });
      }
    }
  };
  const endpoint = endpointFacts(model, targets.endpoint.app, targets.endpoint.module);
  const valueOf = (path: string[]) => {
    const found = endpoint.value(path);
    return found && model.sourcesOf(found.entry.value, found.call);
  };

  const host = valueOf(['url', 'host']);
  add(host?.viaUri ? 'origin' : 'host', host);
  add('port', valueOf(['http', 'port']));
  add('secret-key-base', valueOf(['secret_key_base']));
  for (const call of endpoint.calls) {
    const server = call.keywords.find(entry => entry.key === 'server');
    if (!server) continue;
    if (server.value.type === 'boolean' && server.value.text === 'true') {
      for (const condition of call.conditions) {
        for (const variable of condition.variables) {
          if (!roles.some(use => use.role === 'server' && use.variable === variable)) {
            roles.push({ role: 'server', variable, file: call.file, line: call.line, detail: condition.negated ? undefined : (condition.expects ?? 'true') });
          }
        }
      }
    } else {
      add('server', model.sourcesOf(server.value, call), 'true');
    }
  }
  for (const call of model.calls) {
    for (const salt of findKeys(call.keywords, ['signing_salt', 'encryption_salt'])) add('salt', model.sourcesOf(salt.value, call));
  }
  for (const repo of targets.repos) {
    const settings = settingsOf(model, repo.app, repo.module);
    const repoValue = (path: string[]) => {
      const found = settings.value(path);
      return found && model.sourcesOf(found.entry.value, found.call);
    };
    add('database-url', repoValue(['url']));
    if (targets.sqlite) add('database-path', repoValue(['database']));
    else for (const part of DATABASE_PARTS) add('database-part', repoValue([part]), part);
    add('pool-size', repoValue(['pool_size']));
    add('ipv6', repoValue(['socket_options']));
  }
  for (const call of model.calls) {
    if (call.app === 'logger' && call.key === undefined) {
      const level = call.keywords.find(entry => entry.key === 'level');
      if (level) add('log-level', model.sourcesOf(level.value, call));
    }
    if (call.key === 'dns_cluster_query' && call.value) add('cluster-query', model.sourcesOf(call.value, call));
  }
  // Names that say what they are, for values the config passes on in ways we do not follow.
  for (const read of model.reads) {
    if (/SECRET_KEY_BASE$/.test(read.variable) && !roles.some(use => use.variable === read.variable)) {
      roles.push({ role: 'secret-key-base', variable: read.variable, file: read.file, line: read.line });
    }
    if (/(?:SIGNING|ENCRYPTION)_SALT$/.test(read.variable) && !roles.some(use => use.variable === read.variable)) {
      roles.push({ role: 'salt', variable: read.variable, file: read.file, line: read.line });
    }
  }
  return roles;
}

/** Every `key: value` entry named one of `keys`, at any depth of a keyword list. */
function findKeys(entries: KeywordEntry[], keys: string[]): KeywordEntry[] {
  return entries.flatMap(entry => [...(keys.includes(entry.key) ? [entry] : []), ...findKeys(keywordEntries(entry.value), keys)]);
}
