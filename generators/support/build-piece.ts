/**
 * What the two build strategies (dockerfile, buildpacks) share: the Procfile Dokku runs the
 * app with, and the warning when the other builder's files are still in the project.
 */
import type { Strategy } from './answers.js';
import { BUILDERS, mergeProcfile, processTypes, type Conflict } from './dokku.js';
import { PieceGenerator } from './piece.js';

const PROCFILE = 'Procfile';

export abstract class BuildPiece extends PieceGenerator {
  protected abstract readonly strategy: Strategy;

  /** Adds `web:` and (with Ecto) `release:` to the Procfile; lines already there are kept. */
  protected writeProcfile(): void {
    const processes = processTypes(this.project, this.strategy);
    const path = this.destinationPath(PROCFILE);
    if (!this.fs.exists(path)) {
      const created = mergeProcfile('', processes).injection;
      if (created.kind === 'injected') this.fs.write(path, created.content);
      this.report.files.push({ piece: this.pieceName, path: PROCFILE, action: 'render' });
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
      this.note(
        'manual',
        name === 'release'
          ? `Procfile runs "release: ${theirs}". Dokku runs it before the new containers take traffic; for ${build} the migrations are "release: ${ours}". Change the line unless yours already migrates.`
          : `Procfile runs "${name}: ${theirs}"; for ${build} it is "${name}: ${ours}". Change the line unless yours starts the app the same way.`,
      );
    }
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
