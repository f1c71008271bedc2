/**
 * Polling the platform for a sensor's result, with the connectors' semantics: 204 the image is
 * known and still processing, wait; 200 `partial` (inventory stored, vulnerabilities not matched
 * yet), keep polling; 200 `complete`, done; 404, 5xx and network errors are logged and polling
 * goes on (a server restart is not a failed build); 401/403 stop at once; 422 `scan_failed` (the
 * sensor gave up on the image after the mark) ends the polling with the sensor's reason. It always
 * asks for the latest scan after the time the pipeline marked the image, so an older result (or an
 * older failure) never answers. A server that never sends 422 leaves the timeout as the only end.
 */
import { ScanError } from '../errors.js';
import { boundedFailureReason } from '../util/failure-reason.js';
import type { ScanResult } from '../model/image-scan.js';
import { describeAnswer, PlatformUnreachableError, refuseBadCredentials, type PlatformClient } from './platform-client.js';

export interface PollTiming {
  /** Time between two polls. */
  intervalMs: number;
  /** Epoch milliseconds after which no further poll starts. */
  deadline: number;
  /** Ends the polling early (another image's scan failed: the build fails anyway). */
  signal?: AbortSignal;
}

export type ImagePollOutcome =
  | { kind: 'complete'; scanId: string; scannedAt: string; result: ScanResult }
  | { kind: 'failed'; sensorId: string; failedAt: string; reason: string }
  | { kind: 'timeout'; lastState: string }
  | { kind: 'stopped'; lastState: string };

/** The 422 answer of a sensor that gave up on the image, as it may be shown (bounded, one line); undefined for any other 422. */
function failedAnswer(body: unknown): Extract<ImagePollOutcome, { kind: 'failed' }> | undefined {
  const answer = body as { error?: { code?: unknown }; failure?: { sensorId?: unknown; failedAt?: unknown; reason?: unknown } } | undefined;
  const failure = answer?.failure;
  if (answer?.error?.code !== 'scan_failed' || typeof failure?.reason !== 'string') return undefined;
  return { kind: 'failed', sensorId: boundedFailureReason(typeof failure.sensorId === 'string' ? failure.sensorId : 'unknown'), failedAt: typeof failure.failedAt === 'string' ? boundedFailureReason(failure.failedAt) : '', reason: boundedFailureReason(failure.reason) };
}

function completeAnswer(body: unknown): { status: string; scanId: string; scannedAt: string; result: ScanResult } | undefined {
  const answer = body as { status?: unknown; scanId?: unknown; scannedAt?: unknown; result?: { image?: unknown; findings?: unknown; packages?: unknown } } | undefined;
  if (typeof answer?.status !== 'string' || typeof answer.scanId !== 'string') return undefined;
  const result = answer.result;
  if (typeof result?.image !== 'object' || result.image === null || !Array.isArray(result.findings) || !Array.isArray(result.packages)) return undefined;
  return { status: answer.status, scanId: answer.scanId, scannedAt: typeof answer.scannedAt === 'string' ? answer.scannedAt : '', result: result as unknown as ScanResult };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Polls GET /api/v1/images/<imageId>/scan?scannedAfter=<time> until a complete result, the
 * sensor's failure, the deadline or the signal. `log` receives one line per change of state and one per error.
 */
export async function pollImageResult(client: PlatformClient, imageId: string, scannedAfter: string, timing: PollTiming, log: (line: string) => void): Promise<ImagePollOutcome> {
  const path = `/api/v1/images/${imageId}/scan?scannedAfter=${encodeURIComponent(scannedAfter)}`;
  let lastState = 'no answer yet';
  for (;;) {
    let state: string;
    try {
      const answer = await client.request('GET', path);
      refuseBadCredentials(answer, client.shown);
      if (answer.status === 200) {
        const parsed = completeAnswer(answer.body);
        if (!parsed) throw new ScanError(`the Tollgate server at ${client.shown} answered the result of ${imageId} with a body that is not a scan result`);
        if (parsed.status === 'complete') return { kind: 'complete', scanId: parsed.scanId, scannedAt: parsed.scannedAt, result: parsed.result };
        state = 'partial: the inventory is in, vulnerabilities are being matched';
      } else if (answer.status === 204) state = 'known, still being scanned';
      else if (answer.status === 404) state = 'not known to the server yet (404)';
      else if (answer.status === 400) throw new ScanError(`the Tollgate server at ${client.shown} refused the result request for ${imageId} (${describeAnswer(answer)})`);
      else {
        const failed = answer.status === 422 ? failedAnswer(answer.body) : undefined;
        if (failed) return failed;
        state = `server error (${describeAnswer(answer)})`;
      }
    } catch (error) {
      if (!(error instanceof PlatformUnreachableError)) throw error;
      state = `${error.message}; polling goes on`;
    }
    if (state !== lastState) log(`${imageId}: ${state}`);
    lastState = state;
    const wait = Math.min(timing.intervalMs, timing.deadline - Date.now());
    if (wait <= 0) return { kind: 'timeout', lastState };
    await sleep(wait, timing.signal);
    if (timing.signal?.aborted) return { kind: 'stopped', lastState };
  }
}
