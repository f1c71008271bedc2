import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHostileInput, checkTotalOrder } from '../test-support/properties.js';
import { parseSemver, semverScheme } from './index.js';

const identifier = fc.oneof(fc.constantFrom('alpha', 'beta', 'rc', 'x-y'), fc.integer({ min: 0, max: 20 }).map(String));
export const semverVersion = fc
  .tuple(fc.nat(20), fc.nat(20), fc.nat(20), fc.array(identifier, { maxLength: 3 }), fc.option(fc.constantFrom('build.1', 'sha.abc'), { nil: undefined }))
  .map(([major, minor, patch, pre, build]) => `${major}.${minor}.${patch}${pre.length ? `-${pre.join('.')}` : ''}${build ? `+${build}` : ''}`);

describe('semver ordering', () => {
  it.each([
    ['1.0.0-alpha', '1.0.0-alpha.1', -1],
    ['1.0.0-alpha.1', '1.0.0-alpha.beta', -1],
    ['1.0.0-alpha.beta', '1.0.0-beta', -1],
    ['1.0.0-beta.2', '1.0.0-beta.11', -1],
    ['1.0.0-rc.1', '1.0.0', -1],
    ['1.0.0+build.1', '1.0.0+build.2', 0],
    ['v1.2.3', '1.2.3', 0],
    ['=1.2.3', '1.2.3', 0],
    ['1.0', '1.0.0', 0],
    ['2', '1.99.99', 1],
    ['4.17.15', '4.17.20', -1],
    ['2.6.0', '3.1.1', -1],
    ['1.0', '2.6.0', -1],
  ])('%s vs %s = %d', (a, b, expected) => expect(semverScheme.compare(a, b)).toBe(expected));

  it.each(['', 'latest', '1.2.3.4.5', 'x.y.z', '^1.2.3', '1.2.3 - 2.0.0'])('refuses %j', (version) => expect(semverScheme.isValid(version)).toBe(false));

  it('round-trips: formatting a parsed version parses to an equal version', () => {
    fc.assert(
      fc.property(semverVersion, (version) => {
        expect(semverScheme.compare(parseSemver(version)?.format() ?? '', version)).toBe(0);
      }),
    );
  });
  it('is a total order on generated versions', () => checkTotalOrder(semverScheme, semverVersion));
  it('survives hostile input', () => checkHostileInput(semverScheme));
});
