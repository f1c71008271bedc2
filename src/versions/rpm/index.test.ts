import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rpmEvrOracle, rpmOracle } from '../test-support/oracle.js';
import { checkAgreesWithOracle, checkHostileInput, checkTotalOrder } from '../test-support/properties.js';
import { rpm } from './index.js';

const segment = fc.constantFrom('1', '2', '10', '0', '01', 'a', 'b', 'rc', 'el9', 'fc38', 'git');
const separator = fc.constantFrom('.', '_', '+', '~', '^', '.');
const part = fc.tuple(segment, fc.array(fc.tuple(separator, segment), { maxLength: 3 })).map(([first, rest]) => `${first}${rest.map(([s, x]) => `${s}${x}`).join('')}`);
const rpmVersion = fc
  .tuple(fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }), part, fc.option(part, { nil: undefined }))
  .map(([epoch, version, release]) => `${epoch === undefined ? '' : `${epoch}:`}${version}${release ? `-${release}` : ''}`);

describe('rpm ordering', () => {
  it.each([
    ['1.0', '1.0', 0],
    ['1.0', '2.0', -1],
    ['2.0.1', '2.0', 1],
    ['1.0~rc1', '1.0', -1],
    ['1.0~rc1', '1.0~rc2', -1],
    ['1.0^git1', '1.0', 1],
    ['1.0^git1', '1.0.1', -1],
    ['1.0a', '1.0', 1],
    ['1.0', '1.0a', -1],
    ['1.a', '1.1', -1],
    ['1.010', '1.9', 1],
    ['1:1.0', '2.0', 1],
    ['1.0-1.el9', '1.0-2.el9', -1],
    ['3.0.7-16.el9_2', '3.0.7-24.el9', -1],
    ['1.0_1', '1.0.1', 0],
  ])('%s vs %s = %d', (a, b, expected) => expect(rpm.compare(a, b)).toBe(expected));

  it('is a total order on generated versions', () => checkTotalOrder(rpm, rpmVersion));
  it('survives hostile input', () => checkHostileInput(rpm));

  it.runIf(rpmOracle)('agrees with rpm.vercmp on generated version strings', () => {
    if (rpmOracle) checkAgreesWithOracle(rpm, rpmOracle, part, 7);
  });

  // Installed packages and advisories' fixed versions both carry an epoch (or none, which is 0) and a release.
  const evr = fc.tuple(fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }), part, part).map(([epoch, version, release]) => `${epoch === undefined ? '' : `${epoch}:`}${version}-${release}`);
  it.runIf(rpmEvrOracle)('agrees with rpm.ver on whole epoch:version-release strings', () => {
    if (rpmEvrOracle) checkAgreesWithOracle(rpm, rpmEvrOracle, evr, 11);
  });
});
