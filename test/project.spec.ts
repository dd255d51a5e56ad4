import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPhoenixProject, parseMiseTools, parseShellAssignments, parseToolVersions, type PhoenixProject } from '../generators/support/project.js';
import { parse as parseToml } from 'smol-toml';
import { fixture } from './support/helpers.js';

/** Expected facts per fixture, written from test/fixtures/README.md (what phx.new produced). */
type Expected = {
  otpApp: string;
  module: string;
  web: string;
  router: string;
  phoenix: string;
  plug: string;
  repos: string[] | null;
  adapter?: string;
  umbrella?: boolean;
  assets: { esbuild: boolean; tailwind: boolean; npm: boolean; setup: boolean; deploy: boolean } | null;
  pinned: { erlang?: string; elixir?: string; node?: string; source?: RegExp };
  controllerStyle: 'phoenix-1.7' | 'phoenix-1.6';
  existing?: Partial<Record<keyof PhoenixProject['existing'], unknown>>;
};

const mixAssets = (setup: boolean, tailwind = true) => ({ esbuild: true, tailwind, npm: false, setup, deploy: true });

const expectations: Record<string, Expected> = {
  'phx-1.6-postgres': {
    otpApp: 'blog', module: 'Blog', web: 'BlogWeb', router: 'lib/blog_web/router.ex', phoenix: '1.6.16', plug: '1.14.0',
    repos: ['Blog.Repo'], adapter: 'postgres', assets: mixAssets(false, false),
    pinned: { erlang: '25.3.2.8', elixir: '1.14.5', source: /\.tool-versions/ }, controllerStyle: 'phoenix-1.6',
    existing: { runtimeConfig: 'config/runtime.exs', dockerfile: undefined },
  },
  'phx-1.7-postgres': {
    otpApp: 'shop', module: 'Shop', web: 'ShopWeb', router: 'lib/shop_web/router.ex', phoenix: '1.7.14', plug: '1.16.1',
    repos: ['Shop.Repo'], adapter: 'postgres', assets: mixAssets(true),
    pinned: { erlang: '27.1.2', elixir: '1.17.3', source: /\.tool-versions/ }, controllerStyle: 'phoenix-1.7',
  },
  'phx-1.8-postgres': {
    otpApp: 'hello', module: 'Hello', web: 'HelloWeb', router: 'lib/hello_web/router.ex', phoenix: '1.8.5', plug: '1.18.1',
    repos: ['Hello.Repo'], adapter: 'postgres', assets: mixAssets(true),
    pinned: { erlang: '28.1', elixir: '1.19.1', source: /mise\.toml/ }, controllerStyle: 'phoenix-1.7',
  },
  'phx-1.7-umbrella': {
    otpApp: 'kitchen', module: 'Kitchen.Umbrella', web: 'KitchenWeb', router: 'apps/kitchen_web/lib/kitchen_web/router.ex',
    phoenix: '1.7.14', plug: '1.16.1', repos: ['Kitchen.Repo'], adapter: 'postgres', umbrella: true, assets: mixAssets(true),
    pinned: {}, controllerStyle: 'phoenix-1.7',
  },
  'phx-1.7-no-ecto': {
    otpApp: 'notes', module: 'Notes', web: 'NotesWeb', router: 'lib/notes_web/router.ex', phoenix: '1.7.14', plug: '1.16.1',
    repos: null, assets: mixAssets(true), pinned: {}, controllerStyle: 'phoenix-1.7',
  },
  'phx-1.7-sqlite': {
    otpApp: 'tasks', module: 'Tasks', web: 'TasksWeb', router: 'lib/tasks_web/router.ex', phoenix: '1.7.14', plug: '1.16.1',
    repos: ['Tasks.Repo'], adapter: 'sqlite', assets: mixAssets(true), pinned: {}, controllerStyle: 'phoenix-1.7',
  },
  'phx-1.7-mysql': {
    otpApp: 'ledger', module: 'Ledger', web: 'LedgerWeb', router: 'lib/ledger_web/router.ex', phoenix: '1.7.14', plug: '1.16.1',
    repos: ['Ledger.Repo'], adapter: 'mysql', assets: mixAssets(true), pinned: {}, controllerStyle: 'phoenix-1.7',
  },
  'phx-1.7-npm-assets': {
    otpApp: 'gallery', module: 'Gallery', web: 'GalleryWeb', router: 'lib/gallery_web/router.ex', phoenix: '1.7.14', plug: '1.16.1',
    repos: ['Gallery.Repo'], adapter: 'postgres',
    assets: { esbuild: false, tailwind: false, npm: true, setup: true, deploy: true },
    pinned: { erlang: '26.2.5.6', elixir: '1.16.3', node: '20.18.1', source: /\.tool-versions/ }, controllerStyle: 'phoenix-1.7',
  },
  'custom-teslamate': {
    otpApp: 'teslamate', module: 'TeslaMate', web: 'TeslaMateWeb', router: 'lib/teslamate_web/router.ex', phoenix: '1.7.14', plug: '1.16.1',
    repos: ['TeslaMate.Repo'], adapter: 'postgres', assets: mixAssets(true, false),
    pinned: { erlang: '26.2.5', elixir: '1.16.3', source: /elixir_buildpack\.config/ }, controllerStyle: 'phoenix-1.7',
    existing: {
      elixirBuildpackConfig: 'elixir_buildpack.config',
      releaseModule: { module: 'TeslaMate.ReleaseTasks', file: 'lib/teslamate/release_tasks.ex', migrate: true, rollback: true, startsSsl: false },
    },
  },
  'phx-1.5-legacy': {
    otpApp: 'legacy', module: 'Legacy', web: 'LegacyWeb', router: 'lib/legacy_web/router.ex', phoenix: '1.5.14', plug: '1.14.0',
    repos: ['Legacy.Repo'], adapter: 'postgres', assets: { esbuild: false, tailwind: false, npm: true, setup: false, deploy: false },
    pinned: {}, controllerStyle: 'phoenix-1.6',
    existing: { runtimeConfig: undefined, releasesConfig: 'config/releases.exs', prodSecretConfig: 'config/prod.secret.exs' },
  },
  'phx-1.7-release': {
    otpApp: 'relay', module: 'Relay', web: 'RelayWeb', router: 'lib/relay_web/router.ex', phoenix: '1.7.14', plug: '1.16.1',
    repos: ['Relay.Repo'], adapter: 'postgres', assets: mixAssets(true),
    pinned: { erlang: '27.0.1', elixir: '1.17.2', source: /Dockerfile/ }, controllerStyle: 'phoenix-1.7',
    existing: {
      dockerfile: 'Dockerfile', dockerignore: '.dockerignore', serverScript: 'rel/overlays/bin/server', migrateScript: 'rel/overlays/bin/migrate',
      releaseModule: { module: 'Relay.Release', file: 'lib/relay/release.ex', migrate: true, rollback: true, startsSsl: false },
    },
  },
};

describe('project detection', () => {
  for (const [name, want] of Object.entries(expectations)) {
    describe(name, () => {
      let project: PhoenixProject;
      before(async () => {
        project = await readPhoenixProject(fixture(name));
      });

      it('reads the app, modules and router', () => {
        assert.equal(project.otpApp, want.otpApp);
        assert.equal(project.module, want.module);
        assert.equal(project.web.module, want.web);
        assert.equal(project.web.routerFile, want.router);
        assert.equal(project.web.routerModule, `${want.web}.Router`);
        assert.equal(project.web.endpointModule, `${want.web}.Endpoint`);
        assert.equal(project.web.controllerStyle, want.controllerStyle);
        assert.equal(project.umbrella, Boolean(want.umbrella));
      });

      it('reads locked versions from mix.lock', () => {
        assert.equal(project.locked.phoenix, want.phoenix);
        assert.equal(project.locked.plug, want.plug);
      });

      it('finds the repos and the adapter', () => {
        if (want.repos === null) {
          assert.equal(project.ecto, undefined);
        } else {
          assert.deepEqual(project.ecto?.repos, want.repos);
          assert.equal(project.ecto?.adapter, want.adapter);
        }
      });

      it('reads the asset pipeline', () => {
        if (!want.assets) return assert.equal(project.assets, undefined);
        const { esbuild, tailwind, npm, aliases } = project.assets!;
        assert.deepEqual({ esbuild, tailwind, npm, setup: aliases.setup, deploy: aliases.deploy }, want.assets);
      });

      it('reads pinned versions and where they come from', () => {
        assert.equal(project.pinned.erlang?.value, want.pinned.erlang);
        assert.equal(project.pinned.elixir?.value, want.pinned.elixir);
        assert.equal(project.pinned.node?.value, want.pinned.node);
        if (want.pinned.source) assert.match(project.pinned.erlang!.source, want.pinned.source);
      });

      if (want.existing) {
        it('finds existing config and deploy files', () => {
          for (const [key, value] of Object.entries(want.existing!)) {
            assert.deepEqual(project.existing[key as keyof PhoenixProject['existing']], value, key);
          }
        });
      }
    });
  }

  describe('umbrella layout', () => {
    it('knows which app owns the repos and which the web layer', async () => {
      const project = await readPhoenixProject(fixture('phx-1.7-umbrella'));
      assert.deepEqual(project.apps.map(app => app.dir), ['apps/kitchen', 'apps/kitchen_web']);
      assert.equal(project.ecto?.app.otpApp, 'kitchen');
      assert.equal(project.web.app.otpApp, 'kitchen_web');
      assert.equal(project.assets?.dir, 'apps/kitchen_web/assets');
      assert.equal(project.releaseDefined, false, 'phx.new umbrellas define no release');
    });
  });

  describe('force_ssl', () => {
    it('is seen in 1.8 prod.exs, with rewrite_on', async () => {
      assert.deepEqual((await readPhoenixProject(fixture('phx-1.8-postgres'))).forceSsl, { enabled: true, rewritesForwardedProto: true, file: 'config/prod.exs', line: 14 });
    });
    it('is not seen when only mentioned in comments (1.6/1.7)', async () => {
      assert.equal((await readPhoenixProject(fixture('phx-1.6-postgres'))).forceSsl.enabled, false);
      assert.equal((await readPhoenixProject(fixture('phx-1.7-postgres'))).forceSsl.enabled, false);
    });
  });

  describe('refusals', () => {
    it('refuses a Mix project without :phoenix', async () => {
      await assert.rejects(readPhoenixProject(fixture('not-phoenix')), { name: 'UserError', message: /not a Phoenix one: no :phoenix dependency in mix\.exs/ });
    });
    it('refuses a directory without mix.exs', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pd-nomix-'));
      try {
        await assert.rejects(readPhoenixProject(dir), { name: 'UserError', message: /No mix\.exs/ });
      } finally {
        rmSync(dir, { recursive: true });
      }
    });
  });

  describe('custom shapes', () => {
    it('prefers .tool-versions over other pins, strips -otp- from Elixir', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pd-pins-'));
      try {
        cpSync(fixture('custom-teslamate'), dir, { recursive: true });
        writeFileSync(join(dir, '.tool-versions'), '# pinned\nerlang 27.2.4\nelixir 1.18.1-otp-27\n');
        const { pinned } = await readPhoenixProject(dir);
        assert.deepEqual(pinned.erlang, { value: '27.2.4', source: '.tool-versions (erlang)' });
        assert.deepEqual(pinned.elixir, { value: '1.18.1', source: '.tool-versions (elixir)' });
      } finally {
        rmSync(dir, { recursive: true });
      }
    });
  });

  describe('version file parsers', () => {
    it('.tool-versions: first version wins, comments ignored', () => {
      assert.deepEqual(parseToolVersions('erlang 27.1 26.2 # fallback\n# nodejs 18\nnodejs 20.18.1\n'), { erlang: '27.1', nodejs: '20.18.1' });
    });
    it('mise.toml: strings, arrays and tables in [tools] only', () => {
      const toml = '[env]\nelixir = "no"\n[tools]\nerlang = "27.2"\nnode = ["22.11.0", "20"]\nelixir = { version = "1.18.1-otp-27" }\n[settings]\nx = "y"\n';
      assert.deepEqual(parseMiseTools(toml, parseToml), { erlang: '27.2', node: '22.11.0', elixir: '1.18.1-otp-27' });
    });
    it('buildpack configs: quoted and unquoted assignments', () => {
      assert.deepEqual(parseShellAssignments('erlang_version=27.0\nelixir_version="1.18.1"\n# c=3\nalways_rebuild=false # no\n'), {
        erlang_version: '27.0',
        elixir_version: '1.18.1',
        always_rebuild: 'false',
      });
    });
  });
});
