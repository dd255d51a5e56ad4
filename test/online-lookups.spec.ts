/**
 * The online look-ups against a local stand-in of bob.hex.pm and builds.hex.pm (never the
 * internet): Phoenix's seven-step builder-image search, the buildpack's builds.txt checks, and
 * `offline` (not a throw, not a hang) whenever the network fails or the budget runs out.
 */
import assert from 'node:assert/strict';
import {
  bestDockerTag,
  checkBuildpackBuilds,
  compareElixirVersions,
  compareOtpVersions,
  dockerTagCandidate,
  findBuilderImage,
  parseElixirBuilds,
  parseOtpBuilds,
} from '../generators/support/online-lookups.js';
import { closedPortUrl, startBobStub, type BobStub, type BobStubOptions, type StubDockerTag } from './support/bob-stub.js';

const WANTED = { elixir: '1.18.4', otp: '27.3.4', codename: 'trixie' };

const slim = (elixir: string, otp: string, date: string, extra: Partial<StubDockerTag> & { codename?: string } = {}): StubDockerTag => ({
  repo: extra.repo ?? 'hexpm/elixir',
  tag: `${elixir}-erlang-${otp}-debian-${extra.codename ?? 'trixie'}-${date}-slim`,
  ...(extra.built_at && { built_at: extra.built_at }),
});

/** Tags that look like the wanted image but must never be chosen. */
const DECOYS: StubDockerTag[] = [
  slim('1.18.4', '27.3.4', '20261005', { repo: 'hexpm/elixir-amd64' }),
  slim('1.18.4', '27.3.4', '20261005', { repo: 'hexpm/elixir-arm64' }),
  { repo: 'hexpm/elixir', tag: '1.18.4-erlang-27.3.4-debian-trixie-20261005' }, // not -slim
  slim('1.18.4', '27.3.4', '20261005', { codename: 'bookworm' }),
  { repo: 'hexpm/elixir', tag: '1.18.4-erlang-27.3.4-ubuntu-noble-20261005' },
  slim('1.18.4', '28.0.2', '20261005'), // another OTP major
  slim('1.18.4', '26.2.5.6', '20261005'),
];

const QUERY_TAIL = 'offset=0&os=debian&os_version=trixie-&repo=hexpm%2Felixir';
/** The query of each step for WANTED, as Phoenix's URI.encode_query spells it (sorted keys). */
const STEP_QUERIES = [
  'offset=0&repo=hexpm%2Felixir&tag=1.18.4-erlang-27.3.4-debian-trixie-',
  `elixir_version=1.18.4&erlang_version=27.3&${QUERY_TAIL}`,
  `elixir_version=1.18&erlang_version=27.3&${QUERY_TAIL}`,
  `erlang_version=27.3&${QUERY_TAIL}`,
  `elixir_version=1.18.4&erlang_version=27&${QUERY_TAIL}`,
  `elixir_version=1.18&erlang_version=27&${QUERY_TAIL}`,
  `erlang_version=27&${QUERY_TAIL}`,
];

const elixirWarning = (found: string) => `Docker image for Elixir 1.18.4 not found, defaulting to Elixir ${found}`;
const otpWarning = (found: string) => `Docker image for Erlang/OTP 27.3.4 not found, defaulting to Erlang/OTP ${found}`;

const stubs: BobStub[] = [];
async function stub(options: BobStubOptions): Promise<BobStub> {
  const started = await startBobStub(options);
  stubs.push(started);
  return started;
}
const queries = (server: BobStub) => server.requests.map(url => url.search.slice(1));

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work;
  return { value, ms: performance.now() - start };
}

describe('online lookups', () => {
  afterEach(async () => {
    await Promise.all(stubs.splice(0).map(server => server.close()));
  });

  describe('findBuilderImage (Phoenix phx.gen.release search over Bob)', () => {
    it('finds the exact tag in step 1 with one tag= query, no warnings', async () => {
      const server = await stub({ dockerTags: [...DECOYS, slim('1.18.4', '27.3.4', '20260918')] });
      const result = await findBuilderImage(WANTED, { baseUrl: server.url });
      assert.deepEqual(result, {
        kind: 'found',
        elixir: '1.18.4',
        otp: '27.3.4',
        codename: 'trixie',
        date: '20260918',
        tag: '1.18.4-erlang-27.3.4-debian-trixie-20260918-slim',
        step: 1,
        exact: true,
        warnings: [],
      });
      assert.deepEqual(queries(server), [STEP_QUERIES[0]]);
    });

    const fallbacks: { step: number; elixir: string; otp: string; warnings: string[] }[] = [
      { step: 2, elixir: '1.18.4', otp: '27.3.2', warnings: [otpWarning('27.3.2')] },
      { step: 3, elixir: '1.18.3', otp: '27.3.1', warnings: [elixirWarning('1.18.3'), otpWarning('27.3.1')] },
      { step: 4, elixir: '1.17.3', otp: '27.3.4', warnings: [elixirWarning('1.17.3')] },
      { step: 5, elixir: '1.18.4', otp: '27.2.1', warnings: [otpWarning('27.2.1')] },
      { step: 6, elixir: '1.18.1', otp: '27.1', warnings: [elixirWarning('1.18.1'), otpWarning('27.1')] },
      { step: 7, elixir: '1.17.3', otp: '27.0', warnings: [elixirWarning('1.17.3'), otpWarning('27.0')] },
    ];
    for (const { step, elixir, otp, warnings } of fallbacks) {
      it(`falls back to step ${step} (Elixir ${elixir}, OTP ${otp}) after ${step - 1} empty searches, with Phoenix's warnings`, async () => {
        const server = await stub({ dockerTags: [...DECOYS, slim(elixir, otp, '20260801')] });
        const result = await findBuilderImage(WANTED, { baseUrl: server.url });
        assert.deepEqual(result, {
          kind: 'found',
          elixir,
          otp,
          codename: 'trixie',
          date: '20260801',
          tag: `${elixir}-erlang-${otp}-debian-trixie-20260801-slim`,
          step,
          exact: false,
          warnings,
        });
        assert.deepEqual(queries(server), STEP_QUERIES.slice(0, step));
      });
    }

    it('never crosses OTP majors: only decoys means "none" after all seven searches, with the browse URL', async () => {
      const server = await stub({ dockerTags: DECOYS });
      const result = await findBuilderImage(WANTED, { baseUrl: server.url });
      assert.deepEqual(result, {
        kind: 'none',
        browseUrl: `${server.url}/docker?erlang_version=27&os=debian&os_version=trixie-&repo=hexpm%2Felixir`,
      });
      assert.deepEqual(queries(server), STEP_QUERIES);
    });

    it('filters client-side (repo exactly hexpm/elixir, -slim, codename, OTP major) even if the server ignored every filter', async () => {
      const urls: string[] = [];
      const everything = [
        ...DECOYS,
        { repo: 'hexpm/erlang', tag: '27.3.4-debian-trixie-20261005-slim' },
        { repo: 'hexpm/elixir', tag: 'main-erlang-27.3.4-debian-trixie-20261005-slim' },
        'not an object',
      ];
      const fakeFetch: typeof fetch = async input => {
        urls.push(String(input));
        return new Response(JSON.stringify({ tags: everything, total: everything.length, offset: 0, page_size: 100 }));
      };
      const result = await findBuilderImage(WANTED, { fetch: fakeFetch });
      assert.deepEqual(result, {
        kind: 'none',
        browseUrl: 'https://bob.hex.pm/docker?erlang_version=27&os=debian&os_version=trixie-&repo=hexpm%2Felixir',
      });
      assert.deepEqual(urls, STEP_QUERIES.map(query => `https://bob.hex.pm/api/docker?${query}`));
    });

    it('uses the codename asked for (bookworm) in the query, the parse and the result', async () => {
      const server = await stub({ dockerTags: [slim('1.18.4', '27.3.4', '20261005'), slim('1.18.4', '27.3.4', '20250901', { codename: 'bookworm' })] });
      const result = await findBuilderImage({ ...WANTED, codename: 'bookworm' }, { baseUrl: server.url });
      assert.equal(result.kind === 'found' && result.tag, '1.18.4-erlang-27.3.4-debian-bookworm-20250901-slim');
      assert.equal(result.kind === 'found' && result.codename, 'bookworm');
      assert.deepEqual(queries(server), ['offset=0&repo=hexpm%2Felixir&tag=1.18.4-erlang-27.3.4-debian-bookworm-']);
    });

    it('picks the best tag of a search: highest Elixir (1.18.10 > 1.18.9 > 1.18.10-rc.0), then OTP (27.3.4.1 > 27.3.4), then date', async () => {
      const server = await stub({
        dockerTags: [
          slim('1.18.9', '27.3.4.5', '20261005'),
          slim('1.18.10-rc.0', '27.3.4.9', '20261005'),
          slim('1.18.10', '27.3.3', '20261005'),
          slim('1.18.10', '27.3.4', '20261005'),
          slim('1.18.10', '27.3.4.1', '20250101'),
          slim('1.18.10', '27.3.4.1', '20250601'),
          slim('1.18.10', '27.3.4.1', '20250301'),
        ],
      });
      // No 1.19.x image: step 4 (any Elixir, OTP 27.3) has all of them.
      const result = await findBuilderImage({ ...WANTED, elixir: '1.19.0' }, { baseUrl: server.url });
      assert.equal(result.kind === 'found' && result.step, 4);
      assert.equal(result.kind === 'found' && result.tag, '1.18.10-erlang-27.3.4.1-debian-trixie-20250601-slim');
    });

    it('collects every page before choosing (page size 2, five candidates, the best on the last page)', async () => {
      // Newest built first, so the oldest build, with the newest date, comes last.
      const dockerTags = ['20260105', '20260104', '20260103', '20260102', '20260101'].map((date, i) =>
        slim('1.18.4', '27.3.4', date, { built_at: `2026-02-0${i + 1}T00:00:00.000000Z` }),
      );
      const server = await stub({ dockerTags, pageSize: 2 });
      const result = await findBuilderImage(WANTED, { baseUrl: server.url });
      assert.equal(result.kind === 'found' && result.date, '20260105');
      assert.deepEqual(server.requests.map(url => url.searchParams.get('offset')), ['0', '2', '4']);
      const lastPage = (await (await fetch(`${server.url}/api/docker?${STEP_QUERIES[0].replace('offset=0', 'offset=4')}`)).json()) as { tags: { tag: string }[] };
      assert.deepEqual(lastPage.tags.map(tag => tag.tag), ['1.18.4-erlang-27.3.4-debian-trixie-20260105-slim'], 'the best is alone on the last page');
    });

    describe('offline, never a throw', () => {
      it('when the connection is refused', async () => {
        const result = await findBuilderImage(WANTED, { baseUrl: await closedPortUrl() });
        assert.equal(result.kind, 'offline');
        assert.match(result.kind === 'offline' ? result.reason : '', /ECONNREFUSED/);
      });

      it('when Bob answers 500', async () => {
        const server = await stub({ dockerTags: [slim('1.18.4', '27.3.4', '20260918')], fault: { status: 500 } });
        const result = await findBuilderImage(WANTED, { baseUrl: server.url });
        assert.equal(result.kind, 'offline');
        assert.match(result.kind === 'offline' ? result.reason : '', /\/api\/docker\?offset=0&repo=hexpm%2Felixir&tag=.* answered HTTP 500$/);
      });

      it('when a later step fails although earlier ones answered', async () => {
        const server = await stub({
          dockerTags: [slim('1.18.1', '27.0', '20260918')],
          fault: { status: 502, when: url => url.searchParams.get('elixir_version') === '1.18' },
        });
        const result = await findBuilderImage(WANTED, { baseUrl: server.url });
        assert.equal(result.kind, 'offline');
        assert.equal(server.requests.length, 3);
      });

      it('when the JSON is malformed', async () => {
        const server = await stub({ dockerTags: [slim('1.18.4', '27.3.4', '20260918')], fault: { brokenJson: true } });
        const result = await findBuilderImage(WANTED, { baseUrl: server.url });
        assert.deepEqual(result, { kind: 'offline', reason: `${server.url}/api/docker?${STEP_QUERIES[0]} answered malformed JSON` });
      });

      it('when the JSON has no tags list', async () => {
        const fakeFetch: typeof fetch = async () => new Response('{"results":[]}');
        const result = await findBuilderImage(WANTED, { fetch: fakeFetch });
        assert.match(result.kind === 'offline' ? result.reason : '', /without a "tags" list/);
      });

      it('when fetch itself throws', async () => {
        const fakeFetch: typeof fetch = () => {
          throw new TypeError('fetch is broken');
        };
        const result = await findBuilderImage(WANTED, { fetch: fakeFetch });
        assert.match(result.kind === 'offline' ? result.reason : '', /fetch is broken/);
      });

      it('when Bob is slower than the budget: returns within the budget', async () => {
        const server = await stub({ dockerTags: [slim('1.18.4', '27.3.4', '20260918')], fault: { delayMs: 3000 } });
        const { value, ms } = await timed(findBuilderImage(WANTED, { baseUrl: server.url, timeoutMs: 300 }));
        assert.equal(value.kind, 'offline');
        assert.match(value.kind === 'offline' ? value.reason : '', /no answer within 300 ms/);
        assert.ok(ms >= 250 && ms < 300 + 400, `took ${ms} ms`);
      });

      it('the budget is for the whole lookup: many quick pages still run out of it', async () => {
        const dockerTags = Array.from({ length: 10 }, (_, i) => slim('1.18.4', '27.3.4', `202601${String(i + 10)}`));
        const server = await stub({ dockerTags, pageSize: 1, fault: { delayMs: 120 } });
        const { value, ms } = await timed(findBuilderImage(WANTED, { baseUrl: server.url, timeoutMs: 500 }));
        assert.equal(value.kind, 'offline');
        assert.ok(server.requests.length >= 3 && server.requests.length < 10, `${server.requests.length} requests`);
        assert.ok(ms < 500 + 400, `took ${ms} ms`);
      });

      it('ignores a substitute fetch that never settles and ignores the signal', async () => {
        const { value, ms } = await timed(findBuilderImage(WANTED, { fetch: () => new Promise<Response>(() => {}), timeoutMs: 200 }));
        assert.equal(value.kind, 'offline');
        assert.ok(ms < 200 + 400, `took ${ms} ms`);
      });
    });

    describe('the pure parts', () => {
      const candidate = (elixir: string, otp: string, date: string) => ({ elixir, otp, date });

      it('bestDockerTag: Elixir first, compared as versions, not strings', () => {
        assert.deepEqual(bestDockerTag([candidate('1.18.9', '28.0', '20270101'), candidate('1.18.10', '27.0', '20240101')]), candidate('1.18.10', '27.0', '20240101'));
      });
      it('bestDockerTag: then OTP, where a longer version beats its prefix', () => {
        assert.deepEqual(bestDockerTag([candidate('1.18.4', '27.3.4', '20270101'), candidate('1.18.4', '27.3.4.1', '20240101')]), candidate('1.18.4', '27.3.4.1', '20240101'));
      });
      it('bestDockerTag: then the date; nothing for no candidates', () => {
        assert.deepEqual(bestDockerTag([candidate('1.18.4', '27.3.4', '20250101'), candidate('1.18.4', '27.3.4', '20260918'), candidate('1.18.4', '27.3.4', '20251231')]), candidate('1.18.4', '27.3.4', '20260918'));
        assert.equal(bestDockerTag([]), undefined);
      });
      it('compareOtpVersions: 27.3.4.1 > 27.3.4, 28.0 > 28.0-rc1, 27.10 > 27.9', () => {
        assert.equal(compareOtpVersions('27.3.4.1', '27.3.4'), 1);
        assert.equal(compareOtpVersions('27.3.4', '27.3.4.1'), -1);
        assert.equal(compareOtpVersions('28.0', '28.0-rc1'), 1);
        assert.equal(compareOtpVersions('28.0-rc1', '28.0-rc2'), -1);
        assert.equal(compareOtpVersions('27.10', '27.9'), 1);
        assert.equal(compareOtpVersions('27.3.4', '27.3.4'), 0);
      });
      it('compareElixirVersions: 1.18 is 1.18.0, a release beats its rc, rc.10 > rc.9', () => {
        assert.equal(compareElixirVersions('1.18', '1.18.0'), 0);
        assert.equal(compareElixirVersions('1.18.0', '1.18.0-rc.2'), 1);
        assert.equal(compareElixirVersions('1.18.0-rc.10', '1.18.0-rc.9'), 1);
        assert.equal(compareElixirVersions('1.9.0', '1.10.0'), -1);
      });
      it('dockerTagCandidate: only multi-arch -slim tags of the codename', () => {
        const entry = (repo: string, tag: string) => ({ repo, tag, archs: ['amd64', 'arm64'], built_at: '2026-10-06T00:00:00Z' });
        assert.deepEqual(dockerTagCandidate(entry('hexpm/elixir', '1.18.4-erlang-27.3.4-debian-trixie-20261005-slim'), 'trixie'), {
          elixir: '1.18.4',
          otp: '27.3.4',
          date: '20261005',
          tag: '1.18.4-erlang-27.3.4-debian-trixie-20261005-slim',
        });
        assert.equal(dockerTagCandidate(entry('hexpm/elixir-arm64', '1.18.4-erlang-27.3.4-debian-trixie-20261005-slim'), 'trixie'), undefined);
        assert.equal(dockerTagCandidate(entry('hexpm/elixir', '1.18.4-erlang-27.3.4-debian-trixie-20261005'), 'trixie'), undefined);
        assert.equal(dockerTagCandidate(entry('hexpm/elixir', '1.18.4-erlang-27.3.4-debian-trixie-20261005-slim'), 'bookworm'), undefined);
      });
    });
  });

  describe('builds.hex.pm lists', () => {
    // C-collation order, as Bob's `sort -u -k1,1` and `COLLATE "C"` write them: OTP-24.3.4.10
    // before OTP-24.3.4.2, every OTP- line before maint/master. Real lines from erlef/setup-beam
    // test/otp/ubuntu-24.04/builds.txt (3 fields) and test/otp/ubuntu-26.04/builds.txt (4 fields).
    const OTP_24_04 = [
      'OTP-24.3.4.10 7e3a2a4a5c1d0ad7a1a4bd0ffc61b1e9c8c5a2b1 2023-03-06T14:10:39Z',
      'OTP-24.3.4.2 0a2d5b2f0a7e2c8c59d9a6f36f2d46f4a3e21f57 2022-06-30T10:02:11Z',
      'OTP-26.2.5 412bff5196fc0ab88a61fe37ca30e5226fc7872d 2024-05-02T16:20:10Z',
      'OTP-27.0 601a012837ea0a5c8095bf24223132824177124d 2024-05-20T09:54:18Z',
      'OTP-27.2.3 8d2f4b6a0c1e3d5f7a9b1c3d5e7f9a1b3c5d7e9f 2025-01-20T08:00:00Z',
      'OTP-27.3.4 c388a2d1b3f9918652276d4798692dd4d8ef97fc 2026-04-24T16:17:08Z e3325746961fb1280848038ff06c4cfc2b903cf793f9113303aaf8e43f6e2c7e',
      'OTP-27.3.4.10 5f1cbb2a1c0a0f6e1e55c8c1a28d35c6e1b8a0d1 2026-09-01T08:00:00Z 1f4e2b6d8c0a3e5f7b9d1c3e5a7b9d1f3e5a7c9b1d3f5e7a9c1b3d5f7e9a1c3e',
      'OTP-27.3.4.2 2c6f0c7ab8e3c2ad0d7f1a7d3a0c5e6b2f4d8a91 2025-08-01T08:00:00Z 7a9c1b3d5f7e9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c',
      'OTP-28.0 9e6f6742c4d9e9915ee8af0dcb7d97cf1f836116 2026-04-24T21:19:07Z b54d35fc7df5f9045694f7d855126effca8b5fc440df7b9ecd269a7eb0b37a98',
      'OTP-28.0-rc1 1d0a8cb1c1e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8 2025-02-12T12:00:00Z',
      'OTP-28.0.2 3e5a7c9b1d3f5e7a9c1b3d5f7e9a1c3e5b7d9f1a 2025-07-08T12:00:00Z 9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1b3d5f7e9a1c3e5b7d9f1a3c5e7b9d1f',
      'maint 4567096bddd1ecddb7c973019ca7e769f486aa8f 2026-06-10T10:48:53Z',
      'maint-28 4567096bddd1ecddb7c973019ca7e769f486aa8f 2026-06-10T10:48:53Z 0656c4606790a6d84faef3b1c46cba705de9e6a7dea4787d3fdeb0dc3d738721',
      'master 0b5e4a3c2d1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d 2026-06-10T10:50:00Z',
      '',
    ].join('\n');
    const OTP_26_04 = 'OTP-29.0.1 9e6f6742c4d9e9915ee8af0dcb7d97cf1f836116 2026-06-24T21:19:07Z b54d35fc7df5f9045694f7d855126effca8b5fc440df7b9ecd269a7eb0b37a98\n';
    const OTP_22_04 = 'OTP-26.2.5 412bff5196fc0ab88a61fe37ca30e5226fc7872d 2024-05-02T16:20:10Z\n';
    // Elixir's workflow writes a trailing space after the sha256 (erlef/setup-beam test/elixir/builds.txt).
    const ELIXIR = [
      'main-otp-26 3d7f4dddbf9759fbc003518a802ec6cccdbfdc6a 2024-05-11T09:37:52Z 94cb0b42deb7d88487ef687444d6015066a38551f505f7817556d74176e83c8e ',
      'v1.10 3d80256852289fc02814242122a5a57e5dc584a4 2020-10-16T11:00:03Z 84bfbe3b2a06416a03196902dfc8e53de18ac03ef19b270a6a7c4cae2d17ba45 ',
      'v1.10-otp-21 3d80256852289fc02814242122a5a57e5dc584a4 2020-10-16T10:59:57Z 84bfbe3b2a06416a03196902dfc8e53de18ac03ef19b270a6a7c4cae2d17ba45 ',
      'v1.10.4-otp-23 1145dc01680aab7094f8a6dbd38b65185e14adb4 2020-07-05T11:59:26Z ebe895088bdfdf6d156f090f3ec4c939265ce2ebe3868886832ddeb7f8f3aba1 ',
      'v1.15-otp-26 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567 2024-06-01T10:00:00Z 5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1b3d5f7e9a1c3e5b7d ',
      'v1.18.4-otp-27 def4567890abcdef1234567890abcdef12345678 2025-05-21T10:00:00Z 1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1b3d5f7e9a1c3e ',
      'v1.18.4-otp-28 def4567890abcdef1234567890abcdef12345678 2025-06-17T10:00:00Z 3a5c7e9b1d3f5a7c9e1b3d5f7a9c1b3d5f7e9a1c3e5b7d9f1a3c5e7b9d1f3a5c ',
      '',
    ].join('\n');

    it('parseOtpBuilds keeps OTP releases in file order, drops maint*, master and -rc, takes 3- and 4-field lines', () => {
      assert.deepEqual(parseOtpBuilds(OTP_24_04), ['24.3.4.10', '24.3.4.2', '26.2.5', '27.0', '27.2.3', '27.3.4', '27.3.4.10', '27.3.4.2', '28.0', '28.0.2']);
      assert.deepEqual(parseOtpBuilds('OTP-27.0 601a012837ea0a5c8095bf24223132824177124d 2024-05-20T09:54:18Z\r\n'), ['27.0']);
      assert.deepEqual(parseOtpBuilds(''), []);
    });

    it('parseElixirBuilds keeps v<version>[-otp-<n>] names, trailing space or not, and drops main-otp-*', () => {
      assert.match(ELIXIR, / \n/, 'the fixture keeps the real trailing space');
      assert.deepEqual(parseElixirBuilds(ELIXIR), ['v1.10', 'v1.10-otp-21', 'v1.10.4-otp-23', 'v1.15-otp-26', 'v1.18.4-otp-27', 'v1.18.4-otp-28']);
    });

    const lists = { otpBuilds: { 'ubuntu-24.04': OTP_24_04, 'ubuntu-26.04': OTP_26_04, 'ubuntu-22.04': OTP_22_04 }, elixirBuilds: ELIXIR };
    const paths = (server: BobStub) => server.requests.map(url => url.pathname).sort();

    it('heroku-24: OTP 28.0.2 and v1.18.4-otp-28 both exist', async () => {
      const server = await stub(lists);
      const result = await checkBuildpackBuilds({ elixir: '1.18.4', otp: '28.0.2', stack: 'heroku-24' }, { baseUrl: server.url });
      assert.deepEqual(result, {
        kind: 'checked',
        stack: 'heroku-24',
        ubuntu: 'ubuntu-24.04',
        downloadUbuntu: 'ubuntu-24.04',
        otpVersion: '28.0.2',
        otpBuild: true,
        elixirBuild: true,
        otpMajor: '28',
        elixirName: 'v1.18.4-otp-28',
      });
      assert.deepEqual(paths(server), ['/builds/elixir/builds.txt', '/builds/otp/ubuntu-24.04/builds.txt']);
    });

    it('a missing OTP patch: nearestOtp is the newest of the same major.minor by version (27.3.4.10, not 27.3.4.2)', async () => {
      const server = await stub(lists);
      const result = await checkBuildpackBuilds({ elixir: '1.18.4', otp: '27.3.4.11', stack: 'heroku-24' }, { baseUrl: server.url });
      assert.equal(result.kind, 'checked');
      if (result.kind !== 'checked') return;
      assert.deepEqual([result.otpBuild, result.nearestOtp, result.elixirBuild, result.elixirName], [false, '27.3.4.10', true, 'v1.18.4-otp-27']);
    });

    it('nearestOtp prefers the same major.minor over a newer minor of the major (27.2.3, not 27.3.4.10)', async () => {
      const server = await stub(lists);
      const result = await checkBuildpackBuilds({ elixir: '1.18.4', otp: '27.2.9', stack: 'heroku-24' }, { baseUrl: server.url });
      assert.equal(result.kind === 'checked' && result.nearestOtp, '27.2.3');
    });

    it('no release of the minor line: nearestOtp falls back to the newest of the major', async () => {
      const server = await stub(lists);
      const result = await checkBuildpackBuilds({ elixir: '1.18.4', otp: '27.1.2', stack: 'heroku-24' }, { baseUrl: server.url });
      assert.equal(result.kind === 'checked' && result.nearestOtp, '27.3.4.10');
    });

    it('an OTP major with no build: no nearestOtp, and no v1.18.4-otp-29 Elixir build', async () => {
      const server = await stub(lists);
      const result = await checkBuildpackBuilds({ elixir: '1.18.4', otp: '29.0.1', stack: 'heroku-24' }, { baseUrl: server.url });
      assert.equal(result.kind, 'checked');
      if (result.kind !== 'checked') return;
      assert.deepEqual([result.otpBuild, 'nearestOtp' in result, result.elixirBuild, result.elixirName], [false, false, false, 'v1.18.4-otp-29']);
    });

    it('an Elixir with no build for that OTP major: v1.17.3-otp-28 is false while OTP 28.0.2 is true', async () => {
      const server = await stub(lists);
      const result = await checkBuildpackBuilds({ elixir: '1.17.3', otp: '28.0.2', stack: 'heroku-24' }, { baseUrl: server.url });
      assert.equal(result.kind, 'checked');
      if (result.kind !== 'checked') return;
      assert.deepEqual([result.otpBuild, result.elixirBuild, result.elixirName], [true, false, 'v1.17.3-otp-28']);
    });

    it('a bare OTP major is read as the buildpack reads it: 27 is 27.0', async () => {
      const server = await stub(lists);
      const result = await checkBuildpackBuilds({ elixir: '1.18.4', otp: '27', stack: 'heroku-24' }, { baseUrl: server.url });
      assert.equal(result.kind, 'checked');
      if (result.kind !== 'checked') return;
      assert.deepEqual([result.otpVersion, result.otpBuild, result.otpMajor], ['27.0', true, '27']);
    });

    it('heroku-26 is validated against the ubuntu-24.04 list (the buildpack bug), downloads from 26.04', async () => {
      const server = await stub(lists);
      const on24List = await checkBuildpackBuilds({ elixir: '1.18.4', otp: '28.0.2', stack: 'heroku-26' }, { baseUrl: server.url });
      const only26List = await checkBuildpackBuilds({ elixir: '1.18.4', otp: '29.0.1', stack: 'heroku-26' }, { baseUrl: server.url });
      assert.equal(on24List.kind === 'checked' && on24List.otpBuild, true);
      assert.equal(on24List.kind === 'checked' && on24List.ubuntu, 'ubuntu-24.04');
      assert.equal(on24List.kind === 'checked' && on24List.downloadUbuntu, 'ubuntu-26.04');
      assert.equal(only26List.kind === 'checked' && only26List.otpBuild, false);
      assert.ok(server.requests.every(url => !url.pathname.includes('ubuntu-26.04')), 'the 26.04 list is never read');
    });

    it('heroku-22 reads the ubuntu-22.04 list', async () => {
      const server = await stub(lists);
      const result = await checkBuildpackBuilds({ elixir: '1.18.4', otp: '26.2.5', stack: 'heroku-22' }, { baseUrl: server.url });
      assert.equal(result.kind === 'checked' && result.otpBuild, true);
      assert.deepEqual(paths(server), ['/builds/elixir/builds.txt', '/builds/otp/ubuntu-22.04/builds.txt']);
    });

    it('defaults to builds.hex.pm', async () => {
      const urls: string[] = [];
      const fakeFetch: typeof fetch = async input => {
        urls.push(String(input));
        return new Response(String(input).includes('/otp/') ? OTP_24_04 : ELIXIR);
      };
      const result = await checkBuildpackBuilds({ elixir: '1.18.4', otp: '27.3.4', stack: 'heroku-24' }, { fetch: fakeFetch });
      assert.equal(result.kind === 'checked' && result.otpBuild && result.elixirBuild, true);
      assert.deepEqual(urls.sort(), ['https://builds.hex.pm/builds/elixir/builds.txt', 'https://builds.hex.pm/builds/otp/ubuntu-24.04/builds.txt']);
    });

    it('a stack the buildpack has no builds.hex.pm list for is answered without a request', async () => {
      const urls: string[] = [];
      const fakeFetch: typeof fetch = async input => {
        urls.push(String(input));
        return new Response('');
      };
      const result = await checkBuildpackBuilds({ elixir: '1.18.4', otp: '27.3.4', stack: 'cedar-14' }, { fetch: fakeFetch });
      assert.deepEqual(result, { kind: 'unknown-stack', stack: 'cedar-14', knownStacks: ['heroku-20', 'heroku-22', 'heroku-24', 'heroku-26'] });
      assert.deepEqual(urls, []);
    });

    describe('offline, never a throw', () => {
      it('when one list answers 500', async () => {
        const server = await stub({ ...lists, fault: { status: 500, when: url => url.pathname.startsWith('/builds/elixir/') } });
        const result = await checkBuildpackBuilds({ elixir: '1.18.4', otp: '28.0.2', stack: 'heroku-24' }, { baseUrl: server.url });
        assert.deepEqual(result, { kind: 'offline', reason: `${server.url}/builds/elixir/builds.txt answered HTTP 500` });
      });

      it('when the stack list is not served (404, e.g. ubuntu-20.04)', async () => {
        const server = await stub(lists);
        const result = await checkBuildpackBuilds({ elixir: '1.18.4', otp: '28.0.2', stack: 'heroku-20' }, { baseUrl: server.url });
        assert.deepEqual(result, { kind: 'offline', reason: `${server.url}/builds/otp/ubuntu-20.04/builds.txt answered HTTP 404` });
      });

      it('when the connection is refused', async () => {
        const result = await checkBuildpackBuilds({ elixir: '1.18.4', otp: '28.0.2', stack: 'heroku-24' }, { baseUrl: await closedPortUrl() });
        assert.match(result.kind === 'offline' ? result.reason : '', /ECONNREFUSED/);
      });

      it('when a list is slower than the budget: returns within the budget', async () => {
        const server = await stub({ ...lists, fault: { delayMs: 3000, when: url => url.pathname.includes('/otp/') } });
        const { value, ms } = await timed(checkBuildpackBuilds({ elixir: '1.18.4', otp: '28.0.2', stack: 'heroku-24' }, { baseUrl: server.url, timeoutMs: 300 }));
        assert.match(value.kind === 'offline' ? value.reason : '', /no answer within 300 ms/);
        assert.ok(ms >= 250 && ms < 300 + 400, `took ${ms} ms`);
      });
    });
  });
});
