/**
 * Go modules a source tree requires, from its go.mod (gomod.ts), with `replace` and `exclude`
 * applied as the go command applies them.
 *
 * Since Go 1.17 a go.mod lists every module the build needs (graph pruning). An older go.mod lists
 * only some indirect dependencies: the modules whose code the build downloaded are in the go.sum
 * beside it (gosum.ts), read as a file of its own — every file is analyzed alone, so a post-walk
 * analyzer, which every warm scan would pay for, is not needed — and reconciled with the go.mod when
 * the inventory is finished (src/inventory/dedupe.ts): a module the go.mod names is the go.mod's,
 * at its version; the go.sum adds the rest.
 *
 * go.mod files in the module cache (`/pkg/mod/`) and under `vendor/` are other modules' files, not
 * the tree's requirements, and are not read.
 */
import { schemeForPackageType } from '../../ecosystems/list.js';
import type { PackageRecord } from '../../model/package.js';
import type { Analyzer, AnalyzerResult } from '../analyzer.js';
import { isModulePath } from '../go-binary/module-path.js';
import { parseGoMod, type GoModFile } from './gomod.js';
import { parseGoSum } from './gosum.js';

/** 8 MiB: the go.mod of the largest Go monorepos is well under 1 MiB. */
const MAX_GO_FILE = 8 * 1024 * 1024;
const MAX_WARNINGS = 40;

function isDirectoryPath(path: string): boolean {
  return path.startsWith('./') || path.startsWith('../') || path.startsWith('/') || path === '.' || path === '..' || path.startsWith('.\\') || path.startsWith('..\\') || /^[A-Za-z]:[\\/]/.test(path);
}

/** True when the go directive names a release before 1.17 (or there is none: Go then assumes 1.16). */
function beforeGraphPruning(goVersion: string | undefined): boolean {
  const match = /^1\.(\d+)/.exec(goVersion ?? '1.16');
  return match !== null && Number(match[1]) < 17;
}

/** The module and version a requirement builds, after `replace`; a folder stands in for the module it replaces. */
function replaced(file: GoModFile, path: string, version: string): { path: string; version: string } {
  const rule = file.replaces.find((replace) => replace.path === path && replace.version === version) ?? file.replaces.find((replace) => replace.path === path && replace.version === undefined);
  if (!rule || isDirectoryPath(rule.newPath) || !rule.newVersion) return { path, version };
  return { path: rule.newPath, version: rule.newVersion };
}

export function packagesFromGoMod(goMod: string, location: string): AnalyzerResult {
  const file = parseGoMod(goMod);
  const scheme = schemeForPackageType('golang');
  const warnings = [...file.warnings];
  const excluded = new Set(file.excludes.map((exclude) => `${exclude.path}@${exclude.version}`));
  const chosen = new Map<string, string>();
  for (const requirement of file.requires) {
    if (!isModulePath(requirement.path) || !scheme.isValid(requirement.version)) {
      if (warnings.length < MAX_WARNINGS) warnings.push(`a requirement of ${JSON.stringify(requirement.path.slice(0, 80))} at ${JSON.stringify(requirement.version.slice(0, 40))} is not a module path and version; skipped`);
      continue;
    }
    if (excluded.has(`${requirement.path}@${requirement.version}`)) {
      warnings.push(`${requirement.path} ${requirement.version} is both required and excluded; skipped`);
      continue;
    }
    chosen.set(requirement.path, requirement.version);
  }
  if (chosen.size > 0 && beforeGraphPruning(file.goVersion)) {
    warnings.push(`written for Go ${file.goVersion ?? '1.16 (no go directive)'}, before go.mod listed every module a build needs: indirect dependencies come from the go.sum beside it, and are missing without one`);
  }
  const packages: PackageRecord[] = [];
  for (const [path, version] of chosen) {
    const module = replaced(file, path, version);
    if (!isModulePath(module.path) || !scheme.isValid(module.version)) {
      if (warnings.length < MAX_WARNINGS) warnings.push(`${path} is replaced by ${JSON.stringify(module.path.slice(0, 80))} at ${JSON.stringify(module.version.slice(0, 40))}, not a module path and version; skipped`);
      continue;
    }
    packages.push({ type: 'golang', name: module.path, version: module.version, location });
  }
  return { packages, ...(warnings.length ? { warnings } : {}) };
}

/** The modules whose code a go.sum records, each at the highest version with a zip checksum. */
export function packagesFromGoSum(goSum: string, location: string): AnalyzerResult {
  const { modules, warnings } = parseGoSum(goSum);
  const packages: PackageRecord[] = [...modules].map(([name, version]) => ({ type: 'golang', name, version, location }));
  return { packages, ...(warnings.length ? { warnings } : {}) };
}

function isModuleCacheOrVendor(path: string): boolean {
  return path.includes('/pkg/mod/') || path.includes('/vendor/');
}

export const goModAnalyzer: Analyzer = {
  id: 'go-mod',
  version: 2,
  patterns: ['**/go.mod', '**/go.sum'],
  maxFileSize: MAX_GO_FILE,
  analyze: ({ path, content }) => {
    if (isModuleCacheOrVendor(path)) return {};
    return path.endsWith('/go.sum') || path === 'go.sum' ? packagesFromGoSum(content.toString('utf8'), path) : packagesFromGoMod(content.toString('utf8'), path);
  },
};
