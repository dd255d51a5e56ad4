/**
 * `phoenix-dokku app-json`: app.json with Dokku's startup check on /health, so a container
 * that cannot reach its database never takes traffic. Migrations are not here: the Procfile's
 * `release:` runs them before the switch (written by the dockerfile/buildpacks piece).
 * An existing app.json is merged key by key; the user's keys always win.
 */
import { BUILDPACK_KINDS, HEALTH_PATH, classifyBuildpack, mergeAppJson, processTypes } from '../support/dokku.js';
import { UserError } from '../support/errors.js';
import { PieceGenerator } from '../support/piece.js';
import { templateFor } from '../support/templates.js';
import { compareVersions } from '../support/versions.js';

const APP_JSON = 'app.json';

/**
 * A release boots in seconds, `mix phx.server` on a buildpack in tens of seconds (it loads
 * Mix first): 10 attempts, 3 s apart, 5 s each give up to ~80 s before the deploy fails.
 */
const STARTUP_CHECK = { attempts: 10, wait: 3, timeout: 5 };

/** Plug.SSL's `exclude: [paths: ...]` exists from Plug 1.19.1 (older Plug silently ignores a keyword list). */
const PLUG_EXCLUDE_PATHS = '1.19.1';

const MIGRATION = /migrat|ecto\.migrate|bin\/migrate/i;

type Json = Record<string, unknown>;

export default class AppJsonGenerator extends PieceGenerator {
  static override piece = 'app-json';

  /** The user's app.json, parsed before anything is written. */
  private existingAppJson?: Json;
  /** The user's app.json is laid out on several lines: a merge keeps that layout. */
  private userLayout = false;
  private wrote = false;

  override async initializing(): Promise<void> {
    await super.initializing();
    const content = this.fs.read(this.destinationPath(APP_JSON), { defaults: null });
    if (content === null) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch (error) {
      throw new UserError(
        `${APP_JSON} is not valid JSON (${(error as Error).message}). Dokku cannot read it either: fix it, or move it away, and run again. Nothing was written.`,
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new UserError(`${APP_JSON} must hold a JSON object ({ ... }), as Dokku expects. Fix it, or move it away, and run again. Nothing was written.`);
    }
    this.existingAppJson = parsed as Json;
    this.userLayout = content.trim().includes('\n');
  }

  writing(): void {
    const filesBefore = this.report.files.length;
    const check = this.startupCheck();
    // Laid out as prettier lays out JSON (test/app-json.spec.ts checks it), so a created app.json needs no formatting pass.
    const httpHeadersJson = JSON.stringify(check.httpHeaders ?? [], null, 2).split('\n').join('\n        ');
    const conflicts = this.renderMerged({ template: 'app.json.ejs', destination: APP_JSON }, { check, httpHeadersJson }, mergeAppJson);
    this.wrote = this.report.files.slice(filesBefore).some(file => file.action !== 'keep');
    for (const { path, theirs, ours } of conflicts) {
      this.note(
        'manual',
        `${APP_JSON} already sets ${path} to ${JSON.stringify(theirs)}; yours is kept. ` +
          `For Dokku to check ${HEALTH_PATH} before switching traffic, add: ${JSON.stringify(ours)}`,
      );
    }
    this.reviewExistingScripts();
  }

  /**
   * Prettier formats an app.json that was all on one line once ours is merged in, and one
   * rendered from your own template. A merged one keeps the user's lines (prettier would re-wrap
   * them; our keys were added in their indentation); the built-in template is prettier's layout already.
   */
  async transform(): Promise<void> {
    const oneLine = this.existingAppJson !== undefined && !this.userLayout;
    if (!this.wrote || !(oneLine || templateFor(this.project.root, this.pieceName, 'app.json.ejs').custom)) return;
    // The standalone build with only the JSON printer: what `format(text, { filepath: 'app.json' })` uses, without the rest of prettier.
    const [{ format }, babel, estree] = await Promise.all([import('prettier/standalone'), import('prettier/plugins/babel'), import('prettier/plugins/estree')]);
    const path = this.destinationPath(APP_JSON);
    this.fs.write(path, await format(this.fs.read(path)!, { parser: 'json', plugins: [babel, estree] }));
  }

  private startupCheck(): Record<string, unknown> {
    const { forceSsl, locked } = this.project;
    const httpHeaders: { name: string; value: string }[] = [];
    if (forceSsl.enabled) {
      // Dokku sends X-Forwarded-Proto only once a certificate is installed; the first deploy has none.
      httpHeaders.push({ name: 'X-Forwarded-Proto', value: 'https' });
      if (!forceSsl.rewritesForwardedProto) {
        const pathExclusion = locked.plug && compareVersions(locked.plug, PLUG_EXCLUDE_PATHS) >= 0
          ? ` Or exclude the path (Plug ${locked.plug} supports it): force_ssl: [..., exclude: [paths: ["${HEALTH_PATH}"], hosts: ["localhost", "127.0.0.1"]]].`
          : ` (Excluding the path with exclude: [paths: ...] needs Plug ${PLUG_EXCLUDE_PATHS}; the project locks Plug ${locked.plug ?? 'unknown'}.)`;
        this.note(
          'manual',
          `force_ssl in ${forceSsl.file} redirects Dokku's plain-HTTP check on ${HEALTH_PATH} (301), so every deploy would fail its health check. ` +
            `Add rewrite_on: [:x_forwarded_proto] to force_ssl: the check sends X-Forwarded-Proto: https, and nginx sets it for real requests.${pathExclusion}`,
        );
      }
    }
    return {
      name: 'web health',
      description: `GET ${HEALTH_PATH} must answer 2xx${this.project.ecto ? ' (it queries the database)' : ''} before the new container takes traffic`,
      path: HEALTH_PATH,
      httpHeaders,
      ...STARTUP_CHECK,
    };
  }

  /** Migrations belong in Procfile `release:`; an existing app.json may run them elsewhere. */
  private reviewExistingScripts(): void {
    const appJson = this.existingAppJson;
    if (!appJson) return;
    const scripts = (appJson.scripts ?? {}) as Json;
    const dokku = (scripts.dokku ?? {}) as Json;
    const release = processTypes(this.project, this.answers.strategy!).release;
    for (const [key, command] of [['scripts.dokku.postdeploy', dokku.postdeploy], ['scripts.postdeploy', scripts.postdeploy]] as const) {
      if (typeof command === 'string' && MIGRATION.test(command)) {
        this.note(
          'warning',
          `${APP_JSON} runs "${command}" in ${key}: after the new containers already take traffic, so new code meets the old schema, and a failed migration is not rolled back. ` +
            `Remove it from ${key}${release ? `; Procfile "release: ${release}" migrates before the switch` : ''}.`,
        );
      }
    }
    if (typeof dokku.predeploy === 'string' && MIGRATION.test(dokku.predeploy) && release) {
      this.note('info', `${APP_JSON} scripts.dokku.predeploy runs "${dokku.predeploy}", and Procfile "release: ${release}" migrates too. Keep one (release: is Dokku's documented place).`);
    }
    const obsolete = (Array.isArray(appJson.buildpacks) ? appJson.buildpacks : [])
      .map(entry => (typeof entry === 'object' && entry && typeof (entry as Json).url === 'string' ? ((entry as Json).url as string) : undefined))
      .filter((url): url is string => url !== undefined && Boolean(BUILDPACK_KINDS[classifyBuildpack(url) ?? ('' as never)]?.obsolete));
    if (obsolete.length) {
      this.note(
        'manual',
        `${APP_JSON} "buildpacks" lists ${obsolete.join(', ')}, which do not work on Dokku's default stack, and Dokku 0.38+ builds with app.json's list instead of .buildpacks. Remove the "buildpacks" key (.buildpacks says the same, fixed).`,
      );
    } else if (appJson.buildpacks !== undefined) {
      this.note(
        'warning',
        this.answers.strategy === 'dockerfile'
          ? `${APP_JSON} lists "buildpacks": Dokku 0.38+ writes them into .buildpacks at build time and then builds with herokuish, not the Dockerfile. Remove the key.`
          : `${APP_JSON} lists "buildpacks": Dokku 0.38+ uses them instead of .buildpacks. Remove the key, or keep it the same as .buildpacks.`,
      );
    }
  }
}
