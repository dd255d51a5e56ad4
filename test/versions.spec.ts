import assert from 'node:assert/strict';
import { knownBuilderTags } from '../generators/support/data/docker-images.js';
import { elixirOtpExceptions, elixirReleases, otpReleases } from '../generators/support/data/releases.js';
import {
  checkElixirOtpPair,
  checkElixirVersion,
  checkErlangVersion,
  checkSemver,
  compareVersions,
  defaultElixirVersion,
  defaultErlangVersion,
  defaultToolchain,
  resolvePinnedVersion,
  satisfiesRequirement,
  supportedOtp,
} from '../generators/support/versions.js';

const expectInvalid = (check: ReturnType<typeof checkErlangVersion>, fix: RegExp) => {
  assert.equal(check.ok, false, `expected a refusal, got ${JSON.stringify(check)}`);
  if (!check.ok) assert.match(check.fix, fix);
};

describe('versions', () => {
  describe('Erlang/OTP', () => {
    it('refuses a bare major and suggests the dotted form', () => {
      const check = checkErlangVersion('27');
      expectInvalid(check, /27\.0/);
      if (!check.ok) assert.match(check.problem, /bare major/);
    });
    it('accepts X.0 and full releases the data knows', () => {
      for (const version of ['27.0', '26.2.5.6', '25.3.2.8']) {
        assert.ok(otpReleases.includes(version), `${version} should be in the release data`);
        assert.deepEqual(checkErlangVersion(version), { ok: true, value: version });
      }
    });
    it('refuses prefixes and names the plain version', () => {
      expectInvalid(checkErlangVersion('OTP-27.2'), /^write 27\.2$/);
      expectInvalid(checkErlangVersion('v26.2.5'), /^write 26\.2\.5$/);
    });
    it('refuses X.0.0, which OTP never tags', () => expectInvalid(checkErlangVersion('27.0.0'), /27\.0$/));
    it('refuses a patch that was never released inside a known line', () => expectInvalid(checkErlangVersion('26.1.99'), /26\./));
    it('accepts, with a warning, a version newer than the data', () => {
      const check = checkErlangVersion('99.1');
      assert.equal(check.ok, true);
      if (check.ok) assert.match(check.warning ?? '', /newer than the release data/);
    });
    it('refuses garbage', () => expectInvalid(checkErlangVersion('latest'), /27\.0/));
  });

  describe('Elixir', () => {
    it('accepts released versions', () => {
      for (const version of ['1.14.5', '1.17.3', '1.18.1']) assert.deepEqual(checkElixirVersion(version), { ok: true, value: version });
    });
    it('refuses a leading v and names the fix', () => expectInvalid(checkElixirVersion('v1.18.1'), /^write 1\.18\.1$/));
    it('refuses the -otp- suffix of tool managers', () => expectInvalid(checkElixirVersion('1.17.3-otp-27'), /1\.17\.3.*OTP 27/));
    it('refuses a minor line and proposes its newest release', () => {
      const newest117 = elixirReleases.filter(v => v.startsWith('1.17.')).at(-1)!;
      expectInvalid(checkElixirVersion('1.17'), new RegExp(newest117.replaceAll('.', '\\.')));
    });
    it('refuses pre-releases', () => expectInvalid(checkElixirVersion('1.19.0-rc.0'), /final release/));
    it('accepts, with a warning, a patch newer than the data knows', () => {
      const check = checkElixirVersion('1.16.9');
      assert.equal(check.ok, true);
      if (check.ok) assert.match(check.warning ?? '', /1\.16\.9 is newer than the release data/);
    });
    it('refuses versions older than 1.14 and suggests the smallest upgrade, the newest 1.14 release', () => {
      expectInvalid(checkElixirVersion('1.13.4'), /Elixir 1\.14 \(1\.14\.5, the smallest upgrade/);
      expectInvalid(checkElixirVersion('1.11.4'), /--elixir-version 1\.14\.5$/);
    });
  });

  describe('Elixir/OTP compatibility', () => {
    it('refuses Elixir 1.14 with OTP 27 and names the supported range', () => {
      const check = checkElixirOtpPair('1.14.5', '27.2');
      assert.equal(check.ok, false);
      if (!check.ok) {
        assert.match(check.problem, /23–26/);
        assert.match(check.fix, /--erlang-version 26\./);
        assert.match(check.fix, /--elixir-version 1\.(1[7-9]|2\d)\./);
      }
    });
    it('knows OTP 26 arrived in 1.14.5', () => {
      assert.equal(checkElixirOtpPair('1.14.4', '26.2').ok, false);
      assert.equal(checkElixirOtpPair('1.14.5', '26.2').ok, true);
    });
    it('accepts pairs from the table', () => {
      assert.equal(checkElixirOtpPair('1.17.3', '27.1.2').ok, true);
      assert.equal(checkElixirOtpPair('1.18.4', '25.3.2.8').ok, true);
      assert.equal(checkElixirOtpPair('1.15.8', '27.0').ok, false);
    });
    it('matches the compatibility table of the reference', () => {
      assert.deepEqual(supportedOtp('1.16.3'), { min: 24, max: 26, initial: [] });
      assert.deepEqual(supportedOtp('1.19.0'), { min: 26, max: 28, initial: [] });
      assert.deepEqual(supportedOtp('1.20.0'), { min: 27, max: 29, initial: [] });
    });
    it('accepts Elixir 1.18.4 (and later 1.18 patches) on OTP 28 with a warning that says what initial support means; 1.18.3 stays refused', () => {
      const check = checkElixirOtpPair('1.18.4', '28.0.2');
      assert.equal(check.ok, true);
      assert.match((check as { warning?: string }).warning ?? '', /initial support for Erlang\/OTP 28.*regexes compiled at compile time.*1\.19/s);
      assert.equal(checkElixirOtpPair('1.18.5', '28.5').ok, true);
      assert.equal(checkElixirOtpPair('1.18.3', '28.0.2').ok, false);
      assert.deepEqual(supportedOtp('1.18.4'), { min: 25, max: 27, initial: [28] });
    });
    it('the exceptions are data: every entry names its source, initial ones what they mean', () => {
      for (const exception of elixirOtpExceptions) {
        assert.match(exception.source, /\w/);
        if (exception.support === 'initial') assert.ok(exception.note && exception.note.length > 40);
      }
    });
    it('warns about OTP 28.0 with Elixir 1.19 (supported from 28.1), without refusing it', () => {
      const check = checkElixirOtpPair('1.19.1', '28.0.2');
      assert.equal(check.ok, true);
      assert.match((check as { warning?: string }).warning ?? '', /from 28\.1 on/);
      assert.equal((checkElixirOtpPair('1.19.1', '28.1') as { warning?: string }).warning, undefined);
    });
  });

  describe('versions a project file pins', () => {
    it('a minor line becomes its newest release, with a note', () => {
      const resolved = resolvePinnedVersion('elixir', '1.15', '.tool-versions (elixir)');
      assert.equal(resolved.value, '1.15.8');
      assert.match(resolved.note ?? '', /\.tool-versions \(elixir\) pins the Elixir 1\.15 line; using its newest release, 1\.15\.8/);
    });
    it('a bare OTP major becomes its newest release, saying what the buildpacks would do with it', () => {
      const resolved = resolvePinnedVersion('erlang', '27', 'elixir_buildpack.config (erlang_version)');
      assert.equal(resolved.value, '27.3.4.18');
      assert.match(resolved.note ?? '', /silently installs 27\.0.*classic one finds no build/);
    });
    it('full versions stay as they are (and are validated like any answer)', () => {
      assert.deepEqual(resolvePinnedVersion('elixir', '1.17.3', 'x'), { value: '1.17.3' });
      assert.deepEqual(resolvePinnedVersion('erlang', '26.2.5', 'x'), { value: '26.2.5' });
    });
  });

  describe('versions for a project that pins none', () => {
    it('the newest fully supported pair with a known image, matching mix.exs', () => {
      const chosen = defaultToolchain('~> 1.14');
      assert.ok(knownBuilderTags.some(tag => tag.elixir === chosen.elixir && tag.otp === chosen.otp), JSON.stringify(chosen));
      assert.equal(chosen.withImage, true);
      assert.equal(checkElixirOtpPair(chosen.elixir, chosen.otp).ok, true);
      for (const tag of knownBuilderTags) {
        const supported = supportedOtp(tag.elixir);
        if (supported && Number.parseInt(tag.otp, 10) <= supported.max) assert.ok(compareVersions(tag.elixir, chosen.elixir) <= 0, `${tag.elixir} is newer than ${chosen.elixir}`);
      }
    });
    it('honours the requirement (~> 1.16.0 stays on 1.16)', () => {
      assert.match(defaultToolchain('~> 1.16.0').elixir, /^1\.16\./);
    });
  });

  describe('Node and npm', () => {
    it('accepts plain semver', () => assert.deepEqual(checkSemver('20.18.1', 'Node.js'), { ok: true, value: '20.18.1' }));
    it('refuses v-prefixed and partial versions', () => {
      expectInvalid(checkSemver('v20.18.1', 'Node.js'), /^write 20\.18\.1$/);
      expectInvalid(checkSemver('20', 'Node.js'), /write 20\.\d+\.\d+|X\.Y\.Z|full version/);
      expectInvalid(checkSemver('lts', 'npm'), /X\.Y\.Z/);
    });
  });

  describe('requirements and defaults', () => {
    it('reads Mix requirements', () => {
      assert.equal(satisfiesRequirement('1.17.3', '~> 1.14'), true);
      assert.equal(satisfiesRequirement('2.0.0', '~> 1.14'), false);
      assert.equal(satisfiesRequirement('1.15.0', '~> 1.14.1'), false);
      assert.equal(satisfiesRequirement('1.14.2', '~> 1.14.1'), true);
      assert.equal(satisfiesRequirement('1.16.0', '>= 1.15.0 and < 1.17.0'), true);
      assert.equal(satisfiesRequirement('1.17.0', '>= 1.15.0 and < 1.17.0'), false);
    });
    it('defaults Elixir to the newest release matching the requirement', () => {
      const newest = [...elixirReleases].sort(compareVersions).at(-1)!;
      assert.equal(defaultElixirVersion('~> 1.14'), newest);
      assert.match(defaultElixirVersion('~> 1.15.0'), /^1\.15\.\d+$/);
    });
    it('defaults Erlang to the newest OTP the Elixir version supports, and the pair validates', () => {
      for (const elixir of ['1.14.5', '1.16.3', '1.18.4']) {
        const erlang = defaultErlangVersion(elixir);
        assert.equal(checkErlangVersion(erlang).ok, true, erlang);
        assert.equal(checkElixirOtpPair(elixir, erlang).ok, true, `${elixir} + ${erlang}`);
      }
    });
  });
});
