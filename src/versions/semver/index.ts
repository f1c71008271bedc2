/**
 * npm version ordering: Semantic Versioning 2.0 through the `semver` package, accepting versions
 * as they appear in installed package.json files and advisories (a leading `v` or `=`, loose
 * forms, and partial versions such as `1.0` or `2`, which advisories use and which order as
 * `1.0.0` and `2.0.0`). Build metadata (`+build`) is ignored for ordering, as SemVer says.
 */
import semver, { type SemVer } from 'semver';
import { InvalidVersionError, type VersionScheme } from '../scheme.js';

const PARTIAL = /^\s*[v=]*\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?((?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)\s*$/;

export function parseSemver(version: string): SemVer | undefined {
  if (version.length > 256) return undefined;
  const direct = semver.parse(version, { loose: true });
  if (direct) return direct;
  const partial = PARTIAL.exec(version);
  if (!partial) return undefined;
  const [, major, minor = '0', patch = '0', tail = ''] = partial;
  return semver.parse(`${major}.${minor}.${patch}${tail}`, { loose: true }) ?? undefined;
}

/**
 * Parsed versions by text: matching compares one installed version with every range event of
 * every candidate advisory, and the same few strings come back thousands of times. Comparison
 * never changes a parsed version, so sharing them is safe.
 */
const parsedVersions = new Map<string, SemVer>();
const MAX_REMEMBERED = 20_000;

function parseOrThrow(version: string): SemVer {
  let parsed = parsedVersions.get(version);
  if (parsed) return parsed;
  parsed = parseSemver(version);
  if (!parsed) throw new InvalidVersionError('semver', version);
  if (parsedVersions.size >= MAX_REMEMBERED) parsedVersions.clear();
  parsedVersions.set(version, parsed);
  return parsed;
}

export const semverScheme: VersionScheme = {
  id: 'semver',
  isValid: (version) => parseSemver(version) !== undefined,
  compare: (a, b) => parseOrThrow(a).compare(parseOrThrow(b)),
};
