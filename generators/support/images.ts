/**
 * The Docker images of the Dockerfile: a hexpm/elixir builder for the chosen Elixir/OTP and
 * the plain Debian runner of the same snapshot (same glibc and OpenSSL as the builder).
 * Offline: tags come from `data/docker-images.ts`; `--builder-image`/`--runner-image` override.
 */
import {
  debianSnapshots,
  defaultDebianCodename,
  dockerImageDataRetrieved,
  knownBuilderTags,
} from './data/docker-images.js';
import { UserError } from './errors.js';
import type { LookupOptions } from './online-lookups.js';
import { compareVersions } from './versions.js';

const BUILDER_REPOSITORY = 'docker.io/hexpm/elixir';
const RUNNER_REPOSITORY = 'docker.io/debian';

/** Codenames in order of preference when the same Elixir/OTP pair exists on several. */
const CODENAME_PREFERENCE = [defaultDebianCodename, 'trixie', 'bookworm', 'bullseye'].filter((c, i, all) => all.indexOf(c) === i);

/** The ncurses library an Erlang release links against is named per Debian release. */
const NCURSES_PACKAGE: Readonly<Record<string, string>> = {
  bullseye: 'libncurses5',
  bookworm: 'libncurses5',
  trixie: 'libncurses6',
};

export interface DockerImages {
  builder: string;
  runner: string;
  /** Debian codename of the runner: apt package names depend on it. */
  codename: string;
  /**
   * Set when the builder is a hexpm/elixir tag we compose from versions (the Dockerfile then
   * shows ELIXIR_VERSION/OTP_VERSION/DEBIAN_VERSION ARGs the way phx.gen.release does).
   */
  composed?: { elixir: string; otp: string; debian: string };
  /** Runtime libraries a release needs on the runner. */
  runtimePackages: string[];
  /** For the summary: unverified tags, overrides that disagree with the answers. */
  warnings: string[];
}

export interface ImageRequest {
  elixir: string;
  otp: string;
  /** The builder tag chosen beforehand (chooseBuilderTag): used as it is. */
  tag?: HexpmTag;
  builderOverride?: string;
  runnerOverride?: string;
  /**
   * DEBIAN_VERSION (`<codename>-<date>-slim`) of the project's Dockerfile, when its ELIXIR_VERSION
   * and OTP_VERSION are the requested ones: the snapshot it already builds on.
   */
  projectDebian?: string;
}

export interface HexpmTag {
  elixir: string;
  otp: string;
  codename: string;
  date: string;
}

export function resolveImages(request: ImageRequest): DockerImages {
  const builderOverride = request.builderOverride && checkImageReference(request.builderOverride, 'builder-image');
  const runnerOverride = request.runnerOverride && checkImageReference(request.runnerOverride, 'runner-image');
  const warnings: string[] = [];

  if (builderOverride) {
    const parsed = parseHexpmTag(builderOverride);
    if (parsed && (parsed.elixir !== request.elixir || parsed.otp !== request.otp)) {
      warnings.push(
        `--builder-image ${builderOverride} is Elixir ${parsed.elixir} / OTP ${parsed.otp}, but the answers say Elixir ${request.elixir} / OTP ${request.otp}; ` +
          `the image wins in the Dockerfile. Pass --elixir-version ${parsed.elixir} --erlang-version ${parsed.otp} to keep everything in step.`,
      );
    }
    const runner = runnerOverride ?? (parsed && runnerFor(parsed));
    if (!runner) {
      throw new UserError(
        `--builder-image ${builderOverride} is not a hexpm/elixir "<elixir>-erlang-<otp>-debian-<codename>-<date>-slim" tag, so the matching runner image cannot be derived. ` +
          'Pass --runner-image too (the Debian image your builder is based on, e.g. docker.io/debian:bookworm-20261005-slim). Nothing was written.',
      );
    }
    return finish({ builder: builderOverride, runner, warnings }, parsed?.codename);
  }

  const exact = request.tag ?? knownTag(request.elixir, request.otp);
  const kept = /^([a-z]+)-(\d{8})-slim$/.exec(request.projectDebian ?? '');
  const tag: HexpmTag = exact
    ?? (kept && { elixir: request.elixir, otp: request.otp, codename: kept[1], date: kept[2] })
    ?? { elixir: request.elixir, otp: request.otp, codename: defaultDebianCodename, date: debianSnapshots[defaultDebianCodename] };
  const builder = hexpmReference(tag);
  if (!exact && kept) {
    warnings.push(
      `No hexpm/elixir image for Elixir ${request.elixir} / OTP ${request.otp} is in phoenix-dokku's image list (retrieved ${dockerImageDataRetrieved}), ` +
        `so the Dockerfile keeps the Debian snapshot your Dockerfile builds on (DEBIAN_VERSION=${request.projectDebian}): ${builder}. ` +
        'If that image does not exist, pass --builder-image (and --runner-image) with a tag from https://hub.docker.com/r/hexpm/elixir/tags.',
    );
  } else if (!exact) {
    const nearby = nearestKnownTag(request);
    warnings.push(
      `No hexpm/elixir image for Elixir ${request.elixir} / OTP ${request.otp} is in phoenix-dokku's image list (retrieved ${dockerImageDataRetrieved}), ` +
        `so the Dockerfile uses ${builder}, built from the newest ${tag.codename} snapshot known: unverified. ` +
        `Check it exists (docker pull ${builder}) or pass --builder-image (and --runner-image) with a tag from https://hub.docker.com/r/hexpm/elixir/tags` +
        (nearby ? `; a known one close to your versions: --builder-image ${hexpmReference(nearby)} (then --elixir-version ${nearby.elixir} --erlang-version ${nearby.otp} keeps the answers in step).` : '.'),
    );
  }
  return finish(
    { builder, runner: runnerOverride ?? runnerFor(tag), warnings, composed: { elixir: tag.elixir, otp: tag.otp, debian: debianVersion(tag) } },
    tag.codename,
  );
}

function finish(images: Omit<DockerImages, 'codename' | 'runtimePackages'>, builderCodename: string | undefined): DockerImages {
  const runnerCodename = codenameOf(images.runner);
  if (builderCodename && runnerCodename && runnerCodename !== builderCodename) {
    // ERTS is copied into the release from the builder: it needs the builder's glibc and OpenSSL.
    images.warnings.push(
      `The runner image ${images.runner} is Debian ${runnerCodename}, but the builder ${images.builder} is Debian ${builderCodename}. ` +
        `The release carries the builder's Erlang runtime, which needs the same glibc and OpenSSL: on another Debian release it may not start (e.g. "GLIBC_2.38 not found", crypto failing to load). ` +
        `Use the runner of the builder's snapshot (--runner-image ${matchingRunner(images.builder, builderCodename)}), or a builder built on ${runnerCodename}.`,
    );
  }
  const codename = runnerCodename ?? builderCodename;
  let ncurses = codename && NCURSES_PACKAGE[codename];
  if (!ncurses) {
    ncurses = NCURSES_PACKAGE[defaultDebianCodename];
    images.warnings.push(
      `Runner image ${images.runner} is not a Debian release phoenix-dokku knows (${Object.keys(NCURSES_PACKAGE).join(', ')}); ` +
        `the Dockerfile installs ${ncurses} as on ${defaultDebianCodename}. Check the apt-get line of the runner stage.`,
    );
  }
  return {
    ...images,
    codename: codename ?? defaultDebianCodename,
    runtimePackages: ['libstdc++6', 'openssl', ncurses, 'locales', 'ca-certificates'],
  };
}

/** The Debian image a hexpm/elixir builder was built from (or a placeholder for its date). */
function matchingRunner(builder: string, codename: string): string {
  const tag = parseHexpmTag(builder);
  return tag ? runnerFor(tag) : `${RUNNER_REPOSITORY}:${codename}-<date>-slim`;
}

/** The known tag of exactly this pair (preferred codename, then newest snapshot). */
function knownTag(elixir: string, otp: string): HexpmTag | undefined {
  return knownBuilderTags
    .filter(tag => tag.elixir === elixir && tag.otp === otp)
    .sort((a, b) => preference(a.codename) - preference(b.codename) || b.date.localeCompare(a.date))[0];
}

/** What the builder image choice says, for the summary. */
export interface BuilderChoice {
  tag: HexpmTag;
  /** Where the tag is known from. */
  source: 'image list' | "Hex's Bob API" | 'your Dockerfile' | 'unverified';
  /** The tag builds other versions than were asked for: the answers follow it. */
  adjusted: boolean;
  messages: { kind: 'info' | 'warning'; text: string }[];
}

export interface BuilderChoiceRequest {
  elixir: string;
  otp: string;
  /** Both versions came from flags: only a tag of exactly them is chosen, else the constructed one with a loud warning. */
  insisted: boolean;
  /** DEBIAN_VERSION of the project's Dockerfile when it builds the same versions. */
  projectDebian?: string;
  /** No network lookup (--offline). */
  offline: boolean;
  /** Test seams and mirrors: Bob's root URL and the time budget. */
  lookup?: LookupOptions;
}

/**
 * A hexpm/elixir tag known to exist for the versions, as Phoenix's `phx.gen.release --docker`
 * finds one: the offline image list first, then Hex's Bob API (Phoenix's fallback ladder, a few
 * seconds at most), then the nearest tag of the offline list (same Elixir, closest OTP patch,
 * and the answers follow it). Only when the user insists on versions nothing matches is a tag
 * constructed, and said loudly.
 */
export async function chooseBuilderTag(request: BuilderChoiceRequest): Promise<BuilderChoice> {
  const wanted = `Elixir ${request.elixir} / OTP ${request.otp}`;
  const known = knownTag(request.elixir, request.otp);
  if (known) return { tag: known, source: 'image list', adjusted: false, messages: [] };
  const messages: BuilderChoice['messages'] = [];
  const kept = /^([a-z]+)-(\d{8})-slim$/.exec(request.projectDebian ?? '');
  const codename = kept?.[1] ?? defaultDebianCodename;
  if (!request.offline) {
    const { findBuilderImage } = await import('./online-lookups.js');
    const found = await findBuilderImage({ elixir: request.elixir, otp: request.otp, codename }, request.lookup);
    if (found.kind === 'found') {
      const tag = { elixir: found.elixir, otp: found.otp, codename: found.codename, date: found.date };
      messages.push({ kind: found.exact ? 'info' : 'warning', text: `Builder image found with Hex's Bob API (as phx.gen.release looks it up${found.exact ? '' : `, fallback step ${found.step}`}): ${hexpmReference(tag)}.${found.warnings.length ? ` ${found.warnings.join(' ')}; the Dockerfile, .yo-rc.json and the summary use these versions.` : ''}` });
      return { tag, source: "Hex's Bob API", adjusted: !found.exact, messages };
    }
    if (found.kind === 'none') {
      messages.push({ kind: 'warning', text: `Hex's Bob API has no hexpm/elixir image for Erlang/OTP ${otpMajorOf(request.otp)} on Debian ${codename} at all (browse ${found.browseUrl}).` });
    } else {
      messages.push({ kind: 'info', text: `Hex's Bob API could not be asked (${found.reason}); phoenix-dokku used its image list of ${dockerImageDataRetrieved}. --offline skips the lookup.` });
    }
  }
  if (kept) {
    const tag = { elixir: request.elixir, otp: request.otp, codename: kept[1], date: kept[2] };
    messages.push({ kind: 'info', text: `${wanted}: the Dockerfile keeps the Debian snapshot your Dockerfile builds on (DEBIAN_VERSION=${request.projectDebian}), ${hexpmReference(tag)}.` });
    return { tag, source: 'your Dockerfile', adjusted: false, messages };
  }
  const nearest = nearestKnownTag(request);
  if (nearest && !request.insisted) {
    messages.push({
      kind: 'warning',
      text:
        `No hexpm/elixir image is known for ${wanted} (image list of ${dockerImageDataRetrieved}${request.offline ? ', no lookup: --offline' : ''}), so the build uses the nearest one, ` +
        `Elixir ${nearest.elixir} / OTP ${nearest.otp} (${hexpmReference(nearest)}): the Dockerfile, .yo-rc.json and the summary all say OTP ${nearest.otp}. ` +
        `Pin it where you build locally too (erlang ${nearest.otp} in .tool-versions), or pass --erlang-version ${request.otp} --builder-image <a tag that exists>.`,
    });
    return { tag: nearest, source: 'image list', adjusted: true, messages };
  }
  const tag = { elixir: request.elixir, otp: request.otp, codename, date: debianSnapshots[codename] ?? debianSnapshots[defaultDebianCodename] };
  messages.push({
    kind: 'warning',
    text:
      `UNVERIFIED IMAGE: no hexpm/elixir image is known for ${wanted}${nearest ? ' (the versions you passed)' : ''}, so the Dockerfile names ${hexpmReference(tag)}, which may not exist: ` +
      `docker build then fails at FROM. Check it (docker pull ${hexpmReference(tag)}), or pass --builder-image with a tag from https://bob.hex.pm/docker?repo=hexpm%2Felixir` +
      (nearest ? `, or --elixir-version ${nearest.elixir} --erlang-version ${nearest.otp} (${hexpmReference(nearest)} exists).` : '.'),
  });
  return { tag, source: 'unverified', adjusted: false, messages };
}

const otpMajorOf = (otp: string) => otp.split('.')[0];

/** A known tag with the same Elixir and OTP major (newest OTP, then preferred codename, then date). */
function nearestKnownTag(request: { elixir: string; otp: string }): HexpmTag | undefined {
  const [major, minor] = request.otp.split('.');
  const sameElixir = knownBuilderTags.filter(tag => tag.elixir === request.elixir && tag.otp.split('.')[0] === major);
  // The same OTP minor line first (28.0.2 -> 28.0.1), then the closest release of the major.
  const sameMinor = sameElixir.filter(tag => tag.otp.split('.')[1] === minor);
  const pool = sameMinor.length ? sameMinor : sameElixir;
  const distance = (otp: string) => Math.abs(otpOrdinal(otp) - otpOrdinal(request.otp));
  return [...pool].sort((a, b) => distance(a.otp) - distance(b.otp) || compareVersions(b.otp, a.otp) || preference(a.codename) - preference(b.codename) || b.date.localeCompare(a.date))[0];
}

/** An OTP version as one number for distances (28.0.2 -> 28 000 020 000). */
const otpOrdinal = (otp: string) => otp.split('.').map(Number).concat(0, 0, 0, 0).slice(0, 4).reduce((sum, part, index) => sum + part * 10 ** (9 - index * 3), 0);

const preference = (codename: string) => {
  const index = CODENAME_PREFERENCE.indexOf(codename);
  return index === -1 ? CODENAME_PREFERENCE.length : index;
};

const debianVersion = (tag: HexpmTag) => `${tag.codename}-${tag.date}-slim`;
const hexpmReference = (tag: HexpmTag) => `${BUILDER_REPOSITORY}:${tag.elixir}-erlang-${tag.otp}-debian-${debianVersion(tag)}`;
const runnerFor = (tag: HexpmTag) => `${RUNNER_REPOSITORY}:${debianVersion(tag)}`;

/** `[registry/]hexpm/elixir:<elixir>-erlang-<otp>-debian-<codename>-<date>-slim`. */
export function parseHexpmTag(reference: string): HexpmTag | undefined {
  const match = /(?:^|\/)hexpm\/elixir:(\d+\.\d+\.\d+)-erlang-([\d.]+)-debian-([a-z]+)-(\d{8})-slim(?:@|$)/.exec(reference);
  return match ? { elixir: match[1], otp: match[2], codename: match[3], date: match[4] } : undefined;
}

function codenameOf(reference: string): string | undefined {
  const tag = /:([^@/]+)(?:@|$)/.exec(reference)?.[1] ?? '';
  return Object.keys(NCURSES_PACKAGE).find(codename => new RegExp(`(?:^|-)${codename}(?:-|$)`).test(tag));
}

const IMAGE_REFERENCE =
  /^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

function checkImageReference(value: string, flag: string): string {
  const reference = value.trim();
  if (!IMAGE_REFERENCE.test(reference)) {
    throw new UserError(
      `--${flag} "${value}" is not a Docker image reference. ` +
        'Fix: write it as [registry/]name:tag, e.g. docker.io/hexpm/elixir:1.18.5-erlang-27.3.4.18-debian-bookworm-20261005-slim. Nothing was written.',
    );
  }
  if (!/:[\w][\w.-]*$|@sha256:/.test(reference.replace(/^[^/]+:\d+\//, ''))) {
    throw new UserError(
      `--${flag} "${value}" has no tag, so every build would pull whatever "latest" is then. ` +
        'Fix: pin a tag (or @sha256 digest), e.g. docker.io/debian:bookworm-20261005-slim. Nothing was written.',
    );
  }
  return reference;
}
