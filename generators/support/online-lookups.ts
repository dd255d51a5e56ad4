/**
 * Optional online checks, each bounded by one time budget and never required: the hexpm/elixir
 * builder image `mix phx.gen.release --docker` would pick (Hex's Bob API), and whether the Hex
 * builds the gigalixir Elixir buildpack downloads exist (builds.hex.pm lists). Every network
 * problem (unreachable, non-200, malformed JSON, budget spent) is an `offline` answer, never a
 * throw, so callers fall back to the offline data in `data/docker-images.ts`.
 *
 * Importing this module does no work: nothing runs until a lookup is called. It uses Node's
 * built-in fetch, which ignores HTTP(S)_PROXY (Phoenix's :httpc honours them): behind a proxy
 * the lookups answer `offline`.
 */

/** Where to ask, how long to wait in total, and a fetch seam for tests. */
export interface LookupOptions {
  /** Service root without a trailing slash; defaults to the public Hex service. */
  baseUrl?: string;
  /** Budget in milliseconds for ALL requests of one lookup (paging included). Default 3000. */
  timeoutMs?: number;
  /** Defaults to `globalThis.fetch`. */
  fetch?: typeof fetch;
}

export type Offline = { kind: 'offline'; reason: string };

/**
 * Where the generator asks: the public services, or the mirrors (and test stubs) named by
 * PHOENIX_DOKKU_BOB_URL / PHOENIX_DOKKU_BUILDS_URL.
 */
export function lookupOptions(service: 'bob' | 'builds'): LookupOptions {
  const override = service === 'bob' ? process.env.PHOENIX_DOKKU_BOB_URL : process.env.PHOENIX_DOKKU_BUILDS_URL;
  return override ? { baseUrl: override.replace(/\/$/, '') } : {};
}

const BOB_URL = 'https://bob.hex.pm';
const BUILDS_URL = 'https://builds.hex.pm';
const DEFAULT_BUDGET_MS = 3000;

// ---------------------------------------------------------------------------------------------
// Builder image: a port of phoenixframework/phoenix lib/mix/tasks/phx.gen.release.ex (Bob-API
// variant, PR phoenixframework/phoenix#6754), functions elixir_otp_and_debian_vsn/2,
// docker_tag_searches/2, fetch_bob_docker_tags/3, docker_tag_candidate/1 and best_docker_tag/1.
// ---------------------------------------------------------------------------------------------

/** The multi-arch repository; Bob's `repo` filter is a prefix, so it also returns -amd64/-arm64. */
const DOCKER_REPO = 'hexpm/elixir';

export interface ImageLookupRequest {
  elixir: string;
  otp: string;
  /** Debian codename, e.g. `trixie` (Phoenix's current default) or `bookworm`. */
  codename: string;
}

export type ImageLookup =
  | {
      kind: 'found';
      elixir: string;
      otp: string;
      codename: string;
      /** Debian snapshot date of the tag (`20260918`): the runner is `debian:<codename>-<date>-slim`. */
      date: string;
      /** The full hexpm/elixir tag, e.g. `1.18.4-erlang-27.3.4-debian-trixie-20260918-slim`. */
      tag: string;
      /** Which of Phoenix's seven searches found it (1 = exact tag). */
      step: number;
      exact: boolean;
      /** Phoenix's warnings when the image's Elixir or OTP is not the wanted one. */
      warnings: string[];
    }
  | {
      kind: 'none';
      /** Phoenix's "Please check ..." page: the tags of the wanted OTP major on this codename. */
      browseUrl: string;
    }
  | Offline;

/** How a search accepts a version client-side (Phoenix's `version_matches?/2`). */
type VersionMatch = { kind: 'any' } | { kind: 'exact' | 'major_minor' | 'major'; wanted: string };

interface DockerTagSearch {
  params: Record<string, string>;
  elixirMatch: VersionMatch;
  otpMatch: VersionMatch;
}

export interface DockerTagCandidate {
  elixir: string;
  otp: string;
  /** What Phoenix calls `debian_vsn`: the part between `-debian-<codename>-` and `-slim`. */
  date: string;
  tag: string;
}

/**
 * Phoenix's `mix phx.gen.release --docker` image choice: seven searches from exact to "any
 * Elixir, same OTP major"; the first that yields a candidate wins, and nothing crosses OTP majors.
 */
export async function findBuilderImage(request: ImageLookupRequest, options: LookupOptions = {}): Promise<ImageLookup> {
  const baseUrl = options.baseUrl ?? BOB_URL;
  const session = startSession(options);
  try {
    const searches = dockerTagSearches(request);
    for (const [index, search] of searches.entries()) {
      const tags = await fetchDockerTags(session, baseUrl, search.params);
      const candidates = tags
        .map(entry => dockerTagCandidate(entry, request.codename))
        .filter((candidate): candidate is DockerTagCandidate => candidate !== undefined && dockerTagMatches(candidate, search));
      const best = bestDockerTag(candidates);
      if (best) return found(request, best, index + 1);
    }
    const params = dockerTagFilters(request.codename, { erlang_version: versionPrefix(request.otp, 1) });
    return { kind: 'none', browseUrl: `${baseUrl}/docker?${encodeQuery(params)}` };
  } catch (error) {
    return offline(error);
  } finally {
    session.stop();
  }
}

function found(request: ImageLookupRequest, best: DockerTagCandidate, step: number): ImageLookup {
  // Logger.warning texts of gen_docker/2, verbatim.
  const warnings: string[] = [];
  if (best.elixir !== request.elixir) warnings.push(`Docker image for Elixir ${request.elixir} not found, defaulting to Elixir ${best.elixir}`);
  if (best.otp !== request.otp) warnings.push(`Docker image for Erlang/OTP ${request.otp} not found, defaulting to Erlang/OTP ${best.otp}`);
  return {
    kind: 'found',
    elixir: best.elixir,
    otp: best.otp,
    codename: request.codename,
    date: best.date,
    tag: best.tag,
    step,
    exact: warnings.length === 0,
    warnings,
  };
}

/**
 * The ladder, in Phoenix's order. Step 1 sends `tag=` only: Bob drops the structured filters
 * when a tag prefix is given (hexpm/bob lib/bob/artifacts/docker_tag_search.ex, structured_param/3).
 */
function dockerTagSearches({ elixir, otp, codename }: ImageLookupRequest): DockerTagSearch[] {
  const elixirMinor = versionPrefix(elixir, 2);
  const otpMinor = versionPrefix(otp, 2);
  const otpMajor = versionPrefix(otp, 1);
  const search = (params: Record<string, string>, elixirMatch: VersionMatch, otpMatch: VersionMatch): DockerTagSearch =>
    ({ params, elixirMatch, otpMatch });
  const filters = (params: Record<string, string>) => dockerTagFilters(codename, params);
  const exact = (wanted: string): VersionMatch => ({ kind: 'exact', wanted });
  const majorMinor = (wanted: string): VersionMatch => ({ kind: 'major_minor', wanted });
  const major = (wanted: string): VersionMatch => ({ kind: 'major', wanted });
  const any: VersionMatch = { kind: 'any' };
  return [
    search({ repo: DOCKER_REPO, tag: `${elixir}-erlang-${otp}-debian-${codename}-` }, exact(elixir), exact(otp)),
    search(filters({ elixir_version: elixir, erlang_version: otpMinor }), exact(elixir), majorMinor(otp)),
    search(filters({ elixir_version: elixirMinor, erlang_version: otpMinor }), majorMinor(elixir), majorMinor(otp)),
    search(filters({ erlang_version: otpMinor }), any, majorMinor(otp)),
    search(filters({ elixir_version: elixir, erlang_version: otpMajor }), exact(elixir), major(otp)),
    search(filters({ elixir_version: elixirMinor, erlang_version: otpMajor }), majorMinor(elixir), major(otp)),
    search(filters({ erlang_version: otpMajor }), any, major(otp)),
  ];
}

/** `os_version` in Bob is `<codename>-<date>[-slim]`, hence the trailing dash of the prefix. */
const dockerTagFilters = (codename: string, params: Record<string, string>) =>
  ({ repo: DOCKER_REPO, os: 'debian', os_version: `${codename}-`, ...params });

/**
 * All pages of one search: `offset` advances by the page length until a page is empty or the
 * offset reaches `total` (absent `total`: stop after this page, as Map.get/3 defaults it).
 */
async function fetchDockerTags(session: Session, baseUrl: string, params: Record<string, string>): Promise<unknown[]> {
  const tags: unknown[] = [];
  for (let offset = 0; ;) {
    const url = `${baseUrl}/api/docker?${encodeQuery({ ...params, offset: String(offset) })}`;
    const body = parseJson(await getText(session, url, 'application/json'), url);
    const page = isRecord(body) ? body.tags : undefined;
    if (!Array.isArray(page)) throw new Unreachable(`${url} answered JSON without a "tags" list`);
    tags.push(...page);
    const next = offset + page.length;
    const total = isRecord(body) && typeof body.total === 'number' ? body.total : next;
    if (page.length === 0 || next >= total) return tags;
    offset = next;
  }
}

/**
 * Elixir's URI.encode_query on a small atom-keyed map: keys in sorted order, www-form encoded
 * (`/` as `%2F`), e.g. `offset=0&repo=hexpm%2Felixir&tag=...`.
 */
const encodeQuery = (params: Record<string, string>) =>
  new URLSearchParams(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))).toString();

/**
 * `<elixir>-erlang-<otp>-debian-<codename>-<date>-slim` from the multi-arch repo, else undefined.
 * Unlike Phoenix (whose String.to_integer/Version.compare would raise), tags whose versions are
 * not numeric are skipped rather than ending the lookup.
 */
export function dockerTagCandidate(entry: unknown, codename: string): DockerTagCandidate | undefined {
  if (!isRecord(entry) || entry.repo !== DOCKER_REPO || typeof entry.tag !== 'string') return undefined;
  const tag = entry.tag;
  const [elixir, rest] = splitOnce(tag, '-erlang-');
  if (rest === undefined) return undefined;
  const [otp, debian] = splitOnce(rest, `-debian-${codename}-`);
  if (debian === undefined || !debian.endsWith('-slim')) return undefined;
  if (!parseElixirVersion(elixir) || !parseOtpVersion(otp)) return undefined;
  return { elixir, otp, date: debian.slice(0, -'-slim'.length), tag };
}

const dockerTagMatches = (candidate: DockerTagCandidate, search: DockerTagSearch) =>
  versionMatches(candidate.elixir, search.elixirMatch) && versionMatches(candidate.otp, search.otpMatch);

function versionMatches(version: string, match: VersionMatch): boolean {
  switch (match.kind) {
    case 'any': return true;
    case 'exact': return version === match.wanted;
    case 'major_minor': return sameVersionPrefix(version, match.wanted, 2);
    case 'major': return sameVersionPrefix(version, match.wanted, 1);
  }
}

/** The first `count` integer components agree (fewer when `wanted` has fewer). */
function sameVersionPrefix(version: string, wanted: string, count: number): boolean {
  const wantedParts = versionComponents(wanted);
  const n = Math.min(count, wantedParts.length);
  const parts = versionComponents(version);
  return parts.length >= n && wantedParts.slice(0, n).every((part, i) => parts[i] === part);
}

/** `27.3.4-rc1` → [27, 3, 4]: the part before the first `-`, split on dots. */
const versionComponents = (version: string) => version.split('-')[0].split('.').map(Number);

/** Phoenix's version_prefix/2: `versionPrefix('27.3.4', 2)` is `27.3` (Bob filters are prefixes). */
const versionPrefix = (version: string, count: number) => versionComponents(version).slice(0, count).join('.');

/** Highest Elixir, then highest OTP, then newest snapshot date; the first of equals wins. */
export function bestDockerTag<T extends Omit<DockerTagCandidate, 'tag'>>(candidates: readonly T[]): T | undefined {
  return candidates.reduce<T | undefined>((best, candidate) => (best === undefined || compareDockerTags(candidate, best) > 0 ? candidate : best), undefined);
}

const compareDockerTags = (left: Omit<DockerTagCandidate, 'tag'>, right: Omit<DockerTagCandidate, 'tag'>) =>
  compareElixirVersions(left.elixir, right.elixir) || compareOtpVersions(left.otp, right.otp) || compareStrings(left.date, right.date);

const compareStrings = (left: string, right: string) => (left > right ? 1 : left < right ? -1 : 0);

interface SemanticVersion {
  core: number[];
  pre: string[];
}

/** Elixir's Version: `X.Y.Z[-pre][+build]`; Phoenix first normalises a two-part `1.18` to `1.18.0`. */
function parseElixirVersion(version: string): SemanticVersion | undefined {
  const normalised = version.split('.').length === 2 ? `${version}.0` : version;
  const match = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$/.exec(normalised);
  if (!match) return undefined;
  return { core: match.slice(1, 4).map(Number), pre: match[4] ? match[4].split('.') : [] };
}

/**
 * Version.compare/2 (SemVer 2.0 precedence): a release beats its pre-releases; pre-release
 * identifiers compare numerically when numeric, numeric before alphanumeric, more beats fewer.
 * Unparseable versions sort first (they never become candidates).
 */
export function compareElixirVersions(left: string, right: string): number {
  const a = parseElixirVersion(left);
  const b = parseElixirVersion(right);
  if (!a || !b) return a ? 1 : b ? -1 : 0;
  for (let i = 0; i < 3; i++) if (a.core[i] !== b.core[i]) return Math.sign(a.core[i] - b.core[i]);
  if (!a.pre.length || !b.pre.length) return a.pre.length === b.pre.length ? 0 : a.pre.length ? -1 : 1;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const [x, y] = [a.pre[i], b.pre[i]];
    const [xNumeric, yNumeric] = [/^\d+$/.test(x), /^\d+$/.test(y)];
    const order = xNumeric && yNumeric ? Math.sign(Number(x) - Number(y)) : xNumeric !== yNumeric ? (xNumeric ? -1 : 1) : compareStrings(x, y);
    if (order) return order;
  }
  return Math.sign(a.pre.length - b.pre.length);
}

/** `28.0-rc1` → components [28, 0], pre `rc1` (Phoenix's otp_matchable/1). */
function parseOtpVersion(version: string): { components: number[]; pre?: string } | undefined {
  const [release, pre] = splitOnce(version, '-');
  const parts = release.split('.');
  if (!parts.every(part => /^\d+$/.test(part))) return undefined;
  return { components: parts.map(Number), pre };
}

/**
 * Phoenix's compare_otp_versions/2: integer components in order; a longer version beats its own
 * prefix (`27.3.4.1` > `27.3.4`); on equal components a release beats a pre-release
 * (`28.0` > `28.0-rc1`) and pre-releases compare as strings.
 */
export function compareOtpVersions(left: string, right: string): number {
  const a = parseOtpVersion(left);
  const b = parseOtpVersion(right);
  if (!a || !b) return a ? 1 : b ? -1 : 0;
  for (let i = 0; i < Math.min(a.components.length, b.components.length); i++) {
    if (a.components[i] !== b.components[i]) return Math.sign(a.components[i] - b.components[i]);
  }
  if (a.components.length !== b.components.length) return Math.sign(a.components.length - b.components.length);
  if (a.pre === undefined || b.pre === undefined) return a.pre === b.pre ? 0 : a.pre === undefined ? 1 : -1;
  return compareStrings(a.pre, b.pre);
}

// ---------------------------------------------------------------------------------------------
// Buildpack builds: what gigalixir/gigalixir-buildpack-elixir checks before downloading
// (lib/canonical_version.sh: erlang_builds_url, fetch_erlang_versions, fetch_elixir_versions,
// check_elixir_version; lib/misc_funcs.sh: fix_erlang_version, fix_elixir_version).
// ---------------------------------------------------------------------------------------------

export interface BuildsCheckRequest {
  elixir: string;
  otp: string;
  /** `$STACK` of the build; herokuish (Dokku) defaults it to `heroku-24`. */
  stack: string;
}

export type BuildsCheck =
  | {
      kind: 'checked';
      stack: string;
      /** The OTP list checked, `ubuntu-24.04`: what fetch_erlang_versions reads for this stack. */
      ubuntu: string;
      /** Where erlang_builds_url downloads OTP from (differs from `ubuntu` on heroku-26). */
      downloadUbuntu: string;
      /** The Erlang version as the buildpack reads it (fix_erlang_version: `27` → `27.0`). */
      otpVersion: string;
      otpBuild: boolean;
      elixirBuild: boolean;
      /** The first two digits of the Erlang version: the `-otp-<major>` of the Elixir build. */
      otpMajor: string;
      /** The Elixir build looked for, e.g. `v1.18.4-otp-28`. */
      elixirName: string;
      /** When `otpBuild` is false: newest listed release of the same major.minor, else the same major. */
      nearestOtp?: string;
    }
  | { kind: 'unknown-stack'; stack: string; knownStacks: string[] }
  | Offline;

/**
 * `$STACK` → [the builds.txt list the buildpack validates against, the directory it downloads
 * from]. heroku-26 validates against ubuntu-24.04 although it downloads from ubuntu-26.04: that is
 * the buildpack's own bug (fetch_erlang_versions), reproduced on purpose because it decides
 * whether the build passes. Other stacks use HashNuke's cedar-14 list, which this does not check.
 */
const STACK_UBUNTU: Readonly<Record<string, readonly [list: string, download: string]>> = {
  'heroku-20': ['ubuntu-20.04', 'ubuntu-20.04'],
  'heroku-22': ['ubuntu-22.04', 'ubuntu-22.04'],
  'heroku-24': ['ubuntu-24.04', 'ubuntu-24.04'],
  'heroku-26': ['ubuntu-24.04', 'ubuntu-26.04'],
};

/**
 * Are `OTP-<otp>` (the stack's list) and `v<elixir>-otp-<major>` in builds.hex.pm's lists? Both
 * lists are fetched at once within one budget. Assumes the bin/compile that passes the Erlang
 * version to check_elixir_version (the one-argument call in some versions would mangle names).
 */
export async function checkBuildpackBuilds(request: BuildsCheckRequest, options: LookupOptions = {}): Promise<BuildsCheck> {
  const ubuntu = STACK_UBUNTU[request.stack];
  if (!ubuntu) return { kind: 'unknown-stack', stack: request.stack, knownStacks: Object.keys(STACK_UBUNTU) };
  const baseUrl = options.baseUrl ?? BUILDS_URL;
  const session = startSession(options);
  try {
    const [otpText, elixirText] = await Promise.all([
      getText(session, `${baseUrl}/builds/otp/${ubuntu[0]}/builds.txt`, 'text/plain'),
      getText(session, `${baseUrl}/builds/elixir/builds.txt`, 'text/plain'),
    ]).catch(error => {
      session.abort(); // Do not wait for the other list once one failed.
      throw error;
    });
    const otpVersions = parseOtpBuilds(otpText);
    const otpVersion = buildpackErlangVersion(request.otp);
    const otpMajor = /^\d\d/.exec(otpVersion)?.[0] ?? ''; // otp_version in lib/elixir_funcs.sh
    const elixirName = `v${buildpackElixirVersion(request.elixir)}-otp-${otpMajor}`;
    const otpBuild = otpVersions.includes(otpVersion);
    const nearestOtp = otpBuild ? undefined : nearestOtpRelease(otpVersions, otpVersion);
    return {
      kind: 'checked',
      stack: request.stack,
      ubuntu: ubuntu[0],
      downloadUbuntu: ubuntu[1],
      otpVersion,
      otpBuild,
      elixirBuild: parseElixirBuilds(elixirText).includes(elixirName),
      otpMajor,
      elixirName,
      ...(nearestOtp && { nearestOtp }),
    };
  } catch (error) {
    return offline(error);
  } finally {
    session.stop();
  }
}

/**
 * OTP release versions of an OTP builds.txt (`OTP-27.3.4 <sha> <date> [<sha256>]`), without the
 * `OTP-` prefix, in file order (C collation, not version order). Like the buildpack's awk
 * `/^OTP-([0-9.]+ )/`, it drops `maint*`, `master` and `-rc` lines.
 */
export function parseOtpBuilds(text: string): string[] {
  return buildNames(text).flatMap(name => (/^OTP-[0-9.]+$/.test(name) ? [name.slice('OTP-'.length)] : []));
}

/**
 * Build names of the Elixir builds.txt that the buildpack keeps (awk `/^v[0-9.]+[- ]/`):
 * `v1.18.4-otp-28`, branch builds `v1.15-otp-26`, generic `v1.10`; not `main-otp-26`.
 */
export function parseElixirBuilds(text: string): string[] {
  return buildNames(text).filter(name => /^v[0-9.]+(?:-|$)/.test(name));
}

/** First field of each line; lines may end in a space (Elixir's workflow) or CRLF. */
const buildNames = (text: string) => text.split('\n').map(line => line.trim().split(/\s+/)[0]).filter(Boolean);

/** fix_erlang_version: keep digits and dots; a bare major gets `.0`; `X.0.0` becomes `X.0`. */
function buildpackErlangVersion(version: string): string {
  const digits = version.replace(/[^0-9.]/g, '');
  if (/^\d+$/.test(digits)) return `${digits}.0`;
  return digits.replace(/\.0\.0$/, '.0');
}

/** fix_elixir_version + check_elixir_version's `${1#v}`: no `v`, no `-otp-<n>` suffix. */
const buildpackElixirVersion = (version: string) => version.trim().replace(/^v/, '').replace(/-otp-\d+$/, '');

function nearestOtpRelease(versions: readonly string[], wanted: string): string | undefined {
  const newest = (count: number) =>
    versions.filter(version => sameVersionPrefix(version, wanted, count)).sort(compareOtpVersions).at(-1);
  return newest(2) ?? newest(1);
}

// ---------------------------------------------------------------------------------------------
// HTTP within one budget.
// ---------------------------------------------------------------------------------------------

/** A network problem: becomes an `offline` answer at the lookup's boundary. */
class Unreachable extends Error {}

interface Session {
  fetch: typeof fetch;
  signal: AbortSignal;
  timeoutMs: number;
  abort(): void;
  stop(): void;
}

/** One AbortController for every request of a lookup, aborted when the total budget is spent. */
function startSession(options: LookupOptions): Session {
  const timeoutMs = options.timeoutMs ?? DEFAULT_BUDGET_MS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('lookup budget spent', 'TimeoutError')), timeoutMs);
  return {
    fetch: options.fetch ?? globalThis.fetch,
    signal: controller.signal,
    timeoutMs,
    abort: () => controller.abort(new DOMException('another request failed', 'AbortError')),
    stop: () => clearTimeout(timer),
  };
}

/** The body of a 200 answer, or Unreachable. */
async function getText(session: Session, url: string, accept: string): Promise<string> {
  try {
    const response = await withinBudget(session, session.fetch(url, { signal: session.signal, headers: { accept } }));
    if (response.status !== 200) {
      response.body?.cancel().catch(() => undefined);
      throw new Unreachable(`${url} answered HTTP ${response.status}`);
    }
    return await withinBudget(session, response.text());
  } catch (error) {
    if (error instanceof Unreachable) throw error;
    if (session.signal.aborted && (session.signal.reason as { name?: string } | undefined)?.name === 'TimeoutError') {
      throw new Unreachable(`no answer within ${session.timeoutMs} ms (the budget for the whole lookup), waiting for ${url}`);
    }
    throw new Unreachable(`${url} could not be fetched: ${describeError(error)}`);
  }
}

/**
 * Settles with `work` or rejects when the budget is spent, even if a substitute fetch ignores
 * the signal.
 */
async function withinBudget<T>(session: Session, work: Promise<T>): Promise<T> {
  work.catch(() => undefined); // Its rejection after an abort is nobody's business.
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(session.signal.reason);
    if (session.signal.aborted) onAbort();
    else session.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    session.signal.removeEventListener('abort', onAbort);
  }
}

/** undici puts the useful part (ECONNREFUSED, ENOTFOUND, ...) in `cause`. */
function describeError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = isRecord(cause) && typeof cause.code === 'string' ? cause.code : undefined;
  const message = cause instanceof Error ? cause.message : String(cause);
  return code && !message.includes(code) ? `${code} ${message}` : message;
}

function parseJson(text: string, url: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Unreachable(`${url} answered malformed JSON`);
  }
}

function offline(error: unknown): Offline {
  return { kind: 'offline', reason: error instanceof Unreachable ? error.message : `unexpected failure: ${describeError(error)}` };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** `'a-b-c'` split on `'-'` → `['a', 'b-c']`; without the separator → `[text, undefined]`. */
function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}
