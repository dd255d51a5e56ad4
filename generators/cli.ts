#!/usr/bin/env node
/**
 * `phoenix-dokku [piece] [options]`: runs a generator of this package without a global `yo`.
 * `phoenix-dokku health --yes` is `yo phoenix-dokku:health --yes`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isUserError } from './support/errors.js';
import { PIECES } from './support/pieces.js';
import { generatorPath } from './support/templates.js';

const args = process.argv.slice(2);
const sub = args[0] && !args[0].startsWith('-') ? args.shift()! : 'app';
const known = ['app', ...PIECES.map(piece => piece.name)];

if (!known.includes(sub)) {
  process.stderr.write(
    `phoenix-dokku: unknown sub-generator "${sub}". Choose one of: ${known.join(', ')}.\n` +
      'Run `phoenix-dokku --help` for the main generator or `phoenix-dokku <piece> --help` for one piece.\n',
  );
  process.exit(1);
}

if (args.includes('--json')) {
  // stdout carries only the JSON document (written straight to fd 1); Yeoman's messages go to stderr.
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
}

try {
  // Loaded after the argument check: yeoman-environment takes most of start-up time.
  const { prepareCommand } = await import('yeoman-environment');
  const command = await prepareCommand({ resolved: generatorPath(sub), namespace: `phoenix-dokku:${sub}` });
  command.name(sub === 'app' ? 'phoenix-dokku' : `phoenix-dokku ${sub}`);
  // The examples Yeoman shows for `yo phoenix-dokku:<piece> --help`, shown here too.
  const usage = join(dirname(generatorPath(sub)), 'USAGE');
  if (existsSync(usage)) command.addHelpText('after', `\n${readFileSync(usage, 'utf8')}`);
  await command.parseAsync(args, { from: 'user' });
} catch (error) {
  if (isUserError(error)) {
    process.stderr.write(`\nphoenix-dokku: ${error.message}\n`);
  } else {
    process.stderr.write(`\nphoenix-dokku failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
}
