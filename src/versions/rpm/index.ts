/**
 * RPM version ordering (`[epoch:]version[-release]`), with the segment comparison rpm uses for
 * version and release: alphanumeric segments separated by other characters, `~` sorting before
 * everything and `^` after the end of the string but before any further segment.
 *
 * Written by hand: no maintained npm library implements it; the compliance package checks reuse it
 * for RHEL-family hosts.
 */
import { InvalidVersionError, type VersionScheme } from '../scheme.js';

export interface RpmVersion {
  epoch: bigint;
  version: string;
  release: string;
}

export function parseRpmVersion(text: string): RpmVersion | undefined {
  const value = text.trim();
  if (value === '' || /\s/.test(value)) return undefined;
  let epoch = 0n;
  let rest = value;
  const colon = value.indexOf(':');
  if (colon !== -1) {
    const epochText = value.slice(0, colon);
    if (!/^\d*$/.test(epochText)) return undefined;
    epoch = epochText === '' ? 0n : BigInt(epochText);
    rest = value.slice(colon + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  const version = hyphen === -1 ? rest : rest.slice(0, hyphen);
  const release = hyphen === -1 ? '' : rest.slice(hyphen + 1);
  if (version === '' || version.includes(':') || (hyphen !== -1 && release === '')) return undefined;
  return { epoch, version, release };
}

const isAlnum = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9]/.test(c);
const isDigitChar = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** rpm's segment comparison of two version (or release) strings. */
export function compareSegments(left: string, right: string): number {
  if (left === right) return 0;
  let a = 0;
  let b = 0;
  for (;;) {
    while (a < left.length && !isAlnum(left[a]) && left[a] !== '~' && left[a] !== '^') a++;
    while (b < right.length && !isAlnum(right[b]) && right[b] !== '~' && right[b] !== '^') b++;
    // Tilde: sorts before everything, including the end.
    if (left[a] === '~' || right[b] === '~') {
      if (left[a] !== '~') return 1;
      if (right[b] !== '~') return -1;
      a++;
      b++;
      continue;
    }
    // Caret: after the end of the string, before any other segment.
    if (left[a] === '^' || right[b] === '^') {
      if (a >= left.length) return -1;
      if (b >= right.length) return 1;
      if (left[a] !== '^') return 1;
      if (right[b] !== '^') return -1;
      a++;
      b++;
      continue;
    }
    if (a >= left.length || b >= right.length) break;
    const numeric = isDigitChar(left[a]);
    const takeRun = (text: string, start: number): number => {
      let end = start;
      while (end < text.length && (numeric ? isDigitChar(text[end]) : /[A-Za-z]/.test(text[end] as string))) end++;
      return end;
    };
    const endA = takeRun(left, a);
    const endB = takeRun(right, b);
    if (endB === b) return numeric ? 1 : -1; // segments of different kinds: numeric is newer
    let segA = left.slice(a, endA);
    let segB = right.slice(b, endB);
    if (numeric) {
      segA = segA.replace(/^0+/, '');
      segB = segB.replace(/^0+/, '');
      if (segA.length !== segB.length) return segA.length > segB.length ? 1 : -1;
    }
    if (segA !== segB) return segA < segB ? -1 : 1;
    a = endA;
    b = endB;
  }
  if (a >= left.length && b >= right.length) return 0;
  return a >= left.length ? -1 : 1;
}

export function compareRpmVersions(a: RpmVersion, b: RpmVersion): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  return compareSegments(a.version, b.version) || compareSegments(a.release, b.release);
}

function parseOrThrow(version: string): RpmVersion {
  const parsed = parseRpmVersion(version);
  if (!parsed) throw new InvalidVersionError('rpm', version);
  return parsed;
}

export const rpm: VersionScheme = {
  id: 'rpm',
  isValid: (version) => parseRpmVersion(version) !== undefined,
  compare: (a, b) => compareRpmVersions(parseOrThrow(a), parseOrThrow(b)),
};
