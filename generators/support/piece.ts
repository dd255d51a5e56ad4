/**
 * What every phoenix-dokku generator shares: reading the project, resolving answers
 * (flag, then saved answer, then detected default or prompt), rendering templates with
 * user overrides, applying patches, and recording what happened for the summary.
 *
 * A piece declares `static piece` and its files; its answers and options are data in pieces.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { relative, sep } from 'node:path';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { answerSpecs, type AnswerName, type AnswerSpec, type DokkuAnswers, type Strategy } from './answers.js';
import { UserError } from './errors.js';
import type { Injection } from './patch.js';
import { generatorEntry, generatorOptions, type GeneratorEntry } from './pieces.js';
import { readPhoenixProject, type PhoenixProject } from './project.js';
import { formatSummary, reportFor, type NoteKind, type RunReport } from './report.js';
import { auditKeptFile, type AuditContext } from './audit-rules.js';
import { commitFiles } from './commit.js';
import { renderTemplateText } from './template-render.js';
import { OVERRIDE_DIR, templateFor } from './templates.js';

export type PieceOptions = BaseOptions & {
  yes?: boolean;
  /** Set by the main generator: it prints the combined summary. */
  composed?: boolean;
  [flag: string]: unknown;
};

export type PieceConfig = Record<string, unknown>;

/** One output file of a piece: a template (by file name) and where it goes. */
export interface FileSpec {
  template: string;
  destination: string;
  /** Written only when true. */
  when?: boolean;
  /** Executable scripts (rel/overlays/bin/*). */
  executable?: boolean;
}

const camelCase = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export abstract class PieceGenerator extends Generator<PieceConfig, PieceOptions> {
  /** Sub-generator name: `phoenix-dokku:<piece>` and `templates/<piece>/`. */
  static piece = 'app';

  declare project: PhoenixProject;
  answers: Partial<DokkuAnswers> = {};

  constructor(args: string[], options: PieceOptions, features?: ConstructorParameters<typeof Generator>[2]) {
    // customInstallTask: we never install packages, so the environment must not talk about
    // package.json. Declared once, by the generator the user ran (composed pieces would repeat it).
    // skipParseOptions: Yeoman parses the command line again after each option it registers;
    // this constructor registers them all, then parses once.
    super(args, options, { inheritTasks: true, skipParseOptions: true, ...(options?.composed ? {} : { customInstallTask: true }), ...features });
    // The commit as well, by the same generator: support/commit.ts (Yeoman's own where questions can be asked).
    if (!options?.composed) this.setFeatures({ customCommitTask: () => commitFiles(this.env as never, this.interactive) });
    const entry = this.entry;
    // hide: false said outright: yeoman-environment passes it to commander's hideHelp(), where undefined means hide.
    for (const option of generatorOptions(entry.name)) this.option(option.name, { type: option.type, alias: option.alias, hide: option.hidden ?? false, description: option.description });
    if (entry.argument) this.argument(entry.argument.name, { type: String, required: false, description: entry.argument.description });
    this.parseOptions();
    // A failing task makes yeoman-generator log "An error occured while running <task>" before the
    // error reaches the CLI, which prints phoenix-dokku's own message: only that one is shown.
    const log = this.log;
    if (log) (this as { log: unknown }).log = new Proxy(log, {
      get: (target, property, receiver) =>
        property === 'error'
          ? (...args: unknown[]) => (/^An error occured while running /.test(String(args[0])) ? undefined : (target.error as (...a: unknown[]) => unknown)(...args))
          : Reflect.get(target, property, receiver),
    });
  }

  private taskSources?: Record<string, PropertyDescriptor>;

  /**
   * With inheritTasks, yeoman-generator collects the property descriptors of the whole prototype
   * chain (a few hundred, most of them Generator's own methods) once to list the tasks and again
   * for each task it queues. The chain and the queues do not change once the generator is
   * constructed, so it is collected once.
   */
  override getTaskSourcesPropertyDescriptors(): Record<string, PropertyDescriptor> {
    this.taskSources ??= super.getTaskSourcesPropertyDescriptors() as Record<string, PropertyDescriptor>;
    return this.taskSources;
  }

  /** What pieces.ts declares for this generator: its answers, options and argument. */
  get entry(): GeneratorEntry {
    const entry = generatorEntry(this.ctor.piece);
    if (!entry) throw new Error(`phoenix-dokku: no entry for "${this.ctor.piece}" in support/pieces.ts`);
    return entry;
  }

  get ctor(): typeof PieceGenerator {
    return this.constructor as typeof PieceGenerator;
  }

  get pieceName(): string {
    return this.ctor.piece;
  }

  get report(): RunReport {
    return reportFor(this.env);
  }

  get composed(): boolean {
    return Boolean(this.options.composed);
  }

  /** No network lookups: --offline, or PHOENIX_DOKKU_OFFLINE=1 (what the tests set). */
  get offline(): boolean {
    return this.options.offline === true || this.options.offline === 'true' || process.env.PHOENIX_DOKKU_OFFLINE === '1';
  }

  /**
   * Questions can be asked: no --yes, and a terminal to ask in. Without a terminal (CI, a pipe)
   * a prompt could only fail, so the run behaves as with --yes.
   */
  get interactive(): boolean {
    if (this.options.yes) return false;
    // The CLI's terminal adapter reads process.stdin; test adapters have no stdin and answer themselves.
    const adapter = this.env.adapter as { actualAdapter?: { stdin?: { isTTY?: boolean } } };
    const stdin = adapter.actualAdapter?.stdin;
    return stdin === undefined || Boolean(stdin.isTTY);
  }

  /** A flag's value as given on the command line or by a caller (either spelling). */
  flag(name: string): string | undefined {
    const value = this.options[name] ?? this.options[camelCase(name)];
    return value === undefined || value === null || value === '' ? undefined : String(value);
  }

  async initializing(): Promise<void> {
    this.project = await readPhoenixProject(this.destinationRoot(), this.fs);
  }

  async prompting(): Promise<void> {
    this.answers = await this.resolveAnswers(this.entry.needs, this.entry.uses);
  }

  /**
   * Flag, then saved answer, then (with --yes) the detected default, else a prompt whose
   * default is the detected value. Everything is validated before anything is saved, so
   * bad input writes nothing.
   */
  protected async resolveAnswers(needs: readonly AnswerName[], uses: readonly AnswerName[] = []): Promise<Partial<DokkuAnswers>> {
    const answers: Partial<DokkuAnswers> = { ...this.report.answers };
    const specs = answerSpecs.filter(spec => (needs.includes(spec.name) || uses.includes(spec.name)) && spec.applies(this.project));
    const toSave: Partial<Record<AnswerName, string>> = {};
    for (const spec of specs) {
      if (answers[spec.name] !== undefined && this.report.answerSources[spec.name]) continue; // Resolved by the main generator.
      const fromFlag = this.flag(spec.flag);
      const saved = this.config.get(spec.name);
      let value: string | undefined;
      let source: string;
      if (fromFlag !== undefined) {
        value = fromFlag.trim();
        source = `--${spec.flag}`;
        this.assertValid(spec, value, answers, `--${spec.flag} ${value}`);
        toSave[spec.name] = value;
      } else if (typeof saved === 'string' && saved !== '') {
        value = saved;
        source = '.yo-rc.json';
        this.assertValid(spec, value, answers, `"${spec.name}": "${value}" in .yo-rc.json (saved answer)`, `pass --${spec.flag} to replace it`);
      } else {
        const derived = spec.derive(this.project, answers);
        const onlyIfKnown = !needs.includes(spec.name);
        if (!this.interactive || !spec.prompted || onlyIfKnown) {
          if (!derived) {
            if (spec.optional || onlyIfKnown) continue;
            throw new UserError(
              `${spec.message} is needed and could not be detected from the project, and nothing can be asked (--yes, or no terminal). ` +
                `Pass --${spec.flag}: ${spec.description}. Nothing was written.`,
            );
          }
          value = derived.value;
          source = derived.source;
          this.assertValid(spec, value, answers, `${derived.value} from ${derived.source}`, `or pass --${spec.flag}`);
          if (derived.note) this.note('warning', derived.note);
        } else {
          value = await this.ask(spec, derived?.value, answers);
          source = value === derived?.value ? derived.source : 'prompt';
          if (derived?.note && value === derived.value) this.note('warning', derived.note);
        }
        toSave[spec.name] = value;
      }
      answers[spec.name] = value as never;
      this.report.answerSources[spec.name] = source;
      const warning = spec.warning?.(value, answers);
      if (warning) this.note('warning', warning);
    }
    for (const [name, value] of Object.entries(toSave)) this.config.set(name, value);
    Object.assign(this.report.answers, answers);
    return answers;
  }

  private assertValid(spec: AnswerSpec, value: string, answers: Partial<DokkuAnswers>, where: string, remedy?: string): void {
    const invalid = spec.validate(value, answers);
    if (invalid) {
      throw new UserError(`${invalid.problem} (${where})\nFix: ${invalid.fix}${remedy ? `, ${remedy}` : ''}. Nothing was written.`);
    }
  }

  private async ask(spec: AnswerSpec, defaultValue: string | undefined, answers: Partial<DokkuAnswers>): Promise<string> {
    const validate = (input: string) => {
      const invalid = spec.validate(String(input).trim(), answers);
      return invalid ? `${invalid.problem} Fix: ${invalid.fix}.` : true;
    };
    const result = spec.choices
      ? await this.prompt([{ type: 'select', name: spec.name, message: spec.message, choices: [...spec.choices], default: defaultValue }])
      : await this.prompt([{ type: 'input', name: spec.name, message: spec.message, default: defaultValue, validate }]);
    return String(result[spec.name]).trim();
  }

  /** Renders this piece's files; the user's overrides in priv/templates/phoenix-dokku win. */
  protected renderFiles(files: FileSpec[], pieceData: Record<string, unknown>): void {
    // Every template can also reach the detected project and the answers (documented in the README).
    const data = { project: this.project, answers: this.answers, ...pieceData };
    for (const file of files) {
      if (file.when === false) continue;
      const source = templateFor(this.project.root, this.pieceName, file.template);
      if (source.custom) this.note('info', `using custom template ${OVERRIDE_DIR}/${this.pieceName}/${file.template}`);
      const destination = this.destinationPath(file.destination);
      try {
        // What yeoman-generator's renderTemplate does (mem-fs-editor's copy, so the new file is
        // made like the template's), rendered by template-render.ts.
        this.fs.copy(source.path, destination, {
          fileTransform: ({ destinationPath, sourcePath, contents }) => ({ path: destinationPath, contents: renderTemplateText(contents.toString(), sourcePath, data, this) }),
        });
      } catch (error) {
        if (!source.custom) throw error;
        // ejs names the file and line ("ejs:12") and shows the lines around it.
        throw new UserError(
          `Your template ${OVERRIDE_DIR}/${this.pieceName}/${file.template} failed to render:\n${(error as Error).message}\n` +
            `Fix it, or delete it to use the built-in template. Data it receives: ${Object.keys(data).join(', ')}. Nothing was written.`,
        );
      }
      if (file.executable) {
        this.fs.write(destination, this.fs.read(destination)!, { stat: { mode: 0o755 } } as never);
      }
      this.report.files.push({ piece: this.pieceName, path: file.destination, action: 'render' });
    }
  }

  /**
   * Renders `file`; when the project already has it, `merge` folds our rendering into the
   * user's file instead of replacing it, written like a patch: the merge adds lines, and changes
   * only the lines the caller owns (versions given as flags or invalid). Returns what `merge`
   * reports as conflicts (settings of theirs it kept).
   */
  protected renderMerged<C>(
    file: FileSpec,
    data: Record<string, unknown>,
    merge: (theirs: string, ours: string) => { injection: Injection; conflicts: C[] },
  ): C[] {
    const path = this.destinationPath(file.destination);
    const theirs = this.fs.read(path, { defaults: null });
    this.renderFiles([file], data);
    if (theirs === null) return [];
    this.report.files.pop();
    const { injection, conflicts } = merge(theirs, this.fs.read(path)!);
    this.fs.write(path, theirs);
    if (injection.kind === 'injected') this.writePatched(file.destination, injection.content);
    else this.report.files.push({ piece: this.pieceName, path: file.destination, action: 'keep' });
    return conflicts;
  }

  /** Applies a pure injection to a project file; `help` becomes a manual step in the summary. */
  protected patchFile(relPath: string, edit: (content: string) => Injection, what: string): Injection {
    const path = this.destinationPath(relPath);
    const content = this.fs.read(path, { defaults: null });
    if (content === null) {
      const result: Injection = { kind: 'no-anchor', help: `${relPath} does not exist. ${what}` };
      this.note('manual', result.help);
      return result;
    }
    const result = edit(content);
    if (result.kind === 'injected') {
      this.writePatched(relPath, result.content);
    } else if (result.kind === 'no-anchor') {
      this.note('manual', result.help);
    }
    return result;
  }

  /**
   * Writes an additive edit of a user's file (every line kept). It is not an overwrite, so it
   * skips the conflict prompt; `--dry-run` still shows its diff.
   */
  protected writePatched(relPath: string, content: string): void {
    const path = this.destinationPath(relPath);
    const existed = existsSync(path);
    this.fs.write(path, content);
    if (existed && !this.options.dryRun) {
      const file = this.env.sharedFs.get(path) as { conflicter?: string };
      file.conflicter = 'force';
    }
    this.report.files.push({ piece: this.pieceName, path: relPath, action: 'patch' });
  }

  /**
   * Before anything is written: files we generated on an earlier run and the user has not
   * touched since (their hash matches the one saved in .yo-rc.json) are updated without a
   * prompt. Any other file that would be replaced is the user's: `--force` replaces it;
   * interactively the conflict prompt asks with a diff; with --yes or without a terminal it is
   * kept as it is, checked with the audit rules about it, and the summary says so. Runs once,
   * in the generator the user invoked.
   */
  conflicts(): void {
    if (this.composed || this.options.dryRun) return;
    const generated = this.generatedHashes();
    const rendered = new Set(this.report.files.filter(f => f.action === 'render').map(f => f.path));
    const kept: string[] = [];
    for (const file of pendingOverwrites(this.env.sharedFs.all() as MemFile[], this.destinationRoot())) {
      if (rendered.has(file.relativePath) && generated[file.relativePath] === contentHash(file.disk)) {
        file.memFile.conflicter = 'force'; // Ours, unchanged since we wrote it: safe to update.
      } else if (!this.options.force && !this.interactive) {
        // Nobody can answer the conflict prompt: the user's file stays, byte for byte.
        this.fs.write(file.memFile.path, file.disk);
        kept.push(file.relativePath);
      }
    }
    for (const path of kept) this.keepFile(path);
    for (const path of rendered) {
      if (kept.includes(path)) continue;
      const contents = this.fs.read(this.destinationPath(path), { defaults: null });
      if (contents !== null) generated[path] = contentHash(Buffer.from(contents));
    }
    // Sorted by code units, not localeCompare: the paths need no collation, and the first
    // localeCompare of a run loads ICU's collation data (a few milliseconds of every run).
    this.config.set(GENERATED_KEY, Object.fromEntries(Object.entries(generated).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  }

  /** Hashes of the files phoenix-dokku rendered, as saved in .yo-rc.json. */
  private generatedHashes(): Record<string, string> {
    return { ...((this.config.get(GENERATED_KEY) as Record<string, string> | undefined) ?? {}) };
  }

  /** The file on disk is one phoenix-dokku rendered and nobody edited since. */
  protected isUnchangedGenerated(relPath: string): boolean {
    const hash = this.generatedHashes()[relPath];
    if (!hash) return false;
    try {
      return contentHash(readFileSync(this.destinationPath(relPath))) === hash;
    } catch {
      return false;
    }
  }

  /**
   * Records that a user's file is kept as it is, and what the audit rules about it find there
   * (the same rules `phoenix-dokku doctor` runs).
   */
  protected keepFile(relPath: string, why = 'it is yours (or edited since phoenix-dokku wrote it)'): void {
    const entry = this.report.files.find(file => file.path === relPath && file.action === 'render');
    if (entry) entry.action = 'keep';
    else this.report.files.push({ piece: this.pieceName, path: relPath, action: 'keep' });
    const piece = entry?.piece ?? this.pieceName;
    const findings = auditKeptFile(this.auditContext(), relPath);
    const summary = findings.length ? `; ${findings.length} finding${findings.length === 1 ? '' : 's'} below` : '; the checks about it pass';
    this.report.notes.push({ piece, kind: 'info', text: `${relPath}: kept, ${why}. phoenix-dokku's version differs: --dry-run shows the diff, --force replaces it${summary}.` });
    for (const found of findings) {
      this.report.notes.push({ piece, kind: found.level === 'fail' ? 'manual' : 'warning', text: `${found.file ?? relPath}${found.line ? `:${found.line}` : ''} ${found.message}` });
    }
  }

  /** What the audit rules read: the project as detected, the strategy of this run, files as this run leaves them. */
  protected auditContext(): AuditContext {
    return {
      project: this.project,
      strategy: this.report.answers.strategy ?? (this.config.get('strategy') as Strategy | undefined) ?? 'dockerfile',
      appName: this.report.answers.appName ?? '<app>',
      read: file => this.fs.read(this.destinationPath(file), { defaults: null }) ?? undefined,
    };
  }

  /**
   * Asks before phoenix-dokku changes a line of the user's: yes with --force, no when nobody
   * can be asked (--yes, no terminal), else the user's answer.
   */
  protected async consent(message: string): Promise<boolean> {
    if (this.options.force) return true;
    if (!this.interactive) return false;
    const { answer } = await this.prompt([{ type: 'confirm', name: 'answer', message, default: false }]);
    return Boolean(answer);
  }

  protected note(kind: NoteKind, text: string): void {
    this.report.notes.push({ piece: this.pieceName, kind, text });
  }

  /** A sub-generator run on its own prints its part of the summary; the main generator prints everything. */
  end(): void {
    if (this.composed) return;
    this.noteDryRun();
    this.log(formatSummary(this.report));
  }

  /** With --dry-run the file list is what a real run would write. */
  protected noteDryRun(): void {
    if (this.options.dryRun) this.note('info', '--dry-run: nothing was written; the files above are what a run without it would write.');
  }
}

interface MemFile {
  path: string;
  state?: string;
  conflicter?: string;
  contents: Buffer | null;
}

/** Where .yo-rc.json keeps the hash of each file we rendered, to tell our files from edited ones. */
const GENERATED_KEY = 'generated';

const contentHash = (contents: Buffer) => createHash('sha256').update(contents).digest('hex').slice(0, 16);

/** Modified in memory, present on disk with other bytes, and not an additive patch. */
function pendingOverwrites(files: MemFile[], root: string): { relativePath: string; disk: Buffer; memFile: MemFile }[] {
  return files.flatMap(memFile => {
    if (memFile.state !== 'modified' || memFile.conflicter === 'force' || !memFile.contents || memFile.path.endsWith('.yo-rc.json')) return [];
    let disk: Buffer;
    try {
      disk = readFileSync(memFile.path);
    } catch {
      return []; // Not on disk: a new file, no conflict.
    }
    return disk.equals(memFile.contents) ? [] : [{ relativePath: relative(root, memFile.path).split(sep).join('/'), disk, memFile }];
  });
}
