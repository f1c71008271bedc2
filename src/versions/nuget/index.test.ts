import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHostileInput, checkTotalOrder } from '../test-support/properties.js';
import { nuget } from './index.js';

const label = fc.oneof(fc.constantFrom('alpha', 'Alpha', 'BETA', 'beta', 'rc', 'RC', 'preview', 'x-y', '-1', '01'), fc.nat(20).map(String));

/** NuGet versions: one to four parts (leading zeros now and then), SemVer 2 labels, build metadata. */
export const nugetVersion = fc
  .tuple(
    fc.array(fc.oneof(fc.nat(12).map(String), fc.constantFrom('00', '01', '2147483647')), { minLength: 1, maxLength: 4 }),
    fc.option(fc.array(label, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    fc.option(fc.constantFrom('sha.abc', '5'), { nil: undefined }),
  )
  .map(([parts, labels, metadata]) => `${parts.join('.')}${labels ? `-${labels.join('.')}` : ''}${metadata ? `+${metadata}` : ''}`);

describe('NuGet version ordering', () => {
  // The orderings NuGet's "Package versioning" documentation states, in increasing order.
  const ORDER = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.0.1', '1.0.1', '1.1', '2.0.0'];

  it('sorts the documented pre-release ladder', () => {
    expect([...ORDER].reverse().sort((a, b) => nuget.compare(a, b))).toEqual(ORDER);
  });

  it.each([
    ['1.0', '1.0.0', 0],
    ['1.0.0.0', '1.0.0', 0],
    ['1.00', '1.0', 0],
    ['1.01.1', '1.1.1', 0],
    ['1.00.0.1', '1.0.0.1', 0],
    ['1.0.7+r3456', '1.0.7', 0],
    ['1.0.0-BETA', '1.0.0-beta', 0],
    ['1.0.0-Alpha', '1.0.0-beta', -1],
    ['1.0.0-beta.01', '1.0.0-beta.1', 0],
    ['1.0.0-1', '1.0.0-alpha', -1],
    ['1.0.0--1', '1.0.0-0', -1],
    ['1.0.0-beta.99999999999', '1.0.0-beta.2', 1],
    ['2147483647.0', '2147483646.9', 1],
  ])('%j vs %j = %d', (a, b, expected) => expect(Math.sign(nuget.compare(a, b))).toBe(expected));

  it.each(['', 'v1.0', '1.0.0.0.0', '1.0-', '1.0.0-beta..1', '1.0.0-beta_1', '2147483648.0', ' 1.0', '1.0+', 'a'])('refuses %j', (version) => expect(nuget.isValid(version)).toBe(false));

  it('is a total order on generated versions', () => checkTotalOrder(nuget, nugetVersion));
  it('survives hostile input', () => checkHostileInput(nuget));
});
