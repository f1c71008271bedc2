/**
 * The selection shared by analyzers that read compiled programs (Go binaries, Rust binaries built
 * with cargo-auditable): regular files with an execute bit, outside the folders that hold only debug
 * symbols and kernel modules. The analyzers add the magic bytes of the formats they read.
 *
 * The path test runs for every file of every layer: string comparisons only.
 */
import type { FileRule } from './analyzer.js';

/** Smaller than the smallest program either toolchain links (a stripped Go binary is ~1 MiB). */
const MIN_PROGRAM_SIZE = 4096;

export const executableFileRule: Omit<FileRule, 'magic'> = {
  path: (path) => !path.startsWith('/usr/lib/debug/') && !path.endsWith('.ko') && !path.endsWith('.o') && !path.endsWith('.debug'),
  // A mode the source does not record (a plain folder on a filesystem without it) is given the benefit of the doubt.
  info: ({ size, mode }) => size >= MIN_PROGRAM_SIZE && (mode === undefined || (mode & 0o111) !== 0),
};
