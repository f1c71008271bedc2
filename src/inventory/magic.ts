/**
 * Magic bytes: the signatures that identify a file format from its first bytes, for analyzers
 * that choose files by content rather than by name (a Go binary can be called anything; a jar is
 * a zip whatever its extension). One place for the well-known ones, so analyzers name them instead
 * of repeating byte arrays.
 *
 * Matching reads only the prefix the walk already peeked; it never reads a file itself.
 */

/** A signature: `bytes` found at `offset` (0 unless the format puts its magic further in). */
export interface MagicBytes {
  /** What the signature identifies, for messages and tests: `ELF`, `zip`. */
  readonly name: string;
  readonly offset: number;
  readonly bytes: Uint8Array;
}

function magic(name: string, bytes: readonly number[] | string, offset = 0): MagicBytes {
  return Object.freeze({ name, offset, bytes: typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Uint8Array.from(bytes) });
}

/** The signatures analyzers choose files by. */
export const MAGIC = Object.freeze({
  /** Executable and Linkable Format: Linux executables and shared libraries (Go and Rust binaries). */
  elf: magic('ELF', [0x7f, 0x45, 0x4c, 0x46]),
  /** A zip local file header: jar, war, ear, wheel, egg. */
  zip: magic('zip', [0x50, 0x4b, 0x03, 0x04]),
  /** An empty zip archive (only the end-of-central-directory record). */
  emptyZip: magic('empty zip', [0x50, 0x4b, 0x05, 0x06]),
  /** gzip: tarballs, compressed man pages and changelogs. */
  gzip: magic('gzip', [0x1f, 0x8b]),
  /** SQLite 3 database: the rpm database of current Fedora and RHEL (`rpmdb.sqlite`). */
  sqlite: magic('SQLite', 'SQLite format 3\u0000'),
  /** Berkeley DB hash database, native byte order of a little-endian host: the rpm `Packages` of RHEL 7 and 8. */
  berkeleyDbHash: magic('Berkeley DB hash', [0x61, 0x15, 0x06, 0x00], 12),
  /** Mach-O 64-bit, little-endian: macOS executables (Go binaries cross-built for darwin). */
  machO64: magic('Mach-O 64-bit', [0xcf, 0xfa, 0xed, 0xfe]),
  /** MS-DOS stub of a PE executable (Windows binaries). */
  portableExecutable: magic('PE', [0x4d, 0x5a]),
});

/** Bytes a prefix must hold to decide every one of `signatures`. */
export function prefixLength(signatures: readonly MagicBytes[]): number {
  let length = 0;
  for (const signature of signatures) length = Math.max(length, signature.offset + signature.bytes.length);
  return length;
}

/** True when `prefix` (a file's first bytes) carries `signature`; a prefix too short never does. */
export function hasMagic(prefix: Uint8Array, signature: MagicBytes): boolean {
  const { offset, bytes } = signature;
  if (prefix.length < offset + bytes.length) return false;
  for (let index = 0; index < bytes.length; index++) if (prefix[offset + index] !== bytes[index]) return false;
  return true;
}

/** True when `prefix` carries any of `signatures`. */
export function hasAnyMagic(prefix: Uint8Array, signatures: readonly MagicBytes[]): boolean {
  return signatures.some((signature) => hasMagic(prefix, signature));
}
