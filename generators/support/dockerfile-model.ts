/**
 * A Dockerfile as facts, read with dockerfile-ast (the parser behind the VS Code Docker
 * extension): its build stages, what each stage runs, copies, sets and exposes, with the line of
 * each instruction. The audit rules and the Dockerfile piece ask this; nothing reads a
 * Dockerfile with regexes.
 */
import type { Instruction } from 'dockerfile-ast';

export type DockerfileParser = typeof import('dockerfile-ast');

export interface DockerInstruction {
  /** Upper-case keyword: RUN, COPY, ENV, ... */
  keyword: string;
  /** Everything after the keyword, as written (line continuations joined by the parser). */
  args: string;
  /** 1-based line of the instruction. */
  line: number;
}

export interface DockerStage {
  /** `AS name`, lower-cased, if any. */
  name?: string;
  /** The image, with the ARG defaults before the first FROM substituted (`docker.io/debian:bookworm-20261005-slim`). */
  image: string;
  line: number;
  instructions: DockerInstruction[];
}

export interface DockerfileFacts {
  file: string;
  /** ARG defaults before the first FROM (quotes removed). */
  args: Record<string, string>;
  stages: DockerStage[];
  /** The stage the image ends with (what Dokku runs). */
  final?: DockerStage;
  /** ENV and ARG settings per stage, with their values (undefined for `ARG NAME` without a default). */
  settings: { kind: 'ENV' | 'ARG'; name: string; value?: string; line: number; stage: number }[];
}

/** Facts by file and text: every piece reads the project again, and dockerfile-ast is slow on a long Dockerfile. */
const factsCache = new Map<string, DockerfileFacts>();

export function readDockerfile(text: string, parser: DockerfileParser, file = 'Dockerfile'): DockerfileFacts {
  const key = `${file}\0${text}`;
  let facts = factsCache.get(key);
  if (!facts) {
    if (factsCache.size >= 100) factsCache.clear();
    facts = parseDockerfile(text, parser, file);
    factsCache.set(key, facts);
  }
  return facts;
}

function parseDockerfile(text: string, parser: DockerfileParser, file: string): DockerfileFacts {
  const dockerfile = parser.DockerfileParser.parse(text);
  const args: Record<string, string> = {};
  for (const arg of dockerfile.getInitialARGs()) {
    const property = arg.getProperty();
    const value = property?.getValue();
    if (property && value !== null && value !== undefined) args[property.getName()] = value;
  }
  const substitute = (value: string) => value.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string, plain: string) => args[braced ?? plain] ?? whole);

  const stages: DockerStage[] = [];
  const settings: DockerfileFacts['settings'] = [];
  const lineOf = (instruction: Instruction) => instruction.getRange().start.line + 1;
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase();
    if (keyword === 'FROM') {
      const from = instruction as unknown as { getImage(): string | null; getBuildStage(): string | null };
      stages.push({ name: from.getBuildStage()?.toLowerCase() ?? undefined, image: substitute(from.getImage() ?? ''), line: lineOf(instruction), instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) continue; // ARGs before the first FROM are `args`.
    stage.instructions.push({ keyword, args: instruction.getArgumentsContent() ?? '', line: lineOf(instruction) });
    if (keyword === 'ENV' || keyword === 'ARG') {
      const properties = (instruction as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }).getProperties();
      for (const property of properties) {
        settings.push({ kind: keyword, name: property.getName(), value: property.getValue() ?? undefined, line: lineOf(instruction), stage: stages.length - 1 });
      }
    }
  }
  return { file, args, stages, final: stages.at(-1), settings };
}

/** The instructions of every stage but the final one (where the app is built), in order. */
export const buildInstructions = (facts: DockerfileFacts) => facts.stages.slice(0, -1).flatMap(stage => stage.instructions);

/** The first RUN of `instructions` whose command runs `mix <task>` (`mix release`, `mix assets.deploy`). */
export function runsMix(instructions: DockerInstruction[], task: string): DockerInstruction | undefined {
  const pattern = new RegExp(`(?:^|[;&|\\s])mix\\s+${task.replace(/\./g, '\\.')}(?=$|[\\s;&|])`);
  return instructions.find(instruction => instruction.keyword === 'RUN' && pattern.test(instruction.args));
}

/** The command the final stage starts (CMD, else ENTRYPOINT), as written. */
export function startCommand(facts: DockerfileFacts): DockerInstruction | undefined {
  const instructions = facts.final?.instructions ?? [];
  return instructions.filter(instruction => instruction.keyword === 'CMD').at(-1) ?? instructions.filter(instruction => instruction.keyword === 'ENTRYPOINT').at(-1);
}

/** Packages `apt-get install` adds in a stage. */
export function aptPackages(stage: DockerStage): string[] {
  return stage.instructions
    .filter(instruction => instruction.keyword === 'RUN')
    .flatMap(instruction => [...instruction.args.matchAll(/apt-get\s+install\s+([^&|;]*)/g)].flatMap(match => match[1].split(/\s+/).filter(word => word && !word.startsWith('-'))));
}
