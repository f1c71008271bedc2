/**
 * Rust crates compiled into binaries built with cargo-auditable: the `.dep-v0` ELF section holds
 * the dependency tree as zlib-compressed JSON, `{"packages":[{"name","version","source","kind",
 * "dependencies","root"}]}`. Every package the binary's code came from is listed; build-time-only
 * dependencies (`"kind": "build"`: build scripts and proc-macros) are not in the binary and are not.
 *
 * The section is read by position (at most MAX_COMPRESSED bytes) and inflated with a bound on its
 * output (MAX_INFLATED): a zlib bomb is a warning, never an allocation of what it would expand to.
 */
import { inflateSync } from 'node:zlib';
import type { PackageRecord } from '../../model/package.js';
import type { AnalyzerResult, SeekableFile, SeekableFileAnalyzer } from '../analyzer.js';
import { ElfFormatError, readElf, readSection, sectionNamed } from '../elf.js';
import { executableFileRule } from '../executable-rule.js';
import { MAGIC } from '../magic.js';

/** cargo-auditable's section of a binary with ~1,000 crates is ~20 KiB; 8 MiB is far beyond honest. */
const MAX_COMPRESSED = 8 * 1024 * 1024;
/** The JSON of ~1,000 crates is ~100 KiB inflated. */
export const MAX_INFLATED = 16 * 1024 * 1024;
const MAX_WARNINGS = 20;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The crates of one `.dep-v0` JSON document. */
export function packagesFromAuditData(json: string, location: string): AnalyzerResult {
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch {
    return { warnings: ['cargo-auditable data is not JSON; skipped'] };
  }
  if (!isObject(document) || !Array.isArray(document.packages)) return { warnings: ['cargo-auditable data has no package list; skipped'] };
  const packages: PackageRecord[] = [];
  const warnings: string[] = [];
  document.packages.forEach((entry: unknown, index) => {
    if (!isObject(entry) || typeof entry.name !== 'string' || entry.name === '' || typeof entry.version !== 'string' || entry.version === '') {
      if (warnings.length < MAX_WARNINGS) warnings.push(`cargo-auditable package ${index + 1} has no name or version; skipped`);
      return;
    }
    if (entry.kind === 'build') return;
    packages.push({ type: 'cargo', name: entry.name, version: entry.version, location });
  });
  return { packages, ...(warnings.length ? { warnings } : {}) };
}

/** The crates of one ELF file; nothing when it carries no `.dep-v0` section. */
export async function analyzeRustBinary(file: SeekableFile, location: string): Promise<AnalyzerResult> {
  let compressed: Buffer;
  try {
    const elf = await readElf(file);
    const section = sectionNamed(elf, '.dep-v0');
    if (!section) return {};
    if (section.size > MAX_COMPRESSED) return { warnings: [`cargo-auditable section of ${section.size} bytes (at most ${MAX_COMPRESSED} are read); skipped`] };
    compressed = await readSection(file, section, MAX_COMPRESSED);
  } catch (error) {
    // The Go binary analyzer reads the same headers and says once that they are unreadable.
    if (error instanceof ElfFormatError) return {};
    throw error;
  }
  let json: Buffer;
  try {
    json = inflateSync(compressed, { maxOutputLength: MAX_INFLATED });
  } catch (error) {
    const tooLarge = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    return { warnings: [tooLarge ? `cargo-auditable data inflates past ${MAX_INFLATED} bytes; skipped` : `cargo-auditable data is not zlib data (${(error as Error).message}); skipped`] };
  }
  return packagesFromAuditData(json.toString('utf8'), location);
}

export const rustBinaryAnalyzer: SeekableFileAnalyzer = {
  id: 'rust-binary',
  version: 1,
  kind: 'seekable',
  select: { ...executableFileRule, magic: [MAGIC.elf] },
  analyzeFile: ({ path, file }) => analyzeRustBinary(file, path),
};
