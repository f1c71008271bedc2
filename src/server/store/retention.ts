/**
 * Retention: scans kept per image (and compliance scans per host) by count and by age. The newest scan of an image is always kept
 * (the result endpoint and the current findings answer from it); what is deleted goes in one
 * transaction per image.
 */
import type { Kysely } from 'kysely';
import type { Tables } from './tables.js';
import { applyComplianceRetention } from '../compliance/store/compliance-retention.js';

export interface RetentionPolicy {
  /** Scans kept per image, newest first. */
  keepPerImage?: number;
  /** Scans older than this many days are deleted. */
  maxAgeDays?: number;
}

export async function applyRetention(db: Kysely<Tables>, policy: RetentionPolicy, now: number = Date.now()): Promise<number> {
  if (policy.keepPerImage === undefined && policy.maxAgeDays === undefined) return 0;
  const cutoff = policy.maxAgeDays !== undefined ? new Date(now - policy.maxAgeDays * 86_400_000).toISOString() : undefined;
  const images = await db.selectFrom('images').select('digest').execute();
  let deleted = 0;
  for (const { digest } of images) {
    const scans = await db.selectFrom('scans').select(['scan_id', 'scanned_at']).where('digest', '=', digest).orderBy('scanned_at', 'desc').orderBy('received_at', 'desc').execute();
    const doomed = scans
      .filter((scan, index) => index > 0 && ((policy.keepPerImage !== undefined && index >= policy.keepPerImage) || (cutoff !== undefined && scan.scanned_at < cutoff)))
      .map((scan) => scan.scan_id);
    for (let i = 0; i < doomed.length; i += 500) {
      const result = await db.deleteFrom('scans').where('scan_id', 'in', doomed.slice(i, i + 500)).executeTakeFirst();
      deleted += Number(result.numDeletedRows);
    }
  }
  // Compliance scans are kept per host by the same count and age.
  deleted += await applyComplianceRetention(db, { ...(policy.keepPerImage !== undefined ? { keepPerHost: policy.keepPerImage } : {}), ...(policy.maxAgeDays !== undefined ? { maxAgeDays: policy.maxAgeDays } : {}) }, now);
  return deleted;
}
