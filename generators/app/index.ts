/**
 * `yo phoenix-dokku` / `phoenix-dokku`: reads the Phoenix project, settles every answer once,
 * runs each piece for the chosen strategy, and ends with one summary and the Dokku commands.
 */
import { answerSpecs, type AnswerName } from '../support/answers.js';
import { chosenElixirBuildpack, SAVED_ELIXIR_BUILDPACK } from '../support/dokku.js';
import { dokkuNextSteps, generateSecretKeyBase } from '../support/next-steps.js';
import { describeProject } from '../support/describe.js';
import { PieceGenerator, type PieceOptions } from '../support/piece.js';
import { formatSummary } from '../support/report.js';
import { PIECES, type PieceOption } from '../support/pieces.js';
import { generatorPath } from '../support/templates.js';

export default class AppGenerator extends PieceGenerator {
  static override piece = 'app';
  static override needs: readonly AnswerName[] = answerSpecs.map(spec => spec.name);

  /** Every piece's own options, so `phoenix-dokku --builder-image x` reaches the dockerfile piece. */
  protected override pieceOptions(): readonly PieceOption[] {
    const seen = new Set<string>();
    return PIECES.filter(piece => piece.inApp).flatMap(piece => piece.options).filter(option => !seen.has(option.name) && seen.add(option.name));
  }

  override async initializing(): Promise<void> {
    await super.initializing();
    // What was detected comes before any question, so the user can check it first.
    this.log(['', 'Detected', ...describeProject(this.project).map(line => `  ${line}`), ''].join('\n'));
  }

  override async prompting(): Promise<void> {
    await super.prompting();
    for (const piece of PIECES) {
      if (!piece.inApp || (piece.strategy && piece.strategy !== this.answers.strategy)) continue;
      const forwarded: Record<string, unknown> = { composed: true, yes: this.options.yes };
      for (const option of piece.options) {
        const value = this.flag(option.name);
        if (value !== undefined) forwarded[option.name] = value;
      }
      // Registered under our namespace first: composing by bare path would name the piece after
      // the folder the package sits in (e.g. "work:main:runtime" in messages).
      const namespace = `phoenix-dokku:${piece.name}`;
      if (!this.env.getGeneratorMeta(namespace)) {
        this.env.register(generatorPath(piece.name), { namespace });
      }
      await this.composeWith(namespace, { generatorOptions: forwarded as Partial<PieceOptions> });
    }
  }

  override end(): void {
    this.noteDryRun();
    // The full description was printed before the questions; the summary recalls the essentials.
    this.log(formatSummary(this.report, describeProject(this.project).slice(0, 3), this.nextSteps()));
  }

  /** The Dokku commands for this project and these answers. */
  protected nextSteps(): string | undefined {
    const { appName, host, strategy } = this.answers;
    if (!appName || !host || !strategy) return undefined;
    // The buildpacks piece saved the choice: a run without the flag still prints its stack command.
    const buildpack = strategy === 'buildpack' ? chosenElixirBuildpack(this.flag('elixir-buildpack'), this.config.get(SAVED_ELIXIR_BUILDPACK)) : undefined;
    return dokkuNextSteps({
      project: this.project,
      appName,
      host,
      strategy,
      elixirBuildpack: buildpack,
      secretKeyBase: generateSecretKeyBase(),
      email: this.answers.email,
    });
  }
}
