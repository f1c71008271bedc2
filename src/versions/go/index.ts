/**
 * Go module versions, ordered as Go orders them (golang.org/x/mod/semver): Semantic Versioning 2.0
 * with a `v` prefix, the shorthands `v1` = `v1.0.0` and `v1.2` = `v1.2.0`, pseudo-versions
 * (`v0.0.0-20191109021931-daa7c04131f5`, `v1.2.4-0.20191109021931-daa7c04131f5`), which are
 * pre-releases and order by them, and `+incompatible` (build metadata: ignored, so
 * `v2.0.0+incompatible` equals `v2.0.0`).
 *
 * Go's vulnerability database writes its versions without the `v` (`1.2.3`): both forms are read,
 * and `1.2.3` equals `v1.2.3`.
 *
 * Hand-written rather than npm's `semver`: Go's numbers have no size limit (compared by length, then
 * digits), its shorthands are not SemVer's, and the loose forms npm's parser accepts are invalid in Go.
 */
import { InvalidVersionError, type VersionScheme } from '../scheme.js';

interface GoVersion {
  major: string;
  minor: string;
  patch: string;
  /** Dot-separated pre-release identifiers; empty for a release. */
  prerelease: string[];
}

/** Longer than any version a module proxy serves (pseudo-versions are ~40 characters). */
const MAX_LENGTH = 1024;
const NUMBER = /^(0|[1-9][0-9]*)$/;
const IDENTIFIER = /^[0-9A-Za-z-]+$/;

function isBadNumericIdentifier(identifier: string): boolean {
  return /^[0-9]+$/.test(identifier) && identifier.length > 1 && identifier.startsWith('0');
}

export function parseGoVersion(version: string): GoVersion | undefined {
  if (version.length > MAX_LENGTH) return undefined;
  const text = version.startsWith('v') ? version.slice(1) : version;
  const plus = text.indexOf('+');
  const withoutBuild = plus < 0 ? text : text.slice(0, plus);
  if (plus >= 0 && !text.slice(plus + 1).split('.').every((identifier) => IDENTIFIER.test(identifier))) return undefined;
  const dash = withoutBuild.indexOf('-');
  const core = dash < 0 ? withoutBuild : withoutBuild.slice(0, dash);
  const numbers = core.split('.');
  if (numbers.length > 3 || !numbers.every((part) => NUMBER.test(part))) return undefined;
  // Shorthands (`v1`, `v1.2`) stand alone: no pre-release, no build.
  if (numbers.length < 3 && (dash >= 0 || plus >= 0)) return undefined;
  let prerelease: string[] = [];
  if (dash >= 0) {
    prerelease = withoutBuild.slice(dash + 1).split('.');
    if (!prerelease.every((identifier) => IDENTIFIER.test(identifier) && !isBadNumericIdentifier(identifier))) return undefined;
  }
  const [major = '0', minor = '0', patch = '0'] = numbers;
  return { major, minor, patch, prerelease };
}

/** Decimal strings without leading zeros, of any length. */
function compareNumbers(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePrerelease(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 0 : a.length === 0 ? 1 : -1;
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const x = a[index] as string;
    const y = b[index] as string;
    if (x === y) continue;
    const xNumeric = /^[0-9]+$/.test(x);
    const yNumeric = /^[0-9]+$/.test(y);
    if (xNumeric && yNumeric) return compareNumbers(x, y);
    if (xNumeric !== yNumeric) return xNumeric ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return Math.sign(a.length - b.length);
}

function parseOrThrow(version: string): GoVersion {
  const parsed = parseGoVersion(version);
  if (!parsed) throw new InvalidVersionError('go', version);
  return parsed;
}

export const goScheme: VersionScheme = {
  id: 'go',
  isValid: (version) => parseGoVersion(version) !== undefined,
  compare(a, b) {
    const x = parseOrThrow(a);
    const y = parseOrThrow(b);
    return compareNumbers(x.major, y.major) || compareNumbers(x.minor, y.minor) || compareNumbers(x.patch, y.patch) || comparePrerelease(x.prerelease, y.prerelease);
  },
};
