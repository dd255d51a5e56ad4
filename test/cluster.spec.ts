/**
 * phoenix-dokku:cluster: the rel/env.sh.eex block (shellcheck, run under dash with stand-ins
 * for getent and hostname, and inside a real `mix release` launcher), two real release nodes
 * that connect with the shared cookie and refuse a different one, the dns_cluster patches
 * (applied once, present after, help without an anchor, CRLF kept, `mix format`-clean,
 * evaluated with Config.Reader), the printed commands per scheduler, and whole runs on the
 * fixtures (with and without dns_cluster, an umbrella, Fly's env.sh.eex, k3s, buildpacks).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import helpers from 'yeoman-test';
import {
  ENV_SH_MARKER,
  clusterCommands,
  clusterNextSteps,
  dnsClusterQuery,
  envShBlock,
  injectDnsClusterChild,
  injectDnsClusterConfig,
  injectDnsClusterDep,
  injectEnvSh,
  newEnvSh,
  type ClusterPlan,
} from '../generators/support/cluster.js';
import { loadElixirParser } from '../generators/support/elixir-ast.js';
import { RUNTIME_MARKER } from '../generators/support/elixir-patches.js';
import type { Injection } from '../generators/support/patch.js';
import {
  assertRefused,
  elixirProblems,
  fixture,
  generatorPath,
  readElixirConfig,
  rerunPiece,
  runPiece,
  shellcheckProblems,
  snapshotDir,
  type RunResult,
} from './support/helpers.js';

await loadElixirParser();

const scratchDirs: string[] = [];
function scratch(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `pd-cluster-${prefix}-`));
  scratchDirs.push(dir);
  return dir;
}
after(() => scratchDirs.forEach(dir => rmSync(dir, { recursive: true, force: true })));

const fixtureFile = (name: string, path: string) => readFileSync(fixture(`${name}/${path}`), 'utf8');
const toCrlf = (text: string) => text.replace(/\r?\n/g, '\r\n');

function injected(result: Injection): string {
  assert.equal(result.kind, 'injected', JSON.stringify(result));
  return (result as { content: string }).content;
}

/** Every line of `before` is in `after`, in the same order. */
function assertKeepsEveryLine(before: string, after: string): void {
  const remaining = after.split(/\r?\n/);
  for (const line of before.split(/\r?\n/)) {
    const at = remaining.indexOf(line);
    assert.ok(at >= 0, `lost or reordered: ${JSON.stringify(line)}`);
    remaining.splice(0, at + 1);
  }
}

/** `mix format`-clean, checked by the real formatter on a temp copy. */
function assertFormatClean(content: string, name: string): void {
  const file = join(scratch('format'), name);
  writeFileSync(file, content);
  assert.deepEqual(elixirProblems([file]), []);
}

/** The patch contract: applies once, present the second time, CRLF kept, same edit as with LF. */
function assertPatchContract(content: string, apply: (text: string) => Injection): string {
  const patched = injected(apply(content));
  assertKeepsEveryLine(content, patched);
  assert.equal(apply(patched).kind, 'present', 'a second application finds it present');
  const crlf = injected(apply(toCrlf(content)));
  assert.doesNotMatch(crlf, /[^\r]\n/, 'every line ends in CRLF');
  assert.equal(crlf.replace(/\r\n/g, '\n'), patched);
  return patched;
}

// --- rel/env.sh.eex under dash -------------------------------------------------------------

/** Stand-ins on PATH: getent answers from FAKE_HOSTS ("name=ip ..."), hostname -i prints FAKE_HOSTNAME_I. */
function writeStubs(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'getent'),
    [
      '#!/bin/sh',
      'if [ -n "${FAKE_GETENT_LOG:-}" ]; then echo "$*" >>"$FAKE_GETENT_LOG"; fi',
      'db=$1',
      'name=$2',
      'case $db in',
      '  ahostsv4) if [ -n "${FAKE_NO_AHOSTS:-}" ]; then echo "getent: unknown database: ahostsv4" >&2; exit 1; fi ;;',
      '  hosts) ;;',
      '  *) exit 1 ;;',
      'esac',
      'for pair in ${FAKE_HOSTS:-}; do',
      '  if [ "${pair%%=*}" = "$name" ]; then',
      '    ip=${pair#*=}',
      // glibc's formats: ahostsv4 prints one line per socket type, hosts one line with the name.
      '    if [ "$db" = ahostsv4 ]; then printf "%s       STREAM %s\\n%s       DGRAM\\n%s       RAW\\n" "$ip" "$name" "$ip" "$ip"',
      '    else printf "%s       %s\\n" "$ip" "$name"; fi',
      '    exit 0',
      '  fi',
      'done',
      'exit 2',
      '',
    ].join('\n'),
  );
  writeFileSync(join(bin, 'hostname'), ['#!/bin/sh', 'if [ "$1" = -i ] && [ -n "${FAKE_HOSTNAME_I:-}" ]; then echo "$FAKE_HOSTNAME_I"; exit 0; fi', 'exit 1', ''].join('\n'));
  chmodSync(join(bin, 'getent'), 0o755);
  chmodSync(join(bin, 'hostname'), 0o755);
  return bin;
}

interface Sourced {
  status: number | null;
  stderr: string;
  /** Positional parameters of the sourcing script after sourcing. */
  args: string;
  /** Variables exported after sourcing (`export -p`), RELEASE_* only. */
  exported: Record<string, string>;
}

/**
 * Sources env.sh from a script running under `set -e` with positional parameters, as the
 * release launcher does, in /bin/sh (dash on Debian) with exactly `env`.
 */
function sourceEnvSh(envSh: string, env: Record<string, string>): Sourced {
  const script = ['set -e', 'set -- start --extra', `. '${envSh}'`, 'echo "ARGS=$1 $2"', 'export -p'].join('\n');
  const result = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', env, timeout: 10_000 });
  const exported: Record<string, string> = {};
  for (const match of result.stdout.matchAll(/^export (RELEASE_\w+)='?([^'\n]*)'?$/gm)) exported[match[1]] = match[2];
  return { status: result.status, stderr: result.stderr, args: /^ARGS=(.*)$/m.exec(result.stdout)?.[1] ?? '', exported };
}

describe('rel/env.sh.eex: the clustering block', () => {
  let dir: string;
  let envSh: string;
  let bin: string;
  let getentLog: string;
  const base = () => ({ PATH: `${bin}:/usr/bin:/bin`, FAKE_GETENT_LOG: getentLog });
  before(() => {
    dir = scratch('envsh');
    envSh = join(dir, 'env.sh');
    writeFileSync(envSh, newEnvSh('shop'));
    bin = writeStubs(dir);
    getentLog = join(dir, 'getent.log');
  });
  beforeEach(() => writeFileSync(getentLog, ''));

  it('is POSIX sh, shellcheck-clean, and has no EEx tag (mix release renders the file with EEx)', () => {
    assert.equal(shellcheckProblems([envSh], 'sh'), '');
    assert.doesNotMatch(newEnvSh('shop'), /<%/);
    assert.ok(newEnvSh('shop').startsWith('#!/bin/sh\n'));
  });

  it('docker-local: names the node after the per-container alias <hostname>.<query>, not the first address of hostname -i', () => {
    const sourced = sourceEnvSh(envSh, {
      ...base(),
      HOSTNAME: 'c0ffee123456',
      DNS_CLUSTER_QUERY: 'shop.web',
      FAKE_HOSTS: 'c0ffee123456.shop.web=10.0.1.5',
      // The container is on two networks: bridge first.
      FAKE_HOSTNAME_I: '172.17.0.4 10.0.1.5',
    });
    assert.equal(sourced.status, 0, sourced.stderr);
    assert.deepEqual(sourced.exported, { RELEASE_DISTRIBUTION: 'name', RELEASE_NODE: 'shop@10.0.1.5' });
    assert.equal(sourced.args, 'start --extra', "the launcher's $1 and $2 are untouched");
    assert.equal(readFileSync(getentLog, 'utf8'), 'ahostsv4 c0ffee123456.shop.web\n');
  });

  it('uses RELEASE_NAME (set by the launcher) as the basename, every node the same', () => {
    const sourced = sourceEnvSh(envSh, { ...base(), HOSTNAME: 'h1', DNS_CLUSTER_QUERY: 'shop.web', FAKE_HOSTS: 'h1.shop.web=10.0.1.6', RELEASE_NAME: 'other' });
    assert.equal(sourced.exported.RELEASE_NODE, 'other@10.0.1.6');
  });

  it('a getent without ahostsv4 (musl) falls back to getent hosts', () => {
    const sourced = sourceEnvSh(envSh, { ...base(), HOSTNAME: 'c0ffee', DNS_CLUSTER_QUERY: 'shop.web', FAKE_HOSTS: 'c0ffee.shop.web=10.0.1.7', FAKE_NO_AHOSTS: '1' });
    assert.equal(sourced.status, 0, sourced.stderr);
    assert.equal(sourced.exported.RELEASE_NODE, 'shop@10.0.1.7');
    assert.equal(readFileSync(getentLog, 'utf8'), 'ahostsv4 c0ffee.shop.web\nhosts c0ffee.shop.web\n');
  });

  it('k3s: no per-pod alias, so the first IPv4 address of hostname -i (IPv6 skipped)', () => {
    const sourced = sourceEnvSh(envSh, {
      ...base(),
      HOSTNAME: 'shop-web-5d8f-abcde',
      DNS_CLUSTER_QUERY: 'shop-web-cluster.default.svc.cluster.local',
      FAKE_HOSTNAME_I: 'fe80::1 10.42.0.7',
    });
    assert.equal(sourced.status, 0, sourced.stderr);
    assert.deepEqual(sourced.exported, { RELEASE_DISTRIBUTION: 'name', RELEASE_NODE: 'shop@10.42.0.7' });
  });

  it('an explicit POD_IP comes before hostname -i', () => {
    const sourced = sourceEnvSh(envSh, { ...base(), HOSTNAME: 'pod', DNS_CLUSTER_QUERY: 'q.example', POD_IP: '10.42.1.9', FAKE_HOSTNAME_I: '10.42.0.7' });
    assert.equal(sourced.exported.RELEASE_NODE, 'shop@10.42.1.9');
  });

  it('without DNS_CLUSTER_QUERY exports nothing and looks nothing up', () => {
    const sourced = sourceEnvSh(envSh, { ...base(), HOSTNAME: 'c0ffee', FAKE_HOSTS: 'c0ffee.shop.web=10.0.1.5', FAKE_HOSTNAME_I: '10.0.1.5' });
    assert.equal(sourced.status, 0, sourced.stderr);
    assert.deepEqual(sourced.exported, {});
    assert.equal(sourced.args, 'start --extra');
    assert.equal(readFileSync(getentLog, 'utf8'), '');
  });

  it('never aborts under set -e when getent and hostname are missing, or find nothing; then it names no node', () => {
    const empty = join(dir, 'empty-path');
    mkdirSync(empty, { recursive: true });
    const cases: Record<string, string>[] = [
      { PATH: empty, HOSTNAME: 'c0ffee', DNS_CLUSTER_QUERY: 'shop.web' },
      { PATH: empty, DNS_CLUSTER_QUERY: 'shop.web' },
      { ...base(), HOSTNAME: 'c0ffee', DNS_CLUSTER_QUERY: 'shop.web' },
    ];
    for (const env of cases) {
      const sourced = sourceEnvSh(envSh, env);
      assert.equal(sourced.status, 0, `aborted with ${JSON.stringify(env)}: ${sourced.stderr}`);
      assert.equal(sourced.args, 'start --extra');
      assert.deepEqual(sourced.exported, {});
    }
  });

  it('keeps a RELEASE_NODE set by hand', () => {
    const sourced = sourceEnvSh(envSh, { ...base(), HOSTNAME: 'c0ffee', DNS_CLUSTER_QUERY: 'shop.web', FAKE_HOSTS: 'c0ffee.shop.web=10.0.1.5', RELEASE_NODE: 'mine@10.9.9.9' });
    assert.deepEqual(sourced.exported, { RELEASE_NODE: 'mine@10.9.9.9' });
  });
});

describe('injectEnvSh', () => {
  // What `mix release.init` writes (elixir-lang/elixir lib/mix/lib/mix/tasks/release.init.ex, env_text): settings commented out.
  const releaseInit = [
    '#!/bin/sh',
    '',
    '# # Sets and enables heart (recommended only in daemon mode)',
    '# case $RELEASE_COMMAND in',
    '#   daemon*)',
    '#     HEART_COMMAND="$RELEASE_ROOT/bin/$RELEASE_NAME $RELEASE_COMMAND"',
    '#     export HEART_COMMAND',
    '#     export ELIXIR_ERL_OPTIONS="-heart"',
    '#     ;;',
    '#   *)',
    '#     ;;',
    '# esac',
    '',
    '# # Set the release to load code on demand (interactive) instead of preloading (embedded).',
    '# export RELEASE_MODE=interactive',
    '',
    '# # Set the release to work across nodes.',
    '# # RELEASE_DISTRIBUTION must be "sname" (local), "name" (distributed) or "none".',
    '# export RELEASE_DISTRIBUTION=name',
    '# export RELEASE_NODE=<%= @release.name %>',
    '',
  ].join('\n');

  it('creates the file when there is none', () => {
    assert.equal(injected(injectEnvSh('', 'shop')), newEnvSh('shop'));
  });

  it('appends to a file whose node settings are commented out: once, every line kept, CRLF kept, shellcheck-clean', () => {
    const patched = assertPatchContract(releaseInit, content => injectEnvSh(content, 'shop'));
    assert.ok(patched.endsWith(`\n\n${envShBlock('shop')}\n`));
    assert.equal(patched.split('\n').filter(line => line.startsWith(ENV_SH_MARKER)).length, 1);
    const file = join(scratch('init'), 'env.sh');
    writeFileSync(file, patched);
    assert.equal(shellcheckProblems([file], 'sh'), '');
  });

  it("Fly's env.sh.eex (RELEASE_NODE from FLY_* variables): no second setting, help names the lines and why", () => {
    const fly = fixtureFile('fly-launch', 'rel/env.sh.eex');
    const result = injectEnvSh(fly, 'pulse');
    assert.equal(result.kind, 'no-anchor');
    const help = (result as { help: string }).help;
    assert.match(help, /line 7: export RELEASE_DISTRIBUTION="name"/);
    assert.match(help, /line 8: export RELEASE_NODE="\$\{FLY_APP_NAME\}-\$\{FLY_IMAGE_REF##\*-\}@\$\{FLY_PRIVATE_IP\}"  \(reads FLY_APP_NAME, FLY_IMAGE_REF, FLY_PRIVATE_IP, which Fly\.io sets: on Dokku empty, or a stand-in/);
    assert.match(help, /line 6: export DNS_CLUSTER_QUERY=.*overrides the DNS_CLUSTER_QUERY set with dokku config:set/);
    assert.match(help, /line 4: export ERL_AFLAGS="-proto_dist inet6_tcp"/);
    assert.ok(help.endsWith(envShBlock('pulse')), 'ends with the block to append');
  });

  it('any other file that names the node is left alone too', () => {
    const result = injectEnvSh('#!/bin/sh\nexport RELEASE_DISTRIBUTION=name\nexport RELEASE_NODE="shop@$(hostname -i)"\n', 'shop');
    assert.equal(result.kind, 'no-anchor');
    assert.match((result as { help: string }).help, /line 3: export RELEASE_NODE="shop@\$\(hostname -i\)"  \(names the node/);
  });
});

// --- two real release nodes ------------------------------------------------------------------

/** A free TCP port for the nodes' distribution listeners. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('two release nodes named by the generated env.sh.eex', function () {
  this.timeout(120_000);
  let dir: string;
  let launcher: string;
  let bin: string;
  let port: number;
  const cookie = 'shared-cookie-0123456789abcdef';
  const nodes: ChildProcess[] = [];
  // Each "container" is a loopback address; the stand-in getent gives each its alias on the cluster network.
  const aliases = 'aaaa.shop.web=127.0.0.2 bbbb.shop.web=127.0.0.3';

  /**
   * One epmd holds one node per name, and both nodes are `shop@...` (dns_cluster needs one
   * basename): on one machine they would clash. So the nodes run without epmd, each
   * listening on the same port on its own loopback address (-erl_epmd_port), as separate
   * containers would. That is test scaffolding only; the generated files do not set it.
   */
  const envFor = (host: string, address: string, extra: Record<string, string> = {}) => ({
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: process.env.HOME ?? dir,
    LANG: 'C.UTF-8',
    HOSTNAME: host,
    DNS_CLUSTER_QUERY: 'shop.web',
    FAKE_HOSTS: aliases,
    RELEASE_COOKIE: cookie,
    RELEASE_TMP: join(dir, `tmp-${host}-${address}`),
    ERL_AFLAGS: `-start_epmd false -erl_epmd_port ${port} -kernel inet_dist_use_interface {${address.replaceAll('.', ',')}}`,
    ...extra,
  });

  /** `bin/shop rpc` from inside a "container" (what `dokku enter APP web bin/shop rpc` does), from a spare address. */
  const rpc = (host: string, expression: string, extra: Record<string, string> = {}) =>
    spawnSync(launcher, ['rpc', expression], { encoding: 'utf8', env: envFor(host, '127.0.0.4', extra), timeout: 30_000 });

  async function waitUntilUp(host: string): Promise<void> {
    for (let attempt = 0; attempt < 60; attempt++) {
      if (rpc(host, 'IO.puts(:up)').stdout.includes('up')) return;
      await sleep(500);
    }
    throw new Error(`the node of ${host} did not come up`);
  }

  before(async () => {
    dir = scratch('release');
    bin = writeStubs(dir);
    port = await freePort();
    // The smallest Mix project with a release, no dependencies (no Hex needed), and our env.sh.eex.
    writeFileSync(join(dir, 'mix.exs'), 'defmodule Shop.MixProject do\n  use Mix.Project\n\n  def project, do: [app: :shop, version: "0.1.0"]\nend\n');
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib/shop.ex'), 'defmodule Shop do\nend\n');
    mkdirSync(join(dir, 'rel'));
    writeFileSync(join(dir, 'rel/env.sh.eex'), newEnvSh('shop'));
    const build = spawnSync('mix', ['release', '--quiet', '--overwrite'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, MIX_ENV: 'prod' },
      timeout: 90_000,
    });
    assert.equal(build.status, 0, build.stdout + build.stderr);
    launcher = join(dir, '_build/prod/rel/shop/bin/shop');
    for (const [host, address] of [
      ['aaaa', '127.0.0.2'],
      ['bbbb', '127.0.0.3'],
    ]) {
      // Own process group, so the whole node (launcher, erlexec, beam) is stopped by its id.
      nodes.push(spawn(launcher, ['start'], { env: envFor(host, address), detached: true, stdio: 'ignore' }));
    }
    await waitUntilUp('aaaa');
    await waitUntilUp('bbbb');
  });

  after(async () => {
    for (const node of nodes) {
      if (node.pid && node.exitCode === null) {
        try {
          process.kill(-node.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    }
    await sleep(1500);
    for (const node of nodes) {
      if (node.pid && node.exitCode === null) {
        try {
          process.kill(-node.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });

  it("each node is named <release>@<its alias's address> by the real launcher", () => {
    assert.equal(rpc('aaaa', 'IO.puts(node())').stdout.trim(), 'shop@127.0.0.2');
    assert.equal(rpc('bbbb', 'IO.puts(node())').stdout.trim(), 'shop@127.0.0.3');
  });

  it('they connect the way dns_cluster does (<basename>@<each address of the query>) with the shared cookie', () => {
    // phoenixframework/dns_cluster lib/dns_cluster.ex: basename of node(), "#{basename}@#{ip}" per address.
    const connect = [
      '[basename, _] = node() |> Atom.to_string() |> String.split("@")',
      'for ip <- ~w(127.0.0.2 127.0.0.3), peer = :"#{basename}@#{ip}", peer != node(), do: IO.inspect(Node.connect(peer))',
    ].join('\n');
    const connected = rpc('bbbb', connect);
    assert.equal(connected.stdout.trim(), 'true', connected.stdout + connected.stderr);
    // The check the summary prints: dokku enter APP web bin/shop rpc 'IO.inspect(Node.list())'.
    assert.equal(rpc('aaaa', 'IO.inspect(Node.list())').stdout.trim(), '[:"shop@127.0.0.3"]');
    assert.equal(rpc('bbbb', 'IO.inspect(Node.list())').stdout.trim(), '[:"shop@127.0.0.2"]');
  });

  it('a node with another cookie (another build without RELEASE_COOKIE) cannot connect', () => {
    const stranger = spawnSync(
      'elixir',
      ['--name', 'shop@127.0.0.5', '--cookie', 'another-cookie', '-e', 'IO.inspect(Node.connect(:"shop@127.0.0.2"))'],
      { encoding: 'utf8', env: { ...envFor('cccc', '127.0.0.5'), RELEASE_COOKIE: '' }, timeout: 30_000 },
    );
    assert.equal(stranger.stdout.trim().split('\n').at(-1), 'false', stranger.stdout + stranger.stderr);
    assert.equal(rpc('aaaa', 'IO.inspect(Node.list())').stdout.trim(), '[:"shop@127.0.0.3"]');
  });

  it('the rpc from the node of another cookie is refused too', () => {
    const refused = rpc('aaaa', 'IO.inspect(Node.list())', { RELEASE_COOKIE: 'another-cookie' });
    assert.notEqual(refused.status, 0);
    assert.doesNotMatch(refused.stdout, /shop@/);
  });
});

// --- the dns_cluster wiring ----------------------------------------------------------------

describe('injectDnsClusterDep', () => {
  it('adds {:dns_cluster, "~> 0.2.0"} as the first dep of phx-1.6-postgres: once, lines kept, CRLF kept, format-clean', () => {
    const mixExs = fixtureFile('phx-1.6-postgres', 'mix.exs');
    const patched = assertPatchContract(mixExs, content => injectDnsClusterDep(content));
    assert.match(patched, /defp deps do\n    \[\n      \{:dns_cluster, "~> 0\.2\.0"\},\n      \{:phoenix, "~> 1\.6\.16"\},/);
    assertFormatClean(patched, 'mix.exs');
  });

  it('is present when any dns_cluster version is (0.1.1 from phx.new 1.7), or in an `++` addition', () => {
    assert.equal(injectDnsClusterDep(fixtureFile('phx-1.7-postgres', 'mix.exs')).kind, 'present');
    assert.equal(injectDnsClusterDep(fixtureFile('phx-1.8-postgres', 'mix.exs')).kind, 'present');
    const added = 'defmodule A.MixProject do\n  use Mix.Project\n\n  def project, do: [app: :a, deps: deps()]\n\n  defp deps do\n    [{:phoenix, "~> 1.7"}] ++ [{:dns_cluster, "~> 0.1"}]\n  end\nend\n';
    assert.equal(injectDnsClusterDep(added).kind, 'present');
  });

  it('a one-line deps list stays on one line', () => {
    const oneLine = 'defmodule A.MixProject do\n  use Mix.Project\n\n  def project, do: [app: :a, deps: [{:phoenix, "~> 1.7"}]]\nend\n';
    const patched = injected(injectDnsClusterDep(oneLine));
    assert.match(patched, /deps: \[\{:dns_cluster, "~> 0\.2\.0"\}, \{:phoenix, "~> 1\.7"\}\]/);
    assertFormatClean(patched, 'mix.exs');
  });

  it('without a deps list it says what to add', () => {
    const computed = 'defmodule A.MixProject do\n  use Mix.Project\n\n  def project, do: [app: :a, deps: Shared.deps()]\nend\n';
    const result = injectDnsClusterDep(computed);
    assert.deepEqual(result, { kind: 'no-anchor', help: 'Add {:dns_cluster, "~> 0.2.0"} to the deps in mix.exs, then run mix deps.get and commit mix.lock.' });
  });
});

describe('injectDnsClusterChild', () => {
  it('adds the child before Phoenix.PubSub and the comment above it (phx-1.6-postgres): once, CRLF kept, format-clean', () => {
    const applicationEx = fixtureFile('phx-1.6-postgres', 'lib/blog/application.ex');
    const patched = assertPatchContract(applicationEx, content => injectDnsClusterChild(content, 'blog'));
    assert.match(
      patched,
      /      BlogWeb\.Telemetry,\n      \{DNSCluster, query: Application\.get_env\(:blog, :dns_cluster_query\) \|\| :ignore\},\n      # Start the PubSub system\n      \{Phoenix\.PubSub, name: Blog\.PubSub\},/,
    );
    assertFormatClean(patched, 'application.ex');
  });

  it('is present when a DNSCluster child is there (phx.new 1.7 and 1.8)', () => {
    assert.equal(injectDnsClusterChild(fixtureFile('phx-1.7-postgres', 'lib/shop/application.ex'), 'shop').kind, 'present');
    assert.equal(injectDnsClusterChild(fixtureFile('phx-1.8-postgres', 'lib/hello/application.ex'), 'hello').kind, 'present');
  });

  it('without Phoenix.PubSub it becomes the first child; a long app name is laid out as mix format does', () => {
    const app = [
      'defmodule A.Application do',
      '  use Application',
      '',
      '  def start(_type, _args) do',
      '    children = [',
      '      A.Repo',
      '    ]',
      '',
      '    Supervisor.start_link(children, strategy: :one_for_one)',
      '  end',
      'end',
      '',
    ].join('\n');
    const patched = injected(injectDnsClusterChild(app, 'a_long_application_name_x'));
    assert.match(patched, /children = \[\n      \{DNSCluster,\n       query: Application\.get_env\(:a_long_application_name_x, :dns_cluster_query\) \|\| :ignore\},\n      A\.Repo\n/);
    assertFormatClean(patched, 'application.ex');
  });

  it('without a children list it says what to add, and where', () => {
    const result = injectDnsClusterChild('defmodule A.Application do\n  use Application\n\n  def start(_, _), do: A.Supervisor.start_link()\nend\n', 'a', 'lib/a/application.ex');
    assert.equal(result.kind, 'no-anchor');
    assert.equal(
      (result as { help: string }).help,
      'Add this child to the supervision tree in lib/a/application.ex, before {Phoenix.PubSub, ...} (as phx.new does):\n\n  {DNSCluster, query: Application.get_env(:a, :dns_cluster_query) || :ignore},',
    );
  });
});

describe('injectDnsClusterConfig', () => {
  const prodEnv = { DATABASE_URL: 'ecto://u:p@db/blog', SECRET_KEY_BASE: 'x'.repeat(64) };

  it('appends a marked block to phx-1.6-postgres runtime.exs: once, CRLF kept, format-clean', () => {
    const runtimeExs = fixtureFile('phx-1.6-postgres', 'config/runtime.exs');
    const patched = assertPatchContract(runtimeExs, content => injectDnsClusterConfig(content, 'blog'));
    const block = patched.slice(runtimeExs.trimEnd().length + 2);
    assert.ok(block.startsWith(RUNTIME_MARKER), block);
    assert.match(block, /if config_env\(\) == :prod do\n  config :blog, :dns_cluster_query, System\.get_env\("DNS_CLUSTER_QUERY"\)\nend\n$/);
    assertFormatClean(patched, 'runtime.exs');
  });

  it('Config.Reader: the query is what DNS_CLUSTER_QUERY says, nil without it (DNSCluster then gets :ignore)', () => {
    const file = join(scratch('config'), 'runtime.exs');
    writeFileSync(file, injected(injectDnsClusterConfig(fixtureFile('phx-1.6-postgres', 'config/runtime.exs'), 'blog')));
    const clustered = readElixirConfig(file, { ...prodEnv, DNS_CLUSTER_QUERY: 'blog.web' });
    assert.equal(clustered.config?.blog.dns_cluster_query, 'blog.web');
    const alone = readElixirConfig(file, prodEnv);
    assert.ok(alone.config, alone.raised);
    assert.equal(alone.config.blog.dns_cluster_query, null);
  });

  it('is present when the config already reads DNS_CLUSTER_QUERY into :dns_cluster_query (phx.new 1.7, 1.8, umbrella)', () => {
    assert.equal(injectDnsClusterConfig(fixtureFile('phx-1.7-postgres', 'config/runtime.exs'), 'shop').kind, 'present');
    assert.equal(injectDnsClusterConfig(fixtureFile('phx-1.8-postgres', 'config/runtime.exs'), 'hello').kind, 'present');
    assert.equal(injectDnsClusterConfig(fixtureFile('phx-1.7-umbrella', 'config/runtime.exs'), 'kitchen').kind, 'present');
  });

  it('a :dns_cluster_query read from another variable is reported, not overridden', () => {
    const other = 'import Config\n\nif config_env() == :prod do\n  config :blog, :dns_cluster_query, System.get_env("CLUSTER_DNS")\nend\n';
    const result = injectDnsClusterConfig(other, 'blog');
    assert.equal(result.kind, 'no-anchor');
    assert.match((result as { help: string }).help, /^config\/runtime\.exs:4 sets :blog, :dns_cluster_query from CLUSTER_DNS; .*DNS_CLUSTER_QUERY/);
  });
});

// --- the printed commands ------------------------------------------------------------------

const plan = (scheduler: ClusterPlan['scheduler']): ClusterPlan => ({ scheduler, appName: 'shop', releaseName: 'shop', webScale: 3, namespace: 'apps' });
const commandsOf = (lines: string[]) => lines.filter(line => !line.startsWith('#'));

describe('clusterCommands', () => {
  it('docker-local: network, attach-post-create, query and cookie, scale, rebuild, check, in that order', () => {
    const lines = clusterCommands(plan('docker-local'), 'c00k1e');
    assert.deepEqual(commandsOf(lines), [
      'dokku network:create shop-cluster',
      'dokku network:set shop attach-post-create shop-cluster',
      'dokku config:set --no-restart shop DNS_CLUSTER_QUERY=shop.web RELEASE_COOKIE=c00k1e',
      'dokku ps:scale --skip-deploy shop web=3',
      'dokku ps:rebuild shop',
      "dokku enter shop web /app/bin/shop rpc 'IO.inspect(Node.list())'",
    ]);
    lines.forEach((line, index) => assert.equal(line.startsWith('#'), index % 2 === 0, `a comment above each command: ${line}`));
    assert.match(lines.join('\n'), /# .*\(attach-post-deploy connects only after the deploy checks.*initial-network adds no aliases\)/);
  });

  it('k3s: registry, initialize, cluster:add, scheduler:set, namespace, query of the headless Service, scale, rebuild, checks', () => {
    const lines = clusterCommands(plan('k3s'), 'c00k1e');
    assert.deepEqual(commandsOf(lines), [
      'sudo dokku scheduler-k3s:initialize',
      'echo "$REGISTRY_PASSWORD" | dokku registry:login --password-stdin REGISTRY USER',
      'dokku registry:set --global server REGISTRY/',
      'dokku registry:set --global push-on-release true',
      'dokku scheduler-k3s:cluster:add ssh://root@SERVER-2',
      'dokku scheduler:set shop selected k3s',
      'dokku scheduler-k3s:set shop namespace apps',
      'dokku config:set --no-restart shop DNS_CLUSTER_QUERY=shop-web-cluster.apps.svc.cluster.local RELEASE_COOKIE=c00k1e',
      'dokku ps:scale --skip-deploy shop web=3',
      'dokku ps:rebuild shop',
      'sudo k3s kubectl -n apps get endpoints shop-web-cluster',
      "dokku enter shop web /app/bin/shop rpc 'IO.inspect(Node.list())'",
    ]);
    lines.forEach((line, index) => assert.equal(line.startsWith('#'), index % 2 === 0, `a comment above each command: ${line}`));
  });
});

describe('clusterNextSteps (for the main next steps)', () => {
  for (const scheduler of ['docker-local', 'k3s'] as const) {
    it(`${scheduler}: the same commands, minus config:set (its variables come separately) and the rebuild (the first push does it)`, () => {
      const grouped = clusterNextSteps(plan(scheduler), 'c00k1e');
      const all = commandsOf(clusterCommands(plan(scheduler), 'c00k1e'));
      assert.deepEqual(
        [...commandsOf(grouped.beforePush), ...commandsOf(grouped.afterDeploy)],
        all.filter(command => !/dokku (config:set|ps:rebuild) /.test(command)),
      );
      assert.deepEqual(
        grouped.settings.map(setting => `${setting.variable}=${setting.value}`),
        [`DNS_CLUSTER_QUERY=${dnsClusterQuery(plan(scheduler))}`, 'RELEASE_COOKIE=c00k1e'],
      );
    });
  }
});

// --- whole runs on the fixtures -------------------------------------------------------------

interface Reported {
  report: { notes: { kind: string; text: string }[] };
}
const notesOf = (result: RunResult) => (result.generator as unknown as Reported).report.notes;
const noteText = (result: RunResult, kind: string) => notesOf(result).filter(note => note.kind === kind).map(note => note.text).join('\n\n');

/** Files that differ from the fixture (added or changed), .yo-rc.json aside. */
function changedFiles(name: string, cwd: string): string[] {
  const before = snapshotDir(fixture(name));
  const after = snapshotDir(cwd);
  return Object.keys(after).filter(file => file !== '.yo-rc.json' && after[file] !== before[file]).sort();
}

describe('phoenix-dokku:cluster on phx-1.6-postgres (no dns_cluster yet)', () => {
  let result: RunResult;
  const file = (path: string) => readFileSync(join(result.cwd, path), 'utf8');
  before(async () => {
    result = await runPiece('cluster', 'phx-1.6-postgres');
  });

  it('writes rel/env.sh.eex and adds the dep, the child and the config, all format-clean', () => {
    assert.deepEqual(changedFiles('phx-1.6-postgres', result.cwd), ['config/runtime.exs', 'lib/blog/application.ex', 'mix.exs', 'rel/env.sh.eex']);
    assert.equal(file('rel/env.sh.eex'), newEnvSh('blog'), 'the template renders what injectEnvSh creates');
    assert.match(file('mix.exs'), /\{:dns_cluster, "~> 0\.2\.0"\}/);
    assert.match(file('lib/blog/application.ex'), /\{DNSCluster, query: Application\.get_env\(:blog, :dns_cluster_query\) \|\| :ignore\}/);
    assert.match(file('config/runtime.exs'), /config :blog, :dns_cluster_query, System\.get_env\("DNS_CLUSTER_QUERY"\)/);
    assert.deepEqual(elixirProblems(['mix.exs', 'lib/blog/application.ex', 'config/runtime.exs'].map(path => join(result.cwd, path))), []);
    assert.equal(shellcheckProblems([join(result.cwd, 'rel/env.sh.eex')], 'sh'), '');
  });

  it('says what it added, and prints the docker-local commands with a fresh cookie', () => {
    assert.match(noteText(result, 'info'), /Added \{:dns_cluster, "~> 0\.2\.0"\} to mix\.exs\. Run mix deps\.get and commit mix\.lock/);
    const manual = noteText(result, 'manual');
    assert.match(manual, /dokku network:set blog attach-post-create blog-cluster/);
    assert.match(manual, /DNS_CLUSTER_QUERY=blog\.web RELEASE_COOKIE=[0-9a-f]{64}\n/);
    assert.match(manual, /dokku ps:scale --skip-deploy blog web=2/);
    assert.match(noteText(result, 'info'), /old and new containers are on the network and in the cluster at once/);
  });

  it('a second run changes no byte', async () => {
    const first = snapshotDir(result.cwd);
    const second = await rerunPiece(result, 'cluster');
    assert.deepEqual(snapshotDir(result.cwd), first);
    assert.match(noteText(second, 'info'), /already has phoenix-dokku's clustering block/);
  });
});

describe('phoenix-dokku:cluster on projects phx.new wired for dns_cluster', () => {
  for (const [name, release] of [
    ['phx-1.7-postgres', 'shop'],
    ['phx-1.8-postgres', 'hello'],
  ]) {
    it(`${name}: only rel/env.sh.eex is written`, async () => {
      const result = await runPiece('cluster', name);
      assert.deepEqual(changedFiles(name, result.cwd), ['rel/env.sh.eex']);
      assert.equal(readFileSync(join(result.cwd, 'rel/env.sh.eex'), 'utf8'), newEnvSh(release));
      assert.match(noteText(result, 'info'), /already depends on dns_cluster[\s\S]*already starts DNSCluster[\s\S]*already reads DNS_CLUSTER_QUERY/);
    });
  }
});

describe('phoenix-dokku:cluster on the umbrella', () => {
  it('phx-1.7-umbrella has dns_cluster in the core app already: only rel/env.sh.eex, at the umbrella root', async () => {
    const result = await runPiece('cluster', 'phx-1.7-umbrella');
    assert.deepEqual(changedFiles('phx-1.7-umbrella', result.cwd), ['rel/env.sh.eex']);
    assert.equal(readFileSync(join(result.cwd, 'rel/env.sh.eex'), 'utf8'), newEnvSh('kitchen'));
  });

  it('without it, the dep and the child go to the app that starts Phoenix.PubSub (apps/kitchen), the config to :kitchen', async () => {
    let stripped: Record<string, string> = {};
    const result = await helpers
      .run(generatorPath('cluster'))
      .inTmpDir(dir => {
        cpSync(fixture('phx-1.7-umbrella'), dir, { recursive: true });
        const edit = (path: string, from: string, to: string) => {
          const before = readFileSync(join(dir, path), 'utf8');
          assert.ok(before.includes(from), `${path} has ${from}`);
          writeFileSync(join(dir, path), before.replace(from, to));
        };
        edit('apps/kitchen/mix.exs', '      {:dns_cluster, "~> 0.1.1"},\n', '');
        edit('apps/kitchen/lib/kitchen/application.ex', '      {DNSCluster, query: Application.get_env(:kitchen, :dns_cluster_query) || :ignore},\n', '');
        edit('config/runtime.exs', '\n\n  config :kitchen, :dns_cluster_query, System.get_env("DNS_CLUSTER_QUERY")\n', '\n');
        stripped = snapshotDir(dir);
      })
      .withOptions({ yes: true } as never);
    const after = snapshotDir(result.cwd);
    assert.deepEqual(
      Object.keys(after).filter(path => path !== '.yo-rc.json' && after[path] !== stripped[path]).sort(),
      ['apps/kitchen/lib/kitchen/application.ex', 'apps/kitchen/mix.exs', 'config/runtime.exs', 'rel/env.sh.eex'],
    );
    const read = (path: string) => readFileSync(join(result.cwd, path), 'utf8');
    assert.match(read('apps/kitchen/mix.exs'), /\{:dns_cluster, "~> 0\.2\.0"\}/);
    assert.match(read('apps/kitchen/lib/kitchen/application.ex'), /Kitchen\.Repo,\n      \{DNSCluster, query: Application\.get_env\(:kitchen, :dns_cluster_query\) \|\| :ignore\},\n      \{Phoenix\.PubSub/);
    assert.match(read('config/runtime.exs'), /config :kitchen, :dns_cluster_query, System\.get_env\("DNS_CLUSTER_QUERY"\)/);
    assert.deepEqual(elixirProblems(['apps/kitchen/mix.exs', 'apps/kitchen/lib/kitchen/application.ex', 'config/runtime.exs'].map(path => join(result.cwd, path))), []);
  });
});

describe('phoenix-dokku:cluster on the Fly.io project (fly-launch)', () => {
  let result: RunResult;
  before(async () => {
    result = await runPiece('cluster', 'fly-launch');
  });

  it("keeps Fly's rel/env.sh.eex as it is: no second RELEASE_NODE, the lines to replace in the summary", () => {
    const envSh = readFileSync(join(result.cwd, 'rel/env.sh.eex'), 'utf8');
    assert.equal(envSh, fixtureFile('fly-launch', 'rel/env.sh.eex'));
    assert.equal(envSh.match(/RELEASE_NODE=/g)?.length, 1);
    assert.match(noteText(result, 'manual'), /rel\/env\.sh\.eex already names the node[\s\S]*line 8: export RELEASE_NODE=[\s\S]*FLY_PRIVATE_IP, which Fly\.io sets: on Dokku empty, or a stand-in/);
  });

  it('still wires dns_cluster, and warns about libcluster', () => {
    assert.deepEqual(changedFiles('fly-launch', result.cwd), ['config/runtime.exs', 'lib/pulse/application.ex', 'mix.exs']);
    assert.match(noteText(result, 'warning'), /also uses libcluster/);
  });
});

describe('phoenix-dokku:cluster after phoenix-dokku release on fly-launch', () => {
  it("after the release piece's Fly guard: still no second setting, and the help says the guard must go too (it unsets DNS_CLUSTER_QUERY off Fly)", async () => {
    const guarded = await rerunPiece(await runPiece('release', 'fly-launch'), 'cluster');
    const envSh = readFileSync(join(guarded.cwd, 'rel/env.sh.eex'), 'utf8');
    assert.ok(envSh.startsWith(fixtureFile('fly-launch', 'rel/env.sh.eex').trimEnd()), 'the release piece appended its guard');
    assert.doesNotMatch(envSh, new RegExp(ENV_SH_MARKER));
    const help = noteText(guarded, 'manual');
    assert.match(help, /lines \d+-\d+: the block phoenix-dokku release appended to undo them off Fly\.io \(wherever FLY_PRIVATE_IP is unset it unsets DNS_CLUSTER_QUERY/);
    assert.doesNotMatch(help, /line \d+: if \[/, 'the guard is named as one block, not line by line');
  });
});

describe('phoenix-dokku:cluster --scheduler k3s', () => {
  let result: RunResult;
  before(async () => {
    result = await runPiece('cluster', 'phx-1.7-postgres', { scheduler: 'k3s', 'web-scale': '4', 'k3s-namespace': 'shops' });
  });

  it('writes the kustomization and a headless Service over the web pods, whose DNS name is the query printed', () => {
    assert.deepEqual(changedFiles('phx-1.7-postgres', result.cwd), ['config/kustomize/cluster-service.yaml', 'config/kustomize/kustomization.yaml', 'rel/env.sh.eex']);
    const kustomization = parseYaml(readFileSync(join(result.cwd, 'config/kustomize/kustomization.yaml'), 'utf8'));
    assert.deepEqual(kustomization.resources, ['rendered.yaml', 'cluster-service.yaml']);
    const service = parseYaml(readFileSync(join(result.cwd, 'config/kustomize/cluster-service.yaml'), 'utf8'));
    assert.equal(service.kind, 'Service');
    assert.equal(service.spec.clusterIP, 'None');
    assert.deepEqual(service.spec.selector, { 'app.kubernetes.io/instance': 'shop-web', 'app.kubernetes.io/part-of': 'shop' });
    const query = `${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`;
    assert.equal(query, dnsClusterQuery({ scheduler: 'k3s', appName: 'shop', namespace: 'shops' }));
    assert.match(noteText(result, 'manual'), new RegExp(`DNS_CLUSTER_QUERY=${query.replaceAll('.', '\\.')} RELEASE_COOKIE=`));
    assert.match(noteText(result, 'manual'), /dokku ps:scale --skip-deploy shop web=4/);
  });

  it('says plainly what is not verified', () => {
    const warnings = noteText(result, 'warning');
    assert.match(warnings, /Not tested on a real k3s cluster.*kustomize post-renderer/);
    assert.match(warnings, /release: command \(migrations\) runs in Docker on the Dokku host/);
  });

  it('a second run (choices saved in .yo-rc.json) changes no byte', async () => {
    const first = snapshotDir(result.cwd);
    const second = await rerunPiece(result, 'cluster');
    assert.deepEqual(snapshotDir(result.cwd), first);
    assert.match(noteText(second, 'manual'), /web=4/);
  });

  it('a kustomization.yaml of the user is checked, never replaced', async () => {
    const theirs = 'resources:\n  - rendered.yaml\n  - extra.yaml\n';
    const run = await helpers
      .run(generatorPath('cluster'))
      .inTmpDir(dir => {
        cpSync(fixture('phx-1.7-postgres'), dir, { recursive: true });
        mkdirSync(join(dir, 'config/kustomize'), { recursive: true });
        writeFileSync(join(dir, 'config/kustomize/kustomization.yaml'), theirs);
      })
      .withOptions({ yes: true, scheduler: 'k3s' } as never);
    assert.equal(readFileSync(join(run.cwd, 'config/kustomize/kustomization.yaml'), 'utf8'), theirs);
    assert.match(noteText(run, 'manual'), /kustomization\.yaml is yours and its resources do not list cluster-service\.yaml/);
  });
});

describe('phoenix-dokku:cluster with the buildpack build', () => {
  it('writes no project file and says why (mix phx.server starts no distribution)', async () => {
    const result = await runPiece('cluster', 'heroku-classic');
    assert.deepEqual(changedFiles('heroku-classic', result.cwd), []);
    assert.match(noteText(result, 'skipped'), /release \(Dockerfile\) build only.*mix phx\.server/s);
    assert.equal(noteText(result, 'manual'), '', 'no commands printed');
  });
});

describe('phoenix-dokku:cluster refuses bad options and writes nothing', () => {
  it('an unknown --scheduler, listing the choices', async () => {
    await assertRefused('cluster', 'phx-1.7-postgres', { scheduler: 'swarm' }, /Unknown --scheduler "swarm"\. Choose one of: docker-local .* or k3s/);
  });

  it('--web-scale below 2 or not a number', async () => {
    await assertRefused('cluster', 'phx-1.7-postgres', { 'web-scale': '1' }, /--web-scale "1" is not a whole number of at least 2/);
    await assertRefused('cluster', 'phx-1.7-postgres', { 'web-scale': 'many' }, /--web-scale "many"/);
  });

  it('a --k3s-namespace Kubernetes would refuse', async () => {
    await assertRefused('cluster', 'phx-1.7-postgres', { scheduler: 'k3s', 'k3s-namespace': 'Shops_1' }, /--k3s-namespace "Shops_1" is not a Kubernetes namespace/);
  });
});
