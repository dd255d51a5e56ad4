/**
 * `phoenix-dokku runtime`: config/runtime.exs that reads every secret, host and URL at boot
 * and fails naming the missing variable and the Dokku command that sets it.
 *
 * No runtime.exs yet (Phoenix ≤ 1.5): the whole file is rendered. An existing one keeps
 * every line: the Dokku commands are added to phx.new's `raise` messages, and whatever is
 * still missing is appended in one block marked `# phoenix-dokku:`; what cannot be added
 * safely (the file configures the same thing another way) becomes a manual step.
 */
import {
  disableImport,
  injectRuntimeConfig,
  planRuntimeAdditions,
  runtimeContextFor,
  runtimeTemplateData,
  type RuntimePlan,
} from '../support/elixir-patches.js';
import { PieceGenerator } from '../support/piece.js';

const RUNTIME_EXS = 'config/runtime.exs';
const PROD_EXS = 'config/prod.exs';

export default class RuntimeGenerator extends PieceGenerator {
  static override piece = 'runtime';

  async writing(): Promise<void> {
    const context = runtimeContextFor(this.project, this.answers.appName!, this.answers.host);
    const { existing } = this.project;
    if (!existing.runtimeConfig) {
      this.renderFiles([{ template: 'runtime.exs.ejs', destination: RUNTIME_EXS }], runtimeTemplateData(context));
    } else {
      let plan: RuntimePlan | undefined;
      this.patchFile(
        RUNTIME_EXS,
        content => {
          plan = planRuntimeAdditions(content, context, RUNTIME_EXS);
          return injectRuntimeConfig(content, context);
        },
        'Nothing to add by hand.',
      );
      for (const step of plan?.manual ?? []) this.note('manual', step);
      for (const step of plan?.info ?? []) this.note('info', step);
    }
    await this.explainLegacyConfig();
  }

  /** Phoenix ≤ 1.5 read secrets in files that still do something once runtime.exs exists. */
  private async explainLegacyConfig(): Promise<void> {
    const { prodSecretConfig, releasesConfig } = this.project.existing;
    const prodExs = this.fs.read(this.destinationPath(PROD_EXS), { defaults: null });
    const imported = prodSecretConfig && prodExs !== null && disableImport(prodExs, 'prod.secret.exs');
    if (imported && imported.kind === 'injected' && (await this.consent(`${PROD_EXS} imports ${prodSecretConfig} while the release is built; ${RUNTIME_EXS} now reads its secrets at boot. Comment the import_config line out?`))) {
      this.writePatched(PROD_EXS, imported.content);
      this.note('info', `${PROD_EXS}: import_config "prod.secret.exs" commented out (kept as a comment): ${RUNTIME_EXS} reads DATABASE_URL and SECRET_KEY_BASE at boot. Delete ${prodSecretConfig} once nothing else uses it.`);
    } else if (imported && imported.kind === 'injected') {
      this.note(
        'manual',
        `${prodSecretConfig} still runs when the release is BUILT if config/prod.exs imports it (import_config "prod.secret.exs"): ` +
          'the build then needs DATABASE_URL and SECRET_KEY_BASE (it raises without them) and bakes their values into the release. ' +
          `${RUNTIME_EXS} now reads both at boot: remove that import_config line from config/prod.exs, then delete ${prodSecretConfig}.`,
      );
    }
    if (releasesConfig) {
      this.note(
        'warning',
        `${releasesConfig} is ignored by mix release now that ${RUNTIME_EXS} exists (runtime.exs wins). ` +
          `Move anything only ${releasesConfig} sets into ${RUNTIME_EXS}, then delete it.`,
      );
    }
  }
}
