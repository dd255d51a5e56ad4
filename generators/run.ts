/**
 * What the `phoenix-dokku` bin runs once it knows it is not --help: Yeoman's command for the
 * chosen generator, with every generator of the package registered as a class under
 * `phoenix-dokku:<name>`. Registering classes (not paths) is what lets `npm run build` bundle
 * this module with Yeoman into lib/phoenix-dokku.cjs: nothing is imported by path at run time.
 * `yo phoenix-dokku` does not come through here; it finds lib/generators/<name>/index.js itself.
 */
import { addEnvironmentOptions, createEnv } from 'yeoman-environment';
import AppJsonGenerator from './app-json/index.js';
import AppGenerator from './app/index.js';
import BuildpacksGenerator from './buildpacks/index.js';
import ClusterGenerator from './cluster/index.js';
import DockerfileGenerator from './dockerfile/index.js';
import DoctorGenerator from './doctor/index.js';
import EjectGenerator from './eject/index.js';
import HealthGenerator from './health/index.js';
import LoggerGenerator from './logger/index.js';
import ReleaseGenerator from './release/index.js';
import RuntimeGenerator from './runtime/index.js';
import type { PieceGenerator } from './support/piece.js';
import { PRECOMPILED_TEMPLATES } from './support/precompiled-templates.js';
import { generatorEntry, generatorOptions, YEOMAN_GENERATOR_OPTIONS } from './support/pieces.js';
import { generatorPath, packageRoot } from './support/templates.js';

const GENERATORS: Record<string, typeof PieceGenerator> = {
  app: AppGenerator,
  runtime: RuntimeGenerator,
  logger: LoggerGenerator,
  release: ReleaseGenerator,
  health: HealthGenerator,
  dockerfile: DockerfileGenerator,
  buildpacks: BuildpacksGenerator,
  'app-json': AppJsonGenerator,
  cluster: ClusterGenerator,
  doctor: DoctorGenerator,
  eject: EjectGenerator,
};

/**
 * Runs `phoenix-dokku <name> ...args`; resolves when the generator is done. What
 * yeoman-environment's prepareGeneratorCommand does, with two differences that save start-up:
 * the options come from pieces.ts instead of a generator instantiated only to list them, and
 * every generator is registered with the package's path, so Yeoman reads package.json (the
 * .yo-rc.json key) from there instead of searching upwards for it.
 */
export async function runGenerator(name: string, args: string[]): Promise<void> {
  const generator = GENERATORS[name];
  const entry = generatorEntry(name);
  if (!generator || !entry) throw new Error(`phoenix-dokku: no generator "${name}"`);
  const environment = createEnv();
  for (const [other, piece] of Object.entries(GENERATORS)) {
    environment.register(piece as never, { namespace: `phoenix-dokku:${other}`, resolved: generatorPath(other), packagePath: packageRoot });
  }
  const command = addEnvironmentOptions().name(name === 'app' ? 'phoenix-dokku' : `phoenix-dokku ${name}`) as ReturnType<typeof addEnvironmentOptions>;
  command.env = environment;
  command.addGeneratorOptions(Object.fromEntries([...YEOMAN_GENERATOR_OPTIONS, ...generatorOptions(name)].map(option => [option.name, { ...option, hide: option.hidden ?? false }])));
  if (entry.argument) command.addGeneratorArguments([{ name: entry.argument.name, type: String, required: false }]);
  command.action(async function (this: typeof command) {
    const instance = await environment.create(`phoenix-dokku:${name}`, { generatorArgs: this.args, generatorOptions: this.opts() });
    await environment.runGenerator(instance as never);
  });
  await command.parseAsync(args, { from: 'user' });
}

/** The templates the build precompiled into the bundle (empty unbundled): exported for the test that checks them. */
export { PRECOMPILED_TEMPLATES };
