/**
 * What a run did, collected across the composed sub-generators so the main generator can
 * print one summary at the end.
 */
import type { Derived, DokkuAnswers } from './answers.js';

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
  /** Answers defaulted from detection, with their source. */
  derived: Partial<Record<keyof DokkuAnswers, Derived>>;
}

// One report per Yeoman environment: composed generators share their environment.
const reports = new WeakMap<object, RunReport>();

export function reportFor(env: object): RunReport {
  let report = reports.get(env);
  if (!report) {
    report = { files: [], notes: [], answers: {}, answerSources: {}, derived: {} };
    reports.set(env, report);
  }
  return report;
}
