/**
 * Packs a built database into the artifact file (format.ts): a compact copy of the database
 * (VACUUM, optionally without long descriptions), zstd-compressed while both digests are taken,
 * a metadata document describing it, its signature, and the tar around them. The output is
 * written beside its final name and renamed into place.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import tar from 'tar-stream';
import { CompressStream } from 'zstd-napi';
import { VulnDatabase } from '../database.js';
import { BUILD_INTERVAL_HOURS, DATABASE_ENTRY, DATABASE_MEDIA_TYPE, METADATA_ENTRY, METADATA_MEDIA_TYPE, SIGNATURE_ENTRY } from './format.js';
import type { ArtifactMetadata } from './metadata.js';
import { signMetadata } from './signing.js';

export interface PackOptions {
  privateKey: KeyObject;
  /** Leave advisory `details` out (summaries stay): a smaller artifact for matching-only use. */
  omitDetails?: boolean;
  /** zstd level; 19 by default (compressed once, downloaded by every runner). */
  compressionLevel?: number;
}

export interface PackResult {
  output: string;
  /** sha256 digest and size of the artifact file. */
  digest: string;
  size: number;
  metadata: ArtifactMetadata;
  /** Size of the database before compaction, for the build's report. */
  sourceSize: number;
}

/** A pass-through that hashes and counts what flows through it. */
export class DigestCounter extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
}

/** A compact copy of the database: VACUUM INTO rewrites it without free pages. */
function compactCopy(source: string, target: string, omitDetails: boolean): void {
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.prepare('VACUUM INTO ?').run(target);
  } finally {
    db.close();
  }
  if (!omitDetails) return;
  const copy = new Database(target);
  try {
    copy.exec("UPDATE advisory SET details = NULL; INSERT OR REPLACE INTO meta (key, value) VALUES ('details', 'omitted'); VACUUM;");
  } finally {
    copy.close();
  }
}

function addHours(iso: string, hours: number): string {
  return new Date(Date.parse(iso) + hours * 3_600_000).toISOString();
}

export async function packArtifact(databaseFile: string, output: string, options: PackOptions): Promise<PackResult> {
  const scratch = await mkdtemp(path.join(path.dirname(path.resolve(output)), '.tollgate-pack-'));
  try {
    const compact = path.join(scratch, 'tollgate.db');
    compactCopy(databaseFile, compact, options.omitDetails ?? false);
    const database = VulnDatabase.open(compact);
    const status = (() => {
      try {
        return database.status();
      } finally {
        database.close();
      }
    })();
    const builtAt = status.builtAt ?? new Date().toISOString();

    const payload = path.join(scratch, DATABASE_ENTRY);
    const plain = new DigestCounter();
    const compressed = new DigestCounter();
    await pipeline(createReadStream(compact), plain, new CompressStream({ compressionLevel: options.compressionLevel ?? 19, checksumFlag: true }), compressed, createWriteStream(payload));

    const metadata: ArtifactMetadata = {
      mediaType: METADATA_MEDIA_TYPE,
      schemaVersion: status.schemaVersion,
      builtAt,
      nextBuildBy: addHours(builtAt, BUILD_INTERVAL_HOURS),
      sources: status.sources,
      ecosystems: status.byEcosystem,
      advisories: status.advisories,
      database: { mediaType: DATABASE_MEDIA_TYPE, digest: compressed.digest(), size: compressed.bytes, uncompressedDigest: plain.digest(), uncompressedSize: plain.bytes },
    };
    const metadataBytes = Buffer.from(`${JSON.stringify(metadata, null, 2)}\n`);
    const signature = signMetadata(metadataBytes, options.privateKey);

    const temporary = `${output}.partial-${process.pid}`;
    const pack = tar.pack();
    const mtime = new Date(Date.parse(builtAt));
    const whole = new DigestCounter();
    const written = pipeline(pack, whole, createWriteStream(temporary));
    pack.entry({ name: METADATA_ENTRY, size: metadataBytes.length, mtime, mode: 0o644 }, metadataBytes);
    pack.entry({ name: SIGNATURE_ENTRY, size: signature.length, mtime, mode: 0o644 }, signature);
    const entry = pack.entry({ name: DATABASE_ENTRY, size: compressed.bytes, mtime, mode: 0o644 });
    await pipeline(createReadStream(payload), entry);
    pack.finalize();
    try {
      await written;
      await rename(temporary, output);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return { output, digest: whole.digest(), size: whole.bytes, metadata, sourceSize: (await stat(databaseFile)).size };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
