/**
 * The result endpoint's question, answered from the store with the connectors' semantics
 * (DESIGN.md, "The platform protocol"): the latest scan of a digest, optionally only one scanned
 * after a given time.
 */
import type { Kysely } from 'kysely';
import type { Tables } from './tables.js';

export type ResultAnswer =
  | { kind: 'unknown' }
  | { kind: 'processing' }
  | { kind: 'result'; status: 'partial' | 'complete'; scanId: string; scannedAt: string; result: string };

export async function latestResult(db: Kysely<Tables>, digest: string, scannedAfter?: string): Promise<ResultAnswer> {
  let query = db.selectFrom('scans').select(['scan_id', 'status', 'scanned_at', 'result']).where('digest', '=', digest);
  if (scannedAfter !== undefined) query = query.where('scanned_at', '>', scannedAfter);
  const scan = await query.orderBy('scanned_at', 'desc').orderBy('received_at', 'desc').limit(1).executeTakeFirst();
  if (scan) return { kind: 'result', status: scan.status as 'partial' | 'complete', scanId: scan.scan_id, scannedAt: scan.scanned_at, result: scan.result };
  // No qualifying scan: a known image is (still) being processed, an unknown one is 404.
  const image = await db.selectFrom('images').select('digest').where('digest', '=', digest).executeTakeFirst();
  return image ? { kind: 'processing' } : { kind: 'unknown' };
}
