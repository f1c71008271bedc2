/**
 * Debian package version ordering (`[epoch:]upstream[-revision]`), as dpkg defines it in Debian
 * Policy 5.6.12.
 *
 * Written by hand: no maintained npm library implements dpkg ordering, and the algorithm is short
 * and fully specified. Digit runs are compared as arbitrarily long integers (no overflow).
 */
import { InvalidVersionError, type VersionScheme } from '../scheme.js';

export interface DpkgVersion {
  epoch: bigint;
  upstream: string;
  /** Empty when the version has no revision (compares equal to "0"). */
  revision: string;
}

const UPSTREAM_CHARS = /^[A-Za-z0-9.+~:-]+$/;
const REVISION_CHARS = /^[A-Za-z0-9.+~]+$/;

/** Parses a version the way dpkg does; returns undefined where dpkg reports an error. */
export function parseDpkgVersion(text: string): DpkgVersion | undefined {
  const version = text.trim();
  if (version === '' || /\s/.test(version)) return undefined;
  let epoch = 0n;
  let rest = version;
  const colon = version.indexOf(':');
  if (colon !== -1) {
    const epochText = version.slice(0, colon);
    if (!/^\d+$/.test(epochText)) return undefined;
    epoch = BigInt(epochText);
    if (epoch > 2147483647n) return undefined;
    rest = version.slice(colon + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen === -1 ? rest : rest.slice(0, hyphen);
  const revision = hyphen === -1 ? '' : rest.slice(hyphen + 1);
  if (upstream === '' || !UPSTREAM_CHARS.test(upstream)) return undefined;
  if (hyphen !== -1 && (revision === '' || !REVISION_CHARS.test(revision))) return undefined;
  // dpkg accepts (with a warning) an upstream part that does not start with a digit; so do we.
  return { epoch, upstream, revision };
}

/** Weight of a non-digit character: `~` below the end of the string, letters below other marks. */
function weight(code: number | undefined): number {
  if (code === undefined) return 0;
  if (code === 0x7e) return -1;
  if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) return code;
  return code + 256;
}

const isDigit = (code: number | undefined): boolean => code !== undefined && code >= 0x30 && code <= 0x39;

/** Compares two upstream or revision strings: alternating non-digit and digit runs. */
export function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // Non-digit run, character by character.
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const wa = i < a.length && !isDigit(a.charCodeAt(i)) ? weight(a.charCodeAt(i)) : 0;
      const wb = j < b.length && !isDigit(b.charCodeAt(j)) ? weight(b.charCodeAt(j)) : 0;
      if (wa !== wb) return wa - wb;
      if (i < a.length && !isDigit(a.charCodeAt(i))) i++;
      if (j < b.length && !isDigit(b.charCodeAt(j))) j++;
    }
    // Digit run, as a number: skip leading zeros, longer run is larger, else first differing digit.
    while (a.charCodeAt(i) === 0x30) i++;
    while (b.charCodeAt(j) === 0x30) j++;
    const startA = i;
    const startB = j;
    while (isDigit(a.charCodeAt(i))) i++;
    while (isDigit(b.charCodeAt(j))) j++;
    const lengthA = i - startA;
    const lengthB = j - startB;
    if (lengthA !== lengthB) return lengthA - lengthB;
    for (let k = 0; k < lengthA; k++) {
      const difference = a.charCodeAt(startA + k) - b.charCodeAt(startB + k);
      if (difference !== 0) return difference;
    }
  }
  return 0;
}

export function compareDpkgVersions(a: DpkgVersion, b: DpkgVersion): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  return compareFragment(a.upstream, b.upstream) || compareFragment(a.revision, b.revision);
}

function parseOrThrow(version: string): DpkgVersion {
  const parsed = parseDpkgVersion(version);
  if (!parsed) throw new InvalidVersionError('dpkg', version);
  return parsed;
}

export const dpkg: VersionScheme = {
  id: 'dpkg',
  isValid: (version) => parseDpkgVersion(version) !== undefined,
  compare: (a, b) => Math.sign(compareDpkgVersions(parseOrThrow(a), parseOrThrow(b))),
};
