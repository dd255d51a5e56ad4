/**
 * What a run did, collected across the composed sub-generators so the main generator can
 * print one summary at the end.
 */
import type { DokkuAnswers } from './answers.js';

export type NoteKind = 'skipped' | 'manual' | 'warning' | 'info';

export interface Note {
  piece: string;
  kind: NoteKind;
  text: string;
}

export interface RunReport {
  /** Files each piece rendered or patched (relative paths), in order. */
  files: { piece: string; path: string; action: 'render' | 'patch' }[];
  notes: Note[];
  answers: Partial<DokkuAnswers>;
  /** Where each answer came from (flag, saved, detected file, prompt). */
  answerSources: Partial<Record<keyof DokkuAnswers, string>>;
}

// One report per Yeoman environment: composed generators share their environment.
const reports = new WeakMap<object, RunReport>();

export function reportFor(env: object): RunReport {
  let report = reports.get(env);
  if (!report) {
    report = { files: [], notes: [], answers: {}, answerSources: {} };
    reports.set(env, report);
  }
  return report;
}

const NOTE_SECTIONS = [
  ['skipped', 'Not applicable'],
  ['warning', 'Warnings'],
  ['manual', 'Do by hand'],
  ['info', 'Notes'],
] as const;

/**
 * The end-of-run summary: a recap of the project (main generator), the answers and where
 * they came from, the files written, the notes by kind, and the next steps.
 */
export function formatSummary(report: RunReport, recap: string[] = [], nextSteps?: string): string {
  const lines: string[] = [''];
  if (recap.length) lines.push(...recap, '');
  const answerNames = Object.keys(report.answerSources) as (keyof DokkuAnswers)[];
  if (answerNames.length) {
    lines.push('Answers (saved in .yo-rc.json)');
    for (const name of answerNames) lines.push(`  ${name}: ${report.answers[name]}  (${report.answerSources[name]})`);
    lines.push('');
  }
  if (report.files.length) {
    lines.push('Files');
    for (const file of report.files) lines.push(`  ${file.action === 'patch' ? 'patched ' : 'rendered'} ${file.path}  [${file.piece}]`);
    lines.push('');
  }
  for (const [kind, title] of NOTE_SECTIONS) {
    const notes = report.notes.filter(note => note.kind === kind);
    if (!notes.length) continue;
    lines.push(title);
    for (const note of notes) lines.push(`  [${note.piece}] ${note.text.replace(/\n/g, '\n    ')}`);
    lines.push('');
  }
  if (nextSteps) lines.push(nextSteps);
  return lines.join('\n');
}
