/**
 * Whether a version is affected by one OSV `affected` entry, following the evaluation the OSV
 * schema specifies: an explicit `versions` list, or ranges whose events, sorted in the ecosystem's
 * order, switch the version in (`introduced`, with "0" meaning from the beginning) and out
 * (`fixed`: that version and later; `last_affected`: later than it); `limit` events bound a range
 * from above. `SEMVER` ranges use SemVer ordering whatever the ecosystem; `GIT` ranges name commits
 * and are not evaluated against package versions.
 */
import { getVersionScheme } from '../versions/list.js';
import type { VersionScheme } from '../versions/scheme.js';
import type { OsvEvent, OsvRange } from '../vulndb/osv.js';

export interface AffectEvaluation {
  affected: boolean;
  /** `fixed` versions above the installed version in the ranges that affect it, lowest first. */
  fixedVersions: string[];
  /** Ranges that could not be evaluated (a version the scheme cannot read). */
  problems: string[];
}

function eventVersion(event: OsvEvent): string {
  return event.introduced ?? event.fixed ?? event.last_affected ?? event.limit ?? '';
}

function rangeIncludes(version: string, range: OsvRange, scheme: VersionScheme): { affected: boolean; fixed: string[] } {
  const compare = (a: string, b: string): number => (a === '0' ? (b === '0' ? 0 : -1) : b === '0' ? 1 : scheme.compare(a, b));
  const events = range.events.filter((event) => eventVersion(event) !== '' && !(event.limit === '*'));
  const sorted = [...events].sort((a, b) => compare(eventVersion(a), eventVersion(b)));
  const limits = sorted.filter((event) => event.limit !== undefined).map((event) => event.limit as string);
  if (limits.length > 0 && !limits.some((limit) => scheme.compare(version, limit) < 0)) return { affected: false, fixed: [] };
  let affected = false;
  for (const event of sorted) {
    if (event.introduced !== undefined && (event.introduced === '0' || scheme.compare(version, event.introduced) >= 0)) affected = true;
    else if (event.fixed !== undefined && scheme.compare(version, event.fixed) >= 0) affected = false;
    else if (event.last_affected !== undefined && scheme.compare(version, event.last_affected) > 0) affected = false;
  }
  const fixed = affected ? sorted.filter((event) => event.fixed !== undefined && scheme.compare(event.fixed, version) > 0).map((event) => event.fixed as string) : [];
  return { affected, fixed };
}

export function evaluateAffected(version: string, entry: { ranges: readonly OsvRange[]; versions: readonly string[] }, scheme: VersionScheme): AffectEvaluation {
  const result: AffectEvaluation = { affected: false, fixedVersions: [], problems: [] };
  for (const listed of entry.versions) {
    if (listed === version) result.affected = true;
    else if (scheme.isValid(listed) && scheme.isValid(version) && scheme.compare(listed, version) === 0) result.affected = true;
  }
  const fixed = new Set<string>();
  for (const range of entry.ranges) {
    if (range.type === 'GIT') continue;
    const rangeScheme = range.type === 'SEMVER' ? getVersionScheme('semver') : scheme;
    try {
      const outcome = rangeIncludes(version, range, rangeScheme);
      if (outcome.affected) {
        result.affected = true;
        outcome.fixed.forEach((value) => fixed.add(value));
      }
    } catch (error) {
      result.problems.push((error as Error).message);
    }
  }
  result.fixedVersions = [...fixed].sort((a, b) => {
    try {
      return scheme.compare(a, b);
    } catch {
      return a.localeCompare(b);
    }
  });
  return result;
}
