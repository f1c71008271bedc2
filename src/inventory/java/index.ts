/**
 * Java archives: jar, war, ear, par and the other zip-based Java packagings, with the archives
 * nested in them (Spring Boot's `BOOT-INF/lib/*.jar`, a war's `WEB-INF/lib/*.jar`, an ear's
 * modules), each reported as a Maven package `groupId:artifactId` at its version.
 *
 * An archive's identity comes from the first of these that gives one: every
 * `META-INF/maven/<group>/<artifact>/pom.properties` (a shaded jar has several: one package each),
 * then those folders' `pom.xml`, then the manifest's `Implementation-*`/`Bundle-*` attributes, then
 * the file name. Each package says which (`identityFrom`), so a jar without Maven metadata is still
 * listed and marked as such; one jar described by both its manifest and its pom.properties is one
 * package.
 *
 * Chosen by name (`.jar`, `.war`, ...) and by the zip magic bytes, and read by position: stored
 * nested archives (Spring Boot requires them stored) are read in place as windows of their parent;
 * deflated ones are inflated into memory within a bound, or, when they say they are larger than
 * `spillAboveBytes` (16 MiB), into a file in the scan's temporary folder (jar in war in ear). Everything an archive says is untrusted:
 * nesting depth, entries listed, bytes inflated and archives opened are bounded per file, inflation
 * bombs and archives that contain themselves are stopped, entries with `..` or absolute names are
 * skipped, and a central directory that lies ends that archive's listing. Each of these is a
 * warning naming the archive; none fails the scan.
 */
import { createHash } from 'node:crypto';
import type { PackageRecord } from '../../model/package.js';
import type { AnalyzerResult, ScratchFiles, SeekableFile, SeekableFileAnalyzer } from '../analyzer.js';
import { MAGIC } from '../magic.js';
import { identityFromFileName, identityFromManifest, identityFromPomProperties, identityFromPomXml, parseManifest, type JavaIdentity } from './metadata.js';
import { EntryReadError, ZipArchive, memoryFile, type ZipEntry } from './zip-archive.js';

/** Where a Java package's identity was read from. */
export type JavaIdentitySource = NonNullable<PackageRecord['identityFrom']>;

export interface JavaArchiveLimits {
  /** Archives inside archives, below the file itself (an ear's war's jar is 2). */
  readonly maxDepth: number;
  /** Central-directory entries listed, over the file and everything nested in it. */
  readonly maxEntries: number;
  /** Bytes inflated (metadata and deflated nested archives), over the file and everything in it. */
  readonly maxInflatedBytes: number;
  /** One deflated nested archive, inflated into memory. */
  readonly maxNestedArchiveBytes: number;
  /**
   * A deflated nested archive that says it is larger than this is inflated into a file in the scan's
   * temporary folder instead of memory, when the scan offers one; it is then bounded by the bytes
   * inflated from the file and the scan's temporary-space limit, not by the memory bounds.
   */
  readonly spillAboveBytes: number;
  /** Deflated nested archives held in memory at once: the ones on the way down to the archive being read. */
  readonly maxHeldBytes: number;
  /** One pom.properties, pom.xml or manifest. */
  readonly maxMetadataBytes: number;
  /** Archives opened, the file included. */
  readonly maxArchives: number;
}

export const DEFAULT_JAVA_LIMITS: JavaArchiveLimits = Object.freeze({
  maxDepth: 8,
  maxEntries: 1_000_000,
  maxInflatedBytes: 512 * 1024 * 1024,
  maxNestedArchiveBytes: 128 * 1024 * 1024,
  spillAboveBytes: 16 * 1024 * 1024,
  maxHeldBytes: 256 * 1024 * 1024,
  maxMetadataBytes: 4 * 1024 * 1024,
  maxArchives: 20_000,
});

/** Zip-based Java packagings: jar, web (war), enterprise (ear), persistence (par), service (sar), resource adapter (rar), Jenkins plug-ins (hpi, jpi), Karaf (kar). */
const ARCHIVE_EXTENSIONS = new Set(['.jar', '.war', '.ear', '.par', '.sar', '.rar', '.hpi', '.jpi', '.kar']);

/** True for a path ending in a Java archive extension, in any case; allocates only after a `.` four from the end. */
export function isJavaArchivePath(path: string): boolean {
  const dot = path.length - 4;
  return dot > 0 && path.charCodeAt(dot) === 0x2e && path.charCodeAt(dot - 1) !== 0x2f && ARCHIVE_EXTENSIONS.has(path.slice(dot).toLowerCase());
}

const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
const POM_XML = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.xml$/;
const MANIFEST = 'meta-inf/manifest.mf';

/** A name that could point outside the archive were it extracted: absolute, `..`, backslashes, NUL. */
function unsafeName(name: string): boolean {
  if (name.charCodeAt(0) === 0x2f || (name.charCodeAt(1) === 0x3a && /^[A-Za-z]:/.test(name)) || name.includes('\\') || name.includes('\u0000')) return true;
  return name.includes('..') && name.split('/').includes('..');
}

/** One archive on the way from the file down: where its bytes are, to tell a loop. */
interface Origin {
  /** The buffer or file the archive's bytes are in. */
  readonly root: object;
  readonly start: number;
  readonly size: number;
  /** sha256 of the content, for archives inflated into memory. */
  readonly hash?: string;
}

interface Walk {
  readonly limits: JavaArchiveLimits;
  /** Where large deflated nested archives are inflated to, when the scan offers it. */
  readonly scratch: ScratchFiles | undefined;
  entries: number;
  inflated: number;
  /** Bytes of deflated nested archives held in memory now. */
  held: number;
  warningsLeftOut: number;
  readonly warningKinds: Set<WarningKind>;
  archives: number;
  readonly packages: PackageRecord[];
  readonly warnings: string[];
}

/**
 * Warnings kept per file: a hostile archive can give one per nested member, by the thousand. The
 * first warning of each kind is always kept, so a bound that was hit is never among those left out.
 */
const MAX_WARNINGS = 50;

type WarningKind = 'identity' | 'entry' | 'archive' | 'listing' | 'names' | 'depth' | 'archives' | 'loop';

function warn(walk: Walk, kind: WarningKind, location: string, top: string, message: string): void {
  const first = !walk.warningKinds.has(kind);
  if (!first && walk.warnings.length >= MAX_WARNINGS) {
    walk.warningsLeftOut++;
    return;
  }
  walk.warningKinds.add(kind);
  walk.warnings.push(location === top ? message : `${location.slice(top.length + 1)}: ${message}`);
}

const spentError = (walk: Walk): EntryReadError => new EntryReadError(`the ${walk.limits.maxInflatedBytes}-byte limit on bytes inflated from one file is spent`, 'size');

async function readBounded(walk: Walk, archive: ZipArchive, entry: ZipEntry, maxBytes: number): Promise<Buffer> {
  const left = walk.limits.maxInflatedBytes - walk.inflated;
  const spent = (): EntryReadError => spentError(walk);
  if (left <= 0 || (entry.uncompressedSize > left && entry.uncompressedSize <= maxBytes)) throw spent();
  let content: Buffer;
  try {
    content = await archive.read(entry, Math.min(maxBytes, left));
  } catch (error) {
    // Inflating past what is left of the file's budget, rather than past the entry's own bound.
    if (error instanceof EntryReadError && error.reason === 'size' && left < maxBytes) throw spent();
    throw error;
  }
  walk.inflated += content.length;
  return content;
}

function packageOf(found: JavaIdentity, location: string, identityFrom: JavaIdentitySource): PackageRecord {
  return { type: 'maven', name: found.groupId ? `${found.groupId}:${found.artifactId}` : found.artifactId, version: found.version, location, identityFrom };
}

/** The archive's own packages: from pom.properties, else pom.xml, else the manifest, else its name. */
async function identify(walk: Walk, archive: ZipArchive, entries: readonly ZipEntry[], location: string, top: string, name: string): Promise<void> {
  const read = async (entry: ZipEntry): Promise<Buffer | undefined> => {
    try {
      return await readBounded(walk, archive, entry, walk.limits.maxMetadataBytes);
    } catch (error) {
      warn(walk, 'entry', location, top, `${entry.name} could not be read: ${(error as Error).message}`);
      return undefined;
    }
  };
  const found = new Map<string, PackageRecord>();
  const add = (identity: JavaIdentity | undefined, source: JavaIdentitySource): void => {
    if (!identity) return;
    const record = packageOf(identity, location, source);
    const key = `${record.name}@${record.version}`;
    if (!found.has(key)) found.set(key, record);
  };
  for (const entry of entries) if (POM_PROPERTIES.test(entry.name)) add(identityFromPomProperties((await read(entry)) ?? Buffer.alloc(0)), 'pom.properties');
  if (found.size === 0) for (const entry of entries) if (POM_XML.test(entry.name)) add(identityFromPomXml((await read(entry)) ?? Buffer.alloc(0)), 'pom.xml');
  if (found.size === 0) {
    const manifestEntry = entries.find((entry) => entry.name.toLowerCase() === MANIFEST);
    const manifest = manifestEntry ? await read(manifestEntry) : undefined;
    if (manifest) add(identityFromManifest(parseManifest(manifest), name), 'manifest');
  }
  if (found.size === 0) add(identityFromFileName(name), 'file-name');
  if (found.size === 0) warn(walk, 'identity', location, top, 'no Maven metadata, manifest version or versioned file name: not listed');
  walk.packages.push(...found.values());
}

function sameBytes(a: Origin, b: Origin): boolean {
  if (a.hash !== undefined && a.hash === b.hash) return true;
  return a.root === b.root && a.start === b.start && a.size === b.size;
}

/**
 * A large deflated nested archive inflated into a temporary file of the scan: its content is never
 * whole in memory. Bounded by what is left of the file's inflation budget (and, by the scan, by its
 * temporary-space limit); the bytes are hashed on the way, so a nesting loop is still told.
 */
async function spillNested(walk: Walk, scratch: ScratchFiles, archive: ZipArchive, entry: ZipEntry): Promise<{ file: SeekableFile; origin: Origin; release: () => Promise<void> }> {
  const left = walk.limits.maxInflatedBytes - walk.inflated;
  if (left <= 0) throw spentError(walk);
  // Refused before a byte is inflated: it says it is larger than the file may still inflate.
  if (entry.uncompressedSize > left) throw new EntryReadError(`its ${entry.uncompressedSize} bytes are over the ${left} bytes left of the ${walk.limits.maxInflatedBytes}-byte limit on bytes inflated from one file`, 'size');
  const writer = await scratch.create();
  const hash = createHash('sha256');
  let total: number;
  try {
    total = await archive.readChunks(entry, left, async (chunk) => {
      hash.update(chunk);
      await writer.write(chunk);
    });
  } catch (error) {
    await writer.discard();
    if (error instanceof EntryReadError && error.reason === 'size') throw spentError(walk);
    throw error;
  }
  walk.inflated += total;
  const file = await writer.finish();
  return { file, origin: { root: file, start: 0, size: file.size, hash: hash.digest('hex') }, release: () => file.release() };
}

/** The nested archive `entry` of `archive` as a file, with where its bytes are; undefined (warned) when it cannot be. */
async function openNested(walk: Walk, archive: ZipArchive, entry: ZipEntry, origin: Origin, location: string, top: string): Promise<{ file: SeekableFile; origin: Origin; release?: () => Promise<void> } | undefined> {
  try {
    if (entry.compressionMethod === 0 && !entry.encrypted) {
      const { file, start } = await archive.storedWindow(entry);
      return { file, origin: { root: origin.root, start: origin.start + start, size: file.size } };
    }
    if (walk.scratch && entry.uncompressedSize > walk.limits.spillAboveBytes) return await spillNested(walk, walk.scratch, archive, entry);
    const room = walk.limits.maxHeldBytes - walk.held;
    if (entry.uncompressedSize > room && entry.uncompressedSize <= walk.limits.maxNestedArchiveBytes) {
      throw new EntryReadError(`inflating it would hold more than ${walk.limits.maxHeldBytes} bytes of nested archives in memory at once`, 'size');
    }
    const content = await readBounded(walk, archive, entry, Math.min(walk.limits.maxNestedArchiveBytes, room));
    return { file: memoryFile(content), origin: { root: content, start: 0, size: content.length, hash: createHash('sha256').update(content).digest('hex') } };
  } catch (error) {
    warn(walk, 'entry', location, top, `${entry.name} could not be read: ${(error as Error).message}`);
    return undefined;
  }
}

async function walkArchive(walk: Walk, file: SeekableFile, location: string, top: string, name: string, ancestry: readonly Origin[]): Promise<void> {
  walk.archives++;
  let archive: ZipArchive;
  try {
    archive = await ZipArchive.open(file);
  } catch (error) {
    warn(walk, 'archive', location, top, `not a readable zip archive: ${(error as Error).message}`);
    return;
  }
  try {
    const listing = await archive.list({ maxEntries: Math.max(walk.limits.maxEntries - walk.entries, 0) });
    walk.entries += listing.entries.length;
    if (listing.problem) warn(walk, 'listing', location, top, listing.problem);
    const unsafe = listing.entries.filter((entry) => unsafeName(entry.name));
    if (unsafe.length > 0) warn(walk, 'names', location, top, `${unsafe.length} entries with absolute or \`..\` names skipped (${JSON.stringify(unsafe[0]?.name)}${unsafe.length > 1 ? ', ...' : ''})`);
    const entries = listing.entries.filter((entry) => !unsafeName(entry.name));
    await identify(walk, archive, entries, location, top, name);

    const depth = ancestry.length;
    for (const entry of entries) {
      if (entry.name.endsWith('/') || !isJavaArchivePath(entry.name)) continue;
      const nestedLocation = `${location}!${entry.name}`;
      if (depth > walk.limits.maxDepth) {
        warn(walk, 'depth', nestedLocation, top, `nested ${depth} archives deep, past the limit of ${walk.limits.maxDepth}: not read`);
        continue;
      }
      if (walk.archives >= walk.limits.maxArchives) {
        warn(walk, 'archives', location, top, `more than ${walk.limits.maxArchives} nested archives in one file: the rest were not read`);
        break;
      }
      const nested = await openNested(walk, archive, entry, ancestry[depth - 1] as Origin, location, top);
      if (!nested) continue;
      if (ancestry.some((origin) => sameBytes(origin, nested.origin))) {
        warn(walk, 'loop', nestedLocation, top, 'the archive contains itself (a nesting loop): not read again');
        continue;
      }
      // Only archives inflated into memory count against the memory bound; a spilled one is on disk.
      const held = nested.origin.hash === undefined || nested.release ? 0 : nested.origin.size;
      walk.held += held;
      try {
        await walkArchive(walk, nested.file, nestedLocation, top, entry.name, [...ancestry, nested.origin]);
      } finally {
        walk.held -= held;
        await nested.release?.();
      }
    }
  } finally {
    archive.close();
  }
}

/** Reads one Java archive and everything nested in it, within `limits`. */
export async function readJavaArchive(file: SeekableFile, path: string, limits: JavaArchiveLimits = DEFAULT_JAVA_LIMITS, scratch?: ScratchFiles): Promise<AnalyzerResult> {
  const walk: Walk = { limits, scratch, entries: 0, inflated: 0, held: 0, archives: 0, packages: [], warnings: [], warningsLeftOut: 0, warningKinds: new Set() };
  await walkArchive(walk, file, path, path, path, [{ root: file, start: 0, size: file.size }]);
  if (walk.warningsLeftOut > 0) walk.warnings.push(`${walk.warningsLeftOut} more warnings about archives in this file were left out`);
  return { packages: walk.packages, ...(walk.warnings.length > 0 ? { warnings: walk.warnings } : {}) };
}

export const javaAnalyzer: SeekableFileAnalyzer = {
  id: 'java',
  // 2: large deflated nested archives are read through temporary files (more archives read).
  version: 2,
  kind: 'seekable',
  select: { path: isJavaArchivePath, magic: [MAGIC.zip, MAGIC.emptyZip] },
  analyzeFile: ({ path, file, scratch }) => readJavaArchive(file, path, DEFAULT_JAVA_LIMITS, scratch),
};
