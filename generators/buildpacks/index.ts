/**
 * `phoenix-dokku buildpacks`: the herokuish build. `.buildpacks` (an Elixir buildpack that
 * works on Dokku's stack, plus the Phoenix static one when assets need Node), the buildpack
 * configs (bash files), and the Procfile (`web: mix phx.server`, `release: mix ecto.migrate`).
 * Existing buildpack configs keep every line: missing settings are added, versions updated.
 */
import type { AnswerName } from '../support/answers.js';
import { BuildPiece } from '../support/build-piece.js';
import {
  assetsBuild,
  elixirBuildpack,
  mergeShellAssignments,
  PHOENIX_STATIC_BUILDPACK,
  SAVED_ELIXIR_BUILDPACK,
  type AssetsBuild,
  type ElixirBuildpack,
} from '../support/dokku.js';
import type { FileSpec } from '../support/piece.js';

const ELIXIR_CONFIG = 'elixir_buildpack.config';
const STATIC_CONFIG = 'phoenix_static_buildpack.config';
const STATIC_COMPILE = 'phoenix_static_buildpack_compile';
/** Removes the asset tool binaries from the slug; the app does not run them. */
const REMOVE_TOOL_BINARIES = 'rm -f _build/esbuild* _build/tailwind*';

export default class BuildpacksGenerator extends BuildPiece {
  static override piece = 'buildpacks';
  static override needs: readonly AnswerName[] = ['appName', 'elixirVersion', 'erlangVersion', 'nodeVersion', 'npmVersion'];
  protected override readonly strategy = 'buildpack' as const;

  private buildpack!: ElixirBuildpack;

  /** The buildpack flag is validated before anything is written, and kept for later runs. */
  configuring(): void {
    const choice = this.savedFlag('elixir-buildpack', SAVED_ELIXIR_BUILDPACK);
    this.buildpack = elixirBuildpack(choice);
    this.saveFlag('elixir-buildpack', SAVED_ELIXIR_BUILDPACK, this.buildpack.name);
  }

  writing(): void {
    const { build: assets, skipped } = assetsBuild(this.project);
    // Node only comes with the static buildpack; without npm, mix builds the assets in the Elixir buildpack's hook.
    const staticBuildpack = assets?.npm ? assets : undefined;
    this.renderFiles([{ template: 'buildpacks.ejs', destination: '.buildpacks' }], {
      urls: [this.buildpack.url, ...(staticBuildpack ? [PHOENIX_STATIC_BUILDPACK] : [])],
    });
    this.writeConfig({ template: `${ELIXIR_CONFIG}.ejs`, destination: ELIXIR_CONFIG }, ['erlang_version', 'elixir_version'], this.elixirConfigData(staticBuildpack ? undefined : assets));
    if (staticBuildpack) {
      this.writeConfig({ template: `${STATIC_CONFIG}.ejs`, destination: STATIC_CONFIG }, ['node_version', 'npm_version'], this.staticConfigData(staticBuildpack));
      this.renderFiles([{ template: `${STATIC_COMPILE}.ejs`, destination: STATIC_COMPILE }], { commands: staticBuildpack.commands });
    }
    this.writeProcfile();
    if (skipped) this.note('skipped', skipped);
    if (this.buildpack.stack) {
      this.note('warning', `--elixir-buildpack ${this.buildpack.name}: ${this.buildpack.stack.why} The next steps set the ${this.buildpack.stack.image} stack.`);
    }
    this.warnAboutOtherBuilder();
  }

  private elixirConfigData(assets: AssetsBuild | undefined): Record<string, unknown> {
    const reads = this.project.compileTimeEnv;
    const files = [...new Set(reads.map(read => read.file))];
    const variables = [...new Set(reads.map(read => read.variable))];
    const build = assets?.commands.join(' && ');
    // The hook runs in the build root; an umbrella's web app builds in a subshell so the cwd stays.
    const hook = assets && `${assets.appDir ? `(cd ${assets.appDir} && ${build})` : build} && ${REMOVE_TOOL_BINARIES}`;
    return {
      buildpackUrl: this.buildpack.url,
      erlangVersion: this.answers.erlangVersion,
      elixirVersion: this.answers.elixirVersion,
      alwaysRebuild: reads.length > 0,
      compileTimeEnvReads: `${files.join(', ')} read${files.length === 1 ? 's' : ''} ${variables.join(', ')}`,
      hookPostCompile: hook,
    };
  }

  private staticConfigData(assets: AssetsBuild): Record<string, unknown> {
    return {
      buildpackUrl: PHOENIX_STATIC_BUILDPACK,
      nodeVersion: this.answers.nodeVersion,
      npmVersion: this.answers.npmVersion,
      phoenixRelativePath: assets.appDir,
      assetsPath: assets.appDir ? assets.dir.slice(assets.appDir.length + 1) : assets.dir,
      compileScript: STATIC_COMPILE,
    };
  }

  /** New: rendered. Existing: our settings merged in, every line of the user's kept. */
  private writeConfig(file: FileSpec, update: readonly string[], data: Record<string, unknown>): void {
    const conflicts = this.renderMerged(file, data, (theirs, ours) => mergeShellAssignments(theirs, ours, update));
    for (const { name, theirs, ours } of conflicts) {
      this.note('manual', `${file.destination} sets ${name}=${theirs}; phoenix-dokku would set ${name}=${ours}. Yours is kept: change it if you agree.`);
    }
  }
}
