/**
 * Erlang/OTP, Elixir, Node and npm versions: what a valid one looks like, which pairs work
 * together, and what to propose when the project pins nothing. Offline: the data lives in
 * `data/releases.ts` with its sources and date.
 */
import { knownBuilderTags } from './data/docker-images.js';
import { elixirOtpExceptions, elixirOtpSupport, elixirReleases, nodeReleases, otpMinimumForElixir, otpReleases, releaseDataRetrieved } from './data/releases.js';

export type VersionCheck =
  | { ok: true; value: string; warning?: string }
  | { ok: false; problem: string; fix: string };

const OLDEST_SUPPORTED_ELIXIR = '1.14';

/** Compares dotted numeric versions ('1.7.14' > '1.7.2'); anything after a '-' is ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split('-')[0].split('.').map(n => Number.parseInt(n, 10) || 0);
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff) return Math.sign(diff);
  }
  return 0;
}

const newest = (versions: readonly string[]) => [...versions].sort(compareVersions).at(-1);
const minorOf = (version: string) => version.split('.').slice(0, 2).join('.');
export const otpMajor = (version: string) => Number.parseInt(version, 10);

/**
 * Erlang/OTP as the buildpacks and hexpm/elixir images name it: `27.0`, `27.2.4`, `26.2.5.6`.
 * A bare major (`27`) matches no buildpack build and no image tag.
 */
export function checkErlangVersion(input: string): VersionCheck {
  const raw = input.trim();
  const stripped = raw.replace(/^(?:OTP-|otp-|v)/, '');
  if (/^\d+$/.test(stripped)) {
    const latest = newest(otpReleases.filter(v => otpMajor(v) === Number(stripped)));
    return {
      ok: false,
      problem: `Erlang/OTP "${raw}" is a bare major version. Buildpacks and Docker images name OTP releases with a dot, so "${stripped}" matches none of them (the classic \`erlang_version=${stripped}\` build failure).`,
      fix: `write ${stripped}.0${latest && latest !== `${stripped}.0` ? ` or a full release such as ${latest}` : ''}`,
    };
  }
  if (!/^\d+\.\d+(?:\.\d+){0,2}$/.test(stripped)) {
    return {
      ok: false,
      problem: `"${raw}" is not an Erlang/OTP version.`,
      fix: 'write it as OTP tags it, without prefix: 27.0, 27.2.4 or 26.2.5.6',
    };
  }
  if (stripped !== raw) {
    return { ok: false, problem: `Erlang/OTP "${raw}" has a prefix the buildpacks and image tags do not use.`, fix: `write ${stripped}` };
  }
  if (/^\d+\.0\.0$/.test(stripped)) {
    // OTP tags its first release of a major `27.0`, never `27.0.0`.
    return { ok: false, problem: `Erlang/OTP ${stripped} does not exist: the first ${otpMajor(stripped)} release is tagged ${otpMajor(stripped)}.0.`, fix: `write ${otpMajor(stripped)}.0` };
  }
  return checkKnownRelease(stripped, otpReleases, 'Erlang/OTP', String(otpMajor(stripped)));
}

/** A released Elixir version, `1.18.1` (no `v`, no `-otp-27`, no rc). */
export function checkElixirVersion(input: string): VersionCheck {
  const raw = input.trim();
  const otpSuffix = /^v?(\d+\.\d+\.\d+)-otp-(\d+)$/.exec(raw);
  if (otpSuffix) {
    return {
      ok: false,
      problem: `Elixir "${raw}" carries an OTP suffix; the buildpack would read it as ${otpSuffix[1]}${otpSuffix[2]}.`,
      fix: `write ${otpSuffix[1]} (and give the Erlang version separately, OTP ${otpSuffix[2]})`,
    };
  }
  if (/^v\d+\.\d+\.\d+$/.test(raw)) {
    return { ok: false, problem: `Elixir "${raw}" starts with "v".`, fix: `write ${raw.slice(1)}` };
  }
  if (/^v?\d+\.\d+$/.test(raw)) {
    const minor = raw.replace(/^v/, '');
    const latest = newest(elixirReleases.filter(v => minorOf(v) === minor));
    return {
      ok: false,
      problem: `Elixir "${raw}" names a minor line, not a release.`,
      fix: latest ? `write a full release such as ${latest}` : 'write a full release such as 1.18.4',
    };
  }
  if (/^v?\d+\.\d+\.\d+-/.test(raw)) {
    return { ok: false, problem: `Elixir "${raw}" is a pre-release.`, fix: 'use a final release (X.Y.Z)' };
  }
  if (!/^\d+\.\d+\.\d+$/.test(raw)) {
    return { ok: false, problem: `"${raw}" is not an Elixir version.`, fix: 'write a released version such as 1.18.4' };
  }
  if (compareVersions(raw, `${OLDEST_SUPPORTED_ELIXIR}.0`) < 0) {
    // The smallest step that works: the oldest supported line, at its newest patch.
    const target = newest(elixirReleases.filter(v => minorOf(v) === OLDEST_SUPPORTED_ELIXIR));
    return {
      ok: false,
      problem: `Elixir ${raw} is older than ${OLDEST_SUPPORTED_ELIXIR}, the oldest version the generated code supports.`,
      fix: `move the project to Elixir ${OLDEST_SUPPORTED_ELIXIR} (${target}, the smallest upgrade that works; check mix.exs elixir: and your deps), then run again with --elixir-version ${target}`,
    };
  }
  return checkKnownRelease(raw, elixirReleases, 'Elixir', minorOf(raw));
}

/**
 * Accepts versions in our offline list. A version newer than everything we know of its line
 * (or of a newer line) may be a release made after the data was collected: accepted with a
 * warning. Anything else inside a known line is not a release.
 */
function checkKnownRelease(version: string, known: readonly string[], label: string, line: string): VersionCheck {
  if (known.includes(version)) return { ok: true, value: version };
  const sameLine = known.filter(v => (label === 'Elixir' ? minorOf(v) : String(otpMajor(v))) === line);
  const latestInLine = newest(sameLine);
  const latestKnown = newest(known);
  if (latestInLine === undefined ? latestKnown === undefined || compareVersions(version, latestKnown) > 0 : compareVersions(version, latestInLine) > 0) {
    return {
      ok: true,
      value: version,
      warning: `${label} ${version} is newer than the release data shipped with phoenix-dokku (${releaseDataRetrieved}); make sure it is released.`,
    };
  }
  return {
    ok: false,
    problem: `${label} ${version} is not a released version.`,
    fix: latestInLine ? `use a released one, e.g. ${latestInLine} (newest ${line}.x known)` : `use a released one, e.g. ${latestKnown}`,
  };
}

/** Node.js and npm: plain `X.Y.Z`, which is what the static buildpack downloads by. */
export function checkSemver(input: string, label: 'Node.js' | 'npm'): VersionCheck {
  const raw = input.trim();
  if (/^\d+\.\d+\.\d+$/.test(raw)) return { ok: true, value: raw };
  const bare = raw.replace(/^v/, '');
  if (/^\d+\.\d+\.\d+$/.test(bare)) return { ok: false, problem: `${label} "${raw}" starts with "v".`, fix: `write ${bare}` };
  if (/^\d+(?:\.\d+)?$/.test(bare)) {
    const latest = label === 'Node.js'
      ? newest(nodeReleases.map(r => r.version).filter(v => v.startsWith(`${bare}.`)))
      : newest(nodeReleases.map(r => r.npm).filter(v => v.startsWith(`${bare}.`)));
    return {
      ok: false,
      problem: `${label} "${raw}" is not a full version; the buildpack needs X.Y.Z.`,
      fix: latest ? `write ${latest}` : 'write a full version such as 22.11.0',
    };
  }
  return { ok: false, problem: `"${raw}" is not a ${label} version.`, fix: 'write plain semver, X.Y.Z' };
}

export interface OtpRange {
  min: number;
  max: number;
  /** Majors beyond the table that a patch release added with only initial support (see data/releases.ts). */
  initial: number[];
}

/** OTP majors an Elixir release supports (Elixir's compatibility table and its per-patch exceptions), or undefined for a line we have no data on. */
export function supportedOtp(elixir: string): OtpRange | undefined {
  const row = elixirOtpSupport[minorOf(elixir)];
  if (!row) return undefined;
  const range: OtpRange = { min: row.min, max: row.max, initial: [] };
  for (const exception of elixirOtpExceptions) {
    if (minorOf(exception.fromPatch) !== minorOf(elixir) || compareVersions(elixir, exception.fromPatch) < 0) continue;
    if (exception.support === 'full') range.max = Math.max(range.max, exception.otp);
    else range.initial.push(exception.otp);
  }
  return range;
}

/** The Elixir/OTP pair must be in Elixir's compatibility table (or one of its per-patch exceptions). */
export function checkElixirOtpPair(elixir: string, erlang: string): VersionCheck {
  const range = supportedOtp(elixir);
  const major = otpMajor(erlang);
  if (!range) {
    return { ok: true, value: erlang, warning: `No compatibility data for Elixir ${minorOf(elixir)}; make sure it supports Erlang/OTP ${major}.` };
  }
  if (major >= range.min && major <= range.max) {
    const minimum = otpMinimumForElixir.find(entry => entry.line === minorOf(elixir) && entry.otp === major);
    if (minimum && compareVersions(erlang, minimum.minimum) < 0) {
      return { ok: true, value: erlang, warning: `Elixir ${minorOf(elixir)} supports Erlang/OTP ${major} from ${minimum.minimum} on (${minimum.source}); ${erlang} is older: prefer ${newest(otpReleases.filter(v => otpMajor(v) === major))}.` };
    }
    return { ok: true, value: erlang };
  }
  if (range.initial.includes(major)) {
    const exception = elixirOtpExceptions.find(entry => entry.otp === major && minorOf(entry.fromPatch) === minorOf(elixir))!;
    return { ok: true, value: erlang, warning: `Elixir ${elixir} on Erlang/OTP ${major}: accepted. ${exception.note}.` };
  }
  const otpChoice = newest(otpReleases.filter(v => otpMajor(v) <= range.max && otpMajor(v) >= range.min));
  const elixirChoice = newest(elixirReleases.filter(v => {
    const r = supportedOtp(v);
    return r !== undefined && major >= r.min && major <= r.max;
  }));
  const alternatives = [
    otpChoice && `Erlang/OTP ${range.min}–${range.max} (e.g. --erlang-version ${otpChoice})`,
    elixirChoice && `an Elixir that supports OTP ${major} (e.g. --elixir-version ${elixirChoice})`,
  ].filter(Boolean);
  return {
    ok: false,
    problem: `Elixir ${elixir} supports Erlang/OTP ${range.min}–${range.max} only, not OTP ${major} (${erlang}).`,
    fix: `pick ${alternatives.join(' or ')}`,
  };
}

/**
 * A version a project file pins, made usable: a minor line (`elixir 1.15`) becomes its newest
 * patch release, a bare OTP major (`erlang_version=27`, which buildpacks read as 27.0 or not at
 * all) its newest release; the note says what was chosen and why. Anything else is returned as is
 * (and validated like any answer).
 */
export function resolvePinnedVersion(kind: 'elixir' | 'erlang', value: string, source: string): { value: string; note?: string } {
  const raw = value.trim().replace(/^v/, '');
  if (kind === 'elixir' && /^\d+\.\d+$/.test(raw)) {
    const latest = newest(elixirReleases.filter(v => minorOf(v) === raw));
    if (latest) return { value: latest, note: `${source} pins the Elixir ${raw} line; using its newest release, ${latest} (a buildpack would build the tip of the v${raw} branch, not a release). Pin ${latest} there to make it explicit.` };
  }
  if (kind === 'erlang' && /^\d+$/.test(raw.replace(/^OTP-/, ''))) {
    const major = raw.replace(/^OTP-/, '');
    const latest = newest(otpReleases.filter(v => otpMajor(v) === Number(major)));
    if (latest) {
      return {
        value: latest,
        note: `${source} pins Erlang/OTP ${major} without a dot: the gigalixir buildpack silently installs ${major}.0 (the first ${major} release), the classic one finds no build at all. Using ${latest}, the newest ${major} release; write it there with its dots.`,
      };
    }
  }
  return { value };
}

/** Does `version` satisfy a Mix requirement such as `~> 1.14`, `~> 1.14.1`, `>= 1.13.0 and < 2.0.0`? */
export function satisfiesRequirement(version: string, requirement: string): boolean {
  return requirement.split(/\s+or\s+/).some(alternative =>
    alternative.split(/\s+and\s+/).every(clause => {
      const match = /^\s*(~>|>=|<=|>|<|==|!=)?\s*v?(\d+(?:\.\d+){0,2})\s*$/.exec(clause);
      if (!match) return true; // Unknown clause shapes do not block a default.
      const [, op = '==', wanted] = match;
      const cmp = compareVersions(version, wanted);
      switch (op) {
        case '~>': {
          const parts = wanted.split('.').map(Number);
          // ~> 1.14 means >= 1.14.0 and < 2.0.0; ~> 1.14.1 means >= 1.14.1 and < 1.15.0.
          const upper = parts.length === 3 ? `${parts[0]}.${parts[1] + 1}.0` : `${parts[0] + 1}.0.0`;
          return cmp >= 0 && compareVersions(version, upper) < 0;
        }
        case '>=': return cmp >= 0;
        case '<=': return cmp <= 0;
        case '>': return cmp > 0;
        case '<': return cmp < 0;
        case '!=': return cmp !== 0;
        default: return cmp === 0;
      }
    }),
  );
}

/** Newest known Elixir release that satisfies the project's requirement (or the newest overall). */
export function defaultElixirVersion(requirement?: string): string {
  const candidates = elixirReleases.filter(v => !requirement || satisfiesRequirement(v, requirement));
  return newest(candidates.length ? candidates : elixirReleases)!;
}

/** The pair is inside the table (or a `full` exception): `initial` support is accepted, never chosen. */
const fullySupported = (elixir: string, otp: string) => {
  const range = supportedOtp(elixir);
  return range !== undefined && otpMajor(otp) >= range.min && otpMajor(otp) <= range.max;
};

/** Newest Erlang/OTP release that `elixir` supports: one a hexpm/elixir image is known for first, else the newest supported one. */
export function defaultErlangVersion(elixir: string): string {
  const withImage = newest(knownBuilderTags.filter(tag => tag.elixir === elixir && fullySupported(elixir, tag.otp)).map(tag => tag.otp));
  if (withImage) return withImage;
  const range = supportedOtp(elixir);
  const candidates = range ? otpReleases.filter(v => otpMajor(v) >= range.min && otpMajor(v) <= range.max) : otpReleases;
  return newest(candidates.length ? candidates : otpReleases)!;
}

/**
 * Versions for a project that pins none: the newest fully supported Elixir/OTP pair that matches
 * mix.exs and that a hexpm/elixir image is known for (Hex builds the buildpack downloads exist for
 * every such pair: Bob builds them together), rather than the newest releases, which may have neither yet.
 */
export function defaultToolchain(requirement?: string): { elixir: string; otp: string; withImage: boolean } {
  const pairs = knownBuilderTags
    .filter(tag => (!requirement || satisfiesRequirement(tag.elixir, requirement)) && fullySupported(tag.elixir, tag.otp))
    .sort((a, b) => compareVersions(b.elixir, a.elixir) || compareVersions(b.otp, a.otp));
  if (pairs[0]) return { elixir: pairs[0].elixir, otp: pairs[0].otp, withImage: true };
  const elixir = defaultElixirVersion(requirement);
  return { elixir, otp: defaultErlangVersion(elixir), withImage: false };
}

/** Newest patch of the newest active LTS line, with the npm it bundles. */
export function defaultNodeRelease(): { version: string; npm: string } {
  const lts = nodeReleases.filter(r => r.lts !== false);
  const pick = [...(lts.length ? lts : nodeReleases)].sort((a, b) => compareVersions(a.version, b.version)).at(-1)!;
  return { version: pick.version, npm: pick.npm };
}

/** The npm bundled with a Node release we know, if any. */
export function bundledNpm(node: string): string | undefined {
  return nodeReleases.find(r => r.version === node)?.npm;
}
