/**
 * `phoenix-dokku dockerfile`: a multi-stage Dockerfile that builds a `mix release` (assets
 * digested before the release), its .dockerignore, and the Procfile Dokku runs it with
 * (`web: /app/bin/server`, `release: /app/bin/migrate` before traffic switches).
 */
import { posix } from 'node:path';
import { assetsBuild, mergeDockerignore, type AssetsBuild } from '../support/dokku.js';
import { chooseBuilderTag, resolveImages, type DockerImages, type HexpmTag } from '../support/images.js';
import { lookupOptions } from '../support/online-lookups.js';
import { bundledNpm } from '../support/versions.js';
import { BuildPiece } from '../support/build-piece.js';

/** .yo-rc.json keys of the image flags: a run without them keeps the images given once. */
const SAVED_BUILDER_IMAGE = 'builderImage';
const SAVED_RUNNER_IMAGE = 'runnerImage';

const DOCKERIGNORE = '.dockerignore';

const COMPILE_TIME_CONFIG = /^config\/(?!(?:runtime|releases|dev|test)\.exs$)[^/]+\.exs$/;

export default class DockerfileGenerator extends BuildPiece {
  static override piece = 'dockerfile';
  protected override readonly strategy = 'dockerfile' as const;

  private images!: DockerImages;

  /**
   * The images, before anything is written: flags are validated and kept for later runs; without
   * them the builder is a tag known to exist (image list, Hex's Bob API, nearest known), and when
   * that tag builds other versions the answers follow it, so every file says the same.
   */
  async configuring(): Promise<void> {
    const builderOverride = this.savedFlag('builder-image', SAVED_BUILDER_IMAGE);
    const runnerOverride = this.savedFlag('runner-image', SAVED_RUNNER_IMAGE);
    const elixir = this.answers.elixirVersion!;
    const otp = this.answers.erlangVersion!;
    // The project's Dockerfile already builds these versions on a Debian snapshot: keep it.
    const args = this.project.existing.dockerfileArgs ?? {};
    const projectDebian = args.ELIXIR_VERSION === elixir && args.OTP_VERSION === otp ? args.DEBIAN_VERSION : undefined;
    let tag: HexpmTag | undefined;
    if (!builderOverride) {
      const fromFlags = (['elixirVersion', 'erlangVersion'] as const).every(name => this.report.answerSources[name]?.startsWith('--'));
      const choice = await chooseBuilderTag({ elixir, otp, insisted: fromFlags, projectDebian, offline: this.offline, lookup: lookupOptions('bob') });
      for (const message of choice.messages) this.note(message.kind, message.text);
      tag = choice.tag;
      if (choice.adjusted) this.adoptVersions(choice.tag, choice.source);
    }
    this.images = resolveImages({ elixir: this.answers.elixirVersion!, otp: this.answers.erlangVersion!, tag, builderOverride, runnerOverride, projectDebian });
    this.saveFlag('builder-image', SAVED_BUILDER_IMAGE, builderOverride);
    this.saveFlag('runner-image', SAVED_RUNNER_IMAGE, runnerOverride);
  }

  /** The versions of the image that exists become the answers (and are saved as such). */
  private adoptVersions(tag: HexpmTag, source: string): void {
    for (const [name, value] of [['elixirVersion', tag.elixir], ['erlangVersion', tag.otp]] as const) {
      if (this.answers[name] === value) continue;
      this.answers[name] = value;
      this.report.answers[name] = value;
      this.report.answerSources[name] = `the nearest hexpm/elixir image (${source})`;
      this.config.set(name, value);
    }
  }

  async writing(): Promise<void> {
    const { build: assets, skipped } = assetsBuild(this.project);
    const data = this.templateData(assets);
    // A Dockerfile of the user's is rendered too: the conflict step keeps it (and audits it) unless they agree to replace it.
    this.renderFiles([{ template: 'Dockerfile.ejs', destination: 'Dockerfile' }], data);
    this.writeDockerignore(data);
    await this.writeProcfile();
    for (const warning of this.images.warnings) this.note('warning', warning);
    if (skipped) this.note('skipped', skipped);
    this.explainBuild(assets);
    this.warnAboutOtherBuilder();
  }

  /** New or ours and untouched: rendered. The user's: the patterns it lacks appended in one marked block. */
  private writeDockerignore(data: Record<string, unknown>): void {
    const file = { template: 'dockerignore.ejs', destination: DOCKERIGNORE };
    if (!this.project.existing.dockerignore || this.isUnchangedGenerated(DOCKERIGNORE)) {
      this.renderFiles([file], data);
    } else {
      this.renderMerged(file, data, (theirs, ours) => {
        const merged = mergeDockerignore(theirs, ours);
        if (merged.added.length) this.note('info', `${DOCKERIGNORE}: appended ${merged.added.join(', ')} (every line of yours kept).`);
        return { injection: merged.content !== undefined ? { kind: 'injected', content: merged.content } : { kind: 'present' }, conflicts: [] };
      });
    }
    const excluded = this.project.keyFiles;
    if (excluded.length) {
      this.note(
        'info',
        `${DOCKERIGNORE} keeps key and certificate files out of the image, so these stay out of it: ${excluded.join(', ')}. ` +
          `If the app needs one at run time, add a line !<path> for it to ${DOCKERIGNORE}; secrets belong in dokku config:set.`,
      );
    }
  }

  private templateData(assets: AssetsBuild | undefined): Record<string, unknown> {
    const { project, images } = this;
    const umbrella = project.umbrella;
    const nodeVersion = this.answers.nodeVersion;
    const npmVersion = this.answers.npmVersion;
    const npm = assets?.npm && project.assets;
    return {
      module: project.module,
      appName: this.answers.appName,
      imageArgs: imageArgs(images),
      node: npm && nodeVersion
        ? {
            version: nodeVersion,
            image: `docker.io/node:${nodeVersion}-slim`,
            // The npm bundled with that Node is kept unless another one was asked for.
            npm: npmVersion && npmVersion !== bundledNpm(nodeVersion) ? npmVersion : undefined,
          }
        : undefined,
      appMixFiles: project.apps.map(app => ({ path: posix.join(app.dir, 'mix.exs'), dir: app.dir })),
      mixReadFiles: project.mixReadFiles,
      compileConfig: project.configFiles.filter(file => COMPILE_TIME_CONFIG.test(file)),
      npm: npm
        ? {
            dir: npm.dir,
            files: [posix.join(npm.dir, 'package.json'), ...(npm.npmLockfile ? [npm.npmLockfile] : [])],
            // assets.setup may install the packages itself (`cmd --cd assets npm ci`): once is enough.
            install: assets?.setup && npm.setupRunsNpm ? undefined : npm.npmLockfile ? 'ci' : 'install',
          }
        : undefined,
      sources: umbrella ? [project.apps.length ? posix.dirname(project.apps[0].dir) : 'apps'] : ['priv', 'lib'],
      assets: assets && {
        appDir: assets.appDir,
        setup: assets.setup,
        commands: assets.commands,
        compileFirst: assets.compileFirst,
        copy: umbrella ? undefined : assets.dir,
      },
      releaseCommand: umbrella ? `mix release ${project.releaseName}` : 'mix release',
      releaseName: project.releaseName,
      runtimePackages: images.runtimePackages.join(' '),
      // In an umbrella every app's stale build output stays out, not only the web app's.
      outputs: [...(assets?.outputs ?? []), ...(umbrella ? ['apps/*/priv/static/assets', 'apps/*/priv/static/cache_manifest.json'] : [])].filter((output, index, all) => all.indexOf(output) === index),
    };
  }

  /** What the summary says about choices the user may not expect. */
  private explainBuild(assets: AssetsBuild | undefined): void {
    const { project } = this;
    if (assets?.npm && !assets.npm.lockfile) {
      this.note('warning', `${project.assets!.dir}/package.json has no package-lock.json, so the image runs npm install (not npm ci) and may get other package versions than yours. Commit a lock file (npm install creates it).`);
    }
    const variables = [...new Set(project.compileTimeEnv.map(read => read.variable))];
    if (variables.length) {
      const files = [...new Set(project.compileTimeEnv.map(read => read.file))];
      this.note(
        'warning',
        `${files.join(', ')} read${files.length === 1 ? 's' : ''} ${variables.join(', ')} while compiling. A Docker build does not see Dokku's config vars, ` +
          'so the release is compiled without them (or the build fails where the config raises). Read them in config/runtime.exs instead.',
      );
    }
    // Run alone, the pieces that write what the image copies and runs may not have run yet.
    const missing = [
      !project.existing.runtimeConfig && 'config/runtime.exs (phoenix-dokku runtime)',
      !project.existing.serverScript && 'rel/overlays/bin/server (phoenix-dokku release)',
      project.ecto && !project.existing.migrateScript && 'rel/overlays/bin/migrate (phoenix-dokku release)',
    ].filter(Boolean);
    if (!this.composed && missing.length) {
      this.note('manual', `The image copies or runs files the project does not have yet: ${missing.join(', ')}. Run those pieces, or phoenix-dokku for everything.`);
    }
    if (!project.locked.phoenix) {
      this.note('warning', 'mix.lock is missing or does not lock phoenix; the image copies mix.lock. Run mix deps.get and commit mix.lock.');
    }
  }
}

/** ARG lines before the first FROM: composed from versions like phx.gen.release, or the images given. */
function imageArgs(images: DockerImages): { name: string; value: string }[] {
  if (!images.composed) {
    return [
      { name: 'BUILDER_IMAGE', value: images.builder },
      { name: 'RUNNER_IMAGE', value: images.runner },
    ];
  }
  const { elixir, otp, debian } = images.composed;
  const builder = images.builder.replace(`${elixir}-erlang-${otp}-debian-${debian}`, '${ELIXIR_VERSION}-erlang-${OTP_VERSION}-debian-${DEBIAN_VERSION}');
  const runner = images.runner.endsWith(`:${debian}`) ? images.runner.replace(`:${debian}`, ':${DEBIAN_VERSION}') : images.runner;
  return [
    { name: 'ELIXIR_VERSION', value: elixir },
    { name: 'OTP_VERSION', value: otp },
    { name: 'DEBIAN_VERSION', value: debian },
    { name: 'BUILDER_IMAGE', value: builder },
    { name: 'RUNNER_IMAGE', value: runner },
  ];
}
