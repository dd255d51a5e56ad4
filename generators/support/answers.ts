/**
 * The questions phoenix-dokku asks. Each has a flag, a default derived from the project and
 * a validation; sub-generators declare which of them they need.
 */
import type { PhoenixProject } from './project.js';
import {
  bundledNpm,
  checkElixirOtpPair,
  checkElixirVersion,
  checkErlangVersion,
  checkSemver,
  otpMajor,
  defaultErlangVersion,
  defaultToolchain,
  resolvePinnedVersion,
  defaultNodeRelease,
  type VersionCheck,
} from './versions.js';

export const STRATEGIES = ['dockerfile', 'buildpack'] as const;
/** `--cluster`: one container (no), several on one server (docker-local), or pods on several servers (k3s). */
export const CLUSTER_CHOICES = ['no', 'docker-local', 'k3s'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface DokkuAnswers {
  appName: string;
  host: string;
  elixirVersion: string;
  erlangVersion: string;
  strategy: Strategy;
  nodeVersion: string;
  npmVersion: string;
  /** For Let's Encrypt's expiry notices, in the printed commands only. */
  email: string;
  /** Several web containers as one BEAM cluster, and on which scheduler. */
  cluster: (typeof CLUSTER_CHOICES)[number];
}

export type AnswerName = keyof DokkuAnswers;

/** A default and where it came from, for the summary and for error messages. */
export interface Derived {
  value: string;
  source: string;
  /** Worth saying when this default is used (a pin that had to be resolved, versions nobody pinned). */
  note?: string;
}

export interface AnswerSpec {
  name: AnswerName;
  /** Command-line flag, without dashes. */
  flag: string;
  description: string;
  /** Prompt text. */
  message: string;
  /** Whether this project needs the answer at all (Node only when assets are built with npm). */
  applies(project: PhoenixProject): boolean;
  /** Asked interactively; otherwise only the flag or the default sets it. */
  prompted: boolean;
  choices?: readonly string[];
  derive(project: PhoenixProject, answers: Partial<DokkuAnswers>): Derived | undefined;
  /** `undefined` when valid, else the problem and how to fix it. */
  validate(value: string, answers: Partial<DokkuAnswers>): { problem: string; fix: string } | undefined;
  /** Accepted but worth saying (a version newer than our release data). */
  warning?(value: string, answers: Partial<DokkuAnswers>): string | undefined;
  /** May stay unset (npm: the buildpack then keeps the npm bundled with Node). */
  optional?: boolean;
}

/** Said loudly when nothing pins Elixir: the build's versions were chosen here, and how to pin them. */
function unpinnedNote(project: PhoenixProject, chosen: { elixir: string; otp: string }): string | undefined {
  if (project.pinned.erlang) return undefined;
  return (
    `Nothing in the project pins Elixir or Erlang/OTP (.tool-versions, mise.toml, elixir_buildpack.config, Dockerfile ARG), so phoenix-dokku chose ` +
    `Elixir ${chosen.elixir} with Erlang/OTP ${chosen.otp} for the build. Test the app with them, and pin them so every build uses the same: ` +
    `add to .tool-versions\n  erlang ${chosen.otp}\n  elixir ${chosen.elixir}-otp-${otpMajor(chosen.otp)}`
  );
}

const fromCheck = (check: VersionCheck) => (check.ok ? undefined : { problem: check.problem, fix: check.fix });
const warningOf = (check: VersionCheck) => (check.ok ? check.warning : undefined);

export const answerSpecs: readonly AnswerSpec[] = [
  {
    name: 'appName',
    flag: 'app-name',
    description: 'Dokku app name: lowercase letters, digits and dashes (default: the OTP app name with dashes)',
    message: 'Dokku app name',
    prompted: true,
    applies: () => true,
    derive: project => ({ value: project.otpApp.replaceAll('_', '-'), source: `mix.exs (app: :${project.otpApp})` }),
    validate: value =>
      /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(value)
        ? undefined
        : {
            problem: `"${value}" is not a valid Dokku app name.`,
            fix: `use lowercase letters, digits and dashes, starting and ending with a letter or digit (e.g. ${value.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'my-app'})`,
          },
  },
  {
    name: 'host',
    flag: 'host',
    description: 'Public domain of the app, becomes PHX_HOST and the Dokku domain (e.g. shop.example.com)',
    message: 'Public domain (PHX_HOST)',
    prompted: true,
    applies: () => true,
    derive: project => (project.configuredHost ? { value: project.configuredHost, source: 'url host in config/' } : undefined),
    validate: value =>
      /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]$/i.test(value)
        ? undefined
        : { problem: `"${value}" is not a domain name.`, fix: 'give the bare domain, without scheme, port or path (e.g. shop.example.com)' },
  },
  {
    name: 'elixirVersion',
    flag: 'elixir-version',
    description: 'Elixir version to build with, e.g. 1.18.4 (default: pinned by the project, else newest matching mix.exs)',
    message: 'Elixir version',
    prompted: true,
    applies: () => true,
    derive: project => {
      const pinned = project.pinned.elixir;
      if (pinned) return { ...pinned, ...resolvePinnedVersion('elixir', pinned.value, pinned.source) };
      const requirement = project.pinned.elixirRequirement;
      const chosen = defaultToolchain(requirement);
      return {
        value: chosen.elixir,
        source: `${chosen.withImage ? 'newest pair with a known image' : 'newest release'}${requirement ? ` matching mix.exs elixir: "${requirement}"` : ''}`,
        note: unpinnedNote(project, chosen),
      };
    },
    validate: value => fromCheck(checkElixirVersion(value)),
    warning: value => warningOf(checkElixirVersion(value)),
  },
  {
    name: 'erlangVersion',
    flag: 'erlang-version',
    description: 'Erlang/OTP version, written with a dot: 27.0 or 27.2.4 (default: pinned by the project, else newest for the Elixir version)',
    message: 'Erlang/OTP version',
    prompted: true,
    applies: () => true,
    derive: (project, answers) => {
      const pinned = project.pinned.erlang;
      if (pinned) return { ...pinned, ...resolvePinnedVersion('erlang', pinned.value, pinned.source) };
      if (!answers.elixirVersion) return undefined;
      return { value: defaultErlangVersion(answers.elixirVersion), source: `newest Erlang/OTP for Elixir ${answers.elixirVersion} with a known image` };
    },
    validate: (value, answers) => {
      const own = fromCheck(checkErlangVersion(value));
      if (own || !answers.elixirVersion) return own;
      return fromCheck(checkElixirOtpPair(answers.elixirVersion, value));
    },
    warning: (value, answers) =>
      warningOf(checkErlangVersion(value)) ?? (answers.elixirVersion ? warningOf(checkElixirOtpPair(answers.elixirVersion, value)) : undefined),
  },
  {
    name: 'strategy',
    flag: 'strategy',
    description: 'How Dokku builds the app: dockerfile (a mix release image) or buildpack (herokuish)',
    message: 'Build strategy',
    prompted: true,
    choices: STRATEGIES,
    applies: () => true,
    derive: project => {
      if (project.existing.buildpacks && !project.existing.dockerfile) return { value: 'buildpack', source: '.buildpacks exists' };
      if (project.existing.elixirBuildpackConfig && !project.existing.dockerfile) return { value: 'buildpack', source: 'elixir_buildpack.config exists' };
      if (project.existing.dockerfile) return { value: 'dockerfile', source: 'Dockerfile exists' };
      return { value: 'dockerfile', source: 'default (a mix release image)' };
    },
    validate: value =>
      (STRATEGIES as readonly string[]).includes(value)
        ? undefined
        : { problem: `Unknown strategy "${value}".`, fix: 'use dockerfile (a mix release image) or buildpack (herokuish buildpacks)' },
  },
  {
    name: 'cluster',
    flag: 'cluster',
    description: 'Run several web containers as one BEAM cluster: no (default), docker-local (one server) or k3s (several servers); Dockerfile build only',
    message: 'Run more than one web container?',
    prompted: true,
    choices: CLUSTER_CHOICES,
    applies: () => true,
    derive: () => ({ value: 'no', source: 'default (one web container)' }),
    validate: value =>
      (CLUSTER_CHOICES as readonly string[]).includes(value)
        ? undefined
        : { problem: `Unknown --cluster "${value}".`, fix: 'use no, docker-local (several containers on one server) or k3s (pods on several servers)' },
  },
  {
    name: 'nodeVersion',
    flag: 'node-version',
    description: 'Node.js version for building npm assets, X.Y.Z (only asked when assets/package.json exists)',
    message: 'Node.js version (assets)',
    prompted: true,
    applies: project => Boolean(project.assets?.npm),
    derive: project => project.pinned.node ?? { value: defaultNodeRelease().version, source: 'newest Node.js LTS known' },
    validate: value => fromCheck(checkSemver(value, 'Node.js')),
  },
  {
    name: 'npmVersion',
    flag: 'npm-version',
    description: 'npm version for building npm assets, X.Y.Z (default: the one bundled with Node)',
    message: 'npm version (assets)',
    prompted: false,
    optional: true,
    applies: project => Boolean(project.assets?.npm),
    derive: (project, answers) => {
      if (project.pinned.npm) return project.pinned.npm;
      const npm = answers.nodeVersion && bundledNpm(answers.nodeVersion);
      return npm ? { value: npm, source: `bundled with Node.js ${answers.nodeVersion}` } : undefined;
    },
    validate: value => fromCheck(checkSemver(value, 'npm')),
  },
  {
    name: 'email',
    flag: 'email',
    description: "Your e-mail for Let's Encrypt expiry notices, filled into the printed letsencrypt commands",
    message: "E-mail for Let's Encrypt",
    prompted: false,
    optional: true,
    applies: () => true,
    derive: () => undefined,
    validate: value =>
      /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? undefined : { problem: `"${value}" is not an e-mail address.`, fix: 'give an address such as ops@example.com' },
  },
];
