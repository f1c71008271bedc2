import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dpkgOracle } from '../test-support/oracle.js';
import { checkAgreesWithOracle, checkHostileInput, checkTotalOrder } from '../test-support/properties.js';
import { dpkg, parseDpkgVersion } from './index.js';

/** Valid dpkg versions, biased towards the characters that make ordering interesting. */
export const dpkgVersion = fc
  .tuple(
    fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    fc.integer({ min: 0, max: 20 }),
    fc.array(fc.constantFrom('.', '~', '+', 'a', 'b', 'z', 'A', '0', '1', '9', '10', '~rc1', '+dfsg', '.1', '-x'), { maxLength: 5 }),
    fc.option(fc.array(fc.constantFrom('1', '0', '2', '+b1', '~bpo', 'deb12u', '.', 'ubuntu', '~', '3'), { minLength: 1, maxLength: 4 }), { nil: undefined }),
  )
  .map(([epoch, lead, rest, revision]) => {
    const upstream = `${lead}${rest.join('')}`;
    const revisionText = revision ? `-${revision.join('')}` : '';
    return `${epoch === undefined ? '' : `${epoch}:`}${upstream}${revisionText}`;
  })
  .filter((version) => parseDpkgVersion(version) !== undefined);

describe('dpkg ordering', () => {
  it.each([
    ['1.0~rc1', '1.0', -1],
    ['1.0', '1.0-0', 0],
    ['1.0-1', '1.0-1+b1', -1],
    ['1:0.1', '2.0', 1],
    ['0:1.0', '1.0', 0],
    ['2.30-5', '2.30-5+deb12u1', -1],
    ['2.36-9+deb12u3', '2.36-9+deb12u10', -1],
    ['1.0a', '1.0', 1],
    ['1.0a', '1.0+', -1],
    ['1.0~~', '1.0~', -1],
    ['1.0~', '1.0', -1],
    ['1.2.3', '1.2.10', -1],
    ['1.002', '1.2', 0],
    ['3.0.11-1~deb12u2', '3.0.13-1~deb12u1', -1],
    ['9.1-1', '9.1-1', 0],
    ['1.0-1ubuntu1', '1.0-1', 1],
    ['2:1.0', '1:9.9', 1],
    ['1.0-a', '1.0-B', 1],
    ['12345678901234567890123.0', '12345678901234567890122.0', 1],
  ])('%s vs %s = %d', (a, b, expected) => {
    expect(dpkg.compare(a, b)).toBe(expected);
    expect(dpkg.compare(b, a)).toBe(-expected || 0);
  });

  it.each(['', 'a:1.0', '1.0-', '1.0 2', '1.0_2', '1.0-rev!', ':1.0', '-1'])('refuses %j', (version) => {
    expect(dpkg.isValid(version)).toBe(false);
    expect(() => dpkg.compare(version, '1.0')).toThrow(/invalid dpkg version/);
  });

  it('accepts an upstream part that does not start with a digit, as dpkg does', () => {
    expect(dpkg.isValid('a1.0')).toBe(true);
  });

  it('is a total order on generated versions', () => checkTotalOrder(dpkg, dpkgVersion));
  it('survives hostile input', () => checkHostileInput(dpkg));

  it.runIf(dpkgOracle)('agrees with dpkg --compare-versions on generated pairs', () => {
    if (dpkgOracle) checkAgreesWithOracle(dpkg, dpkgOracle, dpkgVersion, 42);
  });
});
