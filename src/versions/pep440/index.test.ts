import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pep440Oracle } from '../test-support/oracle.js';
import { checkAgreesWithOracle, checkHostileInput, checkTotalOrder } from '../test-support/properties.js';
import { pep440 } from './index.js';

export const pep440Version = fc
  .tuple(
    fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
    fc.array(fc.nat(12), { minLength: 1, maxLength: 4 }),
    fc.option(fc.tuple(fc.constantFrom('a', 'b', 'rc'), fc.nat(3)), { nil: undefined }),
    fc.option(fc.nat(3), { nil: undefined }),
    fc.option(fc.nat(3), { nil: undefined }),
    fc.option(fc.constantFrom('local', 'ubuntu.1', '7'), { nil: undefined }),
  )
  .map(([epoch, release, pre, post, dev, local]) =>
    [epoch === undefined ? '' : `${epoch}!`, release.join('.'), pre ? `${pre[0]}${pre[1]}` : '', post === undefined ? '' : `.post${post}`, dev === undefined ? '' : `.dev${dev}`, local ? `+${local}` : ''].join(''),
  );

describe('PEP 440 ordering', () => {
  // The ordering example from PEP 440, in increasing order.
  const PEP_ORDER = ['1.dev0', '1.0.dev456', '1.0a1', '1.0a2.dev456', '1.0a12.dev456', '1.0a12', '1.0b1.dev456', '1.0b2', '1.0b2.post345.dev456', '1.0b2.post345', '1.0rc1.dev456', '1.0rc1', '1.0', '1.0+abc.5', '1.0+abc.7', '1.0+5', '1.0.post456.dev34', '1.0.post456', '1.0.15', '1.1.dev1'];

  it('sorts the PEP 440 example list', () => {
    expect([...PEP_ORDER].reverse().sort((a, b) => pep440.compare(a, b))).toEqual(PEP_ORDER);
  });

  it.each([
    ['1.0-alpha1', '1.0a1', 0],
    ['1.0.0', '1.0', 0],
    ['v1.0', '1.0', 0],
    ['1.0.post1', '1.0-1', 0],
    ['1!0.1', '2.0', 1],
    ['2.0.0rc1', '2.0.0', -1],
  ])('%s vs %s = %d', (a, b, expected) => expect(pep440.compare(a, b)).toBe(expected));

  it.each(['', 'banana', '1.0-', '1..0', '1.0+', 'x1.0'])('refuses %j', (version) => expect(pep440.isValid(version)).toBe(false));

  it('is a total order on generated versions', () => checkTotalOrder(pep440, pep440Version));
  it('survives hostile input', () => checkHostileInput(pep440));

  it.runIf(pep440Oracle)('agrees with Python packaging on generated pairs', () => {
    if (pep440Oracle) checkAgreesWithOracle(pep440, pep440Oracle, pep440Version, 11);
  });
});
