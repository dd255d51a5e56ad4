/**
 * `phoenix-dokku doctor` (`yo phoenix-dokku:doctor`): a read-only audit of the project against
 * everything phoenix-dokku knows about deploying Phoenix on Dokku: each rule passes, warns or
 * fails with file:line, why it matters, and the sub-generator that fixes it. The rules are the
 * ones the generator applies to the files it keeps (support/audit-rules.ts). Exit status 1 when
 * a rule fails; `--json` prints the result as one document (schema in the README).
 */
import { writeSync } from 'node:fs';
import { answerSpecs, STRATEGIES, type Strategy } from '../support/answers.js';
import { runAudit, type RuleResult } from '../support/audit-rules.js';
import { UserError } from '../support/errors.js';
import { PieceGenerator } from '../support/piece.js';

const LABELS = { fail: 'FAIL', warn: 'WARN', pass: 'pass', 'n/a': 'n/a ' } as const;

export default class DoctorGenerator extends PieceGenerator {
  static override piece = 'doctor';

  private strategy!: { value: Strategy; source: string };
  private appName!: string;

  /** Nothing is asked and nothing is saved: the strategy comes from the flag, .yo-rc.json, or the project. */
  override async prompting(): Promise<void> {
    const spec = (name: 'strategy' | 'appName') => answerSpecs.find(candidate => candidate.name === name)!;
    const flag = this.flag('strategy');
    const saved = this.config.get('strategy');
    if (flag !== undefined && !(STRATEGIES as readonly string[]).includes(flag)) {
      throw new UserError(`Unknown --strategy "${flag}": use dockerfile or buildpack. Nothing was written.`);
    }
    const derived = spec('strategy').derive(this.project, {})!;
    this.strategy = flag !== undefined
      ? { value: flag as Strategy, source: '--strategy' }
      : typeof saved === 'string' && (STRATEGIES as readonly string[]).includes(saved)
        ? { value: saved as Strategy, source: '.yo-rc.json' }
        : { value: derived.value as Strategy, source: derived.source };
    const savedApp = this.config.get('appName');
    this.appName = typeof savedApp === 'string' && savedApp ? savedApp : spec('appName').derive(this.project, {})!.value;
  }

  /** Read-only: no conflict step, no hashes saved. */
  override conflicts(): void {}

  override end(): void {
    const results = runAudit({
      project: this.project,
      strategy: this.strategy.value,
      appName: this.appName,
      read: file => this.fs.read(this.destinationPath(file), { defaults: null }) ?? undefined,
    });
    const count = (level: RuleResult['level']) => results.filter(result => result.level === level).length;
    if (count('fail')) process.exitCode = 1;
    if (this.options.json) {
      writeSync(1, JSON.stringify(doctorJson(this.project.module, this.project.otpApp, this.strategy.value, results), null, 2) + '\n');
      return;
    }
    const lines = [
      '',
      `phoenix-dokku doctor: ${this.project.module} (:${this.project.otpApp}), ${this.strategy.value} build (${this.strategy.source}), Dokku app ${this.appName}`,
      '',
    ];
    for (const result of [...results].sort((a, b) => order(a.level) - order(b.level))) {
      if (result.level === 'pass' || result.level === 'n/a') {
        lines.push(`${LABELS[result.level]}  ${result.rule.id}: ${result.rule.title}`);
        continue;
      }
      lines.push(`${LABELS[result.level]}  ${result.rule.id}: ${result.rule.title}`);
      for (const found of result.findings) {
        const where = found.file ? `${found.file}${found.line ? `:${found.line}` : ''}  ` : '';
        const mark = found.level === result.level ? '' : `(${found.level}) `;
        lines.push(...indent(`${mark}${where}${found.message}`));
      }
      lines.push(...indent(`Why: ${result.rule.why}`), ...indent(`Fixed by: phoenix-dokku ${result.rule.piece}`), '');
    }
    lines.push('', `${count('fail')} fail, ${count('warn')} warn, ${count('pass')} pass, ${count('n/a')} not applicable`);
    this.log(lines.join('\n'));
  }
}

const order = (level: RuleResult['level']) => ({ fail: 0, warn: 1, pass: 2, 'n/a': 3 })[level];
const indent = (text: string) => text.split('\n').map(line => `      ${line}`);

/** The --json document: `rules` in rule order, each with its findings (empty when it passes). */
export function doctorJson(module: string, otpApp: string, strategy: Strategy, results: RuleResult[]) {
  return {
    version: 1,
    project: { module, otpApp },
    strategy,
    summary: Object.fromEntries((['fail', 'warn', 'pass', 'n/a'] as const).map(level => [level, results.filter(r => r.level === level).length])),
    rules: results.map(result => ({
      id: result.rule.id,
      title: result.rule.title,
      level: result.level,
      why: result.rule.why,
      piece: result.rule.piece,
      findings: result.findings.map(({ level, file, line, message }) => ({ level, file: file ?? null, line: line ?? null, message })),
    })),
  };
}
