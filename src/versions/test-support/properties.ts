/**
 * The order properties every version scheme must have, as fast-check properties over a
 * scheme-specific generator of valid versions.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { VersionScheme } from '../scheme.js';

export function checkTotalOrder(scheme: VersionScheme, versions: fc.Arbitrary<string>, numRuns = 300): void {
  fc.assert(
    fc.property(versions, (a) => {
      expect(scheme.isValid(a)).toBe(true);
      expect(scheme.compare(a, a)).toBe(0);
    }),
    { numRuns },
  );
  fc.assert(
    fc.property(versions, versions, (a, b) => {
      expect(Math.sign(scheme.compare(a, b)) || 0).toBe(-Math.sign(scheme.compare(b, a)) || 0);
    }),
    { numRuns },
  );
  fc.assert(
    fc.property(versions, versions, versions, (a, b, c) => {
      const sorted = [a, b, c].sort((x, y) => scheme.compare(x, y));
      const [low, mid, high] = sorted as [string, string, string];
      expect(scheme.compare(low, mid)).toBeLessThanOrEqual(0);
      expect(scheme.compare(mid, high)).toBeLessThanOrEqual(0);
      expect(scheme.compare(low, high)).toBeLessThanOrEqual(0);
    }),
    { numRuns },
  );
}

/** Hostile strings: never a crash or a hang, only `false` / InvalidVersionError. */
export function checkHostileInput(scheme: VersionScheme): void {
  const hostile = ['', ' ', '-', '...', ':::', '~', '\u0000', '1'.repeat(5000), `1.${'0.'.repeat(3000)}1`, '💥1.0', '1.0\n2.0', 'a'.repeat(100_000)];
  for (const text of hostile) {
    const valid = scheme.isValid(text);
    if (valid) expect(() => scheme.compare(text, text)).not.toThrow();
    else expect(() => scheme.compare(text, text)).toThrow(/invalid/);
  }
}

/** Asserts that the scheme orders generated pairs exactly as a reference implementation does. */
export function checkAgreesWithOracle(scheme: VersionScheme, oracle: (pairs: readonly [string, string][]) => number[], versions: fc.Arbitrary<string>, seed: number, numRuns = 400): void {
  const pairs = fc.sample(fc.tuple(versions, versions), { numRuns, seed });
  const expected = oracle(pairs);
  pairs.forEach(([a, b], i) => expect([a, b, scheme.compare(a, b)]).toEqual([a, b, expected[i]]));
}
