/**
 * `phoenix-dokku health`: a HealthController whose `GET /health` runs `SELECT 1` on every
 * repo (503 with a generic body when one fails, the reason logged) and its route, in a
 * scope of its own with no pipeline, before any catch-all.
 */
import { healthScope, injectHealthRoute } from '../support/elixir-patches.js';
import { healthRoute, readRoutes } from '../support/routes.js';
import { PieceGenerator } from '../support/piece.js';

export default class HealthGenerator extends PieceGenerator {
  static override piece = 'health';

  writing(): void {
    const { web, ecto, forceSsl } = this.project;
    const { name, file } = this.controllerName();
    const controller = `${web.module}.${name}`;
    let foreignRoute: string | undefined;
    this.patchFile(
      web.routerFile,
      content => {
        const route = healthRoute(readRoutes(content, web.routerFile));
        if (route && !(route.controller === controller && route.action === 'show')) foreignRoute = route.text;
        return injectHealthRoute(content, web.module, web.routerFile, name);
      },
      `Add this to the router, before any catch-all route or forward:\n\n${healthScope(web.module, name)}`,
    );
    if (foreignRoute) {
      this.note('info', `${web.routerFile} already routes /health (${foreignRoute}); kept it and wrote no health controller. Make sure it checks the database (phoenix-dokku doctor tells).`);
      return;
    }
    this.renderFiles([{ template: 'health_controller.ex.ejs', destination: file }], {
      module: controller,
      useLines: this.useLines(),
      reposDefinition: reposDefinition(ecto?.repos ?? []),
    });
    if (name !== 'HealthController') {
      this.note(
        'info',
        `${web.healthController!.file} defines your own ${web.module}.HealthController: kept. /health is served by ${controller} (${file}), which checks the database; yours keeps answering its own routes.`,
      );
    }
    if (!ecto) this.note('info', `GET /health answers 200 whenever the endpoint is up: the project has no database to check.`);
    if (forceSsl.enabled && !forceSsl.rewritesForwardedProto) {
      this.note(
        'warning',
        `force_ssl in ${forceSsl.file} has no rewrite_on: [:x_forwarded_proto]. Behind Dokku's TLS proxy every request, /health included, ` +
          'is then redirected to https forever. Add rewrite_on: [:x_forwarded_proto] to force_ssl.',
      );
    }
  }

  /** HealthController, unless the project has its own module of that name: then one that cannot collide with it. */
  private controllerName(): { name: string; file: string } {
    const { web } = this.project;
    const conventional = `${web.controllersDir}/health_controller.ex`;
    const existing = web.healthController;
    // Already serving /health (phoenix-dokku's, maybe edited since): it stays the one.
    const router = this.fs.read(this.destinationPath(web.routerFile), { defaults: '' }) ?? '';
    const route = healthRoute(readRoutes(router, web.routerFile));
    const serves = route?.controller === `${web.module}.HealthController` && route.action === 'show';
    if (!existing || serves || (existing.file === conventional && this.isUnchangedGenerated(conventional))) return { name: 'HealthController', file: conventional };
    return { name: 'DokkuHealthController', file: `${web.controllersDir}/dokku_health_controller.ex` };
  }

  /**
   * `use MyAppWeb, :controller` when the web module offers it, else what it would expand to
   * (Plug.Conn only when put_status/2 is used: an unused import is a compile warning).
   */
  private useLines(): string {
    const { web, ecto } = this.project;
    if (web.controllerHelper) return `  use ${web.module}, :controller`;
    const controller = web.controllerStyle === 'phoenix-1.7' ? 'use Phoenix.Controller, formats: [:json]' : `use Phoenix.Controller, namespace: ${web.module}`;
    return [`  ${controller}`, ...(ecto ? ['', '  import Plug.Conn'] : [])].join('\n');
  }
}

/** `defp repos` listing every repo, on one line when `mix format` would keep it there. */
function reposDefinition(repos: string[]): string {
  if (!repos.length) return '';
  const oneLine = `  defp repos, do: [${repos.join(', ')}]`;
  if (oneLine.length <= 98) return oneLine;
  return ['  defp repos do', '    [', ...repos.map((repo, index) => `      ${repo}${index < repos.length - 1 ? ',' : ''}`), '    ]', '  end'].join('\n');
}
