/**
 * Pure, idempotent edits of the user's files (Phoenix's injector shape): each takes the
 * file's content and returns the new content, `present` when the edit is already there,
 * or `no-anchor` with exact instructions when it cannot be done safely.
 */

export type Injection =
  | { kind: 'injected'; content: string }
  | { kind: 'present' }
  | { kind: 'no-anchor'; help: string };

/** The file's line ending, so inserted lines match it. */
/** `text` as a literal inside a RegExp. */
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const lineEndingOf = (content: string) => (content.includes('\r\n') ? '\r\n' : '\n');

/** Converts `\n` in our snippet to the file's line ending. */
export const withLineEnding = (snippet: string, eol: string) => (eol === '\n' ? snippet : snippet.replace(/\r?\n/g, eol));

/** Indents every non-empty line of `text` by `indent`. */
export const indent = (text: string, by: string) => text.replace(/^(?=.)/gm, by);

/** Ignores whitespace differences when checking whether a snippet is already there. */
export const containsIgnoringWhitespace = (content: string, snippet: string) =>
  content.replace(/\s+/g, '').includes(snippet.replace(/\s+/g, ''));

export interface AnchoredInsert {
  /** Matches the line to insert after (or before); multiline flag is added. */
  anchor: RegExp;
  position: 'after' | 'before';
  /** Text to insert, `\n` line endings, without trailing newline. */
  snippet: string;
  /** Already there? Defaults to "content contains the snippet, ignoring whitespace". */
  present?: (content: string) => boolean;
  /** Exact manual instructions when the anchor is missing. */
  help: string;
}

/** Inserts `snippet` on its own line(s) after/before the first line matching `anchor`. */
export function insertAtAnchor(content: string, edit: AnchoredInsert): Injection {
  const present = edit.present ?? (c => containsIgnoringWhitespace(c, edit.snippet));
  if (present(content)) return { kind: 'present' };
  const eol = lineEndingOf(content);
  const anchor = new RegExp(edit.anchor.source, edit.anchor.flags.includes('m') ? edit.anchor.flags : edit.anchor.flags + 'm');
  const match = anchor.exec(content);
  if (!match) return { kind: 'no-anchor', help: edit.help };
  const snippet = withLineEnding(edit.snippet, eol);
  if (edit.position === 'before') {
    const lineStart = content.lastIndexOf('\n', match.index) + 1;
    return { kind: 'injected', content: content.slice(0, lineStart) + snippet + eol + content.slice(lineStart) };
  }
  const lineEnd = content.indexOf('\n', match.index + match[0].length - (match[0].endsWith('\n') ? 1 : 0));
  if (lineEnd === -1) return { kind: 'injected', content: content + eol + snippet + eol };
  return { kind: 'injected', content: content.slice(0, lineEnd + 1) + snippet + eol + content.slice(lineEnd + 1) };
}

/** Appends `snippet` at the end of the file, separated by a blank line. */
export function appendBlock(content: string, snippet: string, present?: (content: string) => boolean): Injection {
  if ((present ?? (c => containsIgnoringWhitespace(c, snippet)))(content)) return { kind: 'present' };
  const eol = lineEndingOf(content);
  const body = content.replace(/\s*$/, '');
  return { kind: 'injected', content: (body ? body + eol + eol : '') + withLineEnding(snippet, eol) + eol };
}
