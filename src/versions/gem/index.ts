/**
 * RubyGems version ordering, as `Gem::Version#<=>` defines it (RubyGems 3.x): a version is
 * `[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`, surrounding whitespace allowed; a
 * `-` reads as `.pre.`; the version splits into runs of digits (numbers of any size) and runs of
 * letters (strings); from the first string on the version is a pre-release. Trailing zeros are
 * dropped from the release part and from the pre-release part, then segments compare pairwise, a
 * missing one reading as 0: numbers numerically, strings byte by byte, a string before a number.
 * So `1.0.a` < `1.0` = `1.0.0` < `1.0.0.1` and `1.0-rc1` = `1.0.pre.rc1`.
 *
 * Written by hand: no npm library implements Gem::Version's rules (it is not SemVer: `1.0.a.2`
 * and five-part versions are ordinary gems). Proven against Debian's `ruby` in index.test.ts.
 */
import { InvalidVersionError, type VersionScheme } from '../scheme.js';

/** Ruby's `\s`: space, tab, CR, LF, form feed, vertical tab. */
const GEM_VERSION = /^[ \t\r\n\f\v]*([0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?[ \t\r\n\f\v]*$/;

/**
 * Longer versions are refused: RubyGems has no limit, but no published gem comes near it, and
 * a bound keeps a hostile specification from making every comparison slow.
 */
const MAX_LENGTH = 1024;

/** A segment: a number (digits without leading zeros, compared by length then text) or a string. */
type Segment = { number: string } | { text: string };

function isZero(segment: Segment): boolean {
  return 'number' in segment && segment.number === '0';
}

function dropTrailingZeros(segments: Segment[]): Segment[] {
  let end = segments.length;
  while (end > 0 && isZero(segments[end - 1] as Segment)) end -= 1;
  return segments.slice(0, end);
}

/** `Gem::Version#canonical_segments`, or undefined for a malformed version. */
export function gemCanonicalSegments(version: string): Segment[] | undefined {
  if (version.length > MAX_LENGTH) return undefined;
  const match = GEM_VERSION.exec(version);
  if (!match) return undefined;
  // An empty (or blank) version is version 0, as Gem::Version.new("") is.
  const text = (match[1] ?? '0').replaceAll('-', '.pre.');
  const segments: Segment[] = [];
  for (const [run] of text.matchAll(/[0-9]+|[a-zA-Z]+/g)) {
    segments.push(/^[0-9]/.test(run) ? { number: run.replace(/^0+(?=.)/, '') } : { text: run });
  }
  const firstString = segments.findIndex((segment) => 'text' in segment);
  if (firstString === -1) return dropTrailingZeros(segments);
  return [...dropTrailingZeros(segments.slice(0, firstString)), ...dropTrailingZeros(segments.slice(firstString))];
}

function compareNumbers(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

const ZERO: Segment = { number: '0' };

function compareSegments(left: readonly Segment[], right: readonly Segment[]): number {
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i += 1) {
    const a = left[i] ?? ZERO;
    const b = right[i] ?? ZERO;
    if ('number' in a && 'number' in b) {
      const order = compareNumbers(a.number, b.number);
      if (order !== 0) return order;
    } else if ('text' in a && 'text' in b) {
      // Ruby's String#<=> on ASCII letters: byte order, upper case before lower case.
      if (a.text !== b.text) return a.text < b.text ? -1 : 1;
    } else {
      return 'text' in a ? -1 : 1;
    }
  }
  return 0;
}

function parseOrThrow(version: string): Segment[] {
  const segments = gemCanonicalSegments(version);
  if (!segments) throw new InvalidVersionError('gem', version);
  return segments;
}

export const gem: VersionScheme = {
  id: 'gem',
  // The pattern alone decides validity: no need to build the segments.
  isValid: (version) => version.length <= MAX_LENGTH && GEM_VERSION.test(version),
  compare: (a, b) => compareSegments(parseOrThrow(a), parseOrThrow(b)),
};
