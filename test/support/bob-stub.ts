/**
 * A local stand-in for bob.hex.pm's `/api/docker` and builds.hex.pm's builds.txt lists, so the
 * online look-ups are tested without the internet. `/api/docker` answers the real shape
 * (`{"tags":[{repo,tag,archs,built_at}],"total","offset","page_size"}`) with Bob's semantics:
 * hexpm/bob lib/bob/artifacts/docker_tag_search.ex (parse_filters/1, parse_offset/1: every filter
 * a case-sensitive prefix, a `tag` prefix drops the structured filters, a bad offset is 0) and
 * lib/bob/artifacts.ex (search_docker_tags/3: newest `built_at` first, then newest row).
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubDockerTag {
  repo: string;
  tag: string;
  archs?: string[];
  /** ISO 8601; defaults to a fixed date (then rows added later come first, like Bob's id order). */
  built_at?: string;
}

export interface StubFault {
  /** Answer this HTTP status with an empty body. */
  status?: number;
  /** Answer `/api/docker` with a truncated JSON body. */
  brokenJson?: boolean;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Which requests the fault applies to (all of them when absent). */
  when?: (url: URL) => boolean;
}

export interface BobStubOptions {
  dockerTags?: readonly StubDockerTag[];
  /** Bob always pages by 100; set it small to exercise paging. */
  pageSize?: number;
  /** OTP builds.txt text by Ubuntu directory, e.g. `{ 'ubuntu-24.04': '...' }`. */
  otpBuilds?: Readonly<Record<string, string>>;
  elixirBuilds?: string;
  fault?: StubFault;
}

export interface BobStub {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Every request received, in order. */
  requests: URL[];
  close(): Promise<void>;
}

/** Bob's @elixir_tag_regex: how a tag becomes its searchable metadata. */
const ELIXIR_TAG = /^(.+)-erlang-(.+)-(alpine|ubuntu|debian)-(.+)$/;
const STRUCTURED_FILTERS = ['elixir_version', 'erlang_version', 'os', 'os_version'] as const;

export async function startBobStub(options: BobStubOptions = {}): Promise<BobStub> {
  const requests: URL[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://stub');
    requests.push(url);
    const fault = options.fault && (!options.fault.when || options.fault.when(url)) ? options.fault : undefined;
    const answer = () => respond(url, response, options, fault);
    if (fault?.delayMs) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, fault.delayMs);
      timers.add(timer);
    } else {
      answer();
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>(resolve => {
        timers.forEach(clearTimeout);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL nothing listens on: a port that was free a moment ago. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>(resolve => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

function respond(url: URL, response: ServerResponse, options: BobStubOptions, fault: StubFault | undefined): void {
  if (response.destroyed) return;
  if (fault?.status) {
    response.writeHead(fault.status).end();
    return;
  }
  if (url.pathname === '/api/docker') {
    if (fault?.brokenJson) {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"tags":[{"repo":"hexpm/elixir","tag":');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(dockerTagPage(url.searchParams, options)));
    return;
  }
  const otp = /^\/builds\/otp\/([^/]+)\/builds\.txt$/.exec(url.pathname);
  const text = otp ? options.otpBuilds?.[otp[1]] : url.pathname === '/builds/elixir/builds.txt' ? options.elixirBuilds : undefined;
  if (text === undefined) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    return;
  }
  response.writeHead(200, { 'content-type': 'text/plain' }).end(text);
}

function dockerTagPage(params: URLSearchParams, options: BobStubOptions) {
  const pageSize = options.pageSize ?? 100;
  const rawOffset = params.get('offset') ?? '';
  const offset = /^-?\d+$/.test(rawOffset) && Number(rawOffset) > 0 ? Number(rawOffset) : 0;
  const tag = params.get('tag') ?? '';
  const prefix = (value: string | undefined, wanted: string | null) => !wanted || (value ?? '').startsWith(wanted);
  const rows = (options.dockerTags ?? [])
    .map((row, id) => ({ row, id, metadata: metadataOf(row.tag) }))
    .filter(({ row, metadata }) =>
      prefix(row.repo, params.get('repo')) &&
      prefix(row.tag, tag) &&
      // A tag prefix drops the structured filters (structured_param/3).
      (tag !== '' || STRUCTURED_FILTERS.every(key => !params.get(key) || (metadata !== undefined && prefix(metadata[key], params.get(key))))),
    )
    .sort((a, b) => builtAt(b.row).localeCompare(builtAt(a.row)) || b.id - a.id);
  return {
    tags: rows.slice(offset, offset + pageSize).map(({ row }) => ({
      repo: row.repo,
      tag: row.tag,
      archs: row.archs ?? ['amd64', 'arm64'],
      built_at: builtAt(row),
    })),
    total: rows.length,
    offset,
    page_size: pageSize,
  };
}

const builtAt = (row: StubDockerTag) => row.built_at ?? '2026-01-01T00:00:00.000000Z';

function metadataOf(tag: string): Record<(typeof STRUCTURED_FILTERS)[number], string> | undefined {
  const match = ELIXIR_TAG.exec(tag);
  return match ? { elixir_version: match[1], erlang_version: match[2], os: match[3], os_version: match[4] } : undefined;
}
