/**
 * Runs the commands phoenix-dokku prints, as a user would paste them, against a fake `dokku` (and
 * `sudo`) that records every call: what the server would be told, without a server. The fake
 * answers `postgres:info <service> --dsn` with the URL dokku-postgres builds (user postgres, host
 * dokku-postgres-<service>, database <service with - as _>), and `version`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The indented command lines under a heading of the "Next steps" text ("On the Dokku server", "From this project"). */
export function stepsUnder(output: string, heading: string): string {
  const steps = output.slice(output.indexOf('Next steps'));
  const start = steps.indexOf(`\n${heading}`);
  if (start === -1) throw new Error(`No "${heading}" in:\n${steps}`);
  const lines = steps.slice(start + 1).split('\n').slice(1);
  const end = lines.findIndex(line => !line.startsWith('  '));
  return lines.slice(0, end === -1 ? undefined : end).map(line => line.slice(2)).join('\n') + '\n';
}

export const FAKE_DSN_PASSWORD = 'fake0dsn0password';

export interface ServerRun {
  status: number | null;
  stderr: string;
  /** Every `dokku` call, as its argument list; other commands run with sudo as `['sudo', ...]`. */
  calls: string[][];
}

/** Runs `script` with bash -e (a paste stops at the first failing command), `exports` in the environment. */
export function runWithFakeDokku(script: string, exports: Record<string, string> = {}): ServerRun {
  const dir = mkdtempSync(join(tmpdir(), 'pd-fake-dokku-'));
  try {
    const log = join(dir, 'calls.log');
    writeFileSync(log, '');
    writeFileSync(
      join(dir, 'dokku'),
      [
        '#!/bin/bash',
        `printf '%s\\0' "$@" >> '${log}'`,
        `printf '\\n' >> '${log}'`,
        'if [ "$1" = "postgres:info" ] && [ "$3" = "--dsn" ]; then',
        `  echo "postgres://postgres:${FAKE_DSN_PASSWORD}@dokku-postgres-\${2//[._]/-}:5432/\${2//[.-]/_}"`,
        'fi',
        'if [ "$1" = "version" ]; then echo "dokku version 0.38.27"; fi',
        '',
      ].join('\n'),
    );
    // sudo runs the fake dokku; anything else it would run on the server (chown of a storage directory) is recorded, not run here.
    writeFileSync(join(dir, 'sudo'), ['#!/bin/bash', 'if [ "$1" = dokku ]; then exec "$@"; fi', `printf '%s\\0' sudo "$@" >> '${log}'`, `printf '\\n' >> '${log}'`, ''].join('\n'));
    chmodSync(join(dir, 'dokku'), 0o755);
    chmodSync(join(dir, 'sudo'), 0o755);
    const result = spawnSync('bash', ['-e', '-c', script], {
      encoding: 'utf8',
      env: { PATH: `${dir}:${process.env.PATH}`, HOME: dir, ...exports },
    });
    const calls = readFileSync(log, 'utf8').split('\n').filter(Boolean).map(line => line.split('\0').filter((_, index, all) => index < all.length - 1));
    return { status: result.status, stderr: result.stderr, calls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The KEY=VALUE pairs of every `dokku config:set` call, in order. */
export function configSetValues(calls: string[][]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const call of calls.filter(args => args[0] === 'config:set')) {
    for (const assignment of call.slice(1).filter(arg => !arg.startsWith('--')).slice(1)) {
      const at = assignment.indexOf('=');
      values[assignment.slice(0, at)] = assignment.slice(at + 1);
    }
  }
  return values;
}

/** The variables of the "values only you know" command (`NAME="${NAME:?...}"`). */
export function placeholderVariables(script: string): string[] {
  return [...script.matchAll(/\b([A-Z][A-Z0-9_]*)="\$\{\1:\?/g)].map(match => match[1]);
}
