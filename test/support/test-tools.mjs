// Run by `npm test` before anything else: the tests put generated Elixir through the real
// `elixir` and `mix format`, and the scripts through `shellcheck`, and fail (never skip) without
// them. On a machine that lacks them, this installs them with apt (as root, or with sudo when
// it needs no password); anywhere else it stops at once with the one command to run.
import { spawnSync } from 'node:child_process';

const TOOLS = ['elixir', 'mix', 'shellcheck'];
const PACKAGES = ['elixir', 'shellcheck'];

const found = tool => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const missing = () => TOOLS.filter(tool => !found(tool));

function stop(why) {
  process.stderr.write(
    `\nnpm test needs ${missing().join(', ')} (${why}).\n` +
      `Install them, then run npm test again:\n\n  sudo apt-get install -y ${PACKAGES.join(' ')}\n\n` +
      'Not on Debian or Ubuntu: install Elixir (it brings mix) and ShellCheck with your package manager.\n',
  );
  process.exit(1);
}

if (missing().length) {
  if (!found('apt-get')) stop('no apt-get here to install them with');
  const root = process.getuid?.() === 0;
  const sudo = !root && found('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (!root && !sudo) stop('installing them needs root, and sudo asks for a password');
  const run = (args, quiet) => {
    const command = root ? args : ['sudo', ...args];
    process.stderr.write(`npm test: ${command.join(' ')}\n`);
    const result = spawnSync(command[0], command.slice(1), { stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.status !== 0) stop(`${command.join(' ')} failed`);
  };
  run(['apt-get', 'update', '-qq'], true);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...PACKAGES], true);
  if (missing().length) stop(`apt-get installed ${PACKAGES.join(' ')} but ${missing().join(', ')} is still not on PATH`);
}

const version = (command, args) => spawnSync(command, args, { encoding: 'utf8' }).stdout.trim().split('\n');
process.stderr.write(`npm test: ${version('elixir', ['--version']).at(-1)}; ShellCheck ${version('shellcheck', ['--version'])[1]?.replace(/^version: /, '')}\n`);
