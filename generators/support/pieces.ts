/**
 * The sub-generators, as data: what the main generator runs (in this order), their own
 * options (registered by the piece and by the main generator, which forwards them), and
 * which build strategy each belongs to.
 *
 * Order matters: `runtime` creates config/runtime.exs before `logger` patches it, and
 * `release` writes bin/migrate before the dockerfile piece's Procfile points Dokku at it.
 */
import type { Strategy } from './answers.js';

export interface PieceOption {
  name: string;
  type: typeof String | typeof Boolean;
  description: string;
}

export interface PieceEntry {
  name: string;
  /** One line for the README and the CLI's error message. */
  summary: string;
  options: readonly PieceOption[];
  /** Runs only for this build strategy. */
  strategy?: Strategy;
  /** Run by the main generator (eject is not). */
  inApp: boolean;
  /** Composed by the main generator only when its answer asks for it (--cluster). */
  optIn?: boolean;
}

/** Shared by the build pieces: the image (Bob) and Hex builds lookups are optional and a few seconds at most. */
const OFFLINE: PieceOption = { name: 'offline', type: Boolean, description: "Do not ask Hex's Bob API / builds.hex.pm which images and builds exist: use phoenix-dokku's offline lists" };

export const PIECES: readonly PieceEntry[] = [
  { name: 'runtime', summary: 'config/runtime.exs that reads secrets and URLs at boot and fails naming a missing variable', options: [], inApp: true },
  { name: 'logger', summary: 'log level :info in prod, LOG_LEVEL override at boot', options: [], inApp: true },
  { name: 'release', summary: 'Release module (migrate/rollback) and rel/overlays/bin/server, bin/migrate', options: [], inApp: true },
  { name: 'health', summary: 'HealthController whose /health queries every repo (503 when it cannot), and its route', options: [], inApp: true },
  {
    name: 'dockerfile',
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
    summary: '.buildpacks, elixir_buildpack.config, phoenix_static_buildpack.config, Procfile (web: mix phx.server, release: mix ecto.migrate)',
    strategy: 'buildpack',
    inApp: true,
    options: [
      { name: 'elixir-buildpack', type: String, description: 'Elixir buildpack: gigalixir (supports heroku-24, default) or hashnuke (classic; needs the heroku-22 stack)' },
      OFFLINE,
    ],
  },
  { name: 'app-json', summary: "app.json: Dokku's startup check on /health before traffic switches (merged into an existing app.json)", options: [], inApp: true },
  {
    name: 'cluster',
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
  { name: 'doctor', summary: 'read-only audit of the project for a Dokku deploy: pass/warn/fail per rule with file:line (exit 1 on a fail, --json)', options: [], inApp: false },
  { name: 'eject', summary: 'copy the built-in templates into priv/templates/phoenix-dokku/ to customise them', options: [], inApp: false },
];

export const pieceEntry = (name: string) => PIECES.find(piece => piece.name === name);
