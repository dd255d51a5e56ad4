/**
 * `yo phoenix-dokku` / `phoenix-dokku`: reads the Phoenix project, settles every answer once,
 * runs each piece for the chosen strategy, and ends with one summary and the Dokku commands.
 */
import { chosenElixirBuildpack, SAVED_ELIXIR_BUILDPACK } from '../support/dokku.js';
import { randomBytes } from 'node:crypto';
import { writeSync } from 'node:fs';
import { DEFAULT_NAMESPACE, DEFAULT_WEB_SCALE, type ClusterPlan } from '../support/cluster.js';
import { dokkuEnvironment, type DokkuEnvironment } from '../support/dokku-env.js';
import { dokkuNextSteps, generateSecret } from '../support/next-steps.js';
import { describeProject } from '../support/describe.js';
import { PieceGenerator, type PieceOptions } from '../support/piece.js';
import { readPhoenixProject, type PhoenixProject } from '../support/project.js';
import { formatSummary, summaryData } from '../support/report.js';
import { PIECES } from '../support/pieces.js';
import { generatorPath } from '../support/templates.js';

export default class AppGenerator extends PieceGenerator {
  static override piece = 'app';

  override async initializing(): Promise<void> {
    await super.initializing();
    // What was detected comes before any question, so the user can check it first.
    this.log(['', 'Detected', ...describeProject(this.project).map(line => `  ${line}`), ''].join('\n'));
  }

  override async prompting(): Promise<void> {
    await super.prompting();
    for (const piece of PIECES) {
      if (!piece.inApp || (piece.strategy && piece.strategy !== this.answers.strategy)) continue;
      if (piece.optIn && (this.answers.cluster ?? 'no') === 'no') continue;
      // --force and --dry-run are the environment's; the pieces decide with them too (consent, patches).
      const forwarded: Record<string, unknown> = { composed: true, yes: this.options.yes, force: this.options.force, dryRun: this.options.dryRun };
      for (const option of piece.options) {
        const value = this.flag(option.name);
        if (value !== undefined) forwarded[option.name] = value;
      }
      if (piece.name === 'cluster') forwarded.scheduler = this.flag('scheduler') ?? this.answers.cluster;
      // Registered under our namespace first: composing by bare path would name the piece after
      // the folder the package sits in (e.g. "work:main:runtime" in messages).
      const namespace = `phoenix-dokku:${piece.name}`;
      if (!this.env.getGeneratorMeta(namespace)) {
        this.env.register(generatorPath(piece.name), { namespace });
      }
      await this.composeWith(namespace, { generatorOptions: forwarded as Partial<PieceOptions> });
    }
  }

  override async end(): Promise<void> {
    this.noteDryRun();
    const { appName, host, strategy } = this.answers;
    let environment: DokkuEnvironment | undefined;
    let nextSteps: string | undefined;
    if (appName && host && strategy) {
      // The project as this run leaves it: the environment contract includes what the runtime piece added.
      const project = await readPhoenixProject(this.destinationRoot(), this.fs);
      const cluster = this.clusterPlan(project);
      environment = dokkuEnvironment({ project, strategy, appName, host, random: generateSecret, cluster });
      for (const note of environment.notes) this.report.notes.push({ piece: 'environment', kind: 'warning', text: note });
      nextSteps = this.nextSteps(project, environment);
    }
    // The full description was printed before the questions; the summary recalls the essentials.
    const recap = describeProject(this.project).slice(0, 3);
    if (this.options.json) {
      // stdout carries only the document (the bin sends Yeoman's own messages to stderr with --json).
      writeSync(1, JSON.stringify(summaryData(this.report, recap, environment, nextSteps), null, 2) + '\n');
      return;
    }
    this.log(formatSummary(this.report, recap, nextSteps, environment));
  }

  /** The cluster the cluster piece prepared (Dockerfile build only), with a fresh cookie for the commands. */
  private clusterPlan(project: PhoenixProject): { plan: ClusterPlan; cookie: string } | undefined {
    const scheduler = this.answers.cluster;
    if (!scheduler || scheduler === 'no' || this.answers.strategy !== 'dockerfile') return undefined;
    const plan: ClusterPlan = {
      scheduler,
      appName: this.answers.appName!,
      releaseName: project.releaseName,
      webScale: Number(this.config.get('clusterWebScale') ?? DEFAULT_WEB_SCALE),
      namespace: String(this.config.get('clusterNamespace') ?? DEFAULT_NAMESPACE),
    };
    this.clusterSettings = { plan, cookie: randomBytes(32).toString('hex') };
    return this.clusterSettings;
  }

  private clusterSettings?: { plan: ClusterPlan; cookie: string };

  /** The Dokku commands for this project and these answers. */
  protected nextSteps(project: PhoenixProject, environment: DokkuEnvironment): string {
    const { appName, host, strategy } = this.answers;
    // The buildpacks piece saved the choice: a run without the flag still prints its stack command.
    const buildpack = strategy === 'buildpack' ? chosenElixirBuildpack(this.flag('elixir-buildpack'), this.config.get(SAVED_ELIXIR_BUILDPACK)) : undefined;
    return dokkuNextSteps({
      project,
      appName: appName!,
      host: host!,
      strategy: strategy!,
      elixirBuildpack: buildpack,
      environment,
      files: [...this.report.files.filter(file => file.action !== 'keep').map(file => file.path), '.yo-rc.json'],
      email: this.answers.email,
      cluster: this.clusterSettings,
      depsAdded: this.report.files.some(file => file.piece === 'cluster' && file.path.endsWith('mix.exs') && file.action === 'patch'),
    });
  }
}
