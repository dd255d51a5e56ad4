/**
 * What a Phoenix project needs to deploy on Dokku, as rules: each knows why it matters, how to
 * fix it and which sub-generator fixes it, and checks the project's files (read with their
 * parsers: the Elixir config model, dockerfile-ast, JSON) for findings at file:line. `doctor`
 * runs them all; the generator runs the rules of the files it keeps (a Dockerfile of the user's,
 * their .buildpacks, ...) and reports their findings.
 */
import type { Strategy } from './answers.js';
import { endpointFacts, settingsOf } from './config-model.js';
import { BUILDPACK_KINDS, FLY_GUARD_MARKER, classifyBuildpack, flyExports, processTypes } from './dokku.js';
import { aptPackages, buildInstructions, runsMix, startCommand, type DockerfileFacts } from './dockerfile-model.js';
import { callArguments, callName, findAll, functionDefinitions, moduleDefinitions, parseElixir, stringValue, type SyntaxNode } from './elixir-ast.js';
import type { PhoenixProject } from './project.js';
import { parseShellAssignments } from './project.js';
import { healthRoute, readRoutes, shadowOf } from './routes.js';
import { checkElixirOtpPair, checkElixirVersion, checkErlangVersion, compareVersions } from './versions.js';

export type Level = 'fail' | 'warn';

export interface Finding {
  rule: string;
  level: Level;
  file?: string;
  line?: number;
  /** What is wrong here, and the exact change. */
  message: string;
}

export interface AuditContext {
  project: PhoenixProject;
  strategy: Strategy;
  appName: string;
  /** A project file's text (including what this run has written), undefined when it does not exist. */
  read(file: string): string | undefined;
}

export interface Rule {
  id: string;
  /** What holds when the rule passes. */
  title: string;
  /** Why it matters on Dokku. */
  why: string;
  /** The sub-generator that fixes it. */
  piece: string;
  /** Files the rule is about: the generator audits the files it keeps with these rules. */
  files: readonly string[];
  /** The rule is about something this project does not have (a Dockerfile in a buildpack build): reported as not applicable. */
  applies?(ctx: AuditContext): boolean;
  check(ctx: AuditContext): Omit<Finding, 'rule'>[];
}

export interface RuleResult {
  rule: Rule;
  level: 'pass' | 'n/a' | Level;
  findings: Finding[];
}

const finding = (level: Level, message: string, file?: string, line?: number): Omit<Finding, 'rule'> => ({ level, message, file, line });

/** Phoenix 1.8 (or LiveView 1.1) emits colocated hooks while compiling: assets must be built after `mix compile`. */
const compilesBeforeAssets = (project: PhoenixProject) => {
  const { phoenix, phoenixLiveView } = project.locked;
  return (!!phoenix && compareVersions(phoenix, '1.8.0') >= 0) || (!!phoenixLiveView && compareVersions(phoenixLiveView, '1.1.0') >= 0);
};

/** Names that say a value is secret; ENV/ARG with one bakes it into the image's layers and history. */
const SECRET_NAME = /(?:SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE_KEY|ACCESS_KEY|CREDENTIALS|DATABASE_URL|COOKIE)/i;

/** Libraries a release's Erlang runtime loads (phx.gen.release's runner stage). */
const RUNNER_LIBRARIES: { name: string; matches: RegExp; why: string }[] = [
  { name: 'libstdc++6', matches: /^libstdc\+\+6$/, why: 'the runtime links it' },
  { name: 'openssl', matches: /^(?:openssl|libssl\d.*)$/, why: ':crypto and :ssl load it (Ecto over TLS, Hex, HTTP clients)' },
  { name: 'libncurses6', matches: /^libncurses\d$|^libncursesw\d$/, why: 'the shell of bin/<app> remote needs it' },
  { name: 'ca-certificates', matches: /^ca-certificates$/, why: 'outgoing TLS cannot verify any server without it' },
  { name: 'locales', matches: /^locales(?:-all)?$/, why: 'Elixir warns and mangles non-ASCII output without a UTF-8 locale' },
];

function dockerfileOf(ctx: AuditContext): DockerfileFacts | undefined {
  return ctx.strategy === 'dockerfile' ? ctx.project.existing.dockerfileFacts : undefined;
}

/** The Procfile's process types (first definition of each). */
export function procfileEntries(text: string | undefined): Map<string, { command: string; line: number }> {
  const entries = new Map<string, { command: string; line: number }>();
  (text ?? '').split(/\r?\n/).forEach((line, index) => {
    const match = /^([A-Za-z0-9_-]+):[ \t]*(.*?)[ \t]*$/.exec(line);
    if (match && !entries.has(match[1])) entries.set(match[1], { command: match[2], line: index + 1 });
  });
  return entries;
}

const MIGRATES = /\b(?:ecto\.migrate|bin\/migrate|Release\.migrate|\.migrate\b)/;

function parseJson(text: string | undefined): Record<string, any> | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const lineOfText = (text: string, needle: string) => {
  const index = text.indexOf(needle);
  return index === -1 ? undefined : text.slice(0, index).split('\n').length;
};

export const RULES: readonly Rule[] = [
  // --- config ------------------------------------------------------------------------------
  {
    id: 'no-system-get-env-bang',
    title: 'no call to System.get_env!/1 (it does not exist)',
    why: 'System.get_env!/1 was never part of Elixir: config/runtime.exs raises UndefinedFunctionError at boot and the release never starts; in a module it fails when reached.',
    piece: 'runtime',
    files: [],
    check: ({ project, read }) =>
      [...project.configFiles, ...project.sourceFiles].flatMap(file => {
        const text = read(file);
        if (!text?.includes('get_env!')) return [];
        return findAll(parseElixir(text, file).root, node => callName(node)?.module === 'System' && callName(node)?.name === 'get_env!').map(node =>
          finding('fail', `${node.text.split('\n')[0]} does not exist: write System.fetch_env!(${callArguments(node).positional[0]?.text ?? '"NAME"'}) (raises naming the variable when it is unset).`, file, node.line),
        );
      }),
  },
  {
    id: 'env-read-at-compile-time',
    title: 'config read while compiling reads no environment variable the deploy sets',
    why: "config.exs, prod.exs and what they import are evaluated when the release is built: a Docker build does not see Dokku's config vars, so the release keeps whatever the build saw (or the build raises).",
    piece: 'runtime',
    files: [],
    check: ({ project, strategy }) =>
      strategy !== 'dockerfile'
        ? []
        : project.compileTimeEnv.map(read =>
            finding(read.need === 'required' ? 'fail' : 'warn', `${read.variable} is read while compiling (${read.need}); read it in config/runtime.exs instead, which runs at boot.`, read.file, read.line),
          ),
  },
  {
    id: 'no-secret-literals',
    title: 'no secret written in the prod config',
    why: 'A secret in a config file is in git and in every image; Dokku keeps secrets in config vars.',
    piece: 'runtime',
    files: [],
    check: ({ project }) => {
      // Only the value prod ends up with counts (phx.new 1.5 keeps a literal in config.exs that prod config replaces).
      const effective = [
        { app: project.web.app.otpApp, key: project.web.endpointModule, option: 'secret_key_base', variable: 'SECRET_KEY_BASE' },
        ...(project.ecto?.repos ?? []).map(repo => ({ app: project.ecto!.app.otpApp, key: repo, option: 'password', variable: 'DATABASE_PASSWORD' })),
      ];
      return effective.flatMap(({ app, key, option, variable }) => {
        const found = settingsOf(project.config, app, key).value([option]);
        const literal = found && stringValue(found.entry.value);
        if (!found || literal === undefined || literal === '') return [];
        return [finding('fail', `${option}: is a literal (config :${app}, ${key}) and it is what prod uses. Read it at boot: ${option}: System.fetch_env!("${variable}") in config/runtime.exs.`, found.call.file, found.entry.pair.line)];
      });
    },
  },
  {
    id: 'server-started',
    title: 'the release starts the HTTP server',
    why: "A release starts the endpoint only with server: true; without it the container runs but nothing listens, and Dokku's health check fails.",
    piece: 'runtime',
    files: ['rel/overlays/bin/server', 'Procfile'],
    check: ({ project, strategy, read, appName }) => {
      if (strategy !== 'dockerfile') return []; // mix phx.server starts the endpoint itself.
      const roles = project.environment.roles.filter(use => use.role === 'server');
      const endpoint = endpointFacts(project.config, project.web.app.otpApp, project.web.endpointModule);
      const always = endpoint.calls.some(call => !call.conditions.length && call.keywords.some(entry => entry.key === 'server' && entry.value.text === 'true'));
      if (always) return [];
      if (!roles.length) {
        return [finding('fail', `Nothing sets server: true for ${project.web.endpointModule}. Add to config/runtime.exs:\n  if System.get_env("PHX_SERVER") do\n    config :${project.web.app.otpApp}, ${project.web.endpointModule}, server: true\n  end\nand start the release with rel/overlays/bin/server (PHX_SERVER=true exec ./${project.releaseName} start).`, 'config/runtime.exs')];
      }
      const web = procfileEntries(read('Procfile')).get('web')?.command ?? (project.existing.dockerfileFacts && startCommand(project.existing.dockerfileFacts)?.args) ?? '';
      const viaServerScript = /bin\/server\b/.test(web) && project.existing.serverScriptSetsPhxServer;
      const setsInImage = project.existing.dockerfileFacts?.settings.some(setting => setting.kind === 'ENV' && roles.some(role => role.variable === setting.name));
      if (roles.some(role => role.variable === 'PHX_SERVER') && (viaServerScript || setsInImage)) return [];
      const names = roles.map(role => `${role.variable}=${role.detail ?? 'true'}`).join(' or ');
      return [finding('warn', `The endpoint serves only when ${names} (${roles[0].file}:${roles[0].line}) and the start command does not set it: dokku config:set ${appName} ${roles[0].variable}=${roles[0].detail ?? 'true'} (the next steps include it).`, roles[0].file, roles[0].line)];
    },
  },
  {
    id: 'host-not-example',
    title: 'the public host comes from the environment, not example.com',
    why: 'The endpoint host drives generated URLs, the force_ssl redirect and LiveView origin checks: left at example.com, links and websockets break.',
    piece: 'runtime',
    files: [],
    check: ({ project, appName }) => {
      const endpoint = endpointFacts(project.config, project.web.app.otpApp, project.web.endpointModule);
      const host = endpoint.value(['url', 'host']);
      if (!host) return [finding('warn', `${project.web.endpointModule} has no url host for prod: generated URLs say localhost. Read it at boot: url: [host: System.get_env("PHX_HOST"), port: 443, scheme: "https"].`, 'config/runtime.exs')];
      const sources = project.config.sourcesOf(host.entry.value, host.call);
      if (!sources.variables.length && sources.literals.includes('example.com')) {
        return [finding('fail', 'The url host is the literal "example.com". Read it at boot: url: [host: System.get_env("PHX_HOST"), ...].', host.call.file, host.entry.pair.line)];
      }
      const read = project.environment.reads.find(candidate => sources.variables.includes(candidate.variable) && candidate.default === 'example.com');
      if (read && !project.environment.reads.some(other => other.variable === read.variable && other.need === 'required')) {
        return [finding('warn', `${read.variable} falls back to "example.com" when unset; set it on Dokku (dokku config:set ${appName} ${read.variable}=your.domain) and make the config raise without it.`, read.file, read.line)];
      }
      return [];
    },
  },
  {
    id: 'force-ssl-behind-proxy',
    title: 'force_ssl trusts the proxy (rewrite_on: [:x_forwarded_proto])',
    why: "Dokku's nginx talks plain HTTP to the container: without rewrite_on every request, the health check included, is redirected, so deploys fail their checks and browsers loop.",
    piece: 'health',
    files: [],
    check: ({ project }) =>
      project.forceSsl.enabled && !project.forceSsl.rewritesForwardedProto
        ? [finding('fail', 'force_ssl has no rewrite_on: add rewrite_on: [:x_forwarded_proto] to it.', project.forceSsl.file, project.forceSsl.line)]
        : [],
  },
  {
    id: 'log-level-not-debug',
    title: 'prod does not log at :debug',
    why: 'Debug logs print request parameters and queries (personal data, tokens) and slow the app.',
    piece: 'logger',
    files: [],
    check: ({ project }) =>
      project.config.calls
        .filter(call => call.app === 'logger' && call.key === undefined && !call.conditions.length)
        .flatMap(call => call.keywords.filter(entry => entry.key === 'level' && entry.value.text === ':debug').map(entry => finding('warn', 'config :logger, level: :debug applies in prod; use :info (LOG_LEVEL can raise it at boot).', call.file, entry.pair.line))),
  },
  {
    id: 'required-variables-set',
    title: 'every variable the config requires is known to be set on Dokku',
    why: 'A required variable nobody sets makes the release crash at boot, after the deploy switched nothing but before the app answers.',
    piece: 'runtime',
    files: [],
    check: ({ project, appName }) =>
      project.environment.reads
        .filter(read => read.need === 'required' && read.phase === 'boot')
        .filter((read, index, all) => all.findIndex(other => other.variable === read.variable) === index)
        .filter(read => !['PORT', 'DATABASE_URL'].includes(read.variable) && !project.environment.roles.some(use => use.variable === read.variable && ['host', 'origin', 'secret-key-base', 'salt', 'database-url', 'database-path', 'database-part'].includes(use.role)))
        .map(read => finding('warn', `${read.variable} is required (${read.how}); phoenix-dokku cannot tell whether the server sets it: dokku config:show ${appName} | grep ${read.variable}.`, read.file, read.line)),
  },
  // --- release ----------------------------------------------------------------------------
  {
    id: 'release-migrates-without-mix',
    title: 'migrations run without Mix in a release (Release module, bin/migrate)',
    why: 'A release image has no mix: `mix ecto.migrate` cannot run there; migrations go through a module with Ecto.Migrator, called by bin/migrate.',
    piece: 'release',
    files: ['rel/overlays/bin/migrate', 'Procfile'],
    check: ({ project, strategy, read }) => {
      if (strategy !== 'dockerfile' || !project.ecto) return [];
      const found: Omit<Finding, 'rule'>[] = [];
      if (!project.existing.releaseModule) found.push(finding('fail', `No module runs migrations with Ecto.Migrator: phoenix-dokku release writes lib/${project.ecto.app.otpApp}/release.ex.`));
      const migrate = read('rel/overlays/bin/migrate');
      if (migrate !== undefined && /(?:^|\s)mix\s/.test(migrate)) found.push(finding('fail', 'rel/overlays/bin/migrate calls mix, which a release does not have: exec ./<release> eval "MyApp.Release.migrate".', 'rel/overlays/bin/migrate', lineOfText(migrate, 'mix')));
      const release = procfileEntries(read('Procfile')).get('release');
      if (release && /(?:^|\s)mix\s/.test(release.command)) found.push(finding('fail', `Procfile release: runs "${release.command}", but the image has no mix: release: /app/bin/migrate.`, 'Procfile', release.line));
      return found;
    },
  },
  {
    id: 'env-sh-platform',
    applies: ({ read }) => read('rel/env.sh.eex') !== undefined,
    title: 'rel/env.sh.eex sets nothing that only works on another platform',
    why: 'env.sh runs before every release command: a RELEASE_NODE built from FLY_PRIVATE_IP is "<app>-@" on Dokku and the release does not start; ECTO_IPV6/-proto_dist inet6_tcp expect Fly\'s IPv6 network.',
    piece: 'release',
    files: ['rel/env.sh.eex'],
    check: ({ read }) => {
      const text = read('rel/env.sh.eex');
      if (text === undefined || text.includes(FLY_GUARD_MARKER)) return [];
      return flyExports(text).map(entry => finding('fail', `export ${entry.name}=... depends on Fly.io: phoenix-dokku release appends lines that undo it off Fly, or delete the line.`, 'rel/env.sh.eex', entry.line));
    },
  },
  // --- Procfile and app.json -----------------------------------------------------------------
  {
    id: 'migrations-before-traffic',
    title: 'migrations run in the Procfile release: phase, not after traffic switches nor in every web container',
    why: 'Dokku runs release: before the new containers take traffic and stops the deploy if it fails; postdeploy runs after the switch (new code on the old schema), and a migration in web: runs in every container on every start.',
    piece: 'app-json',
    files: ['Procfile', 'app.json'],
    check: ({ project, strategy, read }) => {
      const found: Omit<Finding, 'rule'>[] = [];
      const appJsonText = read('app.json');
      const appJson = parseJson(appJsonText);
      const wanted = processTypes(project, strategy).release;
      for (const [key, command] of [['scripts.dokku.postdeploy', appJson?.scripts?.dokku?.postdeploy], ['scripts.postdeploy', appJson?.scripts?.postdeploy]] as const) {
        if (typeof command === 'string' && MIGRATES.test(command)) {
          found.push(finding('fail', `app.json ${key} runs "${command}" after traffic switched: remove it${wanted ? `; Procfile release: ${wanted} migrates first` : ''}.`, 'app.json', appJsonText ? lineOfText(appJsonText, command) : undefined));
        }
      }
      const procfile = procfileEntries(read('Procfile'));
      const web = procfile.get('web');
      if (web && MIGRATES.test(web.command)) found.push(finding('fail', `Procfile web: migrates on every start ("${web.command}"): move the migration to release:${wanted ? ` ${wanted}` : ''}.`, 'Procfile', web.line));
      if (project.ecto && wanted && read('Procfile') !== undefined && !procfile.get('release') && !(typeof appJson?.scripts?.dokku?.predeploy === 'string' && MIGRATES.test(appJson.scripts.dokku.predeploy))) {
        found.push(finding('warn', `No Procfile release: migrates before traffic switches: add "release: ${wanted}".`, 'Procfile'));
      }
      return found;
    },
  },
  {
    id: 'procfile-matches-build',
    title: "the Procfile's web: command exists in the image",
    why: "A release image has no mix (web: mix ... crashes); a buildpack build has no bin/server unless it builds a release.",
    piece: 'dockerfile',
    files: ['Procfile'],
    check: ({ strategy, read }) => {
      const web = procfileEntries(read('Procfile')).get('web');
      if (!web) return [];
      if (strategy === 'dockerfile' && /(?:^|\s)mix\s/.test(web.command)) return [finding('fail', `Procfile web: "${web.command}" runs mix, which the release image does not have: web: /app/bin/server.`, 'Procfile', web.line)];
      if (strategy === 'buildpack' && /\/app\/bin\/server/.test(web.command)) return [finding('fail', `Procfile web: "${web.command}" starts a release the buildpack build does not make: web: mix phx.server.`, 'Procfile', web.line)];
      return [];
    },
  },
  {
    id: 'app-json-startup-check',
    title: "app.json has a startup check on /health",
    why: 'Without healthchecks Dokku only waits a few seconds and switches traffic to a container that may not reach its database.',
    piece: 'app-json',
    files: ['app.json'],
    check: ({ read }) => {
      const text = read('app.json');
      const appJson = parseJson(text);
      const checks = appJson?.healthchecks?.web;
      if (Array.isArray(checks) && checks.some((check: any) => (check.type ?? 'startup') === 'startup' && typeof check.path === 'string')) return [];
      return [finding('warn', text === undefined ? 'No app.json: Dokku runs no health check (phoenix-dokku app-json writes one on /health).' : 'app.json has no startup check with a path under healthchecks.web.', 'app.json')];
    },
  },
  // --- /health ---------------------------------------------------------------------------------
  {
    id: 'health-route',
    title: '/health answers outside every pipeline, before any catch-all, and checks the database',
    why: "Dokku's check (and load balancers) call GET /health: it must not be shadowed, must not need a session or an Accept header, and must fail when the database is unreachable.",
    piece: 'health',
    files: [],
    check: ({ project, read }) => {
      const router = read(project.web.routerFile);
      if (router === undefined) return [];
      const routes = readRoutes(router, project.web.routerFile);
      const route = healthRoute(routes);
      if (!route) return [finding('fail', 'No /health route: phoenix-dokku health adds one, with a controller that queries the database.', project.web.routerFile)];
      const found: Omit<Finding, 'rule'>[] = [];
      const shadow = shadowOf(routes, route);
      if (shadow) found.push(finding('fail', `"${shadow.text}" (line ${shadow.line}) matches /health first: move the /health scope above it.`, project.web.routerFile, route.line));
      if (route.pipelines.length) {
        found.push(finding('warn', `/health goes through pipe_through ${route.pipelines.map(name => `:${name}`).join(', ')}: session, CSRF or accepts plugs can turn a plain check into 4xx; route it in a scope without pipelines.`, project.web.routerFile, route.line));
      }
      if (route.controller && project.ecto) {
        const action = controllerAction(project, read, route.controller, route.action);
        if (action && !queriesDatabase(action.body)) found.push(finding('warn', `${route.controller}.${route.action} answers without querying the database, so a container that cannot reach it still takes traffic: run Repo.query("SELECT 1") and answer 503 on error.`, action.file, action.line));
        if (action && leaksErrors(action.body)) found.push(finding('warn', `${route.controller}.${route.action} puts error details in the response: log them, answer a generic body.`, action.file, action.line));
      }
      return found;
    },
  },
  // --- Dockerfile ---------------------------------------------------------------------------------
  {
    id: 'dockerfile-assets-before-release',
    applies: ctx => dockerfileOf(ctx) !== undefined,
    title: 'the Dockerfile builds assets before mix release',
    why: 'mix release copies priv/static as it is: assets digested after it are not in the release, so pages are unstyled.',
    piece: 'dockerfile',
    files: ['Dockerfile'],
    check: ctx => {
      const facts = dockerfileOf(ctx);
      if (!facts) return [];
      const build = buildInstructions(facts);
      const release = runsMix(build, 'release');
      const assets = runsMix(build, 'assets.deploy') ?? runsMix(build, 'phx.digest');
      if (release && assets && assets.line > release.line) return [finding('fail', `RUN mix release (line ${release.line}) comes before RUN ${assets.args.trim()} (line ${assets.line}): move the assets step above mix release.`, facts.file, release.line)];
      if (release && !assets && ctx.project.assets?.aliases.deploy) return [finding('fail', 'The Dockerfile never runs mix assets.deploy: add RUN mix assets.deploy before RUN mix release.', facts.file, release.line)];
      return [];
    },
  },
  {
    id: 'dockerfile-compile-before-assets',
    applies: ctx => dockerfileOf(ctx) !== undefined,
    title: 'on Phoenix 1.8 / LiveView 1.1 the Dockerfile compiles before building assets',
    why: 'Colocated hooks are written by the compiler; esbuild run before mix compile fails with "Could not resolve phoenix-colocated/<app>" (phoenix #6320).',
    piece: 'dockerfile',
    files: ['Dockerfile'],
    check: ctx => {
      const facts = dockerfileOf(ctx);
      if (!facts || !compilesBeforeAssets(ctx.project)) return [];
      const build = buildInstructions(facts);
      const assets = runsMix(build, 'assets.deploy');
      const compile = runsMix(build, 'compile');
      if (assets && (!compile || compile.line > assets.line)) return [finding('fail', `RUN mix assets.deploy (line ${assets.line}) runs before mix compile: add RUN mix compile above it.`, facts.file, assets.line)];
      return [];
    },
  },
  {
    id: 'dockerfile-starts-server',
    applies: ctx => dockerfileOf(ctx) !== undefined,
    title: 'the image starts the release with the HTTP server on',
    why: "Dokku runs the Procfile web: command, else the image's CMD: bin/<app> start without PHX_SERVER serves nothing.",
    piece: 'dockerfile',
    files: ['Dockerfile'],
    check: ctx => {
      const facts = dockerfileOf(ctx);
      if (!facts) return [];
      const web = procfileEntries(ctx.read('Procfile')).get('web')?.command;
      const cmd = startCommand(facts);
      const start = web ?? cmd?.args ?? '';
      if (/bin\/server\b/.test(start)) return [];
      const setsServer = facts.settings.some(setting => setting.kind === 'ENV' && setting.name === 'PHX_SERVER');
      if (/\bstart\b/.test(start) && setsServer) return [];
      return [finding('fail', `The container starts "${start || '(no CMD)'}", which does not turn the server on: CMD ["/app/bin/server"] (rel/overlays/bin/server sets PHX_SERVER=true).`, facts.file, cmd?.line)];
    },
  },
  {
    id: 'dockerfile-expose',
    applies: ctx => dockerfileOf(ctx) !== undefined,
    title: 'the Dockerfile exposes no port Dokku would publish',
    why: 'With EXPOSE N Dokku maps http:N:N, so the app answers on port N of the server instead of 80 until ports:set; without EXPOSE it maps 80 to 5000 and sets PORT=5000.',
    piece: 'dockerfile',
    files: ['Dockerfile'],
    check: ctx => {
      const facts = dockerfileOf(ctx);
      return (facts?.final?.instructions ?? [])
        .filter(instruction => instruction.keyword === 'EXPOSE')
        .map(instruction => {
          const port = instruction.args.trim().split(/\s+/)[0].replace(/\/tcp$/, '');
          return finding('warn', `EXPOSE ${port}: Dokku publishes http:${port}:${port}. Remove the line (Dokku then routes 80 to 5000 and sets PORT), or run dokku ports:set ${ctx.appName} http:80:${port}.`, facts!.file, instruction.line);
        });
    },
  },
  {
    id: 'dockerfile-runner-libraries',
    applies: ctx => dockerfileOf(ctx) !== undefined,
    title: "the runner installs what a release's runtime needs",
    why: 'ERTS in the release links against system libraries; without them the release fails to start or TLS fails.',
    piece: 'dockerfile',
    files: ['Dockerfile'],
    check: ctx => {
      const facts = dockerfileOf(ctx);
      const final = facts?.final;
      if (!facts || !final || facts.stages.length < 2 || !/debian|ubuntu/.test(final.image)) return [];
      const installed = aptPackages(final);
      const missing = RUNNER_LIBRARIES.filter(library => !installed.some(name => library.matches.test(name)));
      return missing.length ? [finding('warn', `The runner stage installs no ${missing.map(library => `${library.name} (${library.why})`).join(', ')}.`, facts.file, final.line)] : [];
    },
  },
  {
    id: 'dockerfile-not-root',
    applies: ctx => dockerfileOf(ctx) !== undefined,
    title: 'the app does not run as root',
    why: 'A process that runs as root turns any remote code execution into root in the container.',
    piece: 'dockerfile',
    files: ['Dockerfile'],
    check: ctx => {
      const facts = dockerfileOf(ctx);
      const final = facts?.final;
      if (!facts || !final) return [];
      const user = final.instructions.filter(instruction => instruction.keyword === 'USER').at(-1);
      if (user && !/^(?:root|0)(?::|$)/.test(user.args.trim())) return [];
      return [finding('warn', user ? `USER ${user.args.trim()} runs the app as root: USER nobody (chown the release to it).` : 'The final stage has no USER: the app runs as root. Add USER nobody after copying the release (COPY --chown=nobody:root ...).', facts.file, user?.line ?? final.line)];
    },
  },
  {
    id: 'dockerfile-no-secrets',
    applies: ctx => dockerfileOf(ctx) !== undefined,
    title: 'no secret in ENV or ARG',
    why: 'ENV and ARG values are stored in the image and its history (docker history shows them); secrets belong in dokku config:set.',
    piece: 'dockerfile',
    files: ['Dockerfile'],
    check: ctx => {
      const facts = dockerfileOf(ctx);
      return (facts?.settings ?? [])
        .filter(setting => SECRET_NAME.test(setting.name))
        .map(setting => finding(setting.value ? 'fail' : 'warn', `${setting.kind} ${setting.name} puts ${setting.value ? 'a secret' : 'a build argument that looks secret'} in the image: remove it and dokku config:set ${ctx.appName} ${setting.name}=...`, facts!.file, setting.line));
    },
  },
  {
    id: 'dockerfile-no-env-files',
    applies: ctx => dockerfileOf(ctx) !== undefined,
    title: 'no .env or key file is copied into the image',
    why: 'Files copied into a layer stay in the image for anyone who can pull it.',
    piece: 'dockerfile',
    files: ['Dockerfile', '.dockerignore'],
    check: ctx => {
      const facts = dockerfileOf(ctx);
      if (!facts) return [];
      const ignore = (ctx.read('.dockerignore') ?? '').split(/\r?\n/).map(line => line.trim());
      return facts.stages.flatMap(stage => stage.instructions)
        .filter(instruction => instruction.keyword === 'COPY' || instruction.keyword === 'ADD')
        .flatMap(instruction => {
          const sources = instruction.args.split(/\s+/).filter(word => word && !word.startsWith('--')).slice(0, -1);
          if (sources.some(source => /(?:^|\/)\.env(?:\.|$)|\.(?:pem|key)$/.test(source))) return [finding('fail', `${instruction.keyword} ${instruction.args} copies a secret file into the image: remove it; set its values with dokku config:set.`, facts.file, instruction.line)];
          if (sources.includes('.') && !ignore.some(line => /^(?:\*\*\/)?\.env/.test(line))) return [finding('warn', `${instruction.keyword} . copies the whole directory, and .dockerignore does not exclude .env files: add **/.env and **/.env.* to .dockerignore.`, facts.file, instruction.line)];
          return [];
        });
    },
  },
  {
    id: 'dockerfile-no-fly-networking',
    applies: ctx => dockerfileOf(ctx) !== undefined,
    title: "no Fly.io-only network settings in the image",
    why: "Fly's private network is IPv6; Dokku's Docker networks are IPv4, so ECTO_IPV6=true cannot reach the database and -proto_dist inet6_tcp breaks distribution.",
    piece: 'dockerfile',
    files: ['Dockerfile'],
    check: ctx => {
      const facts = dockerfileOf(ctx);
      return (facts?.settings ?? [])
        .filter(setting => setting.kind === 'ENV' && ((setting.name === 'ECTO_IPV6' && /^(?:true|1)$/.test(setting.value ?? '')) || (setting.name === 'ERL_AFLAGS' && /inet6_tcp/.test(setting.value ?? ''))))
        .map(setting => finding('fail', `ENV ${setting.name} ${setting.value} is Fly.io's IPv6 setting: remove the line (the database and other containers are reached over IPv4 on Dokku).`, facts!.file, setting.line));
    },
  },
  {
    id: 'one-builder',
    applies: ({ project }) => Boolean(project.existing.dockerfile && project.existing.buildpacks),
    title: 'Dokku builds with the builder this project is set up for',
    why: 'With a Dockerfile and .buildpacks both present, Dokku picks herokuish unless builder:set says otherwise.',
    piece: 'dockerfile',
    files: ['Dockerfile', '.buildpacks'],
    check: ({ project, strategy, appName }) =>
      project.existing.dockerfile && project.existing.buildpacks
        ? [finding('warn', `Dockerfile and .buildpacks are both here: run dokku builder:set ${appName} selected ${strategy === 'dockerfile' ? 'dockerfile' : 'herokuish'} (or delete the one you do not use).`, strategy === 'dockerfile' ? '.buildpacks' : 'Dockerfile')]
        : [],
  },
  {
    id: 'build-files-present',
    title: 'the files of the build strategy are there',
    why: 'Dokku builds with a Dockerfile or with .buildpacks; without them it falls back to buildpack auto-detection, which does not know Phoenix releases or assets.',
    piece: 'dockerfile',
    files: [],
    check: ({ strategy, read }) => {
      const needed = strategy === 'dockerfile' ? ['Dockerfile', 'Procfile'] : ['.buildpacks', 'elixir_buildpack.config', 'Procfile'];
      return needed.filter(file => read(file) === undefined).map(file => finding('fail', `${file} is missing for the ${strategy} build: phoenix-dokku ${strategy === 'dockerfile' ? 'dockerfile' : 'buildpacks'} writes it.`, file));
    },
  },
  // --- buildpacks ---------------------------------------------------------------------------------
  {
    id: 'buildpacks-file',
    applies: ({ strategy, read }) => strategy === 'buildpack' && read('.buildpacks') !== undefined,
    title: '.buildpacks lists buildpacks that work on Dokku, one URL per line',
    why: 'herokuish word-splits .buildpacks (a comment becomes URLs); the classic Elixir buildpack has no builds for heroku-24, Dokku\'s default stack, and the old phoenix-static one cannot download Node any more.',
    piece: 'buildpacks',
    files: ['.buildpacks'],
    check: ({ strategy, read }) => {
      const text = read('.buildpacks');
      if (strategy !== 'buildpack' || text === undefined) return [];
      return text.split(/\r?\n/).flatMap((raw, index) => {
        const line = raw.trim();
        if (!line) return [];
        if (line.startsWith('#')) return [finding('fail', `"${line}" is a comment: herokuish reads each word as a buildpack URL. Delete the line.`, '.buildpacks', index + 1)];
        const kind = classifyBuildpack(line);
        const known = kind && BUILDPACK_KINDS[kind];
        return known?.obsolete ? [finding('fail', `${line}: ${known.obsolete} Replace the line with ${known.replacement}.`, '.buildpacks', index + 1)] : [];
      });
    },
  },
  {
    id: 'elixir-buildpack-versions',
    applies: ({ strategy, read }) => strategy === 'buildpack' && read('elixir_buildpack.config') !== undefined,
    title: 'elixir_buildpack.config names released, compatible versions, OTP with a dot',
    why: 'The buildpack downloads builds by exact name: erlang_version=27 is 27.0 (gigalixir) or nothing (classic), an unknown or incompatible pair fails the build.',
    piece: 'buildpacks',
    files: ['elixir_buildpack.config'],
    check: ({ strategy, read }) => {
      const text = read('elixir_buildpack.config');
      if (strategy !== 'buildpack' || text === undefined) return [];
      const vars = parseShellAssignments(text);
      const line = (key: string) => lineOfText(text, `${key}=`);
      const found: Omit<Finding, 'rule'>[] = [];
      const erlang = vars.erlang_version ? checkErlangVersion(vars.erlang_version) : undefined;
      const elixir = vars.elixir_version ? checkElixirVersion(vars.elixir_version) : undefined;
      if (erlang && !erlang.ok) found.push(finding('fail', `erlang_version=${vars.erlang_version}: ${erlang.problem} Fix: ${erlang.fix}.`, 'elixir_buildpack.config', line('erlang_version')));
      if (elixir && !elixir.ok) found.push(finding('fail', `elixir_version=${vars.elixir_version}: ${elixir.problem} Fix: ${elixir.fix}.`, 'elixir_buildpack.config', line('elixir_version')));
      if (erlang?.ok && elixir?.ok) {
        const pair = checkElixirOtpPair(vars.elixir_version, vars.erlang_version);
        if (!pair.ok) found.push(finding('fail', `${pair.problem} Fix: ${pair.fix}.`, 'elixir_buildpack.config', line('erlang_version')));
      }
      return found;
    },
  },
  {
    id: 'buildpack-hooks-eval',
    applies: ({ strategy, read }) => strategy === 'buildpack' && read('elixir_buildpack.config') !== undefined,
    title: 'buildpack hooks with && or | run through eval',
    why: 'The Elixir buildpack runs $hook_post_compile without a shell: "mix assets.deploy && rm ..." passes && to mix as an argument.',
    piece: 'buildpacks',
    files: ['elixir_buildpack.config'],
    check: ({ strategy, read }) => {
      const text = read('elixir_buildpack.config');
      if (strategy !== 'buildpack' || text === undefined) return [];
      return Object.entries(parseShellAssignments(text))
        .filter(([key, value]) => /^(?:hook_\w+|pre_compile|post_compile)$/.test(key) && /&&|\|\||[|;]/.test(value) && !/^eval\s/.test(value))
        .map(([key, value]) => finding('fail', `${key}="${value}" needs a shell: write ${key}="eval ${value}".`, 'elixir_buildpack.config', lineOfText(text, `${key}=`)));
    },
  },
];

/** The module/action a route points at, parsed, if it is in the project. */
function controllerAction(project: PhoenixProject, read: AuditContext['read'], module: string, action?: string): { file: string; line: number; body: SyntaxNode[] } | undefined {
  for (const file of project.sourceFiles) {
    const text = read(file);
    if (!text?.includes(module.split('.').pop()!)) continue;
    const definition = moduleDefinitions(parseElixir(text, file).root).find(candidate => candidate.name === module);
    if (!definition) continue;
    const fn = functionDefinitions(definition.node).find(candidate => candidate.name === action && candidate.kind === 'def');
    // The action and everything the module defines (private helpers run the query).
    return fn ? { file, line: fn.node.line, body: [definition.node] } : undefined;
  }
  return undefined;
}

const queriesDatabase = (body: SyntaxNode[]) =>
  body.some(node => findAll(node, candidate => ['query', 'query!'].includes(callName(candidate)?.name ?? '') || (callName(candidate)?.module ?? '').endsWith('Adapters.SQL')).length > 0);

const leaksErrors = (body: SyntaxNode[]) =>
  body.some(node =>
    findAll(node, candidate => ['json', 'send_resp', 'text'].includes(callName(candidate)?.name ?? '') && findAll(candidate, inner => callName(inner)?.name === 'inspect' || callName(inner)?.name === 'message').length > 0).length > 0,
  );

/** Runs every rule (or the rules `only` accepts), one result per rule, in order. */
export function runAudit(ctx: AuditContext, only: (rule: Rule) => boolean = () => true): RuleResult[] {
  return RULES.filter(only).map((rule): RuleResult => {
    if (rule.applies && !rule.applies(ctx)) return { rule, level: 'n/a', findings: [] };
    const findings = rule.check(ctx).map(found => ({ rule: rule.id, ...found }));
    const level = findings.some(found => found.level === 'fail') ? 'fail' : findings.length ? 'warn' : 'pass';
    return { rule, level, findings };
  });
}

/** The findings of the rules about one kept file (the generator's audit). */
export function auditKeptFile(ctx: AuditContext, file: string): Finding[] {
  return runAudit(ctx, rule => rule.files.includes(file)).flatMap(result => result.findings);
}

