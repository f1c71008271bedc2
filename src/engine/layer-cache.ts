/**
 * The layer cache: analyses per layer, keyed by diff id (the layer's content hash) and, for each
 * analyzer's piece, by analyzer id and version. One SQLite file in WAL mode under --cache-dir, safe
 * for concurrent scans from several processes (short write transactions, a busy timeout, no global
 * lock); bounded in size with least-recently-used eviction. Cached data is compressed JSON.
 *
 * An unreadable or foreign cache file is a warning, never a failed scan: the scan reads the layers.
 *
 * The cache never vouches for a layer on its own: a diff id comes from an image config the image's
 * author wrote. Besides analyses it keeps which blob digests a verified read proved to inflate to
 * which diff id, and the hashes of unchanged files on disk, so the engine can prove what a layer
 * holds before it uses an analysis (src/engine/inventory-image.ts).
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import envPaths from 'env-paths';
import type { ImageMetadataStore } from '../image/source.js';
import type { AnalyzerPiece, LayerStructure } from './layer-pieces.js';

const SCHEMA_VERSION = '1';
export const DEFAULT_CACHE_MAX_BYTES = 2 * 1024 * 1024 * 1024;
/** Remembered hashes of files on disk older than this are dropped. */
const STORED_DIGEST_DAYS = 30;

export function defaultCacheDir(): string {
  return process.env.TOLLGATE_CACHE_DIR ?? path.join(envPaths('tollgate', { suffix: '' }).cache, 'layers');
}

export interface CachedLayer {
  structure?: LayerStructure;
  pieces: Map<string, AnalyzerPiece>;
}

export interface LayerCacheStatus {
  path: string;
  layers: number;
  pieces: number;
  bytes: number;
  maxBytes: number;
}

const encode = (value: unknown): Buffer => gzipSync(JSON.stringify(value), { level: 1 });
const decode = <T>(data: Buffer): T => JSON.parse(gunzipSync(data).toString('utf8')) as T;

export class LayerCache implements ImageMetadataStore {
  private readonly db: Database.Database;

  private constructor(readonly file: string, private readonly maxBytes: number) {
    this.db = new Database(file, { timeout: 15_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS structure (diff_id TEXT PRIMARY KEY, data BLOB NOT NULL, size INTEGER NOT NULL, last_used INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS piece (diff_id TEXT NOT NULL, analyzer TEXT NOT NULL, version INTEGER NOT NULL, data BLOB NOT NULL, size INTEGER NOT NULL, last_used INTEGER NOT NULL, PRIMARY KEY (diff_id, analyzer, version));
      CREATE TABLE IF NOT EXISTS image_config (image_id TEXT PRIMARY KEY, data BLOB NOT NULL, last_used INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS verified_blob (digest TEXT NOT NULL, diff_id TEXT NOT NULL, last_used INTEGER NOT NULL, PRIMARY KEY (digest, diff_id));
      CREATE TABLE IF NOT EXISTS stored_digest (file_key TEXT PRIMARY KEY, digest TEXT NOT NULL, last_used INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS structure_lru ON structure (last_used);
      CREATE INDEX IF NOT EXISTS piece_lru ON piece (last_used);
    `);
    this.db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema_version', SCHEMA_VERSION);
    const version = (this.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string }).value;
    if (version !== SCHEMA_VERSION) {
      this.db.close();
      throw new Error(`layer cache ${file} has schema ${version}; run: tollgate cache clean`);
    }
  }

  static open(dir: string = defaultCacheDir(), maxBytes: number = DEFAULT_CACHE_MAX_BYTES): LayerCache {
    mkdirSync(dir, { recursive: true });
    return new LayerCache(path.join(dir, 'layers.db'), maxBytes);
  }

  /** The structure and the pieces of `analyzers` (at their versions) cached for `diffId`. */
  load(diffId: string, analyzers: readonly { readonly id: string; readonly version: number }[]): CachedLayer {
    const now = Date.now();
    const pieces = new Map<string, AnalyzerPiece>();
    const structureRow = this.db.prepare('SELECT data FROM structure WHERE diff_id = ?').get(diffId) as { data: Buffer } | undefined;
    const pieceStatement = this.db.prepare('SELECT data FROM piece WHERE diff_id = ? AND analyzer = ? AND version = ?');
    for (const analyzer of analyzers) {
      const row = pieceStatement.get(diffId, analyzer.id, analyzer.version) as { data: Buffer } | undefined;
      if (row) pieces.set(analyzer.id, decode<AnalyzerPiece>(row.data));
    }
    if (structureRow || pieces.size > 0) {
      // Recording use is best effort: a busy writer elsewhere must not fail this scan.
      try {
        this.db.prepare('UPDATE structure SET last_used = ? WHERE diff_id = ?').run(now, diffId);
        this.db.prepare('UPDATE piece SET last_used = ? WHERE diff_id = ?').run(now, diffId);
      } catch {
        /* the entry is used all the same */
      }
    }
    return { ...(structureRow ? { structure: decode<LayerStructure>(structureRow.data) } : {}), pieces };
  }

  store(diffId: string, structure: LayerStructure, pieces: ReadonlyMap<string, { version: number; piece: AnalyzerPiece }>): void {
    const now = Date.now();
    const structureData = encode(structure);
    const write = this.db.transaction(() => {
      this.db.prepare('INSERT OR REPLACE INTO structure (diff_id, data, size, last_used) VALUES (?, ?, ?, ?)').run(diffId, structureData, structureData.length, now);
      const insert = this.db.prepare('INSERT OR REPLACE INTO piece (diff_id, analyzer, version, data, size, last_used) VALUES (?, ?, ?, ?, ?, ?)');
      for (const [analyzer, { version, piece }] of pieces) {
        const data = encode(piece);
        insert.run(diffId, analyzer, version, data, data.length, now);
      }
    });
    write();
    this.evict();
  }

  /** Removes least recently used entries until the cache fits its size limit. */
  evict(): number {
    let removed = 0;
    const total = (): number => (this.db.prepare('SELECT (SELECT coalesce(sum(size), 0) FROM structure) + (SELECT coalesce(sum(size), 0) FROM piece) AS n').get() as { n: number }).n;
    while (total() > this.maxBytes) {
      const oldest = this.db.prepare('SELECT diff_id, last_used FROM structure UNION ALL SELECT diff_id, last_used FROM piece ORDER BY last_used LIMIT 1').get() as { diff_id: string } | undefined;
      if (!oldest) break;
      this.db.transaction(() => {
        this.db.prepare('DELETE FROM structure WHERE diff_id = ?').run(oldest.diff_id);
        this.db.prepare('DELETE FROM piece WHERE diff_id = ?').run(oldest.diff_id);
      })();
      removed += 1;
    }
    return removed;
  }

  /** An image config cached by image id; its content is checked against the id. */
  getConfig(imageId: string): Buffer | undefined {
    try {
      const row = this.db.prepare('SELECT data FROM image_config WHERE image_id = ?').get(imageId) as { data: Buffer } | undefined;
      if (!row) return undefined;
      const hash = createHash('sha256').update(row.data).digest('hex');
      if (`sha256:${hash}` !== imageId) return undefined;
      this.db.prepare('UPDATE image_config SET last_used = ? WHERE image_id = ?').run(Date.now(), imageId);
      return row.data;
    } catch {
      return undefined;
    }
  }

  putConfig(imageId: string, config: Buffer): void {
    try {
      this.db.prepare('INSERT OR REPLACE INTO image_config (image_id, data, last_used) VALUES (?, ?, ?)').run(imageId, config, Date.now());
    } catch {
      /* a cache that cannot store is only slower */
    }
  }

  /**
   * True when a read of the blob `digest` once verified that it inflates to `diffId`: a record only
   * recordBlob writes, after such a read.
   */
  blobProven(digest: string, diffId: string): boolean {
    try {
      return this.db.prepare('SELECT 1 FROM verified_blob WHERE digest = ? AND diff_id = ?').get(digest, diffId) !== undefined;
    } catch {
      return false;
    }
  }

  /** Records that reading blob `digest` verified both its digest and its diff id. */
  recordBlob(digest: string, diffId: string): void {
    try {
      this.db.prepare('INSERT OR REPLACE INTO verified_blob (digest, diff_id, last_used) VALUES (?, ?, ?)').run(digest, diffId, Date.now());
    } catch {
      /* a cache that cannot record only reads the layer again next time */
    }
  }

  getStoredDigest(fileKey: string): string | undefined {
    try {
      return (this.db.prepare('SELECT digest FROM stored_digest WHERE file_key = ?').get(fileKey) as { digest: string } | undefined)?.digest;
    } catch {
      return undefined;
    }
  }

  putStoredDigest(fileKey: string, digest: string): void {
    try {
      const now = Date.now();
      this.db.prepare('INSERT OR REPLACE INTO stored_digest (file_key, digest, last_used) VALUES (?, ?, ?)').run(fileKey, digest, now);
      // Keys name files by inode and times: old ones name files long gone.
      this.db.prepare('DELETE FROM stored_digest WHERE last_used < ?').run(now - STORED_DIGEST_DAYS * 86_400_000);
    } catch {
      /* only slower: the file is hashed again next time */
    }
  }

  status(): LayerCacheStatus {
    const row = this.db.prepare('SELECT (SELECT count(*) FROM structure) AS layers, (SELECT count(*) FROM piece) AS pieces, (SELECT coalesce(sum(size), 0) FROM structure) + (SELECT coalesce(sum(size), 0) FROM piece) AS bytes').get() as { layers: number; pieces: number; bytes: number };
    return { path: this.file, ...row, maxBytes: this.maxBytes };
  }

  clean(): void {
    this.db.exec('DELETE FROM structure; DELETE FROM piece; DELETE FROM image_config; DELETE FROM verified_blob; DELETE FROM stored_digest;');
    this.db.exec('VACUUM');
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
