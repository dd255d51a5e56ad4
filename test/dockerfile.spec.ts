/**
 * The dockerfile piece: the generated Dockerfile is parsed with a real Dockerfile parser
 * (dockerfile-ast) and linted (dockerfile-utils); stage and step order is asserted per fixture.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import { resolveImages } from '../generators/support/images.js';
import { fixtureProject } from './support/fixture-projects.js';
import { assertRefused, fixture, phoenixFixtures, rerunPiece, runCli, runPiece, snapshotDir, type RunResult } from './support/helpers.js';

interface Step {
  keyword: string;
  args: string;
  stage: string;
}

/** Instructions with their stage, continuation lines joined. */
function parseDockerfile(content: string) {
  const dockerfile = DockerfileParser.parse(content);
  const lines = content.split('\n');
  const froms = dockerfile.getFROMs().map(from => ({ stage: from.getBuildStage() ?? '', line: from.getRange().start.line, image: from.getImage() ?? '' }));
  const steps: Step[] = dockerfile.getInstructions().map(instruction => {
    const { start, end } = instruction.getRange();
    const line = start.line;
    // The instruction's whole text (flags such as --from included), continuation lines joined.
    const text = lines.slice(start.line, end.line + 1).join('\n').replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim();
    return {
      keyword: instruction.getKeyword(),
      args: text.slice(text.indexOf(' ') + 1),
      stage: froms.filter(from => from.line <= line).at(-1)?.stage ?? '(global)',
    };
  });
  const args = Object.fromEntries(dockerfile.getInitialARGs().map(arg => [arg.getProperty()!.getName(), arg.getProperty()!.getValue() ?? '']));
  const expand = (value: string): string => value.replace(/\$\{(\w+)\}/g, (_, name: string) => expand(args[name] ?? ''));
  const cmd = dockerfile.getCMDs().at(-1)?.getJSONStrings().map(s => s.getJSONValue());
  return { froms, steps, cmd, expand, problems: validate(content).filter(d => d.severity === ValidationSeverity.ERROR).map(d => d.message) };
}

/** Index of the first builder step matching, or -1. */
const indexOf = (steps: Step[], keyword: string, pattern: RegExp) =>
  steps.findIndex(step => step.stage === 'builder' && step.keyword === keyword && pattern.test(step.args));

const read = (result: RunResult, file: string) => readFileSync(join(result.cwd, file), 'utf8');

describe('phoenix-dokku:dockerfile', function () {
  this.timeout(120_000);

  for (const name of phoenixFixtures()) {
    describe(name, () => {
      const project = fixtureProject(name);
      let result: RunResult;
      let parsed: ReturnType<typeof parseDockerfile>;
      before(async () => {
        result = await runPiece('dockerfile', name);
        parsed = parseDockerfile(read(result, 'Dockerfile'));
      });

      it('is a valid Dockerfile: builder stage, then the final stage running bin/server, no EXPOSE', () => {
        assert.deepEqual(parsed.problems, []);
        const stages = parsed.froms.map(from => from.stage);
        assert.deepEqual(stages, project.assets?.npm ? ['node', 'builder', 'final'] : ['builder', 'final']);
        assert.equal(parsed.steps.filter(step => step.keyword === 'EXPOSE').length, 0, 'Dokku would publish the exposed port');
        assert.deepEqual(parsed.cmd, ['/app/bin/server']);
        const finalSteps = parsed.steps.filter(step => step.stage === 'final');
        assert.ok(finalSteps.some(step => step.keyword === 'USER' && step.args === 'nobody'), 'runs as a non-root user');
        assert.ok(finalSteps.some(step => step.keyword === 'ENV' && /LANG="en_US.UTF-8"/.test(step.args)));
        const copy = finalSteps.find(step => step.keyword === 'COPY' && step.args.includes('--from=builder'));
        assert.match(copy!.args, new RegExp(`/app/_build/\\$\\{MIX_ENV\\}/rel/${project.releaseName} \\./$`));
      });

      it('builds with the answered Elixir/OTP, and installs the runner libraries of the same Debian release', () => {
        const answers = JSON.parse(read(result, '.yo-rc.json'))['generator-phoenix-dokku'];
        const builder = parsed.expand(parsed.froms.find(from => from.stage === 'builder')!.image);
        const runner = parsed.expand(parsed.froms.find(from => from.stage === 'final')!.image);
        const tag = /hexpm\/elixir:(.+)-erlang-(.+)-debian-(\w+)-(\d{8})-slim$/.exec(builder);
        assert.ok(tag, builder);
        assert.deepEqual([tag[1], tag[2]], [answers.elixirVersion, answers.erlangVersion]);
        assert.equal(runner, `docker.io/debian:${tag[3]}-${tag[4]}-slim`, 'runner from the same snapshot');
        const apt = parsed.steps.find(step => step.stage === 'final' && step.keyword === 'RUN' && step.args.includes('apt-get install'))!;
        assert.match(apt.args, tag[3] === 'trixie' ? /\blibncurses6\b/ : /\blibncurses5\b/);
        assert.match(apt.args, /\bopenssl\b.*\blocales\b.*\bca-certificates\b/);
      });

      it('fetches prod deps from mix.exs/mix.lock, copies compile-time config before deps.compile and runtime.exs after compiling', () => {
        const { steps } = parsed;
        const depsGet = indexOf(steps, 'RUN', /^mix deps\.get --only \$MIX_ENV$/);
        const configCopy = indexOf(steps, 'COPY', / config\/$/);
        const depsCompile = indexOf(steps, 'RUN', /^mix deps\.compile$/);
        const compile = indexOf(steps, 'RUN', /^mix compile$/);
        const runtime = indexOf(steps, 'COPY', /^config\/runtime\.exs config\/$/);
        const release = indexOf(steps, 'RUN', /^mix release\b/);
        assert.ok(indexOf(steps, 'COPY', /^mix\.exs mix\.lock \.\/$/) < depsGet && depsGet < configCopy, 'deps before config');
        assert.ok(configCopy < depsCompile && depsCompile < compile && compile < runtime && runtime < release);
        assert.ok(steps.some(step => step.keyword === 'ENV' && step.args === 'MIX_ENV="prod"' && step.stage === 'builder'));
        // Every compile-time config file the project has is copied (config split: endpoint.exs), runtime ones are not.
        const copied = steps[configCopy].args.split(' ').slice(0, -1);
        const expected = project.configFiles.filter(file => !/(runtime|releases|dev|test)\.exs$/.test(file));
        assert.deepEqual(copied, expected);
        for (const file of copied) assert.ok(existsSync(join(fixture(name), file)), `${file} exists`);
        if (name === 'custom-teslamate') assert.ok(copied.includes('config/endpoint.exs'), 'config.exs imports endpoint.exs at compile time');
      });

      it('copies the files mix.exs reads before Mix first loads it', () => {
        const depsGet = indexOf(parsed.steps, 'RUN', /^mix deps\.get/);
        const copies = parsed.steps.slice(0, depsGet).filter(step => step.keyword === 'COPY').map(step => step.args);
        for (const file of project.mixReadFiles) assert.ok(copies.includes(`${file} ${file}`), file);
        if (name === 'custom-teslamate') assert.deepEqual(project.mixReadFiles, ['VERSION'], 'mix.exs: File.read("VERSION")');
      });

      it('digests assets before mix release, in the order the Phoenix version needs', () => {
        const { steps } = parsed;
        const release = indexOf(steps, 'RUN', /^mix release\b/);
        const compile = indexOf(steps, 'RUN', /^mix compile$/);
        const deploy = indexOf(steps, 'RUN', /^mix assets\.deploy$/);
        if (!project.assets?.aliases.deploy) {
          assert.equal(deploy, -1);
          return;
        }
        assert.ok(deploy !== -1 && deploy < release, 'assets.deploy before mix release');
        if (name === 'phx-1.8-postgres') assert.ok(compile < deploy, 'Phoenix 1.8 compiles before assets.deploy');
        if (/^phx-1\.[67]-/.test(name)) assert.ok(deploy < compile, 'Phoenix 1.6/1.7 compile after assets.deploy');
        assert.equal(indexOf(steps, 'RUN', /^mix assets\.setup$/) !== -1, project.assets.aliases.setup, 'assets.setup only with the alias');
      });

      it('installs Node and npm packages only when assets are built with npm', () => {
        const npmSteps = parsed.steps.filter(step => step.keyword === 'RUN' && /^npm (ci|install) /.test(step.args));
        if (!project.assets?.npm) {
          assert.deepEqual(npmSteps, []);
          assert.equal(parsed.steps.filter(step => /\bnode\b/.test(step.args) && step.keyword === 'COPY').length, 0);
          return;
        }
        // The packages are installed once: by mix assets.setup when that alias runs npm itself, else by an npm step of ours.
        const packageFiles = indexOf(parsed.steps, 'COPY', /package\.json/);
        assert.ok(packageFiles > indexOf(parsed.steps, 'RUN', /^mix deps\.get/), 'package.json links into deps/, fetched first');
        if (project.assets.setupRunsNpm && project.assets.aliases.setup) {
          assert.deepEqual(npmSteps, [], 'mix assets.setup runs npm ci: not twice');
          assert.ok(indexOf(parsed.steps, 'RUN', /^mix assets\.setup/) > packageFiles);
          return;
        }
        assert.equal(npmSteps.length, 1);
        assert.match(npmSteps[0].args, project.assets.npmLockfile ? /^npm ci --prefix assets\b/ : /^npm install --prefix assets\b/);
      });

      it('writes the Procfile: web starts the release, release migrates only with Ecto', () => {
        const expected = project.ecto ? 'web: /app/bin/server\nrelease: /app/bin/migrate\n' : 'web: /app/bin/server\n';
        assert.equal(read(result, 'Procfile'), expected);
      });

      it('keeps build output, dependencies, git and secrets out of the build context', () => {
        // `/_build/` (phx.gen.release) and `_build/` exclude the same directory.
        const ignored = read(result, '.dockerignore').split('\n').map(line => line.replace(/^\//, ''));
        for (const pattern of ['_build/', 'deps/', '**/node_modules/', '.git/', '**/.env', '**/.env.*', '**/*.pem', '**/*.key']) {
          assert.ok(ignored.includes(pattern) || ignored.includes(pattern.replace(/\/$/, '')), pattern);
        }
        assert.equal(ignored.some(line => /^config\b/.test(line)), false, 'config is needed in the build');
      });

      it('changes nothing on a second run', async () => {
        const before = snapshotDir(result.cwd);
        await rerunPiece(result, 'dockerfile');
        assert.deepEqual(snapshotDir(result.cwd), before);
      });
    });
  }

  describe('umbrella (phx-1.7-umbrella)', () => {
    let steps: Step[];
    before(async () => {
      const result = await runPiece('dockerfile', 'phx-1.7-umbrella');
      steps = parseDockerfile(read(result, 'Dockerfile')).steps;
    });

    it('fetches deps with every app mix.exs, builds assets in the web app, and releases from the root by name', () => {
      const depsGet = indexOf(steps, 'RUN', /^mix deps\.get/);
      for (const app of ['kitchen', 'kitchen_web']) {
        const copy = indexOf(steps, 'COPY', new RegExp(`^apps/${app}/mix\\.exs apps/${app}/$`));
        assert.ok(copy !== -1 && copy < depsGet, app);
      }
      const deploy = indexOf(steps, 'RUN', /^mix assets\.deploy$/);
      assert.deepEqual(steps[deploy - 1], { keyword: 'WORKDIR', args: '/app/apps/kitchen_web', stage: 'builder' });
      assert.deepEqual(steps[deploy + 1], { keyword: 'WORKDIR', args: '/app', stage: 'builder' });
      assert.ok(indexOf(steps, 'COPY', /^apps apps$/) < deploy);
      assert.ok(indexOf(steps, 'RUN', /^mix release kitchen$/) > deploy);
    });
  });

  it('.buildpacks left in the project: a warning that Dokku would build with herokuish, and the builder:set command', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-both-'));
    try {
      cpSync(fixture('phx-1.7-postgres'), dir, { recursive: true });
      writeFileSync(join(dir, '.buildpacks'), 'https://github.com/gigalixir/gigalixir-buildpack-elixir\n');
      const run = runCli(dir, ['dockerfile', '--yes']);
      assert.equal(run.status, 0, run.output);
      assert.match(run.output, /Warnings\n.*\.buildpacks is still in the project.*builds with buildpacks \(herokuish\) whenever it exists.*dokku builder:set shop selected dockerfile/s);
      assert.equal(readFileSync(join(dir, '.buildpacks'), 'utf8'), 'https://github.com/gigalixir/gigalixir-buildpack-elixir\n', 'the user deletes it, not us');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a Dockerfile of the project that builds the answered versions keeps its Debian snapshot (phx-1.7-release)', async () => {
    const result = await runPiece('dockerfile', 'phx-1.7-release');
    const parsed = parseDockerfile(read(result, 'Dockerfile'));
    assert.equal(parsed.expand(parsed.froms[0].image), 'docker.io/hexpm/elixir:1.17.2-erlang-27.0.1-debian-bullseye-20240722-slim');
    assert.equal(parsed.expand(parsed.froms[1].image), 'docker.io/debian:bullseye-20240722-slim');
  });

  describe('image flags', () => {
    it('--builder-image with a hexpm tag: used as is, the runner follows its snapshot', async () => {
      const builder = 'docker.io/hexpm/elixir:1.18.5-erlang-27.3.4.18-debian-bookworm-20261005-slim';
      const result = await runPiece('dockerfile', 'phx-1.7-postgres', { 'builder-image': builder });
      const parsed = parseDockerfile(read(result, 'Dockerfile'));
      assert.equal(parsed.expand(parsed.froms[0].image), builder);
      assert.equal(parsed.expand(parsed.froms[1].image), 'docker.io/debian:bookworm-20261005-slim');
      const apt = parsed.steps.find(step => step.stage === 'final' && step.args.includes('apt-get install'))!;
      assert.match(apt.args, /\blibncurses5\b/);
    });

    it('the image flags are kept in .yo-rc.json: a later run without them changes nothing', async () => {
      const builder = 'docker.io/hexpm/elixir:1.16.3-erlang-26.2.5.21-debian-bookworm-20260918-slim';
      const runner = 'docker.io/debian:bookworm-20260918-slim';
      const result = await runPiece('dockerfile', 'phx-1.7-postgres', { 'builder-image': builder, 'runner-image': runner });
      const before = snapshotDir(result.cwd);
      await rerunPiece(result, 'dockerfile');
      assert.deepEqual(snapshotDir(result.cwd), before);
      const parsed = parseDockerfile(read(result, 'Dockerfile'));
      assert.deepEqual([parsed.expand(parsed.froms[0].image), parsed.expand(parsed.froms[1].image)], [builder, runner]);
    });

    for (const [what, options, message] of [
      ['a malformed image', { 'builder-image': 'Not An Image!' }, /--builder-image "Not An Image!" is not a Docker image reference/],
      ['an untagged image', { 'runner-image': 'debian' }, /--runner-image "debian" has no tag/],
      ['a builder whose runner cannot be derived', { 'builder-image': 'ghcr.io/acme/elixir-builder:2' }, /Pass --runner-image too/],
    ] as const) {
      it(`refuses ${what}: the fix, nothing written`, async () => {
        await assertRefused('dockerfile', 'phx-1.7-postgres', options, message);
      });
    }
  });

  describe('resolveImages (offline image data)', () => {
    it('uses a known tag, preferring the default Debian release, and composes the ARGs from it', () => {
      const images = resolveImages({ elixir: '1.20.4', otp: '29.1.1' });
      assert.equal(images.builder, 'docker.io/hexpm/elixir:1.20.4-erlang-29.1.1-debian-trixie-20260918-slim');
      assert.equal(images.runner, 'docker.io/debian:trixie-20260918-slim');
      assert.deepEqual(images.composed, { elixir: '1.20.4', otp: '29.1.1', debian: 'trixie-20260918-slim' });
      assert.deepEqual(images.warnings, []);
      assert.ok(images.runtimePackages.includes('libncurses6'));
    });

    it('falls back to a verified tag on another Debian release before constructing one', () => {
      const images = resolveImages({ elixir: '1.17.3', otp: '27.1.2' });
      assert.equal(images.builder, 'docker.io/hexpm/elixir:1.17.3-erlang-27.1.2-debian-bookworm-20241016-slim');
      assert.deepEqual(images.warnings, []);
      assert.ok(images.runtimePackages.includes('libncurses5'));
    });

    it('constructs an unknown pair from the newest snapshot and warns, naming the override flags and a known tag', () => {
      const images = resolveImages({ elixir: '1.16.3', otp: '26.2.5.6' });
      assert.match(images.builder, /:1\.16\.3-erlang-26\.2\.5\.6-debian-trixie-\d{8}-slim$/);
      assert.equal(images.warnings.length, 1);
      assert.match(images.warnings[0], /unverified.*--builder-image.*--runner-image/s);
      assert.match(images.warnings[0], /1\.16\.3-erlang-26\.2\.5\.21-debian-bookworm/);
    });

    it('warns when the runner is another Debian release than the builder: the release carries the builder\'s Erlang runtime', () => {
      const images = resolveImages({ elixir: '1.20.4', otp: '29.1.1', runnerOverride: 'docker.io/debian:bookworm-20260918-slim' });
      assert.equal(images.warnings.length, 1);
      assert.match(images.warnings[0], /debian:bookworm-20260918-slim is Debian bookworm, but the builder .* is Debian trixie.*glibc.*--runner-image docker\.io\/debian:trixie-20260918-slim/s);
      const overridden = resolveImages({ elixir: '1.20.4', otp: '29.1.1', builderOverride: 'hexpm/elixir:1.20.4-erlang-29.1.1-debian-bookworm-20260918-slim', runnerOverride: 'debian:trixie-20260918-slim' });
      assert.match(overridden.warnings.join('\n'), /Debian trixie, but the builder .* is Debian bookworm.*--runner-image docker\.io\/debian:bookworm-20260918-slim/s);
      assert.deepEqual(resolveImages({ elixir: '1.20.4', otp: '29.1.1', runnerOverride: 'docker.io/debian:trixie-20261005-slim' }).warnings, [], 'same release');
    });

    it('keeps the project\'s Debian snapshot for a pair not in the data, and says so', () => {
      const images = resolveImages({ elixir: '1.17.2', otp: '27.0.1', projectDebian: 'bullseye-20240722-slim' });
      assert.equal(images.builder, 'docker.io/hexpm/elixir:1.17.2-erlang-27.0.1-debian-bullseye-20240722-slim');
      assert.ok(images.runtimePackages.includes('libncurses5'));
      assert.match(images.warnings[0], /keeps the Debian snapshot your Dockerfile builds on \(DEBIAN_VERSION=bullseye-20240722-slim\)/);
      assert.equal(resolveImages({ elixir: '1.20.4', otp: '29.1.1', projectDebian: 'bullseye-20240722-slim' }).builder, resolveImages({ elixir: '1.20.4', otp: '29.1.1' }).builder, 'a known tag wins');
    });

    it('warns when an overriding builder disagrees with the answers', () => {
      const images = resolveImages({ elixir: '1.18.5', otp: '27.3.4.18', builderOverride: 'hexpm/elixir:1.17.3-erlang-27.1.2-debian-bookworm-20241016-slim' });
      assert.equal(images.runner, 'docker.io/debian:bookworm-20241016-slim');
      assert.match(images.warnings[0], /Elixir 1\.17\.3 \/ OTP 27\.1\.2.*--elixir-version 1\.17\.3 --erlang-version 27\.1\.2/);
    });
  });
});
