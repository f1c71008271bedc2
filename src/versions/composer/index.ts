/**
 * Composer (Packagist) version ordering, as `Composer\Semver\Comparator` decides it: both versions
 * normalised (normalize.ts), then compared by PHP's `version_compare` (php-version-compare.ts).
 * Stabilities order `dev` < `alpha` < `beta` < `RC` < stable < `patch`; a branch (`dev-main`)
 * sorts below every numbered version, and `1.x-dev` as `1.9999999.9999999.9999999-dev`.
 *
 * Composer itself never orders two named branches (`dev-a` and `dev-b` are only equal or not);
 * for a total order they are ordered by `version_compare` and then by name, so two different
 * branches are never equal.
 */
import { InvalidVersionError, type VersionScheme } from '../scheme.js';
import { normalizeComposerVersion } from './normalize.js';
import { phpVersionCompare } from './php-version-compare.js';

function normalizeOrThrow(version: string): string {
  const normalized = normalizeComposerVersion(version);
  if (normalized === undefined) throw new InvalidVersionError('composer', version);
  return normalized;
}

export const composer: VersionScheme = {
  id: 'composer',
  isValid: (version) => normalizeComposerVersion(version) !== undefined,
  compare(a, b) {
    const left = normalizeOrThrow(a);
    const right = normalizeOrThrow(b);
    const order = phpVersionCompare(left, right);
    if (order !== 0 || left === right || !left.startsWith('dev-') || !right.startsWith('dev-')) return order;
    return left < right ? -1 : 1;
  },
};
