/**
 * `phoenix-dokku cluster` (opt-in): several web containers of one Dokku app (docker-local:
 * one server, N containers) or web pods (k3s: several servers) form one BEAM cluster, with
 * Dokku's own mechanisms and dns_cluster. Writes rel/env.sh.eex (names each node after its
 * own IP), wires dns_cluster where it is missing (dependency, supervisor child, runtime
 * config), for k3s the kustomize headless Service, and prints the server commands.
 *
 * Only for the release (Dockerfile) build: see `skipBuildpackBuild`.
 */
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import {
  DEFAULT_NAMESPACE,
  DEFAULT_SCHEDULER,
  DEFAULT_WEB_SCALE,
  DNS_CLUSTER_DEP,
  ENV_SH,
  KUSTOMIZE_DIR,
  checkKustomization,
  clusterChanges,
  clusterCommands,
  dnsClusterChildHelp,
  dnsClusterConfigBlock,
  dnsClusterDepHelp,
  envShBlock,
  envShTemplateData,
  injectDnsClusterChild,
  injectDnsClusterConfig,
  injectDnsClusterDep,
  injectEnvSh,
  k3sWarnings,
  kustomizeTemplateData,
  namespaceProblem,
  schedulerProblem,
  serviceNameProblem,
  startsPubSub,
  webScaleProblem,
  type ClusterPlan,
  type Scheduler,
} from '../support/cluster.js';
import { UserError } from '../support/errors.js';
import { PieceGenerator } from '../support/piece.js';
import type { MixApp } from '../support/project.js';

/** Where the choices are kept in .yo-rc.json, so a later run without the flags keeps them. */
const SAVED = { scheduler: 'clusterScheduler', webScale: 'clusterWebScale', namespace: 'clusterNamespace' } as const;

/** The app that starts DNSCluster, and its files. */
interface ClusterApp {
  app: MixApp;
  mixFile: string;
  applicationFile: string;
}

export default class ClusterGenerator extends PieceGenerator {
  static override piece = 'cluster';

  private plan!: ClusterPlan;

  /** Every option is validated before anything is written. */
  configuring(): void {
    const scheduler = this.choice('scheduler', SAVED.scheduler, DEFAULT_SCHEDULER, schedulerProblem) as Scheduler;
    const webScale = Number(this.choice('web-scale', SAVED.webScale, String(DEFAULT_WEB_SCALE), webScaleProblem));
    const namespace = this.choice('k3s-namespace', SAVED.namespace, DEFAULT_NAMESPACE, namespaceProblem);
    const appName = this.answers.appName!;
    const serviceProblem = scheduler === 'k3s' ? serviceNameProblem(appName) : undefined;
    if (serviceProblem) throw new UserError(`${serviceProblem} Nothing was written.`);
    this.plan = { scheduler, appName, releaseName: this.project.releaseName, webScale, namespace };
  }

  async writing(): Promise<void> {
    if (this.answers.strategy === 'buildpack') {
      this.skipBuildpackBuild();
      return;
    }
    if (this.project.existing.buildpacks) {
      this.note(
        'warning',
        `${this.project.existing.buildpacks} is still in the project, and Dokku builds with buildpacks whenever it exists: the nodes only cluster once the Dockerfile build is used (delete it).`,
      );
    }
    this.writeEnvSh();
    this.wireDnsCluster();
    if (this.plan.scheduler === 'k3s') await this.writeKustomize();
    this.noteCommands();
  }

  /** A flag (validated, then saved), else the saved choice, else the default. */
  private choice(flag: string, key: string, fallback: string, problem: (value: string) => string | undefined): string {
    const given = this.flag(flag)?.trim();
    const saved = this.config.get(key);
    const value = given ?? (typeof saved === 'string' && saved.trim() ? saved.trim() : fallback);
    const invalid = problem(value);
    if (invalid) {
      const where = given !== undefined ? '' : ` (saved as "${key}" in .yo-rc.json; pass --${flag} to replace it)`;
      throw new UserError(`${invalid}${where} Nothing was written.`);
    }
    if (given !== undefined) this.config.set(key, value);
    return value;
  }

  /**
   * Under herokuish the web process is `mix phx.server`: no release, so no env.sh and no
   * RELEASE_NODE/RELEASE_COOKIE. Naming the node would take a Procfile `web:` wrapper that
   * computes the IP and runs `elixir --name <app>@<ip> --cookie "$RELEASE_COOKIE" -S mix
   * phx.server`. That line belongs to the buildpacks piece (which would report ours as a
   * conflict), and every remote console (`iex --remsh`) would have to repeat the naming by
   * hand, where a release gets both from env.sh for every bin/<app> command. So clustering
   * is generated for the release (Dockerfile) build only.
   */
  private skipBuildpackBuild(): void {
    this.note(
      'skipped',
      'BEAM clustering is generated for the release (Dockerfile) build only. With buildpacks the web process is `mix phx.server`: no release, so no ' +
        'rel/env.sh.eex names the node after its IP and no RELEASE_COOKIE is read. It would take a Procfile web: wrapper (`elixir --name <app>@<ip> --cookie ... -S mix phx.server`) ' +
        'that every remote console repeats by hand, which phoenix-dokku does not generate. No project file was written. ' +
        `Switch to the Dockerfile build (phoenix-dokku --strategy dockerfile) and run phoenix-dokku cluster again; until then ${this.plan.webScale} web containers ` +
        'work, each as a node of its own (Phoenix.PubSub broadcasts stay inside one container).',
    );
  }

  private writeEnvSh(): void {
    const { releaseName } = this.plan;
    const existing = this.fs.read(this.destinationPath(ENV_SH), { defaults: null });
    if (existing === null) {
      this.renderFiles([{ template: 'env.sh.eex.ejs', destination: ENV_SH }], envShTemplateData(releaseName));
      this.note('info', `${ENV_SH} names each node ${releaseName}@<its IP> when DNS_CLUSTER_QUERY is set, and does nothing without it.`);
      return;
    }
    const result = this.patchFile(ENV_SH, content => injectEnvSh(content, releaseName), `Append this block:\n\n${envShBlock(releaseName)}`);
    if (result.kind === 'injected') this.note('info', `${ENV_SH}: appended the block that names each node ${releaseName}@<its IP> when DNS_CLUSTER_QUERY is set.`);
    if (result.kind === 'present') this.note('info', `${ENV_SH} already has phoenix-dokku's clustering block; kept as it is.`);
  }

  /**
   * The app whose supervision tree starts DNSCluster. A phx.new umbrella starts Phoenix.PubSub
   * and DNSCluster in the core app (`apps/<app>`, not `apps/<app>_web`) and reads
   * `config :<app>, :dns_cluster_query` (phoenixframework/phoenix
   * installer/templates/phx_umbrella/apps/app_name/lib/app_name/application.ex): the app that
   * starts Phoenix.PubSub gets the dependency and the child, else the web app.
   */
  private clusterApp(): ClusterApp {
    const { project } = this;
    const filesOf = (app: MixApp): ClusterApp => ({
      app,
      mixFile: posix.join(app.dir, 'mix.exs'),
      applicationFile: posix.join(app.dir, 'lib', app.otpApp, 'application.ex'),
    });
    const candidates = (project.umbrella ? project.apps : [project.web.app]).map(filesOf);
    const withPubSub = candidates.find(candidate => {
      const content = this.fs.read(this.destinationPath(candidate.applicationFile), { defaults: null });
      return content !== null && startsPubSub(content, candidate.applicationFile);
    });
    return withPubSub ?? filesOf(project.web.app);
  }

  private wireDnsCluster(): void {
    const { app, mixFile, applicationFile } = this.clusterApp();
    const otpApp = app.otpApp;
    const dep = this.patchFile(mixFile, content => injectDnsClusterDep(content, mixFile), dnsClusterDepHelp(mixFile));
    if (dep.kind === 'injected') {
      this.note('info', `Added ${DNS_CLUSTER_DEP} to ${mixFile}. Run mix deps.get and commit mix.lock, so the image builds the version you tested.`);
    }
    if (dep.kind === 'present') this.note('info', `${mixFile} already depends on dns_cluster; kept as it is.`);

    const child = this.patchFile(applicationFile, content => injectDnsClusterChild(content, otpApp, applicationFile), dnsClusterChildHelp(otpApp, applicationFile));
    if (child.kind === 'injected') this.note('info', `Added the DNSCluster child to ${applicationFile} (it starts only when :${otpApp}, :dns_cluster_query is set).`);
    if (child.kind === 'present') this.note('info', `${applicationFile} already starts DNSCluster; kept as it is.`);

    const runtime = 'config/runtime.exs';
    const config = this.patchFile(runtime, content => injectDnsClusterConfig(content, otpApp, runtime), `Run \`phoenix-dokku runtime\` first, or add:\n\n${dnsClusterConfigBlock(otpApp)}`);
    if (config.kind === 'injected') this.note('info', `${runtime} reads DNS_CLUSTER_QUERY into :${otpApp}, :dns_cluster_query (appended block).`);
    if (config.kind === 'present') this.note('info', `${runtime} already reads DNS_CLUSTER_QUERY into :${otpApp}, :dns_cluster_query; kept as it is.`);

    if ([this.project.web.app, ...this.project.apps].some(candidate => candidate.deps.includes('libcluster'))) {
      this.note(
        'warning',
        'The project also uses libcluster. Its topologies (Fly.io DNS names, for one) find nothing on Dokku: remove it, or keep only one of the two clustering libraries.',
      );
    }
  }

  private async writeKustomize(): Promise<void> {
    const data = kustomizeTemplateData(this.plan);
    const kustomization = `${KUSTOMIZE_DIR}/kustomization.yaml`;
    const theirs = this.fs.read(this.destinationPath(kustomization), { defaults: null });
    // The hashes of the files a run rendered (piece.ts, GENERATED_KEY): ours is updated like any rendered file.
    const generated = this.config.get('generated') as Record<string, string> | undefined;
    if (theirs === null || generated?.[kustomization]) {
      this.renderFiles([{ template: 'kustomization.yaml.ejs', destination: kustomization }], data);
    } else {
      // Someone else's kustomization: checked, never replaced.
      const { parse: parseYaml } = await import('yaml');
      this.patchFile(kustomization, content => checkKustomization(content, parseYaml), '');
    }
    this.renderFiles([{ template: 'cluster-service.yaml.ejs', destination: `${KUSTOMIZE_DIR}/${data.serviceFile}` }], data);
  }

  /** Run alone, the piece prints its commands; run by the main generator they are part of the next steps. */
  private noteCommands(): void {
    if (this.composed) {
      for (const change of clusterChanges(this.plan)) this.note('info', change);
      if (this.plan.scheduler === 'k3s') for (const warning of k3sWarnings(this.plan)) this.note('warning', warning);
      return;
    }
    const cookie = randomBytes(32).toString('hex');
    const where = this.plan.scheduler === 'k3s' ? `${this.plan.webScale} web pods on k3s` : `${this.plan.webScale} web containers`;
    this.note('manual', [`On the Dokku server, to run ${where} as one BEAM cluster:`, ...clusterCommands(this.plan, cookie).map(line => `  ${line}`)].join('\n'));
    for (const change of clusterChanges(this.plan)) this.note('info', change);
    if (this.plan.scheduler === 'k3s') for (const warning of k3sWarnings(this.plan)) this.note('warning', warning);
  }
}
