/**
 * `phoenix-dokku buildpacks`: the herokuish build. `.buildpacks` (an Elixir buildpack that
 * works on Dokku's stack, plus the Phoenix static one when assets need Node), the buildpack
 * configs (bash files), and the Procfile (`web: mix phx.server`, `release: mix ecto.migrate`).
 * Existing buildpack configs keep every line: missing settings are added, versions updated.
 */
import { BuildPiece } from '../support/build-piece.js';
import {
  assetsBuild,
  elixirBuildpack,
  mergeBuildpacks,
  mergeShellAssignments,
  PHOENIX_STATIC_BUILDPACK,
  SAVED_ELIXIR_BUILDPACK,
  type AssetsBuild,
  type ElixirBuildpack,
} from '../support/dokku.js';
import type { FileSpec } from '../support/piece.js';
import { parseShellAssignments } from '../support/project.js';
import { elixirBuildOtpMajors, hexBuildsDataRetrieved } from '../support/data/hex-builds.js';
import { checkElixirVersion, checkErlangVersion, compareVersions } from '../support/versions.js';

const BUILDPACKS = '.buildpacks';
const ELIXIR_CONFIG = 'elixir_buildpack.config';
const STATIC_CONFIG = 'phoenix_static_buildpack.config';
const STATIC_COMPILE = 'phoenix_static_buildpack_compile';
/** Removes the asset tool binaries from the slug; the app does not run them. */
const REMOVE_TOOL_BINARIES = 'rm -f _build/esbuild* _build/tailwind*';

export default class BuildpacksGenerator extends BuildPiece {
  static override piece = 'buildpacks';
  protected override readonly strategy = 'buildpack' as const;

  private buildpack!: ElixirBuildpack;

  /** The buildpack flag is validated before anything is written, and kept for later runs; the versions are checked against Hex's builds. */
  async configuring(): Promise<void> {
    const choice = this.savedFlag('elixir-buildpack', SAVED_ELIXIR_BUILDPACK);
    this.buildpack = elixirBuildpack(choice);
    this.saveFlag('elixir-buildpack', SAVED_ELIXIR_BUILDPACK, this.buildpack.name);
    await this.checkBuilds();
  }

  /**
   * The Elixir buildpack downloads OTP and Elixir by exact name from builds.hex.pm for the stack's
   * Ubuntu: checked online when reachable, else against the offline build matrix, and the summary
   * says for which stack.
   */
  private async checkBuilds(): Promise<void> {
    const elixir = this.answers.elixirVersion!;
    const otp = this.answers.erlangVersion!;
    const stack = this.buildpack.stack ? 'heroku-22' : 'heroku-24';
    const major = otp.slice(0, 2);
    if (!this.offline) {
      const { checkBuildpackBuilds, lookupOptions } = await import('../support/online-lookups.js');
      const checked = await checkBuildpackBuilds({ elixir, otp, stack }, lookupOptions('builds'));
      if (checked.kind === 'checked') {
        const missing = [
          !checked.otpBuild && `no OTP-${checked.otpVersion} in builds/otp/${checked.ubuntu}/builds.txt${checked.nearestOtp ? ` (nearest: ${checked.nearestOtp}, --erlang-version ${checked.nearestOtp})` : ''}`,
          !checked.elixirBuild && `no ${checked.elixirName} in builds/elixir/builds.txt`,
        ].filter(Boolean);
        if (missing.length) this.note('warning', `Checked builds.hex.pm for ${stack} (${checked.ubuntu}): ${missing.join('; ')}. The build fails at the buildpack's version check.`);
        else this.note('info', `Checked builds.hex.pm for ${stack} (${checked.ubuntu}): OTP-${checked.otpVersion} and ${checked.elixirName} exist.`);
        return;
      }
      if (checked.kind === 'offline') this.note('info', `builds.hex.pm could not be asked (${checked.reason}); checked against the offline build matrix instead.`);
    }
    const row = elixirBuildOtpMajors.find(entry => compareVersions(elixir, entry.from) >= 0 && (!entry.until || compareVersions(elixir, entry.until) < 0));
    const name = `v${elixir}-otp-${major}`;
    if (!row) {
      this.note('warning', `${name}: not in phoenix-dokku's offline build matrix (${hexBuildsDataRetrieved}), and builds.hex.pm was not asked: the buildpack checks it when it builds (stack ${stack}).`);
    } else if (!row.otp.includes(Number(major))) {
      this.note('warning', `${name}: Hex builds Elixir ${elixir} only for OTP ${row.otp.join(', ')} (hexpm/bob build matrix), so the buildpack finds no build on ${stack}: pick an Erlang/OTP of those.`);
    } else {
      this.note('info', `${name}: in Hex's build matrix (offline data, ${hexBuildsDataRetrieved}); OTP-${otp} for ${stack} was not checked offline.`);
    }
  }

  async writing(): Promise<void> {
    const { build: assets, skipped } = assetsBuild(this.project);
    // Node only comes with the static buildpack; without npm, mix builds the assets in the Elixir buildpack's hook.
    const staticBuildpack = assets?.npm ? assets : undefined;
    await this.writeBuildpacks([this.buildpack.url, ...(staticBuildpack ? [PHOENIX_STATIC_BUILDPACK] : [])]);
    this.writeConfig({ template: `${ELIXIR_CONFIG}.ejs`, destination: ELIXIR_CONFIG }, this.versionUpdates(), this.elixirConfigData(staticBuildpack ? undefined : assets));
    if (staticBuildpack) {
      // Their own compile script (compile="compile" from Heroku days) stays in charge; ours is written only when it is the one used.
      const theirCompile = parseShellAssignments(this.fs.read(this.destinationPath(STATIC_CONFIG), { defaults: '' }) ?? '').compile;
      this.writeConfig({ template: `${STATIC_CONFIG}.ejs`, destination: STATIC_CONFIG }, this.staticVersionUpdates(), this.staticConfigData(staticBuildpack));
      if (theirCompile && theirCompile !== STATIC_COMPILE && this.fs.exists(this.destinationPath(theirCompile))) {
        this.note('info', `${STATIC_CONFIG} runs your own compile script (${theirCompile}): kept, and no ${STATIC_COMPILE} written. It must build and digest the assets (mix assets.deploy, or npm run deploy then mix phx.digest).`);
      } else {
        this.renderFiles([{ template: `${STATIC_COMPILE}.ejs`, destination: STATIC_COMPILE }], { commands: staticBuildpack.commands });
      }
    }
    await this.writeProcfile();
    if (skipped) this.note('skipped', skipped);
    if (this.buildpack.stack) {
      this.note('warning', `--elixir-buildpack ${this.buildpack.name}: ${this.buildpack.stack.why} The next steps set the ${this.buildpack.stack.image} stack.`);
    }
    this.warnAboutOtherBuilder();
  }

  /**
   * New: rendered. Ours and untouched: re-rendered. The user's: their URLs and order kept, what the
   * build lacks added, an obsolete buildpack replaced only with their consent (or --force).
   */
  private async writeBuildpacks(urls: string[]): Promise<void> {
    const theirs = this.fs.read(this.destinationPath(BUILDPACKS), { defaults: null });
    if (theirs === null || this.isUnchangedGenerated(BUILDPACKS)) {
      this.renderFiles([{ template: 'buildpacks.ejs', destination: BUILDPACKS }], { urls });
      return;
    }
    let merge = mergeBuildpacks(theirs, urls, false);
    let replaced = false;
    if (merge.replacements.length) {
      const list = merge.replacements.map(r => `  line ${r.line}: ${r.theirs} -> ${r.ours}\n    (${r.why})`).join('\n');
      if (await this.consent(`${BUILDPACKS} names buildpacks that do not work on Dokku's default stack:\n${list}\nReplace them?`)) {
        merge = mergeBuildpacks(theirs, urls, true);
        replaced = true;
      }
    }
    if (merge.content !== undefined) this.writePatched(BUILDPACKS, merge.content);
    else this.report.files.push({ piece: this.pieceName, path: BUILDPACKS, action: 'keep' });
    for (const url of merge.added) this.note('info', `${BUILDPACKS}: added ${url}, every line of yours kept in its order.`);
    for (const replacement of merge.replacements) {
      if (replaced) this.note('info', `${BUILDPACKS}:${replacement.line}: replaced ${replacement.theirs} with ${replacement.ours}: ${replacement.why}`);
      else {
        this.note('manual', `${BUILDPACKS}:${replacement.line} ${replacement.theirs}: ${replacement.why} Replace the line with ${replacement.ours} (or run again interactively, or with --force, to let phoenix-dokku do it).`);
      }
    }
    for (const line of merge.comments) this.note('manual', `${BUILDPACKS}:${line} is a comment: herokuish reads every word of .buildpacks as a buildpack URL. Delete the line.`);
  }

  /** node_version/npm_version phoenix-dokku writes over the user's phoenix_static_buildpack.config: given as flags, or not a full X.Y.Z. */
  private staticVersionUpdates(): string[] {
    const theirs = parseShellAssignments(this.fs.read(this.destinationPath(STATIC_CONFIG), { defaults: '' }) ?? '');
    const fromFlag = (name: 'nodeVersion' | 'npmVersion') => this.report.answerSources[name]?.startsWith('--') ?? false;
    const invalid = (value: string | undefined) => value !== undefined && !/^\d+\.\d+\.\d+$/.test(value);
    return [...(fromFlag('nodeVersion') || invalid(theirs.node_version) ? ['node_version'] : []), ...(fromFlag('npmVersion') || invalid(theirs.npm_version) ? ['npm_version'] : [])];
  }

  /**
   * Versions phoenix-dokku writes over the user's elixir_buildpack.config: those given as flags,
   * and theirs that no build exists for (erlang_version=27, a minor line, an unknown release).
   * Otherwise theirs stays: the buildpack reads that file, so it is what the build uses.
   */
  private versionUpdates(): string[] {
    const theirs = parseShellAssignments(this.fs.read(this.destinationPath(ELIXIR_CONFIG), { defaults: '' }) ?? '');
    const fromFlag = (name: 'elixirVersion' | 'erlangVersion') => this.report.answerSources[name]?.startsWith('--') ?? false;
    const invalid = (value: string | undefined, check: (v: string) => { ok: boolean }) => value !== undefined && !check(value).ok;
    return [
      ...(fromFlag('erlangVersion') || invalid(theirs.erlang_version, checkErlangVersion) ? ['erlang_version'] : []),
      ...(fromFlag('elixirVersion') || invalid(theirs.elixir_version, checkElixirVersion) ? ['elixir_version'] : []),
    ];
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
    const before = this.fs.read(this.destinationPath(file.destination), { defaults: null });
    const conflicts = this.renderMerged(file, data, (theirs, ours) => mergeShellAssignments(theirs, ours, update));
    for (const { name, theirs, ours } of conflicts) {
      this.note('manual', `${file.destination} sets ${name}=${theirs}; phoenix-dokku would set ${name}=${ours}. Yours is kept (the buildpack reads this file): change it if you agree.`);
    }
    const after = parseShellAssignments(this.fs.read(this.destinationPath(file.destination), { defaults: '' }) ?? '');
    for (const key of update) {
      const old = before !== null ? parseShellAssignments(before)[key] : undefined;
      if (old !== undefined && old !== after[key]) this.note('info', `${file.destination}: ${key}=${old} replaced by ${key}=${after[key]} (the answer), the only kind of line of yours phoenix-dokku changes.`);
    }
    if (before !== null && parseShellAssignments(before).config_vars_to_export !== undefined) {
      this.note('info', `${file.destination} still sets config_vars_to_export, which current Elixir buildpacks ignore: every Dokku config var reaches the build anyway. Kept; delete it when you like.`);
    }
  }
}
