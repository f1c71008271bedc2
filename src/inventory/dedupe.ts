/**
 * One package per install: npm records that describe the same install (same install folder, name
 * and version) from a node_modules package.json and from lock files become one, keeping the
 * package.json's location and the lock file's dev flag. Exact duplicates of any type (the same
 * package read twice from the same file) collapse too. Order is stable: first occurrence wins.
 */
import type { PackageRecord } from '../model/package.js';

function keyOf(record: PackageRecord): string {
  if (record.type === 'npm' && record.installPath) return ['npm', record.installPath, record.name, record.version].join('\u0000');
  return [record.type, record.location, record.name, record.version, record.architecture ?? ''].join('\u0000');
}

const isLockFile = (location: string): boolean => location.endsWith('package-lock.json');

export function dedupePackages(records: readonly PackageRecord[]): PackageRecord[] {
  const byKey = new Map<string, PackageRecord>();
  for (const record of records) {
    const key = keyOf(record);
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...record });
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
