/**
 * Offline release data for version validation.
 *
 * Sources (read through a stored index of public GitHub repos / web pages, no live network):
 * - Elixir <-> OTP table: elixir-lang/elixir lib/elixir/pages/references/compatibility-and-deprecations.md
 *   (checked against the v1.14-v1.20 sources; wins over everything else), with the per-patch
 *   exceptions below as data.
 * - Elixir 1.14.0-1.19.4: jdx/mise-versions docs/elixir.toml @ c2f0eb181f3d (mirror of
 *   builds.hex.pm/builds/elixir/builds.txt, with publish times); last patch of 1.14-1.18 lines
 *   (1.14.5, 1.15.8, 1.16.3, 1.17.3, 1.18.4) also in elixir-lang/elixir-lang.github.com
 *   _data/elixir-versions.yml @ 045084ff6d30.
 * - Elixir 1.19.0-1.19.5: elixir-lang/elixir CHANGELOG.md of the v1.19 branch (1.19.5 dated
 *   2026-01-09); it also says "Elixir v1.19 officially supports Erlang/OTP 28.1+".
 * - Elixir 1.20.x: v1.20 CHANGELOG (rc.0 2026-01-09 ... rc.5 2026-05-13, "requires Erlang/OTP 27+
 *   and is compatible with Erlang/OTP 29"); NixOS/nixpkgs pkgs/development/interpreters/elixir/1.20.nix
 *   @ 35ed05daf29b (version 1.20.3); hexpm/elixir tags citing 1.20.0/1.20.1/1.20.2/1.20.4.
 * - Elixir 1.18.5, 1.19.6, 1.20.4: builds.hex.pm elixir builds.txt as quoted (fetched 2026-09-14)
 *   in a public CI evidence file, plus the security advisory "patched in 1.18.5, 1.19.6, 1.20.4";
 *   mirendev/runtime pkg/imagerefs/imagerefs.go (1.18.5 / 1.19.6 / 1.20.4 tags on bookworm-20260918).
 * - OTP 25.0-28.1.1 (and 26.2.5.15, 27.3.4.3): erlef/otp_builds builds/x86_64-apple-darwin.csv
 *   @ 72c486ba236a (2025-10-28) and builds/aarch64-apple-darwin.csv @ 1e65db63501c (complete lists
 *   of OTP-* tags built, incl. 25.3.2.21 = last OTP 25 patch).
 * - OTP 24: ninenines/erlang.mk CI list ("OTP-24 := OTP-24.0.6 OTP-24.1.7 OTP-24.2.2 OTP-24.3.4.17",
 *   i.e. last patch of each 24.x minor; same list gives 25.3.2.21, 26.2.5.15, 27.3.4.3, 28.1);
 *   TheGeorge/otp fork otp_versions.table (OTP-24.2.2 entry).
 * - OTP 28.2-28.3.1: erlang/otp master otp_versions.table as served by raw.githubusercontent.com
 *   (OTP-28.3.1, OTP-28.3, OTP-28.2, OTP-28.1.1 consecutive, so no 28.1.2/28.2.1);
 *   erlang.org/download/otp_versions_tree_app_vsns.html.
 * - OTP 28.3.2-28.5.0.7, 29.x: erlang.org/download/OTP-28.5.README.md (28.5, 2026-04-23,
 *   "Predecessor: OTP 28.4.3"); github.com/erlang/otp/releases/tag/OTP-28.5.0.2 (2026-06-10);
 *   erlang.org/patches/OTP-29.0 (2026-05-13), OTP-29.0.2 (2026-06-10), OTP-29.0.6 (2026-09-01),
 *   erlang.org/news/191 (OTP 29.1, 2026-09-16); security advisory listing 27.3.4.18 / 28.5.0.7 /
 *   29.1.1 (2026-09-22); nerves-project system CHANGELOG (28.3, 28.3.1, 28.4.1, 28.4.2, 28.5,
 *   28.5.0.1, 29.0.2); hexpm/elixir and hexpm/erlang tags citing 28.3.2, 28.3.3, 28.4, 28.4.3,
 *   28.5.0.3-28.5.0.7 (28.5.0.4 also in Homebrew erlang@28 and advisory ranges), 29.0.1,
 *   29.0.3-29.0.5; NixOS/nixpkgs erlang/27.nix (27.3.4.18).
 * - Node.js: nodejs/Release schedule.json as shipped in npm package node-releases@2.0.65
 *   (published 2026-11-17; data/release-schedule + data/processed/envs.json), npm package `node`
 *   version list (patch releases up to 2026-09), nodejs.org/<lang>/download/archive/v<version> pages (bundled npm).
 *
 * Retrieved: 2026-11-22.
 * Update procedure: re-read the Elixir CHANGELOGs / builds.hex.pm builds.txt (elixir + otp) and
 * erlang/otp otp_versions.table, append new versions in order, bump `releaseDataRetrieved`; for
 * Node read nodejs.org/dist/index.json + nodejs/Release schedule.json.
 *
 * Completeness:
 * - elixirReleases: complete 1.14.0-1.20.4 as far as the sources show; nothing newer than
 *   1.20.4 / 1.19.6 / 1.18.5 was seen (last seen 2026-10; a later patch may exist by 2026-11-22).
 *   No 1.21 final release was seen.
 * - otpReleases: complete for OTP 25 (list closed, 25.3.2.21 is the final 25 patch) and complete
 *   through 28.1.1 / 27.3.4.3 / 26.2.5.15 from erlef/otp_builds. Later maintenance patches are
 *   listed from individual citations; where a patch number in a sequence was not itself seen
 *   (26.2.5.16-20, 27.3.4.4-13, the intermediate 24.x patches) it is included because OTP numbers branch
 *   patches strictly sequentially and the later number is confirmed. Newest seen: 29.1.1,
 *   28.5.0.7, 27.3.4.18, 26.2.5.21 (all <= 2026-09-22); patches released after that are missing.
 *   OTP 24 is end of life (last 24.3.4.17); OTP 25 ended with 25.3.2.21 (2025-05).
 */
export const releaseDataRetrieved = '2026-11-22';

/** Every released Elixir version (final releases only, no rc), oldest first, from 1.14.0 on. */
export const elixirReleases: readonly string[] = [
  // 1.14
  '1.14.0', '1.14.1', '1.14.2', '1.14.3', '1.14.4', '1.14.5',
  // 1.15
  '1.15.0', '1.15.1', '1.15.2', '1.15.3', '1.15.4', '1.15.5', '1.15.6', '1.15.7', '1.15.8',
  // 1.16
  '1.16.0', '1.16.1', '1.16.2', '1.16.3',
  // 1.17
  '1.17.0', '1.17.1', '1.17.2', '1.17.3',
  // 1.18 (1.18.5: security release, ~2026-08)
  '1.18.0', '1.18.1', '1.18.2', '1.18.3', '1.18.4', '1.18.5',
  // 1.19 (1.19.0 2025-10-16 ... 1.19.5 2026-01-09; 1.19.6 security release ~2026-08)
  '1.19.0', '1.19.1', '1.19.2', '1.19.3', '1.19.4', '1.19.5', '1.19.6',
  // 1.20 (1.20.0 ~2026-05/06; 1.20.4 security release ~2026-08-28)
  '1.20.0', '1.20.1', '1.20.2', '1.20.3', '1.20.4',
];

/**
 * Supported OTP majors per Elixir minor: the compatibility table of elixir-lang/elixir
 * (lib/elixir/pages/references/compatibility-and-deprecations.md). Exceptions that a patch
 * release made are data below, not code.
 */
export const elixirOtpSupport: Readonly<Record<string, { min: number; max: number }>> = {
  '1.14': { min: 23, max: 25 },
  '1.15': { min: 24, max: 26 },
  '1.16': { min: 24, max: 26 },
  '1.17': { min: 25, max: 27 },
  '1.18': { min: 25, max: 27 },
  '1.19': { min: 26, max: 28 },
  '1.20': { min: 27, max: 29 },
};

export interface ElixirOtpException {
  /** The first Elixir patch it applies to; later patches of the same line too. */
  fromPatch: string;
  otp: number;
  /** `full`: supported like the table's own rows; `initial`: works, with known limits (a warning says which). */
  support: 'full' | 'initial';
  /** What `initial` support means for a deploy. */
  note?: string;
  source: string;
}

/** OTP majors an Elixir patch release added to its line's row. */
export const elixirOtpExceptions: readonly ElixirOtpException[] = [
  {
    fromPatch: '1.14.5',
    otp: 26,
    support: 'full',
    source: 'compatibility-and-deprecations.md, row 1.14: "23 - 25 (and Erlang/OTP 26 from v1.14.5)"',
  },
  {
    fromPatch: '1.18.4',
    otp: 28,
    support: 'initial',
    note:
      'Elixir 1.18.4 has only "initial support for Erlang/OTP 28, for those who want to try it out" (its release notes): ' +
      'regexes compiled at compile time (module attributes, sigils in guards) are only fixed in 1.19 (elixir-lang/elixir#14663). ' +
      'Hex builds v1.18.4-otp-28 (hexpm/bob lib/bob/job/build_elixir.ex) and hexpm/elixir has 1.18.4 images on OTP 28. ' +
      'For full support use Elixir 1.19 (OTP 26-28) or stay on OTP 27',
    source: 'Elixir v1.18.4 release notes (quoted in elixir-lang/elixir#14540); hexpm/bob commit 1d7e12e0',
  },
];

/** An OTP major an Elixir line supports only from an OTP minor on (older minors: a warning). */
export const otpMinimumForElixir: readonly { line: string; otp: number; minimum: string; source: string }[] = [
  { line: '1.19', otp: 28, minimum: '28.1', source: 'elixir-lang/elixir CHANGELOG.md (v1.19): "officially supports Erlang/OTP 28.1+"' },
];

/** Released Erlang/OTP versions (the way OTP tags them minus the `OTP-` prefix: '27.0', '27.2.4', '26.2.5.6'), majors 24 and up, oldest first. Majors are published as X.0 first. */
export const otpReleases: readonly string[] = [
  // OTP 24 (end of life; last patch 24.3.4.17)
  '24.0', '24.0.1', '24.0.2', '24.0.3', '24.0.4', '24.0.5', '24.0.6', '24.1', '24.1.1', '24.1.2',
  '24.1.3', '24.1.4', '24.1.5', '24.1.6', '24.1.7', '24.2', '24.2.1', '24.2.2', '24.3', '24.3.1',
  '24.3.2', '24.3.3', '24.3.4', '24.3.4.1', '24.3.4.2', '24.3.4.3', '24.3.4.4', '24.3.4.5', '24.3.4.6', '24.3.4.7',
  '24.3.4.8', '24.3.4.9', '24.3.4.10', '24.3.4.11', '24.3.4.12', '24.3.4.13', '24.3.4.14', '24.3.4.15', '24.3.4.16', '24.3.4.17',
  // OTP 25 (complete; last patch 25.3.2.21, 2025-05-08)
  '25.0', '25.0.1', '25.0.2', '25.0.3', '25.0.4', '25.1', '25.1.1', '25.1.2', '25.1.2.1', '25.2',
  '25.2.1', '25.2.2', '25.2.3', '25.3', '25.3.1', '25.3.2', '25.3.2.1', '25.3.2.2', '25.3.2.3', '25.3.2.4',
  '25.3.2.5', '25.3.2.6', '25.3.2.7', '25.3.2.8', '25.3.2.9', '25.3.2.10', '25.3.2.11', '25.3.2.12', '25.3.2.13', '25.3.2.14',
  '25.3.2.15', '25.3.2.16', '25.3.2.17', '25.3.2.18', '25.3.2.19', '25.3.2.20', '25.3.2.21',
  // OTP 26 (newest seen 26.2.5.21, 2026-05)
  '26.0', '26.0.1', '26.0.2', '26.1', '26.1.1', '26.1.2', '26.2', '26.2.1', '26.2.2', '26.2.3',
  '26.2.4', '26.2.5', '26.2.5.1', '26.2.5.2', '26.2.5.3', '26.2.5.4', '26.2.5.5', '26.2.5.6', '26.2.5.7', '26.2.5.8',
  '26.2.5.9', '26.2.5.10', '26.2.5.11', '26.2.5.12', '26.2.5.13', '26.2.5.14', '26.2.5.15', '26.2.5.16', '26.2.5.17', '26.2.5.18',
  '26.2.5.19', '26.2.5.20', '26.2.5.21',
  // OTP 27 (newest seen 27.3.4.18, 2026-09-22)
  '27.0', '27.0.1', '27.1', '27.1.1', '27.1.2', '27.1.3', '27.2', '27.2.1', '27.2.2', '27.2.3',
  '27.2.4', '27.3', '27.3.1', '27.3.2', '27.3.3', '27.3.4', '27.3.4.1', '27.3.4.2', '27.3.4.3', '27.3.4.4',
  '27.3.4.5', '27.3.4.6', '27.3.4.7', '27.3.4.8', '27.3.4.9', '27.3.4.10', '27.3.4.11', '27.3.4.12', '27.3.4.13', '27.3.4.14',
  '27.3.4.15', '27.3.4.16', '27.3.4.17', '27.3.4.18',
  // OTP 28 (28.5 = last main-track version, 2026-04-23; then 28.5.0.x; newest seen 28.5.0.7, 2026-09-22)
  '28.0', '28.0.1', '28.0.2', '28.0.3', '28.0.4', '28.1', '28.1.1', '28.2', '28.3', '28.3.1',
  '28.3.2', '28.3.3', '28.4', '28.4.1', '28.4.2', '28.4.3', '28.5', '28.5.0.1', '28.5.0.2', '28.5.0.3',
  '28.5.0.4', '28.5.0.5', '28.5.0.6', '28.5.0.7',
  // OTP 29 (29.0 2026-05-13, 29.1 2026-09-16; newest seen 29.1.1, 2026-09-22)
  '29.0', '29.0.1', '29.0.2', '29.0.3', '29.0.4', '29.0.5', '29.0.6', '29.1', '29.1.1',
];

/**
 * Node.js: current LTS lines and their newest patch known at retrieval, and npm versions bundled with them.
 *
 * One entry per supported LTS line (newest line first). `version` is the newest release of the line
 * whose bundled npm version was confirmed (nodejs.org download-archive page or a copy of
 * nodejs.org/dist/index.json); newer releases of the same line exist, see `nodeLtsLines.newestKnown`.
 * `lts` is the codename of the release line at retrieval (26.11.0 itself shipped as "Current",
 * the 26.x line became LTS "Lithium" with 26.13.0 on 2026-10-28).
 * Confidence: 26.11.0/11.20.0 and 24.20.0/11.19.0 seen on two sources each; 22.23.2/10.9.4 on one.
 * Node 20 ("Iron") reached end of life on 2026-04-30 and is not listed.
 */
export const nodeReleases: readonly { version: string; npm: string; lts: string | false }[] = [
  { version: '26.11.0', npm: '11.20.0', lts: 'Lithium' },
  { version: '24.20.0', npm: '11.19.0', lts: 'Krypton' },
  { version: '22.23.2', npm: '10.9.4', lts: 'Jod' },
];

/**
 * Node.js LTS lines at retrieval (nodejs/Release schedule.json via node-releases@2.0.65) and the
 * newest release seen for each (npm bundled version not confirmed for these). From Node 27 on,
 * every major becomes LTS (one major per year; 27.0.0 alphas since 2026-10-28).
 */
export const nodeLtsLines: readonly {
  major: number;
  codename: string;
  status: 'active' | 'maintenance';
  ltsStart: string;
  maintenanceStart: string;
  endOfLife: string;
  newestKnown: string;
}[] = [
  { major: 26, codename: 'Lithium', status: 'active', ltsStart: '2026-10-28', maintenanceStart: '2027-10-20', endOfLife: '2029-04-30', newestKnown: '26.13.0' },
  { major: 24, codename: 'Krypton', status: 'maintenance', ltsStart: '2025-10-28', maintenanceStart: '2026-10-20', endOfLife: '2028-04-30', newestKnown: '24.22.0' },
  { major: 22, codename: 'Jod', status: 'maintenance', ltsStart: '2024-10-29', maintenanceStart: '2025-10-21', endOfLife: '2027-04-30', newestKnown: '22.23.3' },
];
