/**
 * `phoenix-dokku logger`: production logs at :info (config/prod.exs: a `level: :debug` becomes
 * `:info`, a missing level is added), and LOG_LEVEL read at boot in config/runtime.exs so the
 * level can change on Dokku without a rebuild.
 */
import { injectLogLevelOverride, injectProdLogLevel, logLevelBlock, PROD_LOG_LEVEL } from '../support/elixir-patches.js';
import { PieceGenerator } from '../support/piece.js';

export default class LoggerGenerator extends PieceGenerator {
  static override piece = 'logger';

  writing(): void {
    const appName = this.answers.appName!;
    const prod = this.patchFile('config/prod.exs', injectProdLogLevel, `Create it with:\n\nimport Config\n\n${PROD_LOG_LEVEL}`);
    const runtime = this.patchFile(
      'config/runtime.exs',
      content => injectLogLevelOverride(content, appName),
      `Run \`phoenix-dokku runtime\` first, or create it with \`import Config\` and:\n\n${logLevelBlock(appName)}`,
    );
    if (prod.kind === 'present' && runtime.kind === 'present') {
      this.note('info', 'config/prod.exs already sets a log level other than :debug, and config/runtime.exs already reads LOG_LEVEL: nothing to add.');
    }
  }
}
