/**
 * The names under which a stored inventory's packages are looked up in the vulnerability
 * database, in one canonical spelling (lower case, runs of `-`, `_`, `.` as one `-`), so the
 * incremental re-evaluation can tell whether a database change can touch an inventory. Coarser
 * than any ecosystem's own name normalisation, and over both the package's name and the name its
 * advisories use (a Debian binary's source package): two names that may meet in a lookup always
 * share a canonical name. Never misses a name; may keep a few too many, which only costs a match.
 */
import { ecosystemFor } from '../../ecosystems/list.js';
import type { ScanResult } from '../../model/image-scan.js';

export function canonicalPackageName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The distinct canonical names of a result's packages, sorted. */
export function packageNamesOf(result: Pick<ScanResult, 'packages' | 'os'>): string[] {
  const names = new Set<string>();
  for (const pkg of result.packages) {
    names.add(canonicalPackageName(pkg.name));
    const descriptor = ecosystemFor(pkg.type, result.os);
    if (!descriptor) continue;
    try {
      names.add(canonicalPackageName(descriptor.advisoryQuery(pkg).name));
    } catch {
      // A package the descriptor cannot query is not matched either; its own name is kept above.
    }
  }
  return [...names].sort();
}

/** The stored form (scans.package_names): one name per line. */
export function encodePackageNames(names: readonly string[]): string {
  return names.join('\n');
}

export function decodePackageNames(stored: string): string[] {
  return stored === '' ? [] : stored.split('\n');
}
