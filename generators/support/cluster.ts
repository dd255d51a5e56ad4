/**
 * BEAM clustering of several web containers of one Dokku app, as pure functions: the
 * rel/env.sh.eex block that names each node after its own IP, the dns_cluster wiring
 * (dependency, supervisor child, runtime config) as anchored patches, the kustomize files
 * for the k3s scheduler, and the server commands to print.
 *
 * How the pieces fit (facts and sources in the comments below):
 * - dns_cluster resolves DNS_CLUSTER_QUERY every few seconds and connects to
 *   `<basename>@<ip>` for every address it gets, where basename is the part of our own node
 *   name before `@` (phoenixframework/dns_cluster lib/dns_cluster.ex). So every node must be
 *   named `<release name>@<its own IP on the network that answers the query>`, with long names.
 * - docker-local: `dokku network:set APP attach-post-create NET` connects each deploy
 *   container to NET before it starts, with the aliases `APP.web` (all web containers) and
 *   `<hostname>.APP.web` (this one) (dokku/dokku plugins/network/functions.go,
 *   attachAppToNetwork). `APP.web` is the query; `<hostname>.APP.web` gives a container its
 *   own address on NET, whatever order its two networks are in.
 * - k3s: Dokku's chart has only a ClusterIP Service (one virtual IP), so the app ships a
 *   headless Service through Dokku's kustomize post-renderer (dokku/dokku
 *   plugins/scheduler-k3s/helm.go, KustomizeRenderer), whose DNS name lists every ready pod.
 */
import type { Injection } from './patch.js';
import { appendBlock, lineEndingOf, withLineEnding } from './patch.js';
import { atomValue, callArguments, callName, findAll, functionDefinitions, isCall, keywordEntries, moduleDefinitions, operatorOf, parseElixir, type SyntaxNode } from './elixir-ast.js';
import { FLY_GUARD_MARKER } from './dokku.js';
import { RUNTIME_MARKER, runtimeConfigOf } from './elixir-patches.js';
import type { PieceOption } from './pieces.js';

export const SCHEDULERS = ['docker-local', 'k3s'] as const;
export type Scheduler = (typeof SCHEDULERS)[number];

export const DEFAULT_SCHEDULER: Scheduler = 'docker-local';
/** One container is no cluster. */
export const MIN_WEB_SCALE = 2;
export const DEFAULT_WEB_SCALE = 2;
/** Dokku's default scheduler-k3s namespace (dokku/dokku docs/deployment/schedulers/k3s.md). */
export const DEFAULT_NAMESPACE = 'default';

/** The cluster piece's own options (the integrator may list them in pieces.ts instead). */
export const CLUSTER_OPTIONS: readonly PieceOption[] = [
  { name: 'scheduler', type: String, description: `Where Dokku runs the containers: ${SCHEDULERS.join(' or ')} (default ${DEFAULT_SCHEDULER})` },
  { name: 'web-scale', type: String, description: `How many web containers (pods) form the cluster, ${MIN_WEB_SCALE} or more (default ${DEFAULT_WEB_SCALE})` },
  { name: 'k3s-namespace', type: String, description: `k3s only: the app's scheduler-k3s namespace, which the headless Service must name (default ${DEFAULT_NAMESPACE})` },
];

/** phx.new 1.8 pins this (phoenixframework/phoenix installer/templates/phx_single/mix.exs.eex); 0.2.0 added query lists. */
export const DNS_CLUSTER_DEP = '{:dns_cluster, "~> 0.2.0"}';
export const ENV_SH = 'rel/env.sh.eex';
export const KUSTOMIZE_DIR = 'config/kustomize';
/** First line of the env.sh block: a later run finds it and adds nothing. */
export const ENV_SH_MARKER = '# phoenix-dokku: BEAM clustering';

/** What the piece was asked to set up. */
export interface ClusterPlan {
  scheduler: Scheduler;
  appName: string;
  releaseName: string;
  webScale: number;
  /** k3s: the app's namespace. */
  namespace: string;
}

// --- validation ---------------------------------------------------------------------------

/** undefined when valid, else the problem and how to fix it (the generator adds "Nothing was written."). */
export function schedulerProblem(value: string): string | undefined {
  if ((SCHEDULERS as readonly string[]).includes(value)) return undefined;
  return `Unknown --scheduler "${value}". Choose one of: docker-local (one server, several containers on a Docker network) or k3s (Dokku's scheduler-k3s, pods on several servers).`;
}

export function webScaleProblem(value: string): string | undefined {
  if (/^\d+$/.test(value) && Number(value) >= MIN_WEB_SCALE) return undefined;
  return `--web-scale "${value}" is not a whole number of at least ${MIN_WEB_SCALE}: a cluster needs two web containers or more (e.g. --web-scale 3).`;
}

/** A Kubernetes namespace is a DNS label (RFC 1123): lowercase letters, digits and dashes, 63 at most. */
export function namespaceProblem(value: string): string | undefined {
  if (/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(value)) return undefined;
  return `--k3s-namespace "${value}" is not a Kubernetes namespace: use lowercase letters, digits and dashes, at most 63, starting and ending with a letter or digit.`;
}

/** The headless Service name is a DNS label too; long app names do not fit. */
export function serviceNameProblem(appName: string): string | undefined {
  const name = clusterServiceName(appName);
  return name.length <= 63 ? undefined : `The headless Service name ${name} is longer than the 63 characters Kubernetes allows: use a shorter Dokku app name (--app-name).`;
}

// --- names --------------------------------------------------------------------------------

/** The Docker network the app's containers meet on (docker-local). */
export const clusterNetwork = (appName: string) => `${appName}-cluster`;

/** Not `APP-web`: Dokku's own ClusterIP Service has that name (plugins/scheduler-k3s/templates/chart/service.yaml). */
export const clusterServiceName = (appName: string) => `${appName}-web-cluster`;

/** The DNS name dns_cluster polls: every web container (docker-local alias) or every ready web pod (headless Service). */
export function dnsClusterQuery(plan: Pick<ClusterPlan, 'scheduler' | 'appName' | 'namespace'>): string {
  return plan.scheduler === 'k3s' ? `${clusterServiceName(plan.appName)}.${plan.namespace}.svc.cluster.local` : `${plan.appName}.web`;
}

// --- rel/env.sh.eex -----------------------------------------------------------------------

/**
 * The POSIX sh block for rel/env.sh.eex. The release launcher sources env.sh under `set -e`
 * and reads its own `$1` afterwards (elixir-lang/elixir lib/mix/lib/mix/tasks/release.init.ex,
 * cli_text), so the block never calls `set --` at top level (functions have their own
 * positional parameters) and every lookup that can fail is guarded. mix release renders the
 * file with EEx: the block contains no EEx tag.
 */
export function envShBlock(releaseName: string): string {
  return `${ENV_SH_MARKER}, active only when DNS_CLUSTER_QUERY is set
# (dokku config:set; without it this block does nothing and the node runs alone).
# dns_cluster connects to <basename>@<IP> for each address the query returns
# (phoenixframework/dns_cluster lib/dns_cluster.ex), so each node is named
# <release name>@<its own IP>, with long names. The launcher sources this file under
# set -e and reads its $1 afterwards: lookups run in functions and never fail.

# The first IPv4 address among the words given (names and IPv6 addresses are skipped:
# Dokku's Docker networks and k3s pods are IPv4 unless IPv6 was turned on).
phoenix_dokku_first_ipv4() {
  for phoenix_dokku_word in "$@"; do
    case $phoenix_dokku_word in
      *[!0-9.]* | *..* | .* | *.) ;;
      *.*.*.*)
        echo "$phoenix_dokku_word"
        return 0
        ;;
    esac
  done
  return 1
}

# This container's address on the network that answers DNS_CLUSTER_QUERY.
phoenix_dokku_node_ip() {
  # shellcheck disable=SC3028 # HOSTNAME comes from the environment: Docker and Kubernetes set it
  phoenix_dokku_host="\${HOSTNAME:-}"
  if [ -z "$phoenix_dokku_host" ] && [ -r /etc/hostname ]; then
    read -r phoenix_dokku_host </etc/hostname || true
  fi
  # docker-local: Dokku gives each web container the alias <hostname>.<app>.web on the
  # network attached with attach-post-create (dokku/dokku plugins/network/functions.go).
  # ahostsv4 asks for IPv4 only (glibc); getent without it (musl) falls back to hosts.
  if [ -n "$phoenix_dokku_host" ]; then
    # shellcheck disable=SC2046 # one word per address and name, on purpose
    phoenix_dokku_first_ipv4 $(getent ahostsv4 "$phoenix_dokku_host.$DNS_CLUSTER_QUERY" 2>/dev/null ||
      getent hosts "$phoenix_dokku_host.$DNS_CLUSTER_QUERY" 2>/dev/null || true) && return 0
  fi
  # An address given explicitly, e.g. a Kubernetes downward-API POD_IP.
  if [ -n "\${POD_IP:-}" ]; then
    phoenix_dokku_first_ipv4 "$POD_IP" && return 0
  fi
  # k3s pods: the kubelet maps the pod's hostname to the pod IP in /etc/hosts.
  # shellcheck disable=SC2046 # one word per address, on purpose
  phoenix_dokku_first_ipv4 $(hostname -i 2>/dev/null || true)
}

# A RELEASE_NODE set by hand wins.
if [ -n "\${DNS_CLUSTER_QUERY:-}" ] && [ -z "\${RELEASE_NODE:-}" ]; then
  if phoenix_dokku_ip="$(phoenix_dokku_node_ip)"; then
    export RELEASE_DISTRIBUTION=name
    export RELEASE_NODE="\${RELEASE_NAME:-${releaseName}}@$phoenix_dokku_ip"
  fi
fi`;
}

const envShHeader = (releaseName: string) =>
  [
    '#!/bin/sh',
    `# Sourced by bin/${releaseName} before every command (start, rpc, remote, eval); mix release`,
    '# renders this file with EEx when it builds the release.',
  ].join('\n');

/** Data for templates/cluster/env.sh.eex.ejs (a new rel/env.sh.eex). */
export function envShTemplateData(releaseName: string) {
  return { header: envShHeader(releaseName), clusterBlock: envShBlock(releaseName) };
}

/** A new rel/env.sh.eex: what the template renders (kept equal by a test). */
export const newEnvSh = (releaseName: string) => `${envShHeader(releaseName)}\n\n${envShBlock(releaseName)}\n`;

/** Active (uncommented) shell lines that would fight the block, with the reason. */
interface EnvShConflict {
  line: number;
  text: string;
  why: string;
}

const CLUSTER_VARIABLES = ['RELEASE_NODE', 'RELEASE_DISTRIBUTION', 'DNS_CLUSTER_QUERY'];

/** A shell line assigns `variable` (`X=...`, `export X=...`, `A=1 X=2 cmd`). */
const assigns = (code: string, variable: string) => new RegExp(`(?:^|[\\s;])${variable}=`).test(code);

/**
 * Line numbers (1-based) of the block the release piece appends to a Fly.io env.sh.eex
 * (dokku.ts guardFlyEnv: from its marker to its `fi`), which unsets the Fly settings off Fly.
 */
function flyGuardLines(lines: string[]): Set<number> {
  const start = lines.findIndex(line => line.startsWith(FLY_GUARD_MARKER));
  if (start === -1) return new Set();
  const end = lines.findIndex((line, index) => index > start && line.trim() === 'fi');
  const last = end === -1 ? lines.length - 1 : end;
  return new Set(Array.from({ length: last - start + 1 }, (_, offset) => start + offset + 1));
}

/** Lines of an existing env.sh(.eex) that set the node name or only make sense on Fly.io. */
function envShConflicts(content: string): EnvShConflict[] {
  const lines = content.split(/\r?\n/);
  const guard = flyGuardLines(lines);
  return lines.flatMap((text, index) => {
    const code = text.trim();
    if (!code || code.startsWith('#') || guard.has(index + 1)) return [];
    const reasons: string[] = [];
    const fly = [...new Set(code.match(/\bFLY_[A-Z0-9_]+/g) ?? [])];
    if (fly.length) reasons.push(`reads ${fly.join(', ')}, which Fly.io sets: on Dokku empty, or a stand-in`);
    const assigned = CLUSTER_VARIABLES.filter(variable => assigns(code, variable));
    if (assigned.includes('RELEASE_NODE')) {
      reasons.push(
        fly.length
          ? 'without FLY_PRIVATE_IP the name ends in "@", not a node name erl accepts ("Invalid -name given to erl"), so the node cannot run distributed'
          : 'names the node; the block below names it after the container IP',
      );
    }
    if (assigned.includes('RELEASE_DISTRIBUTION')) reasons.push('the block below sets it, with RELEASE_NODE');
    if (assigned.includes('DNS_CLUSTER_QUERY')) reasons.push('overrides the DNS_CLUSTER_QUERY set with dokku config:set');
    if (/inet6_tcp/.test(code)) reasons.push("distribution over IPv6, which Fly's private network needs; Dokku's Docker networks are IPv4");
    if (/(?:^|[\s;])ECTO_IPV6=/.test(code)) reasons.push('Ecto would look the database host up over IPv6 only; Dokku gives its database services IPv4 addresses');
    return reasons.length ? [{ line: index + 1, text: code, why: reasons.join('; ') }] : [];
  });
}

/** The conflicts that stop us from appending: the file already names the node (or reads Fly's address). */
const blocksAppend = (conflicts: EnvShConflict[]) => conflicts.some(conflict => CLUSTER_VARIABLES.some(variable => assigns(conflict.text, variable)));

function envShHelp(content: string, conflicts: EnvShConflict[], releaseName: string): string {
  const guard = [...flyGuardLines(content.split(/\r?\n/))];
  return [
    `${ENV_SH} already names the node for Erlang distribution, so phoenix-dokku added no second setting (whichever came last would silently win). On Dokku, delete these lines:`,
    ...conflicts.map(conflict => `  line ${conflict.line}: ${conflict.text}  (${conflict.why})`),
    ...(guard.length
      ? [
          `  lines ${guard[0]}-${guard.at(-1)}: the block phoenix-dokku release appended to undo them off Fly.io (wherever FLY_PRIVATE_IP is unset it ` +
            'unsets DNS_CLUSTER_QUERY, which would also wipe the value set with dokku config:set)',
        ]
      : []),
    `and append this block to ${ENV_SH} (a later run of phoenix-dokku cluster finds it and changes nothing):`,
    '',
    envShBlock(releaseName),
  ].join('\n');
}

/**
 * rel/env.sh.eex: a new file (empty content), or the block appended to an existing one.
 * A file that already sets RELEASE_NODE, RELEASE_DISTRIBUTION or DNS_CLUSTER_QUERY (Fly's
 * launcher writes all three from FLY_* variables, superfly/flyctl scanner/phoenix.go) gets no
 * second setting: the help says which lines to replace, and why.
 */
export function injectEnvSh(content: string, releaseName: string): Injection {
  if (content.split(/\r?\n/).some(line => line.startsWith(ENV_SH_MARKER))) return { kind: 'present' };
  if (!content.trim()) return { kind: 'injected', content: newEnvSh(releaseName) };
  const conflicts = envShConflicts(content);
  if (blocksAppend(conflicts)) return { kind: 'no-anchor', help: envShHelp(content, conflicts, releaseName) };
  return appendBlock(content, envShBlock(releaseName), () => false);
}

// --- mix.exs: the dns_cluster dependency ---------------------------------------------------

/** The `deps` list of a mix.exs (inline in `def project` or returned by `defp deps`), and where to look for existing deps. */
function depsLocation(root: SyntaxNode): { list: SyntaxNode; scope: SyntaxNode } | undefined {
  const module = moduleDefinitions(root)[0];
  if (!module) return undefined;
  const functions = functionDefinitions(module.node);
  const project = functions.find(fn => fn.name === 'project')?.body.at(-1);
  const value = keywordEntries(project).find(entry => entry.key === 'deps')?.value;
  if (value?.type === 'list') return { list: value, scope: value };
  const fn = functions.find(candidate => candidate.name === (value && callName(value)?.name) || (!value && candidate.name === 'deps'));
  const result = fn?.body.at(-1);
  // `[...] ++ if(...)`: the literal list on the left is where the app's own deps are.
  const list = result?.type === 'binary_operator' && operatorOf(result) === '++' ? result.child('left') : result;
  return fn && list?.type === 'list' ? { list, scope: fn.node } : undefined;
}

/**
 * Inserts `element` (a list item, `\n` line endings) as the first item of `list`: on a line of
 * its own right after `[` when the list has one item per line (before any comment there, so
 * no user line changes), inline when the list is on one line and stays within `maxLine`.
 */
function insertFirstItem(content: string, list: SyntaxNode, element: string, maxLine = 98): string | undefined {
  const eol = lineEndingOf(content);
  const open = list.start; // `[`
  const items = list.items;
  const lineEnd = content.indexOf('\n', open);
  const multiLine = lineEnd !== -1 && lineEnd < list.end && (!items.length || items[0].start > lineEnd);
  if (multiLine) {
    const below = list.children.find(child => child.named && child.start > lineEnd);
    if (!below) return undefined;
    const by = ' '.repeat(below.column);
    const lines = element.split('\n').map((line, index) => (index === 0 ? by : by + ' ') + line);
    lines[lines.length - 1] += ',';
    return content.slice(0, lineEnd + 1) + withLineEnding(lines.join('\n'), eol) + eol + content.slice(lineEnd + 1);
  }
  if (element.includes('\n')) return undefined;
  if (!items.length) return list.text === '[]' ? content.slice(0, open + 1) + element + content.slice(open + 1) : undefined;
  const result = content.slice(0, items[0].start) + element + ', ' + content.slice(items[0].start);
  const lineStart = result.lastIndexOf('\n', items[0].start) + 1;
  const lineStop = result.indexOf('\n', items[0].start);
  const line = result.slice(lineStart, lineStop === -1 ? undefined : lineStop).replace(/\r$/, '');
  return line.length > maxLine ? undefined : result;
}

export const dnsClusterDepHelp = (file = 'mix.exs') =>
  `Add ${DNS_CLUSTER_DEP} to the deps in ${file}, then run mix deps.get and commit mix.lock.`;

/** Adds `{:dns_cluster, "~> 0.2.0"}` to the deps unless some dns_cluster dependency is there (0.1.x included). */
export function injectDnsClusterDep(mixExs: string, file = 'mix.exs'): Injection {
  const root = parseElixir(mixExs, file).root;
  const found = depsLocation(root);
  const hasDep = (scope: SyntaxNode) => findAll(scope, node => node.type === 'tuple' && atomValue(node.items[0]) === 'dns_cluster').length > 0;
  if (found ? hasDep(found.scope) : hasDep(root)) return { kind: 'present' };
  if (!found) return { kind: 'no-anchor', help: dnsClusterDepHelp(file) };
  const content = insertFirstItem(mixExs, found.list, DNS_CLUSTER_DEP);
  return content === undefined ? { kind: 'no-anchor', help: dnsClusterDepHelp(file) } : { kind: 'injected', content };
}

// --- application.ex: the DNSCluster child ---------------------------------------------------

/** The child phx.new writes (installer/templates/phx_single/lib/app_name/application.ex). */
export const dnsClusterChild = (otpApp: string) => `{DNSCluster, query: Application.get_env(:${otpApp}, :dns_cluster_query) || :ignore}`;

/** The child as `mix format` lays it out at `column`: one line, or the keyword on the next. */
function dnsClusterChildLines(otpApp: string, column: number): string {
  const oneLine = dnsClusterChild(otpApp);
  if (column + oneLine.length + 1 <= 98) return oneLine;
  return `{DNSCluster,\nquery: Application.get_env(:${otpApp}, :dns_cluster_query) || :ignore}`;
}

export const dnsClusterChildHelp = (otpApp: string, file: string) =>
  `Add this child to the supervision tree in ${file}, before {Phoenix.PubSub, ...} (as phx.new does):\n\n  ${dnsClusterChild(otpApp)},`;

const isModuleChild = (node: SyntaxNode, module: string) =>
  (node.type === 'alias' && node.text === module) || (node.type === 'tuple' && node.items[0]?.type === 'alias' && node.items[0].text === module);

/** The children list: `children = [...]`, else the list given to `Supervisor.start_link`. */
function childrenList(root: SyntaxNode): SyntaxNode | undefined {
  const assigned = findAll(root, node => node.type === 'binary_operator' && operatorOf(node) === '=' && node.child('left')?.text === 'children').map(node => node.child('right'));
  const list = assigned.find(value => value?.type === 'list');
  if (list) return list;
  const startLink = findAll(root, node => isCall(node, 'Supervisor', 'start_link'))[0];
  const first = startLink && callArguments(startLink).positional[0];
  return first?.type === 'list' ? first : undefined;
}

/**
 * Adds the DNSCluster child before Phoenix.PubSub (first in the list without one), unless a
 * DNSCluster child is already there. Comments right above the PubSub child stay with it.
 */
export function injectDnsClusterChild(applicationEx: string, otpApp: string, file = `lib/${otpApp}/application.ex`): Injection {
  const help = dnsClusterChildHelp(otpApp, file);
  const root = parseElixir(applicationEx, file).root;
  if (findAll(root, node => node.type === 'alias' && node.text === 'DNSCluster').length) return { kind: 'present' };
  const list = childrenList(root);
  if (!list) return { kind: 'no-anchor', help };
  const pubSub = list.items.find(item => isModuleChild(item, 'Phoenix.PubSub'));
  if (!pubSub) {
    const first = list.children.find(child => child.named);
    const content = insertFirstItem(applicationEx, list, dnsClusterChildLines(otpApp, first?.column ?? 0));
    return content === undefined ? { kind: 'no-anchor', help } : { kind: 'injected', content };
  }
  const lineStart = (node: SyntaxNode) => applicationEx.lastIndexOf('\n', node.start) + 1;
  // Only items on lines of their own: inserting a line before one that shares its line would split it.
  if (applicationEx.slice(lineStart(pubSub), pubSub.start).trim()) return { kind: 'no-anchor', help };
  let anchor = pubSub;
  const siblings = list.children;
  for (let index = siblings.indexOf(pubSub) - 1; index >= 0; index--) {
    const previous = siblings[index];
    if (!previous.named) continue;
    if (previous.type !== 'comment' || previous.line !== anchor.line - 1) break;
    anchor = previous;
  }
  const eol = lineEndingOf(applicationEx);
  const by = ' '.repeat(pubSub.column);
  const lines = dnsClusterChildLines(otpApp, pubSub.column).split('\n').map((line, index) => (index === 0 ? by : by + ' ') + line);
  lines[lines.length - 1] += ',';
  const at = lineStart(anchor);
  return { kind: 'injected', content: applicationEx.slice(0, at) + withLineEnding(lines.join('\n'), eol) + eol + applicationEx.slice(at) };
}

/** An Application module starts Phoenix.PubSub: in a phx.new umbrella that is the core app, which owns DNSCluster too. */
export function startsPubSub(applicationEx: string, file = 'application.ex'): boolean {
  const list = childrenList(parseElixir(applicationEx, file).root);
  return Boolean(list?.items.some(item => isModuleChild(item, 'Phoenix.PubSub')));
}

// --- config/runtime.exs: :dns_cluster_query -------------------------------------------------

export function dnsClusterConfigBlock(otpApp: string): string {
  return [
    `${RUNTIME_MARKER} the DNS name dns_cluster polls for the other nodes of the app, set on`,
    '# Dokku with `dokku config:set` (phoenix-dokku cluster prints it). Unset, DNSCluster does',
    '# not start and the app runs as a single node.',
    'if config_env() == :prod do',
    `  config :${otpApp}, :dns_cluster_query, System.get_env("DNS_CLUSTER_QUERY")`,
    'end',
  ].join('\n');
}

/**
 * Appends `config :app, :dns_cluster_query, System.get_env("DNS_CLUSTER_QUERY")` in a marked
 * prod block, unless the config (as the release evaluates it for prod) already reads
 * DNS_CLUSTER_QUERY into it. A :dns_cluster_query read from another variable is theirs to change:
 * env.sh.eex and the printed commands use DNS_CLUSTER_QUERY.
 */
export function injectDnsClusterConfig(runtimeExs: string, otpApp: string, file = 'config/runtime.exs'): Injection {
  const model = runtimeConfigOf(runtimeExs, file);
  const calls = model.calls.filter(call => call.app === otpApp && call.key === 'dns_cluster_query' && call.value);
  const sources = calls.map(call => ({ call, variables: model.sourcesOf(call.value!, call).variables }));
  if (sources.some(source => source.variables.includes('DNS_CLUSTER_QUERY'))) return { kind: 'present' };
  if (sources.length) {
    const { call, variables } = sources[0];
    return {
      kind: 'no-anchor',
      help:
        `${file}:${call.line} sets :${otpApp}, :dns_cluster_query from ${variables.length ? variables.join(', ') : 'a value no environment variable changes'}; ` +
        `rel/env.sh.eex and the printed commands use DNS_CLUSTER_QUERY. Read it there:\n  config :${otpApp}, :dns_cluster_query, System.get_env("DNS_CLUSTER_QUERY")`,
    };
  }
  return appendBlock(runtimeExs, dnsClusterConfigBlock(otpApp), () => false);
}

// --- k3s: kustomize files -------------------------------------------------------------------

/** Data for templates/cluster/kustomization.yaml.ejs and cluster-service.yaml.ejs. */
export function kustomizeTemplateData(plan: Pick<ClusterPlan, 'appName' | 'namespace'>) {
  return {
    serviceFile: 'cluster-service.yaml',
    serviceName: clusterServiceName(plan.appName),
    namespace: plan.namespace,
    // Dokku's labels on the web pods (plugins/scheduler-k3s/templates/chart/deployment.yaml).
    instanceLabel: `${plan.appName}-web`,
    partOfLabel: plan.appName,
    /** EPMD's port: a headless Service needs no port, one named port documents what it is for. */
    epmdPort: 4369,
  };
}

/**
 * An existing config/kustomize/kustomization.yaml is the user's: it is fine when its
 * resources list Dokku's rendered.yaml and our Service, else the help says what to add.
 */
export function checkKustomization(content: string, parseYaml: (text: string) => unknown): Injection {
  let document: unknown;
  try {
    document = parseYaml(content);
  } catch {
    document = undefined;
  }
  const resources = (document as { resources?: unknown } | undefined)?.resources;
  const listed = Array.isArray(resources) ? resources.map(String) : [];
  const missing = ['rendered.yaml', 'cluster-service.yaml'].filter(resource => !listed.includes(resource));
  if (!missing.length) return { kind: 'present' };
  return {
    kind: 'no-anchor',
    help:
      `${KUSTOMIZE_DIR}/kustomization.yaml is yours and its resources do not list ${missing.join(' and ')}. Add ${missing.map(resource => `"- ${resource}"`).join(' and ')} under resources: ` +
      "Dokku writes the app's rendered chart to rendered.yaml (plugins/scheduler-k3s/helm.go), and cluster-service.yaml is the headless Service the pods find each other through.",
  };
}

// --- what to run on the server --------------------------------------------------------------

/**
 * When a command runs: `setup` before the app's (next) deploy, `config` is the config:set,
 * `deploy` starts the containers again (a first git push does the same), `check` after it.
 */
export type ClusterPhase = 'setup' | 'config' | 'deploy' | 'check';

export interface ClusterStep {
  /** One line: what the command does (and why this one). */
  comment: string;
  command: string;
  phase: ClusterPhase;
}

/** Each command with a one-line comment above it saying what it does, in the order to run them. */
export function clusterCommands(plan: ClusterPlan, cookie: string): string[] {
  return clusterSteps(plan, cookie).flatMap(step => [`# ${step.comment}`, step.command]);
}

/**
 * The same steps for the main next steps, grouped by where they go: before the first push,
 * the variables for its config:set (RELEASE_COOKIE is a secret: printed, written nowhere),
 * and the checks after the deploy. The first push replaces the rebuild.
 */
export function clusterNextSteps(plan: ClusterPlan, cookie: string) {
  const steps = clusterSteps(plan, cookie);
  const lines = (phase: ClusterPhase) => steps.filter(step => step.phase === phase).flatMap(step => [`# ${step.comment}`, step.command]);
  return {
    beforePush: lines('setup'),
    settings: [
      { variable: 'DNS_CLUSTER_QUERY', value: dnsClusterQuery(plan), why: 'the DNS name dns_cluster polls for the other nodes' },
      { variable: 'RELEASE_COOKIE', value: cookie, secret: true, why: 'one Erlang cookie for every node (each image build has its own otherwise)' },
    ],
    afterDeploy: lines('check'),
  };
}

const rpcCheck = (plan: ClusterPlan) => `dokku enter ${plan.appName} web /app/bin/${plan.releaseName} rpc 'IO.inspect(Node.list())'`;

export function clusterSteps(plan: ClusterPlan, cookie: string): ClusterStep[] {
  return plan.scheduler === 'k3s' ? k3sSteps(plan, cookie) : dockerLocalSteps(plan, cookie);
}

function dockerLocalSteps(plan: ClusterPlan, cookie: string): ClusterStep[] {
  const { appName: app } = plan;
  const network = clusterNetwork(app);
  return [
    { phase: 'setup', comment: "A Docker network for the app's containers (once; the names none, bridge and host are taken)", command: `dokku network:create ${network}` },
    {
      phase: 'setup',
      comment:
        `Connect each new container before it starts, with the aliases ${app}.web and <hostname>.${app}.web, so env.sh.eex finds its own address at boot ` +
        '(attach-post-deploy connects only after the deploy checks, when the node is already named; initial-network adds no aliases)',
      command: `dokku network:set ${app} attach-post-create ${network}`,
    },
    {
      phase: 'config',
      comment:
        `What dns_cluster polls (every web container on ${network}), and one cookie for every node: each image build otherwise has its own random one, ` +
        'so old and new nodes could not connect. The cookie is printed here only',
      command: `dokku config:set --no-restart ${app} DNS_CLUSTER_QUERY=${dnsClusterQuery(plan)} RELEASE_COOKIE=${cookie}`,
    },
    { phase: 'setup', comment: `${plan.webScale} web containers (--skip-deploy: the next deploy or rebuild starts them)`, command: `dokku ps:scale --skip-deploy ${app} web=${plan.webScale}` },
    { phase: 'deploy', comment: 'Start the containers again, now on the network (an app not deployed yet: the first git push does this)', command: `dokku ps:rebuild ${app}` },
    { phase: 'check', comment: 'Check: a node lists the others (web.2 enters the second container)', command: rpcCheck(plan) },
  ];
}

function k3sSteps(plan: ClusterPlan, cookie: string): ClusterStep[] {
  const { appName: app, namespace } = plan;
  return [
    { phase: 'setup', comment: "k3s on this server, once, as root (Dokku's scheduler-k3s plugin)", command: 'sudo dokku scheduler-k3s:initialize' },
    {
      phase: 'setup',
      comment: 'The registry every k3s node pulls the images from, which k3s needs (replace REGISTRY and USER; the password is read from stdin)',
      command: 'echo "$REGISTRY_PASSWORD" | dokku registry:login --password-stdin REGISTRY USER',
    },
    { phase: 'setup', comment: 'Images go to that registry', command: 'dokku registry:set --global server REGISTRY/' },
    { phase: 'setup', comment: 'Each release pushes its image there, tagged with a number that grows with every release', command: 'dokku registry:set --global push-on-release true' },
    {
      phase: 'setup',
      comment: 'Each further server joins as a k3s node (the dokku user must ssh to it as root; older Dokku: scheduler-k3s:cluster-add)',
      command: 'dokku scheduler-k3s:cluster:add ssh://root@SERVER-2',
    },
    { phase: 'setup', comment: 'Deploy the app on k3s instead of local Docker', command: `dokku scheduler:set ${app} selected k3s` },
    { phase: 'setup', comment: `The namespace ${KUSTOMIZE_DIR}/cluster-service.yaml names (they must match)`, command: `dokku scheduler-k3s:set ${app} namespace ${namespace}` },
    {
      phase: 'config',
      comment: 'What dns_cluster polls (the headless Service lists every ready web pod), and one cookie for every pod. The cookie is printed here only',
      command: `dokku config:set --no-restart ${app} DNS_CLUSTER_QUERY=${dnsClusterQuery(plan)} RELEASE_COOKIE=${cookie}`,
    },
    { phase: 'setup', comment: `${plan.webScale} web pods (--skip-deploy: the next deploy or rebuild starts them)`, command: `dokku ps:scale --skip-deploy ${app} web=${plan.webScale}` },
    { phase: 'deploy', comment: `Deploy on k3s; kustomize adds the Service from ${KUSTOMIZE_DIR}/ (commit it first)`, command: `dokku ps:rebuild ${app}` },
    { phase: 'check', comment: 'Check: the Service has one address per ready web pod', command: `sudo k3s kubectl -n ${namespace} get endpoints ${clusterServiceName(app)}` },
    { phase: 'check', comment: 'Check: a node lists the others', command: rpcCheck(plan) },
  ];
}

/** What changes for the user once the nodes form a cluster. */
export function clusterChanges(plan: ClusterPlan): string[] {
  const app = plan.appName;
  const shared = [
    `Keep RELEASE_COOKIE once set: a new cookie splits old and new nodes during the next deploy. Without DNS_CLUSTER_QUERY (dokku config:unset ${app} DNS_CLUSTER_QUERY) the nodes run alone again.`,
    'Only web is clustered: other process types are not in DNS_CLUSTER_QUERY.',
  ];
  if (plan.scheduler === 'k3s') {
    return [
      'During a rolling update old and new pods are in the cluster at once (the Service lists ready pods only): messages between nodes must work across two versions of the code.',
      "The health checks stay app.json's (k3s turns them into the pods' probes) and the release: phase is unchanged: bin/migrate runs `eval`, which starts no distribution.",
      'Pods of `dokku run` (Kubernetes Jobs) and the release: container are not behind the Service, so they are never cluster members.',
      ...shared,
    ];
  }
  return [
    'During a deploy old and new containers are on the network and in the cluster at once, until the old ones stop (wait-to-retire, 60 s by default; ' +
      'Dokku 0.38+ sends them SIGTERM right after the switch): messages between nodes must work across two versions of the code.',
    'The health check and the release: phase do not change: Dokku still checks each new container on its own, and bin/migrate runs `eval`, which starts no distribution.',
    `The release: and \`dokku run\` containers join ${clusterNetwork(app)} but get no ${app}.web alias, so they are never cluster members.`,
    `With a network tld (dokku network:set ${app} tld X) the query is ${app}.web.X.`,
    ...shared,
  ];
}

/** What this piece could not verify for k3s, said plainly. */
export function k3sWarnings(plan: ClusterPlan): string[] {
  return [
    `Not tested on a real k3s cluster. ${KUSTOMIZE_DIR}/ only takes effect on a Dokku with scheduler-k3s's kustomize post-renderer (dokku/dokku PR #7776, July 2025); ` +
      `an older one ignores it, so there is no headless Service and no cluster. After the deploy, check that the Service exists (the kubectl command above) or deploy with DOKKU_TRACE=1 to see the rendered manifests.`,
    `The release: command (migrations) runs in Docker on the Dokku host, not in k3s (dokku/dokku issue #8932): the database must be reachable from the Dokku host.`,
    `Each pod's address comes from \`hostname -i\` (the kubelet's /etc/hosts); Dokku sets no POD_IP. Give app.json's web health check "type": "readiness" so pods join the Service only once they answer.`,
    `${clusterServiceName(plan.appName)} must be in the app's namespace (${plan.namespace}); change both ${KUSTOMIZE_DIR}/cluster-service.yaml and scheduler-k3s:set ... namespace together.`,
  ];
}
