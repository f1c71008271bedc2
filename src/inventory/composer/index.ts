/**
 * PHP packages Composer installed or locked:
 * - `vendor/composer/installed.json`, which Composer writes on every install: version 2's
 *   `{ "packages": [...], "dev": ..., "dev-package-names": [...] }` and version 1's bare array;
 * - `composer.lock`: `packages` and, marked as development dependencies, `packages-dev`.
 * Every record carries `installPath`, the folder the package is (or would be) installed in, so a
 * package seen both in installed.json and in the lock file of the same project is one package
 * (../dedupe.ts). The project's own composer.json is not a dependency and is not read.
 *
 * JSON only, parsed by `JSON.parse` (iterative in V8: deep nesting cannot overflow the stack),
 * within the analyzer's size bound; entries that are not package objects are warnings, and a list
 * longer than any honest one is refused (../package-count-limit.ts).
 */
import path from 'node:path';
import type { Analyzer, AnalyzerResult } from '../analyzer.js';
import type { PackageRecord } from '../../model/package.js';
import { checkPackageCount } from '../package-count-limit.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `vendor/package`, lower case letters, digits and `_.-` around the one slash (Composer's name rule, case-insensitively). */
const PACKAGE_NAME = /^[a-z0-9](?:[_.-]?[a-z0-9]+)*\/[a-z0-9](?:(?:[_.]|-{1,2})?[a-z0-9]+)*$/i;
const MAX_WARNINGS = 20;

function licensesOf(entry: Json): string[] | undefined {
  if (typeof entry.license === 'string') return [entry.license];
  if (!Array.isArray(entry.license)) return undefined;
  const licenses = entry.license.filter((license): license is string => typeof license === 'string');
  return licenses.length ? licenses : undefined;
}

interface ListContext {
  location: string;
  warnings: string[];
  /** The folder a package is installed in, from its entry. */
  installPathOf(entry: Json, name: string): string | undefined;
  dev(name: string): boolean;
}

function readPackages(list: unknown, context: ListContext, label: string): PackageRecord[] {
  if (list === undefined) return [];
  const warn = (message: string): void => {
    if (context.warnings.length < MAX_WARNINGS) context.warnings.push(message);
  };
  if (!Array.isArray(list)) {
    warn(`"${label}" is not a list; skipped`);
    return [];
  }
  checkPackageCount(list.length, `"${label}" entries`);
  const records: PackageRecord[] = [];
  for (const [index, entry] of list.entries()) {
    if (!isObject(entry) || typeof entry.name !== 'string' || typeof entry.version !== 'string') {
      warn(`${label}[${index}] has no name and version; skipped`);
      continue;
    }
    if (!PACKAGE_NAME.test(entry.name) || entry.name.length > 200) {
      warn(`${label}[${index}]: ${JSON.stringify(entry.name.slice(0, 100))} is not a Composer package name; skipped`);
      continue;
    }
    if (entry.version === '' || entry.version.length > 200) {
      warn(`${label}[${index}] (${entry.name}) has no usable version; skipped`);
      continue;
    }
    const installPath = context.installPathOf(entry, entry.name);
    const licenses = licensesOf(entry);
    records.push({
      type: 'composer',
      name: entry.name,
      version: entry.version,
      location: context.location,
      ...(installPath ? { installPath } : {}),
      ...(context.dev(entry.name) ? { dev: true } : {}),
      ...(licenses ? { licenses } : {}),
    });
  }
  return records;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `vendor/composer/installed.json`, version 1 (an array) or 2 (an object with `packages`). */
export function parseInstalledJson(text: string, location: string): AnalyzerResult {
  const document = parseJson(text);
  const list = Array.isArray(document) ? document : isObject(document) ? document.packages : undefined;
  if (list === undefined) return { warnings: ['not a Composer installed.json (neither a list of packages nor an object with "packages"); skipped'] };
  const devNames = new Set(isObject(document) && Array.isArray(document['dev-package-names']) ? document['dev-package-names'].filter((name): name is string => typeof name === 'string').map((name) => name.toLowerCase()) : []);
  const composerDir = path.posix.dirname(location);
  const vendorDir = path.posix.dirname(composerDir);
  const warnings: string[] = [];
  const packages = readPackages(
    list,
    {
      location,
      warnings,
      // Version 2 says where, relative to vendor/composer; version 1 installed into vendor/<name>.
      installPathOf: (entry, name) => (typeof entry['install-path'] === 'string' ? path.posix.join(composerDir, entry['install-path']) : path.posix.join(vendorDir, name.toLowerCase())),
      dev: (name) => devNames.has(name.toLowerCase()),
    },
    'packages',
  );
  return { packages, ...(warnings.length ? { warnings } : {}) };
}

/** `composer.lock`: `packages`, and `packages-dev` as development dependencies. */
export function parseComposerLock(text: string, location: string): AnalyzerResult {
  const document = parseJson(text);
  if (!isObject(document) || (document.packages === undefined && document['packages-dev'] === undefined)) return { warnings: ['not a composer.lock (no "packages"); skipped'] };
  const vendorDir = path.posix.join(path.posix.dirname(location), 'vendor');
  const warnings: string[] = [];
  const context = (dev: boolean): ListContext => ({ location, warnings, installPathOf: (_entry, name) => path.posix.join(vendorDir, name.toLowerCase()), dev: () => dev });
  const packages = [...readPackages(document.packages, context(false), 'packages'), ...readPackages(document['packages-dev'], context(true), 'packages-dev')];
  if (warnings.length === MAX_WARNINGS) warnings.push('more malformed entries not listed');
  return { packages, ...(warnings.length ? { warnings } : {}) };
}

/** A package's own folder under vendor/: a composer.lock there is the package's development lock, not an install. */
const INSIDE_VENDOR_PACKAGE = /\/vendor\/[^/]+\/[^/]+\//;

export const composerAnalyzer: Analyzer = {
  id: 'composer',
  version: 1,
  patterns: ['**/composer/installed.json', '**/composer.lock'],
  maxFileSize: 256 * 1024 * 1024,
  analyze({ path: location, content }) {
    const text = content.toString('utf8');
    if (path.posix.basename(location) !== 'composer.lock') return parseInstalledJson(text, location);
    return INSIDE_VENDOR_PACKAGE.test(location) ? {} : parseComposerLock(text, location);
  },
};
