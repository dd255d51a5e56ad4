/**
 * `phoenix-dokku [piece] --help`, printed from pieces.ts and answers.ts alone: starting Yeoman
 * only to list options took about as long as a whole run. The layout is commander's (what
 * `yo phoenix-dokku:<piece> --help` prints), and test/cli.spec.ts checks that both print the same.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatorEntry, generatorOptions, YEOMAN_GENERATOR_OPTIONS } from './pieces.js';
import { packageRoot } from './templates.js';

interface HelpOption {
  flags: string;
  description: string;
}

/**
 * What yeoman-environment's command adds to every generator's (`addEnvironmentOptions` in
 * yeoman-environment/dist/util/command.js): accepted by phoenix-dokku's commands too, so listed
 * the same way. yeoman-generator's own follow (YEOMAN_GENERATOR_OPTIONS).
 */
const YEOMAN_OPTIONS: readonly HelpOption[] = [
  { flags: '--cwd', description: 'Path to use as current dir' },
  { flags: '--skip-install', description: 'Do not automatically install dependencies (default: false)' },
  { flags: '--skip-cache', description: 'Do not remember prompt answers (default: false)' },
  { flags: '--local-config-only', description: 'Generate .yo-rc-global.json locally (default: false)' },
  { flags: '--ask-answered', description: 'Show prompts for already configured options (default: false)' },
  { flags: '--force', description: 'Override every file (default: false)' },
  { flags: '--dry-run', description: 'Print conflicts (default: false)' },
  { flags: '--whitespace', description: 'Whitespace changes will not trigger conflicts (default: false)' },
  { flags: '--bail', description: 'Fail on first conflict (default: false)' },
  { flags: '--skip-yo-resolve', description: 'Ignore .yo-resolve files (default: false)' },
];

/** The options of a generator as --help lists them: Yeoman's, then the generator's own, then --help. */
export function helpOptions(name: string): HelpOption[] {
  const seen = new Set(YEOMAN_OPTIONS.map(option => option.flags));
  const options = [...YEOMAN_OPTIONS];
  for (const option of [...YEOMAN_GENERATOR_OPTIONS, ...generatorOptions(name)].filter(candidate => !candidate.hidden)) {
    if (seen.has(`--${option.name}`)) continue;
    seen.add(`--${option.name}`);
    const defaultText = option.default === undefined ? '' : ` (default: ${option.default})`;
    options.push({ flags: `${option.alias ? `-${option.alias}, ` : ''}--${option.name}${option.type === String ? ' <value>' : ''}`, description: option.description + defaultText });
  }
  return [...options, { flags: '-h, --help', description: 'display help for command' }];
}

/** The whole text of `phoenix-dokku [piece] --help`, `width` columns wide. */
export function helpText(name: string, width = 80): string {
  const entry = generatorEntry(name)!;
  const command = name === 'app' ? 'phoenix-dokku' : `phoenix-dokku ${name}`;
  const options = helpOptions(name);
  const termWidth = Math.max(...options.map(option => option.flags.length));
  const lines = [`Usage: ${command} [options]${entry.argument ? ` [${entry.argument.name}]` : ''}`, '', 'Options:'];
  for (const option of options) {
    const [first = '', ...rest] = wrap(option.description, width - termWidth - 4);
    lines.push(`  ${option.flags.padEnd(termWidth)}  ${first}`, ...rest.map(line => `${' '.repeat(termWidth + 4)}${line}`));
  }
  // Built, the USAGE files sit beside the generators in lib/; from the sources, in generators/.
  const usage = [join(packageRoot, 'lib/generators', name, 'USAGE'), join(packageRoot, 'generators', name, 'USAGE')].find(file => existsSync(file));
  const examples = usage ? `\n${readFileSync(usage, 'utf8')}` : '';
  return `${lines.join('\n')}\n${examples}`;
}

/** Words to lines of at most `width` columns; a word longer than that gets a line of its own. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return [...lines, line];
}
