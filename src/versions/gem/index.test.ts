import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gemCorrect, gemOracle } from '../test-support/oracle.js';
import { checkAgreesWithOracle, checkHostileInput, checkTotalOrder } from '../test-support/properties.js';
import { gem } from './index.js';

const releaseSegment = fc.oneof(fc.nat(12).map(String), fc.constantFrom('00', '007', '0', '10', '123456789012345678901234567890'));
const letters = fc.constantFrom('a', 'b', 'pre', 'rc', 'RC', 'beta', 'alpha', 'Z', 'x1', 'rc2');

/** Gem versions as gems publish them: numeric release, letter segments, a `-` pre-release tail. */
export const gemVersion = fc
  .tuple(
    fc.array(releaseSegment, { minLength: 1, maxLength: 5 }),
    fc.array(fc.oneof(releaseSegment, letters), { maxLength: 3 }),
    fc.option(fc.array(fc.oneof(releaseSegment, letters, fc.constant('x-y')), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  )
  .map(([release, more, dashed]) => [[...release, ...more].join('.'), dashed ? `-${dashed.join('.')}` : ''].join(''));

/** Any shape the pattern allows: mixed segments (`0a`, `Rc2`), dashed tails with hyphens inside. */
const anyGemVersion = fc
  .tuple(
    fc.stringMatching(/^[0-9]{1,3}$/),
    fc.array(fc.oneof(fc.stringMatching(/^[0-9]{1,3}$/), fc.stringMatching(/^[0-9a-zA-Z]{1,4}$/)), { maxLength: 5 }),
    fc.option(fc.array(fc.stringMatching(/^[0-9A-Za-z-]{1,4}$/), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  )
  .map(([first, rest, dashed]) => [first, ...rest].join('.') + (dashed ? `-${dashed.join('.')}` : ''));

describe('Gem::Version ordering', () => {
  // From RubyGems' own documentation and test_gem_version.rb's expectations, in increasing order.
  const ORDER = ['0.9', '1.0.a', '1.0.a.2', '1.0.b1', '1.0.rc1', '1.0', '1.0.0.1', '1.0.1', '1.1.a', '1.1', '1.2', '1.10', '2.0.0-rc1', '2.0.0'];

  it('sorts a list as RubyGems does', () => {
    expect([...ORDER].reverse().sort((a, b) => gem.compare(a, b))).toEqual(ORDER);
  });

  it.each([
    ['1.0', '1', 0],
    ['1.0.0', '1.0', 0],
    ['1.0-rc1', '1.0.pre.rc1', 0],
    ['1.0.a.0', '1.0.a', 0],
    ['', '0', 0],
    [' 1.2 ', '1.2', 0],
    ['1.0.A', '1.0.a', -1],
    ['1.0.b', '1.0.a.9', 1],
    ['007', '7', 0],
    ['99999999999999999999999', '99999999999999999999998', 1],
  ])('%j vs %j = %d', (a, b, expected) => expect(gem.compare(a, b)).toBe(expected));

  it.each(['1..0', '.1', 'a1', '1.0-', '1.0 2', 'x', '1.0+build', '1_0', '1.0\n2.0', '1'.repeat(1025)])('refuses %j', (version) => expect(gem.isValid(version)).toBe(false));

  it('is a total order on generated versions', () => checkTotalOrder(gem, gemVersion));
  it('survives hostile input', () => checkHostileInput(gem));

  it.runIf(gemOracle)('agrees with Gem::Version in Debian ruby on generated pairs', () => {
    if (gemOracle) checkAgreesWithOracle(gem, gemOracle, gemVersion, 23);
  });

  it.runIf(gemOracle)('agrees with Gem::Version on versions of any shape the pattern allows', () => {
    if (gemOracle) checkAgreesWithOracle(gem, gemOracle, anyGemVersion, 99, 1500);
  });

  it.runIf(gemOracle)('accepts exactly what Gem::Version.correct? accepts', () => {
    const samples = ['1.0', '', ' ', '1.0-', '1..0', '1.0.a-b-c', '1.0-rc.1', '1-1', '1.0.0.0.0.0', 'v1.0', '1.0 ', '\t1\n', '1,0', '-1', '1.0-é', '1.a.', '0'];
    const generated = fc.sample(fc.stringMatching(/^[0-9a-z.\- ]{0,8}$/), { numRuns: 300, seed: 5 });
    const all = [...samples, ...generated];
    const expected = gemCorrect(all);
    expect(all.map((version) => [version, gem.isValid(version)])).toEqual(all.map((version, i) => [version, expected[i]]));
  });
});
