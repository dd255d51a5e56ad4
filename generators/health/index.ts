/**
 * `phoenix-dokku health`: a HealthController whose `GET /health` runs `SELECT 1` on every
 * repo (503 with a generic body when one fails, the reason logged) and its route, in a
 * scope of its own with no pipeline, before any catch-all.
 */
import { existingHealthRoute, healthScope, injectHealthRoute } from '../support/elixir-patches.js';
import { PieceGenerator } from '../support/piece.js';

export default class HealthGenerator extends PieceGenerator {
  static override piece = 'health';

  writing(): void {
    const { web, ecto, forceSsl } = this.project;
    const controller = `${web.module}.HealthController`;
    let foreignRoute: string | undefined;
    this.patchFile(
      web.routerFile,
      content => {
        const route = existingHealthRoute(content);
        if (route && !/\bHealthController\s*,\s*:show\b/.test(route)) foreignRoute = route;
        return injectHealthRoute(content, web.module, web.routerFile);
      },
      `Add this to the router, before any catch-all route or forward:\n\n${healthScope(web.module)}`,
    );
    if (foreignRoute) {
      this.note('info', `${web.routerFile} already routes /health (${foreignRoute}); kept it and wrote no HealthController. Make sure it checks the database.`);
      return;
    }
    this.renderFiles([{ template: 'health_controller.ex.ejs', destination: `${web.controllersDir}/health_controller.ex` }], {
      module: controller,
      useLines: this.useLines(),
      reposDefinition: reposDefinition(ecto?.repos ?? []),
    });
    if (!ecto) this.note('info', `GET /health answers 200 whenever the endpoint is up: the project has no database to check.`);
    if (forceSsl.enabled && !forceSsl.rewritesForwardedProto) {
      this.note(
        'warning',
        `force_ssl in ${forceSsl.file} has no rewrite_on: [:x_forwarded_proto]. Behind Dokku's TLS proxy every request, /health included, ` +
          'is then redirected to https forever. Add rewrite_on: [:x_forwarded_proto] to force_ssl.',
      );
    }
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
