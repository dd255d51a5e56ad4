/**
 * `phoenix-dokku eject [piece]`: copies the built-in templates into the project's
 * priv/templates/phoenix-dokku/<piece>/, where they override ours on every later run
 * (the same lookup Phoenix's own generators use for priv/templates/<generator>/).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../support/errors.js';
import { PieceGenerator } from '../support/piece.js';
import { templatedPieces } from '../support/pieces.js';
import { OVERRIDE_DIR, packagedTemplatesDir } from '../support/templates.js';

const TEMPLATED_PIECES = templatedPieces();

export default class EjectGenerator extends PieceGenerator {
  static override piece = 'eject';

  override async initializing(): Promise<void> {
    const wanted = this.options.piece as string | undefined;
    if (wanted !== undefined && !TEMPLATED_PIECES.includes(wanted)) {
      throw new UserError(`Unknown piece "${wanted}" for eject. Choose one of: ${TEMPLATED_PIECES.join(', ')} (or none for all). Nothing was written.`);
    }
    await super.initializing();
  }

  writing(): void {
    const wanted = this.options.piece as string | undefined;
    for (const piece of wanted ? [wanted] : TEMPLATED_PIECES) {
      const source = packagedTemplatesDir(piece);
      for (const file of readdirSync(source, { recursive: true, withFileTypes: true }).filter(entry => entry.isFile())) {
        const relative = join(file.parentPath ?? file.path, file.name).slice(source.length + 1);
        const destination = join(OVERRIDE_DIR, piece, relative);
        this.fs.copy(join(source, relative), this.destinationPath(destination));
        this.report.files.push({ piece: 'eject', path: destination, action: 'render' });
      }
    }
    this.note(
      'info',
      `Edit the templates under ${OVERRIDE_DIR}/; every later run of phoenix-dokku renders them instead of the built-in ones. ` +
        'Delete a file to go back to the built-in template. Templates change between phoenix-dokku versions: compare after upgrading.',
    );
  }
}
