/**
 * The routes of a Phoenix router, read with the Elixir parser: each route's full path (its own
 * path under the paths of the scopes around it), its controller and action, the pipelines a
 * request goes through, and whether a release has it at all (`if Mix.env() == :dev`). Phoenix
 * matches routes in order, so the order is kept: a catch-all above a route shadows it.
 */
import { evaluateForProd } from './config-model.js';
import { atomValue, callArguments, callName, doBlock, parseElixir, stringValue, type SyntaxNode } from './elixir-ast.js';

export interface RouteFacts {
  /** `get`, `post`, `forward`, `live`, `match`, ... */
  verb: string;
  /** The full path the route answers (`/api/health`). */
  path: string;
  line: number;
  /** The route's first line as written (`get "/health", HealthController, :show`). */
  text: string;
  /** The controller (or plug) module with the scope aliases applied (`ShopWeb.HealthController`). */
  controller?: string;
  action?: string;
  /** Pipelines of the enclosing scopes, outermost first. */
  pipelines: string[];
  /** Only in dev/test builds (`if Mix.env() in [:dev, :test] do`). */
  devOnly: boolean;
  /** Matches every path under its own (`get "/*path"`, `forward "/"`). */
  catchAll: boolean;
}

const VERBS = ['get', 'post', 'put', 'patch', 'delete', 'options', 'head', 'match', 'forward', 'live'];

export function readRoutes(router: string, file = 'router.ex'): RouteFacts[] {
  const root = parseElixir(router, file).root;
  const routes: RouteFacts[] = [];
  const visit = (nodes: SyntaxNode[], scope: { path: string; alias: string; pipelines: string[]; devOnly: boolean }) => {
    const pipelines = [...scope.pipelines];
    for (const node of nodes) {
      const name = callName(node);
      if (!name || name.module) continue;
      if (name.name === 'defmodule' || name.name === 'live_session') {
        visit(doBlock(node)?.body ?? [], scope);
      } else if (name.name === 'scope') {
        const { positional, keywords } = callArguments(node);
        const path = stringValue(positional[0]) ?? stringValue(keywords.find(entry => entry.key === 'path')?.value) ?? '';
        const aliasNode = positional.find(arg => arg.type === 'alias') ?? keywords.find(entry => entry.key === 'alias')?.value;
        const alias = aliasNode?.type === 'alias' ? [scope.alias, aliasNode.text].filter(Boolean).join('.') : scope.alias;
        visit(doBlock(node)?.body ?? [], { path: joinPath(scope.path, path), alias, pipelines, devOnly: scope.devOnly });
      } else if (name.name === 'if') {
        const devOnly = scope.devOnly || evaluateForProd(callArguments(node).positional[0] ?? node) === false;
        const block = doBlock(node);
        visit(block?.body ?? [], { ...scope, pipelines, devOnly });
        visit(block?.elseBody ?? [], { ...scope, pipelines, devOnly: scope.devOnly });
      } else if (name.name === 'pipe_through') {
        const arg = callArguments(node).positional[0];
        const names = arg?.type === 'list' ? arg.items.map(item => atomValue(item)) : [atomValue(arg)];
        pipelines.push(...names.filter((pipeline): pipeline is string => Boolean(pipeline)));
      } else if (VERBS.includes(name.name)) {
        const args = callArguments(node).positional;
        const [pathArg, controllerArg, actionArg] = name.name === 'match' ? args.slice(1) : args;
        const own = stringValue(pathArg);
        if (own === undefined) continue;
        const path = joinPath(scope.path, own);
        routes.push({
          verb: name.name,
          path,
          line: node.line,
          text: node.text.split('\n')[0].trim(),
          controller: controllerArg?.type === 'alias' ? [scope.alias, controllerArg.text].filter(Boolean).join('.') : undefined,
          action: atomValue(actionArg),
          pipelines,
          devOnly: scope.devOnly,
          catchAll: own.includes('*') || (name.name === 'forward' && path === '/'),
        });
      }
    }
  };
  visit(root.items, { path: '', alias: '', pipelines: [], devOnly: false });
  return routes;
}

const joinPath = (base: string, own: string) => ('/' + [base, own].join('/')).replace(/\/+/g, '/').replace(/(.)\/$/, '$1');

/** The route a release serves `/health` with, if any (`/api/health` is not it; a dev-only one does not count). */
export function healthRoute(routes: RouteFacts[], path = '/health'): RouteFacts | undefined {
  return routes.find(route => route.path === path && !route.devOnly && (route.verb === 'get' || route.verb === 'match' || route.verb === 'forward' || route.verb === 'live'));
}

/** A route above `route` that answers its path first (a catch-all `get "/*path"`, `forward "/"`). */
export function shadowOf(routes: RouteFacts[], route: RouteFacts): RouteFacts | undefined {
  return routes.slice(0, routes.indexOf(route)).find(before => !before.devOnly && before.catchAll && route.path.startsWith(before.path.replace(/\/?\*.*$/, '')));
}

