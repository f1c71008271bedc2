/**
 * Rust crates locked by Cargo.lock files, every format Cargo has written: v1 (checksums in a
 * `[metadata]` table), v2 (checksums inline, no `version` key), and the `version = 3` and
 * `version = 4` files. Each `[[package]]` with a name and a version is one crate: from a registry
 * (`source = "registry+…"` or `"sparse+…"`), from git (`"git+…#commit"`), or a path or workspace
 * crate (no `source`), which is still the crate its name and version say.
 *
 * Parsed with smol-toml, which refuses excessive nesting; the file's size is bounded by maxFileSize.
 */
import { parse, TomlError } from 'smol-toml';
import type { PackageRecord } from '../../model/package.js';
import type { Analyzer, AnalyzerResult } from '../analyzer.js';

/** 32 MiB: the largest real workspaces lock ~2,000 crates in under 1 MiB. */
const MAX_LOCK_FILE = 32 * 1024 * 1024;
/** Most warnings kept per file: a corrupt lock file must not make a list as long as itself. */
const MAX_WARNINGS = 20;

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseCargoLock(text: string, location: string): AnalyzerResult {
  let document: Record<string, unknown>;
  try {
    document = parse(text);
  } catch (error) {
    if (error instanceof TomlError || error instanceof Error) return { warnings: [`not a readable Cargo.lock: ${error.message.split('\n')[0] ?? ''}`] };
    throw error;
  }
  const version = document.version;
  if (version !== undefined && (typeof version !== 'number' || version < 1 || version > 4)) {
    return { warnings: [`Cargo.lock format version ${JSON.stringify(version)} is not one Tollgate reads (1 to 4); skipped`] };
  }
  const entries = document.package;
  if (entries === undefined) return {};
  if (!Array.isArray(entries)) return { warnings: ['`package` is not an array of tables; skipped'] };
  const packages: PackageRecord[] = [];
  const warnings: string[] = [];
  entries.forEach((entry: unknown, index) => {
    const name = isTable(entry) ? entry.name : undefined;
    const crateVersion = isTable(entry) ? entry.version : undefined;
    if (typeof name !== 'string' || name === '' || typeof crateVersion !== 'string' || crateVersion === '') {
      if (warnings.length < MAX_WARNINGS) warnings.push(`package ${index + 1} has no name or version; skipped`);
      return;
    }
    packages.push({ type: 'cargo', name, version: crateVersion, location });
  });
  return { packages, ...(warnings.length ? { warnings } : {}) };
}

export const cargoLockAnalyzer: Analyzer = {
  id: 'cargo-lock',
  version: 1,
  patterns: ['**/Cargo.lock'],
  maxFileSize: MAX_LOCK_FILE,
  analyze: ({ path, content }) => parseCargoLock(content.toString('utf8'), path),
};
