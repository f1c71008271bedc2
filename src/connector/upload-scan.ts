/**
 * `tollgate image scan --server …` without `--via-sensor`: the runner scans the image itself and
 * stores the result on the platform (PUT /api/v1/scans/:scanId). The scan id is made once per
 * upload and reused on retries, so a retried upload is stored once.
 */
import { randomUUID } from 'node:crypto';
import { ScanError } from '../errors.js';
import type { ScanResult } from '../model/image-scan.js';
import { describeAnswer, PlatformUnreachableError, refuseBadCredentials, type PlatformClient } from './platform-client.js';

const ATTEMPTS = 4;
const FIRST_BACKOFF_MS = 500;

export interface UploadedScan {
  scanId: string;
  digest: string;
  /** false when the server already had this scan id (a retry that had gone through). */
  created: boolean;
}

export async function uploadScanResult(client: PlatformClient, result: ScanResult, log: (line: string) => void): Promise<UploadedScan> {
  const scanId = `cli-${randomUUID()}`;
  let lastProblem = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const answer = await client.request('PUT', `/api/v1/scans/${scanId}`, { result, matched: true });
      refuseBadCredentials(answer, client.shown);
      const body = answer.body as { digest?: unknown } | undefined;
      if (answer.status === 200 || answer.status === 201) return { scanId, digest: typeof body?.digest === 'string' ? body.digest : '', created: answer.status === 201 };
      if (answer.status < 500) throw new ScanError(`the Tollgate server at ${client.shown} refused the scan result (${describeAnswer(answer)})`);
      lastProblem = describeAnswer(answer);
    } catch (error) {
      if (!(error instanceof PlatformUnreachableError)) throw error;
      lastProblem = error.message;
    }
    if (attempt < ATTEMPTS) {
      log(`upload of ${scanId} failed (${lastProblem}); retrying`);
      await new Promise((resolve) => setTimeout(resolve, FIRST_BACKOFF_MS * 2 ** (attempt - 1)));
    }
  }
  throw new ScanError(`the scan result could not be stored on the Tollgate server at ${client.shown} after ${ATTEMPTS} attempts (${lastProblem})`);
}
