/**
 * .NET packages:
 * - `*.deps.json`, which the .NET SDK writes beside a built application and the host reads to load
 *   it: each `libraries` entry of `type: "package"` (`Newtonsoft.Json/13.0.1`) is a NuGet package
 *   the application was built with. Projects, references and runtime packs are not NuGet packages.
 *   A package no target lists (`targets`) is not part of the application and is left out.
 * - `packages.lock.json` (NuGet's lock file): per target framework, every `Direct`, `Transitive`
 *   and `CentralTransitive` dependency's `resolved` version; projects are skipped; a package
 *   locked for several frameworks is one package.
 *
 * JSON only, parsed by `JSON.parse` (iterative in V8: deep nesting cannot overflow the stack),
 * within the analyzer's size bound; entries that break the format are warnings, and a file listing
 * more packages than any honest one is refused (../package-count-limit.ts).
 */
import path from 'node:path';
import type { Analyzer, AnalyzerResult } from '../analyzer.js';
import type { PackageRecord } from '../../model/package.js';
import { checkPackageCount } from '../package-count-limit.js';
import { schemeForPackageType } from '../../ecosystems/list.js';

const nugetScheme = schemeForPackageType('nuget');

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseObject(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A NuGet package id: letters, digits, `.`, `_`, `-`, at most 100 characters (NuGet's own limit). */
const PACKAGE_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;
const MAX_WARNINGS = 20;
const LOCKED_TYPES = new Set(['Direct', 'Transitive', 'CentralTransitive']);

class Collector {
  readonly packages: PackageRecord[] = [];
  readonly warnings: string[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly location: string) {}

  warn(message: string): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(message);
    else if (this.warnings.length === MAX_WARNINGS) this.warnings.push('more malformed entries not listed');
  }

  add(name: string, version: string, where: string): void {
    if (!PACKAGE_ID.test(name) || !nugetScheme.isValid(version)) {
      this.warn(`${where}: ${JSON.stringify(`${name}/${version}`.slice(0, 120))} is not a NuGet package id and version; skipped`);
      return;
    }
    // NuGet ids are case-insensitive: one package however its entries spell it.
    const key = `${name.toLowerCase()}\u0000${version}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    checkPackageCount(this.packages.length + 1, 'NuGet packages');
    this.packages.push({ type: 'nuget', name, version, location: this.location });
  }

  result(): AnalyzerResult {
    return { packages: this.packages, ...(this.warnings.length ? { warnings: this.warnings } : {}) };
  }
}

/** `Name/Version` keys, split at the last `/` (ids have no slash). */
function splitLibraryKey(key: string): [string, string] | undefined {
  const slash = key.lastIndexOf('/');
  return slash > 0 && slash < key.length - 1 ? [key.slice(0, slash), key.slice(slash + 1)] : undefined;
}

export function parseDepsJson(text: string, location: string): AnalyzerResult {
  const document = parseObject(text);
  if (!document || !isObject(document.libraries)) return { warnings: ['not a .deps.json (no "libraries" object); skipped'] };
  const collector = new Collector(location);
  // The library keys every target lists; absent targets: every library counts.
  const targeted = isObject(document.targets) ? new Set(Object.values(document.targets).flatMap((target) => (isObject(target) ? Object.keys(target) : []))) : undefined;
  for (const [key, library] of Object.entries(document.libraries)) {
    if (!isObject(library)) {
      collector.warn(`libraries.${key.slice(0, 120)} is not an object; skipped`);
      continue;
    }
    if (library.type !== 'package') continue;
    if (targeted && !targeted.has(key)) continue;
    const parts = splitLibraryKey(key);
    if (!parts) {
      collector.warn(`libraries: ${JSON.stringify(key.slice(0, 120))} is not "id/version"; skipped`);
      continue;
    }
    collector.add(parts[0], parts[1], 'libraries');
  }
  return collector.result();
}

export function parsePackagesLockJson(text: string, location: string): AnalyzerResult {
  const document = parseObject(text);
  if (!document || !isObject(document.dependencies)) return { warnings: ['not a NuGet packages.lock.json (no "dependencies" object); skipped'] };
  const collector = new Collector(location);
  for (const [framework, dependencies] of Object.entries(document.dependencies)) {
    if (!isObject(dependencies)) {
      collector.warn(`dependencies.${framework.slice(0, 120)} is not an object; skipped`);
      continue;
    }
    for (const [name, dependency] of Object.entries(dependencies)) {
      if (!isObject(dependency) || typeof dependency.type !== 'string') {
        collector.warn(`${framework.slice(0, 60)}: ${JSON.stringify(name.slice(0, 100))} has no type; skipped`);
        continue;
      }
      if (!LOCKED_TYPES.has(dependency.type)) continue;
      if (typeof dependency.resolved !== 'string') {
        collector.warn(`${framework.slice(0, 60)}: ${JSON.stringify(name.slice(0, 100))} has no resolved version; skipped`);
        continue;
      }
      collector.add(name, dependency.resolved, framework.slice(0, 60));
    }
  }
  return collector.result();
}

export const nugetAnalyzer: Analyzer = {
  id: 'nuget',
  version: 1,
  patterns: ['**/*.deps.json', '**/packages.lock.json'],
  maxFileSize: 256 * 1024 * 1024,
  analyze({ path: location, content }) {
    const text = content.toString('utf8');
    return path.posix.basename(location) === 'packages.lock.json' ? parsePackagesLockJson(text, location) : parseDepsJson(text, location);
  },
};
