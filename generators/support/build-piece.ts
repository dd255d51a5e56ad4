/**
 * What the two build strategies (dockerfile, buildpacks) share: the Procfile Dokku runs the
 * app with, and the warning when the other builder's files are still in the project.
 */
import type { Strategy } from './answers.js';
import { BUILDERS, mergeProcfile, processTypes, type Conflict, type ProcessTypes } from './dokku.js';
import { PieceGenerator } from './piece.js';

const PROCFILE = 'Procfile';

const BUILD_NAMES: Readonly<Record<Strategy, string>> = { dockerfile: 'Dockerfile build', buildpack: 'buildpack build' };

/** The Procfile we write when there is none. */
function procfileFor(processes: ProcessTypes): string {
  const created = mergeProcfile('', processes).injection;
  return created.kind === 'injected' ? created.content : '';
}

export abstract class BuildPiece extends PieceGenerator {
  protected abstract readonly strategy: Strategy;

  /**
   * Adds `web:` and (with Ecto) `release:` to the Procfile; lines already there are kept. The
   * Procfile written for the other strategy is replaced: its commands cannot run in this build.
   */
  protected async writeProcfile(): Promise<void> {
    const processes = processTypes(this.project, this.strategy);
    const path = this.destinationPath(PROCFILE);
    const existing = this.fs.read(path, { defaults: null });
    const otherStrategy: Strategy = this.strategy === 'dockerfile' ? 'buildpack' : 'dockerfile';
    const otherProcfile = procfileFor(processTypes(this.project, otherStrategy));
    if (existing === null || existing === otherProcfile) {
      // Rendered, not patched: the conflict check replaces it without asking only if it is ours and unchanged.
      this.fs.write(path, procfileFor(processes));
      this.report.files.push({ piece: this.pieceName, path: PROCFILE, action: 'render' });
      if (existing !== null) this.note('info', `Procfile had the commands phoenix-dokku writes for the ${BUILD_NAMES[otherStrategy]}; they are replaced by those of the ${BUILD_NAMES[this.strategy]}.`);
      return;
    }
    const build = this.strategy === 'dockerfile' ? 'a Dockerfile release (no mix in the image)' : 'a buildpack deploy';
    let conflicts: Conflict[] = [];
    this.patchFile(
      PROCFILE,
      content => {
        const merged = mergeProcfile(content, processes);
        conflicts = merged.conflicts;
        return merged.injection;
      },
      `Create it with:\n${Object.entries(processes).filter(([, command]) => command).map(([type, command]) => `${type}: ${command}`).join('\n')}`,
    );
    for (const { name, theirs, ours } of conflicts) {
      // `MIX_ENV=prod elixir --sname server -S mix phx.server` starts the app like ours does.
      if (name === 'web' && this.strategy === 'buildpack' && /\bmix\s+phx\.server\b/.test(theirs)) continue;
      // A command the image cannot run (mix in a release) is a line worth changing, with consent.
      const impossible = this.strategy === 'dockerfile' && /(?:^|\s)mix\s/.test(theirs);
      if (impossible && (await this.consent(`Procfile runs "${name}: ${theirs}", but the release image has no mix. Change it to "${name}: ${ours}"?`))) {
        const content = this.fs.read(path)!;
        const lines = content.split('\n');
        const index = lines.findIndex(line => line.replace(/\r$/, '').startsWith(`${name}:`));
        lines[index] = `${name}: ${ours}${lines[index].endsWith('\r') ? '\r' : ''}`;
        this.writePatched(PROCFILE, lines.join('\n'));
        this.note('info', `Procfile: "${name}: ${theirs}" changed to "${name}: ${ours}" (the release image has no mix), with your consent.`);
        continue;
      }
      this.note(
        'manual',
        name === 'release'
          ? `Procfile runs "release: ${theirs}". Dokku runs it before the new containers take traffic; for ${build} the migrations are "release: ${ours}". Change the line unless yours already migrates.`
          : impossible
            ? `Procfile runs "${name}: ${theirs}", but the release image has no mix, so the container would crash at start. Change the line to "${name}: ${ours}" (kept as it is: phoenix-dokku changes no line of your Procfile without your consent or --force).`
            : `Procfile runs "${name}: ${theirs}"; for ${build} it is "${name}: ${ours}". Change the line unless yours starts the app the same way.`,
      );
    }
  }

  /**
   * A piece option that sticks, like the answers: given, it is saved in .yo-rc.json under `key`
   * (call `saveFlag` once it is validated); omitted, the saved value is used, so a later run
   * without the flag does not silently undo the choice.
   */
  protected savedFlag(flag: string, key: string): string | undefined {
    const given = this.flag(flag);
    if (given !== undefined) return given.trim();
    const saved = this.config.get(key);
    if (typeof saved !== 'string' || saved.trim() === '') return undefined;
    this.note('info', `--${flag} ${saved}, saved in .yo-rc.json ("${key}") by an earlier run. Pass --${flag} to change it, or delete "${key}" to go back to the default.`);
    return saved.trim();
  }

  protected saveFlag(flag: string, key: string, value: string | undefined): void {
    if (this.flag(flag) !== undefined && value !== undefined) this.config.set(key, value);
  }

  /** Dokku picks herokuish whenever .buildpacks exists, even next to a Dockerfile. */
  protected warnAboutOtherBuilder(): void {
    const { existing } = this.project;
    const app = this.answers.appName ?? '<app>';
    if (this.strategy === 'dockerfile' && existing.buildpacks) {
      this.note(
        'warning',
        `${existing.buildpacks} is still in the project, and Dokku builds with buildpacks (herokuish) whenever it exists, even next to a Dockerfile. ` +
          `Delete it (git rm ${existing.buildpacks}), and pin the builder: dokku builder:set ${app} selected ${BUILDERS.dockerfile} (in the next steps).`,
      );
    }
    if (this.strategy === 'buildpack' && existing.dockerfile) {
      this.note(
        'warning',
        `${existing.dockerfile} is still in the project. With .buildpacks Dokku builds with herokuish and ignores it, ` +
          `but a later change of builder would use it: delete it if you no longer need it, and pin the builder: dokku builder:set ${app} selected ${BUILDERS.buildpack} (in the next steps).`,
      );
    }
  }
}
