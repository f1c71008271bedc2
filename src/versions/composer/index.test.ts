import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composerNormalize, composerOracle } from '../test-support/oracle.js';
import { checkAgreesWithOracle, checkHostileInput, checkTotalOrder } from '../test-support/properties.js';
import { composer } from './index.js';
import { normalizeComposerVersion } from './normalize.js';
import { canonicalizePhpVersion, phpVersionCompare } from './php-version-compare.js';

const number = fc.oneof(fc.nat(12).map(String), fc.constantFrom('00', '01', '10', '99999'));
const stability = fc.constantFrom('alpha', 'a', 'beta', 'b', 'RC', 'rc', 'patch', 'pl', 'p', 'stable', 'BETA');

/** Composer versions as packages tag them: `v1.2`, `1.2.3.4`, stabilities with numbers, `-dev`, `1.x-dev`, dates. */
export const composerVersion = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('', 'v'),
      fc.array(number, { minLength: 1, maxLength: 4 }),
      fc.option(fc.tuple(fc.constantFrom('-', '.', '', '_'), stability, fc.constantFrom('', '1', '2', '.3', '-10', '1.2')), { nil: undefined }),
      fc.constantFrom('', '', '-dev', '.dev'),
    )
    .map(([prefix, parts, modifier, dev]) => `${prefix}${parts.join('.')}${modifier ? modifier.join('') : ''}${dev}`),
  fc.constantFrom('1.x-dev', '2.1.x-dev', '1.*-dev', 'v3.X-dev', '20240115', '2024-01-15', '2024.01.15.1', '2024-01-15-beta1'),
);

describe('Composer version ordering', () => {
  const ORDER = ['dev-main', '1.0.0-dev', '1.0.0-alpha1', '1.0.0-alpha2', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-RC1', '1.0.0', '1.0.0-patch1', '1.0.1', '1.0.x-dev', '1.1', 'v2.0.0'];

  it('sorts stabilities and branches as Composer does', () => {
    expect([...ORDER].reverse().sort((a, b) => composer.compare(a, b))).toEqual(ORDER);
  });

  it.each([
    ['v1.2', '1.2.0.0'],
    ['1.2.3.4', '1.2.3.4'],
    ['1.0-beta.2', '1.0.0.0-beta2'],
    ['2.1-p1', '2.1.0.0-patch1'],
    ['1.0.0-stable', '1.0.0.0'],
    ['1.x-dev', '1.9999999.9999999.9999999-dev'],
    ['dev-main as 1.0.x-dev', 'dev-main'],
    ['1.2.3@beta', '1.2.3.0'],
    ['1.2.3+build.5', '1.2.3.0'],
    ['master', 'dev-master'],
    ['2024-01-15', '2024.01.15'],
    ['DEV-feature', 'dev-feature'],
  ])('normalises %j to %j', (version, normalized) => expect(normalizeComposerVersion(version)).toBe(normalized));

  it.each(['', 'banana', '1.0.0.0.0', '1.0-gamma', 'x1.0', '1.0.0 beta', '1'.repeat(2000)])('refuses %j', (version) => expect(composer.isValid(version)).toBe(false));

  it('orders two different branches, and never calls them equal', () => {
    expect(Math.sign(composer.compare('dev-a', 'dev-b'))).toBe(-Math.sign(composer.compare('dev-b', 'dev-a')));
    expect(composer.compare('dev-bar', 'dev-baz')).not.toBe(0);
  });

  it("follows PHP's version_compare on its documented cases", () => {
    expect(canonicalizePhpVersion('1.0rc1')).toBe('1.0.rc.1');
    expect(phpVersionCompare('5.2', '5.2.0')).toBe(-1);
    expect(phpVersionCompare('1.0-dev', '1.0alpha')).toBe(-1);
    expect(phpVersionCompare('1.0pl1', '1.0')).toBe(1);
    expect(phpVersionCompare('1.0', '1.0.0')).toBe(-1);
    expect(phpVersionCompare('99999999999999999999', '99999999999999999998')).toBe(0);
  });

  it('is a total order on generated versions', () => checkTotalOrder(composer, composerVersion));
  it('survives hostile input', () => checkHostileInput(composer));

  it('does not backtrack for long on a long run of digits after a stability', () => {
    const start = process.hrtime.bigint();
    expect(composer.isValid(`1.0-beta${'1'.repeat(1000)}x`)).toBe(false);
    expect(process.hrtime.bigint() - start).toBeLessThan(1_000_000_000n);
  });

  it.runIf(composerOracle)('agrees with composer/semver on generated pairs', () => {
    if (composerOracle) checkAgreesWithOracle(composer, composerOracle, composerVersion, 31);
  });

  it.runIf(composerOracle)('agrees with composer/semver on branches against numbered versions and on odd spellings', () => {
    const spelled = fc.oneof(
      fc.stringMatching(/^v?[0-9]{1,3}(\.[0-9]{1,3}){0,3}([-._]?(alpha|beta|RC|rc|a|b|p|pl|patch|stable|dev)([.-]?[0-9]{1,2}){0,2})?([.-]dev)?$/),
      fc.constantFrom('dev-master', 'dev-feature', '1.x-dev', '2.0.x-dev', '9999999-dev'),
    );
    // Composer does not order two different named branches: those pairs are left out.
    const comparable = fc.tuple(spelled, spelled).filter(([a, b]) => composer.isValid(a) && composer.isValid(b) && !(a.startsWith('dev-') && b.startsWith('dev-') && a !== b));
    const pairs = fc.sample(comparable, { numRuns: 1500, seed: 5 });
    const expected = composerOracle?.(pairs) ?? [];
    expect(pairs.map(([a, b]) => [a, b, Math.sign(composer.compare(a, b))])).toEqual(pairs.map(([a, b], i) => [a, b, expected[i]]));
  });

  it.runIf(composerOracle)('normalises exactly as composer/semver does, and refuses what it refuses', () => {
    const samples = ['1.0', 'v1.0.0', '1.0.0.0.0', '1.0-beta', '1.0.0-BETA1', 'dev-master', 'master', '1.x-dev', '1.0.x-dev', 'v2.3.*-dev', 'feature-dev', '2024-01-15', '20240115', '1.2.3+abc', '1.2@dev', '1.0 as 2.0', '', 'x', '1.0-gamma', '1.0.0-p', '1.0.0-stable', '1.0.0-STABLE', '1.0-rc.1.2-dev', '123456.0', '1.0.0-', '1.0.0 beta'];
    const generated = fc.sample(fc.oneof(composerVersion, fc.stringMatching(/^[0-9a-zA-Z.\-@+ ]{0,10}$/)), { numRuns: 300, seed: 7 });
    const all = [...samples, ...generated];
    const expected = composerNormalize(all);
    expect(all.map((version) => [version, normalizeComposerVersion(version) ?? null])).toEqual(all.map((version, i) => [version, expected[i]]));
  });
});
