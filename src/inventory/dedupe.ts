/**
 * One package per install: npm records that describe the same install (same install folder, name
 * and version) from a node_modules package.json and from lock files become one, keeping the
 * package.json's location and the lock file's dev flag; Composer records from installed.json and
 * composer.lock likewise. Python distributions described twice in
 * one folder (`X.egg-info` and `X-1.0.dist-info`, same name and version) become one, located at the
 * dist-info. Exact duplicates of any type (the same package read twice from the same file) collapse
 * too, and so do rpm records of the same name, version and architecture read from different rpm
 * database files. A Go module listed by a go.mod is the go.mod's: the go.sum beside it adds only the
 * modules the go.mod does not name (an old go.mod omits indirect ones), never a second version.
 * Order is stable: first occurrence wins.
 */
import type { PackageRecord } from '../model/package.js';

/**
 * The folder a Python distribution is installed in (`/usr/lib/python3/dist-packages`), from the
 * location of its metadata (`.../X-1.0.dist-info/METADATA`, `.../X.egg-info/PKG-INFO`,
 * `.../X.egg-info`); undefined for a location that is neither.
 */
function pythonInstallFolder(location: string): string | undefined {
  const parts = location.split('/');
  const index = parts.findLastIndex((part) => part.endsWith('.dist-info') || part.endsWith('.egg-info'));
  return index > 0 ? parts.slice(0, index).join('/') : undefined;
}

function keyOf(record: PackageRecord): string {
  // A system has one rpm database: the same package read from two of its files (a copy in each rpm folder, an old-format file left beside the new one) is one install.
  if (record.type === 'rpm') return ['rpm', record.name, record.version, record.architecture ?? ''].join('\u0000');
  if ((record.type === 'npm' || record.type === 'composer') && record.installPath) return [record.type, record.installPath, record.name, record.version].join('\u0000');
  // One distribution in one folder is one install, however many metadata folders describe it
  // (Debian's python3-* ship both X.egg-info and .dist-info for some): Python imports one.
  const folder = record.type === 'pypi' ? pythonInstallFolder(record.location) : undefined;
  if (folder !== undefined) return ['pypi', folder, record.name, record.version].join('\u0000');
  return [record.type, record.location, record.name, record.version, record.architecture ?? ''].join('\u0000');
}

const isDistInfo = (location: string): boolean => location.includes('.dist-info/');

const isLockFile = (location: string): boolean => location.endsWith('package-lock.json') || location.endsWith('/composer.lock');

const GO_SUM = '/go.sum';

/** `D/go.sum` records of modules the `D/go.mod` beside it names: described twice, the go.mod decides. */
function goSumDuplicates(records: readonly PackageRecord[]): Set<PackageRecord> {
  const named = new Set<string>();
  for (const record of records) if (record.type === 'golang' && record.location.endsWith('/go.mod')) named.add(`${record.location.slice(0, -'/go.mod'.length)}\u0000${record.name}`);
  const dropped = new Set<PackageRecord>();
  if (named.size === 0) return dropped;
  for (const record of records) {
    if (record.type === 'golang' && record.location.endsWith(GO_SUM) && named.has(`${record.location.slice(0, -GO_SUM.length)}\u0000${record.name}`)) dropped.add(record);
  }
  return dropped;
}

export function dedupePackages(records: readonly PackageRecord[]): PackageRecord[] {
  const byKey = new Map<string, PackageRecord>();
  const describedByGoMod = goSumDuplicates(records);
  for (const record of records) {
    if (describedByGoMod.has(record)) continue;
    const key = keyOf(record);
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...record });
      continue;
    }
    if (record.type === 'pypi') {
      // The dist-info (the current metadata format) is the location; the licences either one gives.
      const preferred = isDistInfo(record.location) && !isDistInfo(seen.location) ? record : seen;
      const other = preferred === record ? seen : record;
      const licenses = preferred.licenses ?? other.licenses;
      byKey.set(key, { ...preferred, ...(licenses ? { licenses } : {}) });
      continue;
    }
    // Prefer the installed package.json as the location; a lock file decides the dev flag.
    const installed = isLockFile(seen.location) && !isLockFile(record.location) ? record : seen;
    const lock = isLockFile(record.location) ? record : isLockFile(seen.location) ? seen : undefined;
    const merged: PackageRecord = { ...installed };
    if (lock?.dev) merged.dev = true;
    else delete merged.dev;
    if (!merged.licenses && (seen.licenses ?? record.licenses)) merged.licenses = seen.licenses ?? record.licenses;
    byKey.set(key, merged);
  }
  return [...byKey.values()];
}
