/**
 * A claimed scan that failed for good: the claiming sensor gave up on the image (every attempt
 * failed) and says why. The failure is kept on the claim until a new claim of the image (it was
 * marked again, or a sensor restarted) or the claim's completion clears it, and the result
 * endpoint answers it to a poller whose mark it concerns: only a failure recorded after the
 * poller's `scannedAfter`. The reason is stored bounded and on one line whatever a sensor sent.
 */
import type { Kysely } from 'kysely';
import { boundedFailureReason } from '../../util/failure-reason.js';
import { audit } from '../store/audit.js';
import type { Tables } from '../store/tables.js';

export interface ClaimFailure {
  digest: string;
  claimId: string;
  sensorId: string;
  marker: string;
  failedAt: string;
  reason: string;
}

export type FailAnswer = 'recorded' | 'no-claim' | 'completed';

/** Records that the holder of claim `claimId` gave up on `digest`. A repeated report keeps the first time and takes the latest reason. */
export async function failClaim(db: Kysely<Tables>, digest: string, claimId: string, reason: string, tokenName: string): Promise<FailAnswer> {
  return db.transaction().execute(async (trx) => {
    const claim = await trx.selectFrom('image_claims').select(['completed_at', 'failed_at']).where('digest', '=', digest).where('claim_id', '=', claimId).executeTakeFirst();
    if (!claim) return 'no-claim';
    if (claim.completed_at !== null) return 'completed';
    await trx
      .updateTable('image_claims')
      .set({ failed_at: claim.failed_at ?? new Date().toISOString(), failure_reason: boundedFailureReason(reason) })
      .where('digest', '=', digest)
      .where('claim_id', '=', claimId)
      .execute();
    if (claim.failed_at === null) await audit(trx, { tokenName, action: 'image.claim.fail', target: `${digest} ${claimId}` });
    return 'recorded';
  });
}

/**
 * The failure recorded on the claim of any of `digests` (an image id and the digest it is filed
 * under), when one was recorded after `after` (any, without it); the latest when several.
 */
export async function claimFailure(db: Kysely<Tables>, digests: readonly string[], after?: string): Promise<ClaimFailure | undefined> {
  let query = db.selectFrom('image_claims').select(['digest', 'claim_id', 'sensor_id', 'marker', 'failed_at', 'failure_reason']).where('digest', 'in', [...new Set(digests)]).where('failed_at', 'is not', null);
  if (after !== undefined) query = query.where('failed_at', '>', after);
  const row = await query.orderBy('failed_at', 'desc').limit(1).executeTakeFirst();
  if (!row || row.failed_at === null) return undefined;
  return { digest: row.digest, claimId: row.claim_id, sensorId: row.sensor_id, marker: row.marker, failedAt: row.failed_at, reason: row.failure_reason ?? 'no reason given' };
}
