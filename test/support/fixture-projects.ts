/**
 * The detected project of every fixture, read once when a spec imports this module (detection
 * is async: it loads the Elixir parser), so specs can build their `describe` blocks from it.
 */
import { readPhoenixProject, type PhoenixProject } from '../../generators/support/project.js';
import { fixture, phoenixFixtures } from './helpers.js';

const projects = new Map<string, PhoenixProject>(
  await Promise.all(phoenixFixtures().map(async name => [name, await readPhoenixProject(fixture(name))] as const)),
);

/** The project detected in an unmodified fixture. */
export function fixtureProject(name: string): PhoenixProject {
  const project = projects.get(name);
  if (!project) throw new Error(`No Phoenix fixture named ${name}`);
  return project;
}
