/**
 * `phoenix-dokku release`: what `mix release` needs to run the app on Dokku without Mix:
 * a Release module (migrate/rollback over every repo), rel/overlays/bin/server (starts the
 * release with PHX_SERVER=true) and rel/overlays/bin/migrate (runs the migrations).
 *
 * A migration module the project already has, under any name, is used instead of writing
 * a second one. An umbrella gets the `releases:` entry `mix release` insists on.
 */
import { injectUmbrellaRelease, umbrellaReleaseSnippet } from '../support/elixir-patches.js';
import { flyExports, guardFlyEnv } from '../support/dokku.js';
import { PieceGenerator } from '../support/piece.js';

const SERVER = 'rel/overlays/bin/server';
const MIGRATE = 'rel/overlays/bin/migrate';
const ENV_SH = 'rel/env.sh.eex';

export default class ReleaseGenerator extends PieceGenerator {
  static override piece = 'release';

  writing(): void {
    const { ecto, existing, releaseName } = this.project;
    const found = existing.releaseModule;
    const module = found?.module ?? (ecto ? `${ecto.app.module}.Release` : undefined);
    const migrateCall = module && `${module}.migrate`;
    const writeModule = Boolean(ecto && !found);
    const keepServer = Boolean(existing.serverScript && existing.serverScriptSetsPhxServer);
    const keepMigrate = Boolean(existing.migrateScript && migrateCall && existing.migrateScriptEval?.replace(/\(\)$/, '') === migrateCall);

    this.renderFiles(
      [
        { template: 'release.ex.ejs', destination: this.releaseModuleFile(), when: writeModule },
        { template: 'server.ejs', destination: SERVER, executable: true, when: !keepServer },
        { template: 'migrate.ejs', destination: MIGRATE, executable: true, when: Boolean(migrateCall) && !keepMigrate },
      ],
      {
        module: module ?? '',
        otpApp: ecto?.app.otpApp ?? this.project.otpApp,
        releaseName,
        migrateCall: migrateCall ?? '',
        firstRepo: ecto?.repos[0] ?? 'Repo',
      },
    );

    if (!migrateCall) {
      this.note('skipped', `No Release module and no ${MIGRATE}: the project has no Ecto repo, so there is nothing to migrate.`);
    }
    if (found) {
      this.note('info', `${MIGRATE} runs ${found.module}.migrate from ${found.file}, the project's own migration module (no second one written).`);
      if (!found.startsSsl) {
        this.note(
          'warning',
          `${found.module} does not start :ssl before connecting. \`bin/${releaseName} eval\` starts no applications, so with ssl: true on a repo ` +
            `the migrations cannot connect. Add \`Application.ensure_all_started(:ssl)\` before loading the app in ${found.file} if your database uses SSL.`,
        );
      }
      if (!found.rollback) this.note('info', `${found.module} has no rollback/2; roll back from \`bin/${releaseName} remote\` with Ecto.Migrator.run/4 if you need to.`);
    }
    if (keepServer) this.note('info', `${SERVER} already sets PHX_SERVER and starts the release; kept as it is.`);
    if (keepMigrate) this.note('info', `${MIGRATE} already runs ${migrateCall}; kept as it is.`);
    if (this.project.umbrella) this.defineUmbrellaRelease();
    this.guardPlatformEnv();
  }

  /** A Fly.io rel/env.sh.eex would make the release fail to start elsewhere: its Fly-only settings are undone off Fly. */
  private guardPlatformEnv(): void {
    const content = this.fs.read(this.destinationPath(ENV_SH), { defaults: null });
    if (content === null) return;
    const exports = flyExports(content);
    const result = this.patchFile(ENV_SH, guardFlyEnv, '');
    if (result.kind === 'injected') {
      this.note(
        'info',
        `${ENV_SH} sets ${exports.map(entry => entry.name).join(', ')} for Fly.io (lines ${exports.map(entry => entry.line).join(', ')}): on Dokku RELEASE_NODE would be "<app>-@" (no FLY_PRIVATE_IP) and the release would not start. ` +
          'Appended lines that undo them when FLY_PRIVATE_IP is unset; every line of yours still applies on Fly. Delete the Fly lines once you have left Fly.',
      );
    }
  }

  /** `lib/<app>/release.ex` of the app that owns the repos (`apps/<app>/lib/...` in an umbrella). */
  private releaseModuleFile(): string {
    const app = this.project.ecto?.app;
    return app ? `${app.dir ? `${app.dir}/` : ''}lib/${app.otpApp}/release.ex` : '';
  }

  private defineUmbrellaRelease(): void {
    const { releaseName, apps } = this.project;
    const names = apps.map(app => app.otpApp);
    this.patchFile(
      'mix.exs',
      content => injectUmbrellaRelease(content, releaseName, names),
      `mix release needs a release defined in the umbrella's mix.exs. Add to the list in \`def project\`:\n\n${umbrellaReleaseSnippet(releaseName, names, '  ')}`,
    );
  }
}
