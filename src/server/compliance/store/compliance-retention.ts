/**
 * Retention of compliance scans, per host, by count and age, like image scans per image: the
 * newest finished scan of a host is always kept, and a scan still Queued or Running is never
 * deleted (a worker may hold it).
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../../store/tables.js';

const DONE_STATES = ['Finished', 'Error', 'Canceled'];

export async function applyComplianceRetention(db: Kysely<Tables>, policy: { keepPerHost?: number; maxAgeDays?: number }, now: number = Date.now()): Promise<number> {
  if (policy.keepPerHost === undefined && policy.maxAgeDays === undefined) return 0;
  const cutoff = policy.maxAgeDays !== undefined ? new Date(now - policy.maxAgeDays * 86_400_000).toISOString() : undefined;
  const hosts = await db.selectFrom('compliance_scans').select('host').distinct().execute();
  let deleted = 0;
  for (const { host } of hosts) {
    const scans = await db.selectFrom('compliance_scans').select(['id', 'created_at']).where('host', '=', host).where('state', 'in', DONE_STATES).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    const doomed = scans
      .filter((scan, index) => index > 0 && ((policy.keepPerHost !== undefined && index >= policy.keepPerHost) || (cutoff !== undefined && scan.created_at < cutoff)))
      .map((scan) => scan.id);
    for (let i = 0; i < doomed.length; i += 500) {
      const result = await db.deleteFrom('compliance_scans').where('id', 'in', doomed.slice(i, i + 500)).where('state', 'in', DONE_STATES).executeTakeFirst();
      deleted += Number(result.numDeletedRows);
    }
  }
  return deleted;
}
