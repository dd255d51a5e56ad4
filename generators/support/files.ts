import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

/** The subset of mem-fs-editor that detection needs; tests can pass a plain object. */
export interface TextReader {
  read(filepath: string, options?: { defaults: string | null }): string | null;
  exists(filepath: string): boolean;
  /**
   * mem-fs's store, which says when a file changes (written by a piece, or committed to disk)
   * and which files the run holds in memory.
   */
  store?: { on(event: 'change', listener: () => void): unknown; existsInMemory?(filepath: string): boolean };
}

const changeCounts = new WeakMap<object, { changes: number }>();

/**
 * The mem-fs store behind `reader` (shared by every generator of a run, each with its own
 * editor) and how many times its files changed since it was first asked: during a run every
 * write, and the commit to disk, goes through it, so an unchanged count means unchanged files.
 * Undefined for a reader that cannot tell (a plain object, or reading the disk directly).
 */
export function changesSeenBy(reader: TextReader | undefined): { store: object; changes: number } | undefined {
  const store = reader?.store;
  if (!store) return undefined;
  let counter = changeCounts.get(store);
  if (!counter) {
    const created = { changes: 0 };
    store.on('change', () => created.changes++);
    changeCounts.set(store, created);
    counter = created;
  }
  return { store, changes: counter.changes };
}

/** One question asked of the project's files, and its answer. */
export interface FileQuery {
  kind: 'read' | 'exists' | 'isDirectory' | 'list';
  path: string;
  answer: string | boolean | undefined;
}

/**
 * Read-only view of a project directory, by path relative to its root.
 * Contents go through mem-fs-editor when one is given, so files written earlier in the
 * same run are seen; directory listings come from disk (mem-fs cannot list).
 * Every question and its answer is kept in `queries`, so a result computed from them can be
 * reused as long as the same questions get the same answers (`answersSame`).
 */
export class ProjectFiles {
  private readonly cache = new Map<string, string | undefined>();
  readonly queries: FileQuery[] = [];

  constructor(
    readonly root: string,
    private readonly reader?: TextReader,
  ) {}

  read(relPath: string): string | undefined {
    if (!this.cache.has(relPath)) {
      const text = this.readUncached(relPath);
      this.cache.set(relPath, text);
      this.queries.push({ kind: 'read', path: relPath, answer: text });
    }
    return this.cache.get(relPath);
  }

  exists(relPath: string): boolean {
    const answer = this.existsUncached(relPath);
    this.queries.push({ kind: 'exists', path: relPath, answer });
    return answer;
  }

  isDirectory(relPath: string): boolean {
    const answer = this.isDirectoryUncached(relPath);
    this.queries.push({ kind: 'isDirectory', path: relPath, answer });
    return answer;
  }

  /** Names of the entries of a directory, sorted; empty when it does not exist. */
  list(relDir: string): string[] {
    const answer = this.listUncached(relDir);
    this.queries.push({ kind: 'list', path: relDir, answer: answer.join('\0') });
    return answer;
  }

  /** Whether every question in `queries` gets the same answer from this view now. */
  answersSame(queries: readonly FileQuery[]): boolean {
    return queries.every(query => {
      switch (query.kind) {
        case 'read':
          return this.readUncached(query.path) === query.answer;
        case 'exists':
          return this.existsUncached(query.path) === query.answer;
        case 'isDirectory':
          return this.isDirectoryUncached(query.path) === query.answer;
        case 'list':
          return this.listUncached(query.path).join('\0') === query.answer;
      }
    });
  }

  /**
   * Whether the reader has to be asked for `abs`: it holds the file in memory (read, written or
   * deleted earlier in the run). Any other file is on disk as it is, and read from there: through
   * mem-fs every file read becomes a Vinyl object in the store, which cost detection more
   * than the reading, on a project of a few hundred files all the more.
   */
  private fromReader(abs: string): boolean {
    const store = this.reader?.store;
    return this.reader !== undefined && (store?.existsInMemory?.(abs) ?? true);
  }

  private existsUncached(relPath: string): boolean {
    const abs = join(this.root, relPath);
    if (this.fromReader(abs) && this.reader!.exists(abs)) return true;
    try {
      statSync(abs);
      return true;
    } catch {
      return false;
    }
  }

  private isDirectoryUncached(relPath: string): boolean {
    try {
      return statSync(join(this.root, relPath)).isDirectory();
    } catch {
      return false;
    }
  }

  private listUncached(relDir: string): string[] {
    try {
      return readdirSync(join(this.root, relDir)).sort();
    } catch {
      return [];
    }
  }

  /**
   * Relative paths of files under `relDir` whose name ends with one of `extensions`,
   * depth-first and sorted. Skips dependency and build folders; stops at `limit` files so a
   * huge tree cannot make a run slow.
   */
  walk(relDir: string, extensions: string[], limit = 3000): string[] {
    const found: string[] = [];
    const visit = (dir: string) => {
      for (const name of this.list(dir)) {
        if (found.length >= limit) return;
        if (name === 'node_modules' || name === '_build' || name === 'deps' || name.startsWith('.')) continue;
        const rel = dir ? posix.join(dir, name) : name;
        if (this.isDirectory(rel)) visit(rel);
        else if (extensions.some(ext => name.endsWith(ext))) found.push(rel);
      }
    };
    visit(relDir);
    return found;
  }

  private readUncached(relPath: string): string | undefined {
    const abs = join(this.root, relPath);
    if (this.fromReader(abs)) {
      const content = this.reader!.read(abs, { defaults: null });
      return content ?? undefined;
    }
    try {
      if (!statSync(abs).isFile()) return undefined;
      return readFileSync(abs, 'utf8');
    } catch {
      return undefined;
    }
  }
}
