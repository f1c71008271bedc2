/**
 * npm packages: installed ones (`node_modules/**` package.json files, scoped and nested) and the
 * ones lock files record (`package-lock.json` versions 1, 2 and 3, and npm's hidden
 * `node_modules/.package-lock.json`). Every record carries `installPath`, the folder the package
 * is (or would be) installed in, so a package seen both installed and in a lock file is one
 * package (see ../dedupe.ts). Lock files tell development dependencies apart.
 *
 * The project's own package.json (outside node_modules) is not a dependency and is not read.
 */
import path from 'node:path';
import { MAX_IDENTIFIER_CHARS, type Analyzer, type AnalyzerResult } from '../analyzer.js';
import { WarningTally } from '../../util/bounded-warnings.js';
import type { PackageRecord } from '../../model/package.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function licensesOf(manifest: Json): string[] | undefined {
  if (typeof manifest.license === 'string') return [manifest.license];
  if (isObject(manifest.license) && typeof manifest.license.type === 'string') return [manifest.license.type];
  if (Array.isArray(manifest.licenses)) {
    const types = manifest.licenses.map((entry) => (isObject(entry) && typeof entry.type === 'string' ? entry.type : undefined)).filter((type): type is string => type !== undefined);
    return types.length ? types : undefined;
  }
  return undefined;
}

/** A package.json inside node_modules: one installed package. */
export function parseInstalledManifest(text: string, location: string): AnalyzerResult {
  const manifest = parseJson(text);
  if (!manifest) return { warnings: ['not a JSON object; skipped'] };
  if (typeof manifest.name !== 'string' || typeof manifest.version !== 'string' || manifest.name === '' || manifest.version === '') return {};
  if (tooLong(manifest.name, manifest.version)) return { warnings: [`a name or version longer than ${MAX_IDENTIFIER_CHARS} characters; skipped`] };
  const licenses = licensesOf(manifest);
  return {
    packages: [{ type: 'npm', name: manifest.name, version: manifest.version, location, installPath: path.posix.dirname(location), ...(licenses ? { licenses } : {}) }],
  };
}

/** The package name a lock file's `packages` key implies: the part after the last node_modules/. */
function nameFromInstallKey(key: string): string {
  const marker = key.lastIndexOf('node_modules/');
  return marker === -1 ? key : key.slice(marker + 'node_modules/'.length);
}

function tooLong(...values: string[]): boolean {
  return values.some((value) => value.length > MAX_IDENTIFIER_CHARS);
}

function lockV2Packages(lock: Json, projectRoot: string, location: string, warnings: WarningTally): PackageRecord[] {
  const packages = isObject(lock.packages) ? lock.packages : {};
  const records: PackageRecord[] = [];
  for (const [key, value] of Object.entries(packages)) {
    if (key === '' || !key.includes('node_modules/') || !isObject(value) || value.link === true) continue;
    const name = typeof value.name === 'string' ? value.name : nameFromInstallKey(key);
    if (typeof value.version !== 'string' || value.version === '') {
      warnings.add(`"${key.slice(0, 200)}" has no version; skipped`);
      continue;
    }
    if (tooLong(name, value.version, key)) {
      warnings.add(`"${key.slice(0, 200)}…": a name, version or path longer than ${MAX_IDENTIFIER_CHARS} characters; skipped`);
      continue;
    }
    records.push({
      type: 'npm',
      name,
      version: value.version,
      location,
      installPath: path.posix.join(projectRoot, key),
      ...(value.dev === true ? { dev: true } : {}),
      ...(typeof value.license === 'string' ? { licenses: [value.license] } : {}),
    });
  }
  return records;
}

function lockV1Packages(dependencies: unknown, parentPath: string, location: string, records: PackageRecord[], depth: number): void {
  if (!isObject(dependencies) || depth > 64) return;
  for (const [name, value] of Object.entries(dependencies)) {
    if (!isObject(value) || typeof value.version !== 'string' || tooLong(name, value.version)) continue;
    const installPath = path.posix.join(parentPath, 'node_modules', name);
    records.push({ type: 'npm', name, version: value.version, location, installPath, ...(value.dev === true ? { dev: true } : {}) });
    lockV1Packages(value.dependencies, installPath, location, records, depth + 1);
  }
}

/** A package-lock.json (or npm's hidden lock file) describing the tree under `projectRoot`. */
export function parseLockFile(text: string, location: string, projectRoot: string): AnalyzerResult {
  const lock = parseJson(text);
  if (!lock) return { warnings: ['not a JSON object; skipped'] };
  const warnings = new WarningTally();
  const version = typeof lock.lockfileVersion === 'number' ? lock.lockfileVersion : 1;
  let packages: PackageRecord[];
  if (version >= 2 && isObject(lock.packages)) {
    packages = lockV2Packages(lock, projectRoot, location, warnings);
  } else {
    packages = [];
    lockV1Packages(lock.dependencies, projectRoot, location, packages, 0);
  }
  const problems = warnings.list('entries like these');
  return { packages, ...(problems.length ? { warnings: problems } : {}) };
}

export const npmAnalyzer: Analyzer = {
  id: 'npm',
  version: 1,
  patterns: ['**/node_modules/*/package.json', '**/node_modules/@*/*/package.json', '**/package-lock.json', '**/node_modules/.package-lock.json'],
  maxFileSize: 256 * 1024 * 1024,
  analyze({ path: location, content }) {
    const text = content.toString('utf8');
    const base = path.posix.basename(location);
    if (base === '.package-lock.json') return parseLockFile(text, location, path.posix.dirname(path.posix.dirname(location)));
    if (base === 'package-lock.json') return parseLockFile(text, location, path.posix.dirname(location));
    return parseInstalledManifest(text, location);
  },
};
