/**
 * What a run did, collected across the composed sub-generators so the main generator can
 * print one summary at the end.
 */
import type { DokkuAnswers } from './answers.js';
import type { DokkuEnvironment, EnvSetting } from './dokku-env.js';

export type NoteKind = 'skipped' | 'manual' | 'warning' | 'info';

export interface Note {
  piece: string;
  kind: NoteKind;
  text: string;
}

export interface RunReport {
  /** Files each piece rendered or patched (relative paths), in order. */
  files: { piece: string; path: string; action: 'render' | 'patch' | 'keep' }[];
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

/** How the summary names what happened to a file: written anew, a user's file merged into, a user's file left as it was. */
const FILE_ACTIONS = { render: 'rendered', patch: 'merged  ', keep: 'kept    ' } as const;

const NOTE_SECTIONS = [
  ['skipped', 'Not applicable'],
  ['warning', 'Warnings'],
  ['manual', 'Do by hand'],
  ['info', 'Notes'],
] as const;

/** What each kind of source means, for the summary's environment lines. */
const SOURCE_WORDS: Record<EnvSetting['source'], string> = {
  dokku: 'set by Dokku',
  'start-command': 'set by the start command',
  generated: 'generated',
  answer: 'from your answers',
  service: 'from the linked database',
  fixed: 'set for Dokku',
  carried: 'carried over',
  fill: 'TO FILL IN',
  default: 'not set',
};

/** One line per variable: what the config needs, where the value comes from (never a secret's value). */
export function environmentLines(environment: DokkuEnvironment): string[] {
  const width = Math.min(32, Math.max(...environment.settings.map(setting => setting.variable.length), 8));
  return environment.settings.map(setting => {
    const shown = setting.value !== undefined && !setting.secret && setting.source !== 'service' ? `: ${setting.value}` : '';
    const where = setting.readAt ? `; ${setting.readAt}` : '';
    return `  ${setting.variable.padEnd(width)}  ${setting.need.padEnd(11)}  ${SOURCE_WORDS[setting.source]}${shown} (${setting.why}${where})`;
  });
}

/**
 * The end-of-run summary: a recap of the project (main generator), the answers and where
 * they came from, the files written, the notes by kind, the environment, and the next steps.
 */
export function formatSummary(report: RunReport, recap: string[] = [], nextSteps?: string, environment?: DokkuEnvironment): string {
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
    for (const file of report.files) lines.push(`  ${FILE_ACTIONS[file.action]} ${file.path}  [${file.piece}]`);
    lines.push('');
  }
  for (const [kind, title] of NOTE_SECTIONS) {
    const notes = report.notes.filter(note => note.kind === kind);
    if (!notes.length) continue;
    lines.push(title);
    for (const note of notes) lines.push(`  [${note.piece}] ${note.text.replace(/\n/g, '\n    ')}`);
    lines.push('');
  }
  if (environment?.settings.length) {
    lines.push('Environment (what the config reads in prod, and where each value comes from on Dokku)', ...environmentLines(environment), '');
  }
  if (nextSteps) lines.push(nextSteps);
  return lines.join('\n');
}

/**
 * The same summary as data, for `--json` (schema in the README): `project` (the recap lines),
 * `answers` (value and source), `files`, `notes`, `environment` (settings and notes; values of
 * secrets included, as in the printed commands) and `nextSteps` (the text).
 */
export function summaryData(report: RunReport, recap: string[], environment: DokkuEnvironment | undefined, nextSteps: string | undefined) {
  return {
    project: recap.map(line => line.trim()),
    answers: Object.fromEntries(Object.entries(report.answerSources).map(([name, source]) => [name, { value: report.answers[name as keyof DokkuAnswers], source }])),
    files: report.files,
    notes: report.notes,
    environment: environment ?? { settings: [], notes: [] },
    nextSteps: nextSteps ?? null,
  };
}
