/**
 * Uploads that survive a server outage and a sensor restart. A finished scan is written to the spool
 * folder first (atomically: a temporary file renamed into place), then uploaded; the file is
 * removed only once the server has stored it and the claim is completed. Uploads are idempotent by
 * scan id, so a file uploaded twice (the sensor died between the upload and the removal) is stored
 * once. A refusal that repeating cannot fix (a 4xx other than 408/429) moves the file to `rejected/`.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ScanResult } from '../model/image-scan.js';
import { PlatformError, type PlatformClient } from './platform-client.js';
import { sleep, withBackoff } from './backoff.js';

export interface SpooledScan {
  scanId: string;
  /** The digest the claim was made for (the image id for daemon images). */
  digest: string;
  claimId?: string;
  result: ScanResult;
}

export interface UploadedScan {
  scanId: string;
  digest: string;
}

const SCAN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export class UploadSpool {
  private wake: (() => void) | undefined;

  constructor(
    readonly dir: string,
    private readonly client: PlatformClient,
    private readonly log: (line: string) => void,
    private readonly onUploaded: (scan: UploadedScan) => void = () => undefined,
  ) {}

  private get rejectedDir(): string {
    return path.join(this.dir, 'rejected');
  }

  async add(scan: SpooledScan): Promise<void> {
    if (!SCAN_ID.test(scan.scanId)) throw new Error(`invalid scan id ${scan.scanId}`);
    await mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, `${scan.scanId}.json`);
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(scan));
    await rename(temporary, file);
    this.wake?.();
  }

  /** Scan ids waiting to be uploaded, oldest name first. */
  async pending(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names.filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -'.json'.length)).sort();
  }

  /** Uploads every spooled scan, retrying with back-off while the server is away, until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    while (!signal.aborted) {
      const waiting = new Promise<void>((resolve) => (this.wake = resolve));
      for (const scanId of await this.pending()) {
        if (signal.aborted) return;
        await this.uploadOne(scanId, signal).catch((error: unknown) => this.log(`upload of scan ${scanId} stopped: ${(error as Error).message}`));
      }
      await Promise.race([waiting, sleep(5000, signal)]);
    }
  }

  private async uploadOne(scanId: string, signal: AbortSignal): Promise<void> {
    const file = path.join(this.dir, `${scanId}.json`);
    let scan: SpooledScan;
    try {
      scan = JSON.parse(await readFile(file, 'utf8')) as SpooledScan;
    } catch (error) {
      this.log(`spooled scan ${scanId} is unreadable (${(error as Error).message}); moved to rejected/`);
      await this.reject(file);
      return;
    }
    const retry = {
      signal,
      retryable: (error: unknown) => error instanceof PlatformError && error.retryable,
      onRetry: (error: unknown, delay: number) => this.log(`upload of scan ${scanId} will be retried in ${Math.round(delay / 1000)} s: ${(error as Error).message}`),
    };
    try {
      await withBackoff(() => this.client.send('PUT', `/api/v1/scans/${encodeURIComponent(scanId)}`, { result: scan.result, matched: false }), retry);
      if (scan.claimId !== undefined) {
        const claimId = scan.claimId;
        // 404: another sensor took the claim over (this one looked dead); the scan is stored all the same.
        await withBackoff(() => this.client.send('POST', `/api/v1/images/${scan.digest}/claims/${claimId}/complete`, undefined, [404]), retry);
      }
    } catch (error) {
      if (error instanceof PlatformError && !error.retryable) {
        this.log(`the server refused scan ${scanId} (${error.message}); moved to rejected/`);
        await this.reject(file);
      }
      throw error;
    }
    await rm(file, { force: true });
    this.log(`uploaded scan ${scanId} of ${scan.digest}`);
    this.onUploaded({ scanId, digest: scan.digest });
  }

  private async reject(file: string): Promise<void> {
    await mkdir(this.rejectedDir, { recursive: true });
    await rename(file, path.join(this.rejectedDir, path.basename(file))).catch(() => rm(file, { force: true }));
  }
}
