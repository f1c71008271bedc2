/**
 * Telling the server that a claimed scan failed for good, so the pipeline polling for it stops
 * waiting: `POST /api/v1/images/<digest>/claims/<claim id>/failure` with the error as a bounded,
 * one-line reason with no secrets (URL credentials and the sensor's token redacted). Retried while
 * the server is unavailable; a claim another sensor took over (404) or already completed (409) is
 * left alone. Never throws: the scan's own error is what the caller reports.
 */
import { messageOf } from '../errors.js';
import { boundedFailureReason } from '../util/failure-reason.js';
import { withBackoff, type BackoffOptions } from './backoff.js';
import type { PlatformClient } from './platform-client.js';

export async function reportScanFailure(client: PlatformClient, claim: { digest: string; claimId: string }, error: unknown, retry: BackoffOptions, log: (line: string) => void): Promise<void> {
  const reason = boundedFailureReason(client.withoutToken(messageOf(error)));
  try {
    const answer = await withBackoff(() => client.send('POST', `/api/v1/images/${claim.digest}/claims/${claim.claimId}/failure`, { reason }, [404, 409]), retry);
    if (answer.status === 200) log(`${claim.digest}: the scan's failure is recorded on the server`);
  } catch (reportError) {
    log(`${claim.digest}: the scan's failure could not be recorded on the server (${messageOf(reportError)})`);
  }
}
