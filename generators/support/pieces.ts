/**
 * The generators, as data: what the main generator runs (in this order), the answers each
 * needs, their own options (registered by the piece and by the main generator, which forwards
 * them), and which build strategy each belongs to. `--help` is printed from this data alone,
 * before Yeoman loads (support/help.ts).
 *
 * Order matters: `runtime` creates config/runtime.exs before `logger` patches it, and
 * `release` writes bin/migrate before the dockerfile piece's Procfile points Dokku at it.
 */
import { existsSync } from 'node:fs';
import { answerSpecs, type AnswerName, type Strategy } from './answers.js';
import { packagedTemplatesDir } from './templates.js';

export interface PieceOption {
  name: string;
  type: typeof String | typeof Boolean;
  description: string;
  alias?: string;
  /** Not shown in --help (set by the main generator for the pieces it runs). */
  hidden?: boolean;
  /** Shown in --help as `(default: ...)`, as commander does. */
  default?: boolean;
}

export interface GeneratorEntry {
  name: string;
  /** One line for the README and the CLI's error message. */
  summary: string;
  /** The answers it needs (asked, or detected with --yes); their flags are its options. */
  needs: readonly AnswerName[];
  /** Answers used when known (flag, saved, detected) but never asked or required. */
  uses?: readonly AnswerName[];
  options: readonly PieceOption[];
  /** One optional positional argument (eject's piece). */
  argument?: { name: string; description: string };
}

export interface PieceEntry extends GeneratorEntry {
  /** Runs only for this build strategy. */
  strategy?: Strategy;
  /** Run by the main generator (eject is not). */
  inApp: boolean;
  /** Composed by the main generator only when its answer asks for it (--cluster). */
  optIn?: boolean;
}

/**
 * yeoman-generator's options that yeoman-environment's command does not add itself (it adds
 * --skip-install, --skip-cache, --force and the rest): accepted by every phoenix-dokku command.
 */
export const YEOMAN_GENERATOR_OPTIONS: readonly PieceOption[] = [
  { name: 'force-install', type: Boolean, description: 'Fail on install dependencies error', default: false },
];

/** Every generator's own: --yes, and the flag the main generator marks the pieces it runs with. */
export const COMMON_OPTIONS: readonly PieceOption[] = [
  { name: 'yes', alias: 'y', type: Boolean, description: 'Never prompt: use flags, then saved answers (.yo-rc.json), then values detected from the project' },
  { name: 'composed', type: Boolean, hidden: true, description: 'Run by the main generator' },
];

/** Shared by the build pieces: the image (Bob) and Hex builds lookups are optional and a few seconds at most. */
const OFFLINE: PieceOption = { name: 'offline', type: Boolean, description: "Do not ask Hex's Bob API / builds.hex.pm which images and builds exist: use phoenix-dokku's offline lists" };

export const PIECES: readonly PieceEntry[] = [
  { name: 'runtime', summary: 'config/runtime.exs that reads secrets and URLs at boot and fails naming a missing variable', needs: ['appName'], uses: ['host'], options: [], inApp: true }, // the host, when known, fills in the PHX_HOST example of the boot-time error
  { name: 'logger', summary: 'log level :info in prod, LOG_LEVEL override at boot', needs: ['appName'], options: [], inApp: true },
  { name: 'release', summary: 'Release module (migrate/rollback) and rel/overlays/bin/server, bin/migrate', needs: [], options: [], inApp: true },
  { name: 'health', summary: 'HealthController whose /health queries every repo (503 when it cannot), and its route', needs: [], options: [], inApp: true },
  {
    name: 'dockerfile',
    needs: ['appName', 'elixirVersion', 'erlangVersion', 'nodeVersion', 'npmVersion'],
    summary: 'Dockerfile (mix release image, assets before release), .dockerignore, Procfile (web: bin/server, release: bin/migrate)',
    strategy: 'dockerfile',
    inApp: true,
    options: [
      { name: 'builder-image', type: String, description: 'Builder image instead of the hexpm/elixir tag matching the versions (e.g. hexpm/elixir:1.18.4-erlang-27.3.4-debian-bookworm-20250520-slim)' },
      { name: 'runner-image', type: String, description: 'Runner image instead of the debian slim image matching the builder' },
      OFFLINE,
    ],
  },
  {
    name: 'buildpacks',
    needs: ['appName', 'elixirVersion', 'erlangVersion', 'nodeVersion', 'npmVersion'],
    summary: '.buildpacks, elixir_buildpack.config, phoenix_static_buildpack.config, Procfile (web: mix phx.server, release: mix ecto.migrate)',
    strategy: 'buildpack',
    inApp: true,
    options: [
      { name: 'elixir-buildpack', type: String, description: 'Elixir buildpack: gigalixir (supports heroku-24, default) or hashnuke (classic; needs the heroku-22 stack)' },
      OFFLINE,
    ],
  },
  { name: 'app-json', summary: "app.json: Dokku's startup check on /health before traffic switches (merged into an existing app.json)", needs: ['appName', 'strategy'], options: [], inApp: true },
  {
    name: 'cluster',
    needs: ['appName'],
    uses: ['strategy'],
    summary: 'opt-in BEAM cluster of several web containers (docker-local) or pods (k3s): rel/env.sh.eex, dns_cluster wiring, k3s headless Service, server commands',
    inApp: true,
    optIn: true,
    // Written out here (not imported from support/cluster.ts): this list is read at CLI start-up, before any generator loads.
    options: [
      { name: 'scheduler', type: String, description: 'Where Dokku runs the containers: docker-local or k3s (default docker-local; the main generator takes it from --cluster)' },
      { name: 'web-scale', type: String, description: 'How many web containers (pods) form the cluster, 2 or more (default 2)' },
      { name: 'k3s-namespace', type: String, description: "k3s only: the app's scheduler-k3s namespace, which the headless Service must name (default default)" },
    ],
  },
  {
    name: 'doctor',
    summary: 'read-only audit of the project for a Dokku deploy: pass/warn/fail per rule with file:line (exit 1 on a fail, --json)',
    needs: [],
    inApp: false,
    options: [
      { name: 'strategy', type: String, description: 'Audit for this build strategy (dockerfile or buildpack) instead of the saved or detected one' },
      { name: 'json', type: Boolean, description: 'Print the result as one JSON document on stdout' },
    ],
  },
  {
    name: 'eject',
    summary: 'copy the built-in templates into priv/templates/phoenix-dokku/ to customise them',
    needs: [],
    inApp: false,
    options: [],
    get argument() {
      return { name: 'piece', description: `Piece whose templates to copy (${templatedPieces().join(', ')}); all of them when omitted` };
    },
  },
];

export const pieceEntry = (name: string) => PIECES.find(piece => piece.name === name);

/** The pieces with templates to eject (logger only patches files, so it has none). */
export const templatedPieces = (): string[] => PIECES.filter(piece => piece.inApp && existsSync(packagedTemplatesDir(piece.name))).map(piece => piece.name);

/** `phoenix-dokku` itself: every answer, and every option of the pieces it runs (it forwards them). */
export const MAIN_GENERATOR: GeneratorEntry = {
  name: 'app',
  summary: 'everything a first Dokku deploy needs, then the commands to finish it',
  needs: answerSpecs.map(spec => spec.name),
  options: [
    ...PIECES.filter(piece => piece.inApp)
      .flatMap(piece => piece.options)
      .filter((option, index, all) => all.findIndex(other => other.name === option.name) === index),
    { name: 'json', type: Boolean, description: 'Print the summary (answers, files, notes, environment, next steps) as one JSON document on stdout' },
  ],
};

/** The entry of a generator by its name (`app` for phoenix-dokku itself). */
export const generatorEntry = (name: string): GeneratorEntry | undefined => (name === 'app' ? MAIN_GENERATOR : pieceEntry(name));

/**
 * Every option a generator registers (piece.ts), in that order: --yes, its answers' flags, its
 * own. The bin parses the command line with these and prints --help from them.
 */
export function generatorOptions(name: string): PieceOption[] {
  const entry = generatorEntry(name);
  if (!entry) throw new Error(`phoenix-dokku: no generator "${name}"`);
  const answers = answerSpecs
    .filter(spec => entry.needs.includes(spec.name) || entry.uses?.includes(spec.name))
    .map((spec): PieceOption => ({ name: spec.flag, type: String, description: spec.description }));
  return [...COMMON_OPTIONS, ...answers, ...entry.options];
}
