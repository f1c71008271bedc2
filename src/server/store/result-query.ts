/**
 * The result endpoint's question, answered from the store with the connectors' semantics
 * (DESIGN.md, "The platform protocol"): the latest scan of a digest, optionally only one scanned
 * after a given time.
 *
 * Built for many pollers: which scan is the latest is read without its document (by the
 * digest/time index), and that row's version (scan id, status, database it was matched with) is
 * the answer's weak ETag. A poller sending it back in If-None-Match gets 304
 * without the document being read; the answer's bytes are kept per scan and version in a bounded
 * cache, so a hot result is read from the store once per change. Every request still asks the
 * store which scan is the latest, so an upload or re-evaluation by any server process is seen at
 * once. Never parses the stored document: it is sent as stored.
 */
import type { Kysely } from 'kysely';
import type { Tables } from './tables.js';

export type ResultAnswer =
  | { kind: 'unknown' }
  | { kind: 'processing' }
  | { kind: 'unchanged'; etag: string }
  /** `result`: the stored ScanResult document; `body`: the endpoint's answer around it, both as stored text. */
  | { kind: 'result'; status: 'partial' | 'complete'; scanId: string; scannedAt: string; etag: string; result: string; body: string };

/** Bytes of answers kept per store. */
const CACHE_BYTES = 64 * 1024 * 1024;

interface CachedAnswer {
  etag: string;
  status: 'partial' | 'complete';
  result: string;
  body: string;
}

const sizeOf = (answer: CachedAnswer): number => answer.result.length + answer.body.length;

/** Answers by scan id, least recently used first (a Map keeps insertion order). */
class AnswerCache {
  private readonly answers = new Map<string, CachedAnswer>();
  private bytes = 0;

  get(scanId: string, etag: string): CachedAnswer | undefined {
    const cached = this.answers.get(scanId);
    if (!cached || cached.etag !== etag) return undefined;
    this.answers.delete(scanId);
    this.answers.set(scanId, cached);
    return cached;
  }

  put(scanId: string, answer: CachedAnswer): void {
    const before = this.answers.get(scanId);
    if (before) {
      this.bytes -= sizeOf(before);
      this.answers.delete(scanId);
    }
    if (sizeOf(answer) > CACHE_BYTES / 4) return;
    this.answers.set(scanId, answer);
    this.bytes += sizeOf(answer);
    for (const [oldest, cached] of this.answers) {
      if (this.bytes <= CACHE_BYTES) break;
      this.answers.delete(oldest);
      this.bytes -= sizeOf(cached);
    }
  }
}

const caches = new WeakMap<Kysely<Tables>, AnswerCache>();

function cacheOf(db: Kysely<Tables>): AnswerCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new AnswerCache();
    caches.set(db, cache);
  }
  return cache;
}

/** The weak ETag of a scan's answer: it changes whenever the stored document is rewritten (matched, re-evaluated). */
function etagOf(scan: { scan_id: string; status: string; database_built_at: string | null }): string {
  return `W/"${scan.scan_id}.${scan.status}.${scan.database_built_at ?? '-'}"`;
}

/** Whether an If-None-Match header names this ETag (or is `*`). */
function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const bare = etag.slice(2);
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === bare || tag === `W/${bare}`;
  });
}

export async function latestResult(db: Kysely<Tables>, digest: string, scannedAfter?: string, ifNoneMatch?: string): Promise<ResultAnswer> {
  let query = db.selectFrom('scans').select(['scan_id', 'status', 'scanned_at', 'database_built_at']).where('digest', '=', digest);
  if (scannedAfter !== undefined) query = query.where('scanned_at', '>', scannedAfter);
  const scan = await query.orderBy('scanned_at', 'desc').orderBy('received_at', 'desc').limit(1).executeTakeFirst();
  if (!scan) {
    // No qualifying scan: a known image is (still) being processed, an unknown one is 404.
    const image = await db.selectFrom('images').select('digest').where('digest', '=', digest).executeTakeFirst();
    return image ? { kind: 'processing' } : { kind: 'unknown' };
  }
  const etag = etagOf(scan);
  if (matchesEtag(ifNoneMatch, etag)) return { kind: 'unchanged', etag };
  const cache = cacheOf(db);
  let answer = cache.get(scan.scan_id, etag);
  if (answer === undefined) {
    const stored = await db.selectFrom('scans').select(['result', 'status', 'database_built_at']).where('scan_id', '=', scan.scan_id).executeTakeFirst();
    // Deleted (retention) between the two reads: ask again, and the next scan (or none) answers.
    if (!stored) return latestResult(db, digest, scannedAfter, ifNoneMatch);
    const storedEtag = etagOf({ scan_id: scan.scan_id, status: stored.status, database_built_at: stored.database_built_at });
    answer = { etag: storedEtag, status: stored.status as CachedAnswer['status'], result: stored.result, body: `{"status":${JSON.stringify(stored.status)},"scanId":${JSON.stringify(scan.scan_id)},"scannedAt":${JSON.stringify(scan.scanned_at)},"result":${stored.result}}` };
    // Rewritten between the two reads: the newer document is answered, under its own version.
    if (storedEtag === etag) cache.put(scan.scan_id, answer);
  }
  return { kind: 'result', status: answer.status, scanId: scan.scan_id, scannedAt: scan.scanned_at, etag: answer.etag, result: answer.result, body: answer.body };
}
