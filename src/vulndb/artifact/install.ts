/**
 * Installs a database artifact from a byte stream (a registry blob, an HTTPS download, a file) in
 * one pass: the metadata and its signature are read and verified first, then the payload is
 * hashed, decompressed (window and output bounded by what the signed metadata declares) and
 * hashed again while it is written beside the target; only when every digest matches, the tar has
 * nothing more in it and the new file opens as a database of the supported schema is it renamed
 * over the target. On any failure the partial file is removed and the previous database is
 * untouched. Callers hold the database's write lock (lock.ts).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tarStream, { type Header } from 'tar-stream';
import { DecompressStream } from 'zstd-napi';
import { DatabaseError, isTollgateError, messageOf } from '../../errors.js';
import { VulnDatabase } from '../database.js';
import { SCHEMA_VERSION } from '../schema.js';
import { DATABASE_ENTRY, MAX_METADATA_BYTES, MAX_SIGNATURE_BYTES, METADATA_ENTRY, SIGNATURE_ENTRY } from './format.js';
import { parseArtifactMetadata, type ArtifactMetadata } from './metadata.js';
import { DigestCounter } from './pack.js';
import { pinnedKeys, verifyMetadataSignature, type TrustedKey } from './signing.js';

/** One entry of the artifact's tar, read as a stream of chunks. */
type TarEntry = AsyncIterable<Buffer> & { header: Header; resume(): unknown };

/** A clock skew tolerated before a build time counts as "in the future". */
export const FUTURE_TOLERANCE_MS = 10 * 60_000;
/** zstd window bound: 2^27 = 128 MiB, what `zstd --long` writes at most; level 19 uses 8 MiB. */
const WINDOW_LOG_MAX = 27;

export interface InstallOptions {
  /** Where the artifact came from, for messages. */
  origin: string;
  /** sha256 digest and size of the whole artifact, when the transport knows them (an OCI descriptor). */
  expectedDigest?: string;
  expectedSize?: number;
  /** Keys to verify against; the pinned release keys by default. */
  trustedKeys?: readonly TrustedKey[];
  /** Skip the signature check (`--db-insecure-skip-verify`); digests are still checked. */
  skipSignature?: boolean;
  /** Refuse an artifact built before this time (the database already installed is newer). */
  notBefore?: string;
  onProgress?: (received: number, total: number | undefined) => void;
  now?: () => number;
}

export interface InstallResult {
  metadata: ArtifactMetadata;
  /** The id of the key that signed, or undefined when verification was skipped. */
  keyId: string | undefined;
  digest: string;
  size: number;
}

async function readSmall(entry: AsyncIterable<Buffer>, limit: number, name: string, origin: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of entry) {
    size += chunk.length;
    if (size > limit) throw new DatabaseError(`${origin}: ${name} is over ${limit} bytes; not a Tollgate database artifact`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Fails a stream that produces more than `limit` bytes. */
function boundedTo(limit: number, origin: string): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > limit) callback(new DatabaseError(`${origin}: the database decompresses to more than the ${limit} bytes its metadata declares; refusing it`));
      else callback(null, chunk);
    },
  });
}

function checkMetadata(metadata: ArtifactMetadata, options: InstallOptions): void {
  if (metadata.schemaVersion !== SCHEMA_VERSION) {
    const newer = metadata.schemaVersion > SCHEMA_VERSION;
    throw new DatabaseError(`${options.origin}: the database has schema version ${metadata.schemaVersion}; this tollgate reads version ${SCHEMA_VERSION}`, {
      hint: newer ? 'upgrade tollgate, or pull the tag of this schema version' : `pull the tag for schema version ${SCHEMA_VERSION}`,
    });
  }
  const now = options.now?.() ?? Date.now();
  if (Date.parse(metadata.builtAt) > now + FUTURE_TOLERANCE_MS) {
    throw new DatabaseError(`${options.origin}: the database claims to be built at ${metadata.builtAt}, in the future; refusing it`, { hint: "check this machine's clock; otherwise the mirror serves a forged artifact" });
  }
  if (options.notBefore && Date.parse(metadata.builtAt) < Date.parse(options.notBefore)) {
    throw new DatabaseError(`${options.origin}: the database was built at ${metadata.builtAt}, before the one installed (${options.notBefore}); keeping the installed one`, { hint: 'the mirror is behind; try another --db-repository' });
  }
}

export async function installArtifact(source: Readable, target: string, options: InstallOptions): Promise<InstallResult> {
  const origin = options.origin;
  await mkdir(path.dirname(path.resolve(target)), { recursive: true });
  const temporary = `${target}.installing-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const raw = new DigestCounter();
  raw.on('data', () => options.onProgress?.(raw.bytes, options.expectedSize));
  const extract = tarStream.extract();
  source.on('error', (error) => raw.destroy(error));
  raw.on('error', (error) => extract.destroy(error));
  source.pipe(raw).pipe(extract);
  try {
    const entries = (extract as AsyncIterable<TarEntry>)[Symbol.asyncIterator]();
    const next = async (expected: string): Promise<TarEntry> => {
      const item = await entries.next();
      if (item.done) throw new DatabaseError(`${origin}: the artifact ends before its ${expected}; truncated download?`);
      const entry = item.value as TarEntry;
      if (entry.header.name !== expected || entry.header.type !== 'file') throw new DatabaseError(`${origin}: expected ${expected} in the artifact, found ${JSON.stringify(entry.header.name).slice(0, 200)}; not a Tollgate database artifact`);
      return entry;
    };
    const metadataBytes = await readSmall(await next(METADATA_ENTRY), MAX_METADATA_BYTES, METADATA_ENTRY, origin);
    const signature = await readSmall(await next(SIGNATURE_ENTRY), MAX_SIGNATURE_BYTES, SIGNATURE_ENTRY, origin);
    // Verified before anything in the metadata is believed.
    const keyId = options.skipSignature ? undefined : verifyMetadataSignature(metadataBytes, signature, options.trustedKeys ?? pinnedKeys());
    const metadata = parseArtifactMetadata(metadataBytes);
    checkMetadata(metadata, options);

    const payload = await next(DATABASE_ENTRY);
    if (payload.header.size !== metadata.database.size) throw new DatabaseError(`${origin}: the database payload is ${payload.header.size ?? 0} bytes, its metadata says ${metadata.database.size}`);
    const compressed = new DigestCounter();
    const plain = new DigestCounter();
    const decompress = new DecompressStream({ windowLogMax: WINDOW_LOG_MAX });
    // Through an async iterator: Node's pipeline does not see a streamx entry's errors (a truncated tar).
    await pipeline(Readable.from(payload), compressed, decompress, boundedTo(metadata.database.uncompressedSize, origin), plain, createWriteStream(temporary, { flags: 'wx' }));
    if (compressed.digest() !== metadata.database.digest) throw new DatabaseError(`${origin}: the database payload's digest is ${compressed.digest()}, its signed metadata says ${metadata.database.digest}; refusing it`);
    if (plain.digest() !== metadata.database.uncompressedDigest || plain.bytes !== metadata.database.uncompressedSize) throw new DatabaseError(`${origin}: the decompressed database does not match its signed metadata; refusing it`);

    const rest = await entries.next();
    if (!rest.done) throw new DatabaseError(`${origin}: the artifact holds more than a database (${JSON.stringify((rest.value as TarEntry).header.name).slice(0, 200)}); refusing it`);
    const digest = raw.digest();
    if (options.expectedDigest && digest !== options.expectedDigest) throw new DatabaseError(`${origin}: the artifact's digest is ${digest}, the manifest says ${options.expectedDigest}; refusing it`);
    if (options.expectedSize !== undefined && raw.bytes !== options.expectedSize) throw new DatabaseError(`${origin}: the artifact is ${raw.bytes} bytes, the manifest says ${options.expectedSize}; refusing it`);

    VulnDatabase.open(temporary).close();
    await rename(temporary, target);
    return { metadata, keyId, digest, size: raw.bytes };
  } catch (error) {
    source.destroy();
    if (!extract.destroyed) extract.destroy();
    await rm(temporary, { force: true });
    if (isTollgateError(error)) throw error;
    throw new DatabaseError(`${origin}: the database artifact could not be read (${messageOf(error)})`, { hint: 'a truncated or damaged download; try again or another --db-repository', cause: error });
  }
}
