/**
 * Which precompiled Elixir builds Hex publishes (builds.hex.pm/builds/elixir/v<elixir>-otp-<major>.zip),
 * as Hex's builder decides them: hexpm/bob lib/bob/job/build_elixir.ex at commit 1d7e12e0 (2025-06),
 * the commit that added OTP 28 for Elixir 1.18.4. Rows are "from this Elixir release on"; lines newer
 * than the last row, and older than the first, are not in this data (the online check covers them).
 * The OTP builds of each Ubuntu release (builds/otp/ubuntu-24.04/builds.txt) are not kept offline:
 * Bob builds every OTP tag for each supported Ubuntu, but the list is only checked online.
 */
export const elixirBuildOtpMajors: readonly { from: string; until?: string; otp: readonly number[] }[] = [
  { from: '1.19.0', until: '1.20.0', otp: [26, 27, 28] },
  { from: '1.18.4', until: '1.19.0', otp: [25, 26, 27, 28] },
  { from: '1.17.0', until: '1.18.4', otp: [25, 26, 27] },
];

export const hexBuildsDataRetrieved = '2026-11-22';
