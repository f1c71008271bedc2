/**
 * CI mode: scans the images a pipeline marks with `tollgate_scan_target:<image sha>`. Marks are
 * found on the daemon's event stream (tag events) and by listing the daemon's images at start-up
 * (and whenever the event stream is re-opened), so a mark set while the sensor was down is not
 * lost. For each mark: claim the image (two sensors on one daemon scan it once), announce it as
 * processing, scan it, spool the inventory for upload, and remove the mark unless it is the image's
 * only tag. Up to `concurrency` images at a time (each under its own claim); a mark already queued
 * is not queued twice. A scan that fails is tried again (`scanAttempts`, with back-off); when every
 * try failed the sensor records the failure on its claim (the polling pipeline stops waiting and
 * fails with the reason) and the mark stays, so the next mark or a restart tries once more.
 */
import type { DockerConnection } from '../image/docker/connection.js';
import { inspectImage, listImages, untagImage, watchImageEvents, type ImageEvent } from '../image/docker/operations.js';
import { messageOf } from '../errors.js';
import { PlatformError, type PlatformClient } from './platform-client.js';
import { sleep, withBackoff } from './backoff.js';
import type { ImageScanner } from './daemon-scanner.js';
import { isMarker, markedSha } from './scan-marker.js';
import { ScanQueue } from './scan-queue.js';
import { DEFAULT_SCAN_ATTEMPTS, DEFAULT_SCAN_RETRY_DELAY_MS, scanWithRetries } from './scan-retry.js';
import { reportScanFailure } from './scan-failure-report.js';
import type { UploadSpool } from './upload-spool.js';

export interface ScanRequest {
  /** The marker tag as the daemon names it. */
  marker: string;
  /** When the mark was set (the tag event's time); absent for marks found by listing. */
  requestedAt?: string;
}

export interface CiModeOptions {
  connection: DockerConnection;
  client: PlatformClient;
  sensorId: string;
  spool: UploadSpool;
  scan: ImageScanner;
  /** Images scanned at once (default 2). */
  concurrency?: number;
  /** Tries of a failing scan (default 3), the first wait between them (default 2 s, doubling). */
  scanAttempts?: number;
  scanRetryDelayMs?: number;
  log(line: string): void;
}

export const DEFAULT_CI_CONCURRENCY = 2;

export class CiMode {
  private readonly queue: ScanQueue<ScanRequest>;

  constructor(private readonly options: CiModeOptions) {
    this.queue = new ScanQueue<ScanRequest>({
      concurrency: options.concurrency ?? DEFAULT_CI_CONCURRENCY,
      keyOf: (request) => request.marker,
      handle: (request, signal) => this.handle(request, signal),
      onError: (request, error) => options.log(`scanning the image marked ${request.marker} failed: ${messageOf(error)}`),
    });
  }

  /** Runs until `signal` aborts: the event watch (re-opened when the stream ends) and the scan workers. */
  async run(signal: AbortSignal): Promise<void> {
    await Promise.all([this.watch(signal), this.queue.run(signal)]);
  }

  private enqueue(request: ScanRequest): void {
    this.queue.add(request);
  }

  /** Marks present now: each is queued; one that is its image's only tag and was scanned already is skipped by the claim. */
  private async listMarks(): Promise<void> {
    const images = await listImages(this.options.connection);
    for (const image of images) {
      const tags = image.RepoTags ?? [];
      for (const tag of tags.filter(isMarker)) {
        // A mark that is not the only tag was set after the last scan (the sensor removes it): scan again.
        this.enqueue({ marker: tag, ...(tags.length > 1 ? { requestedAt: new Date().toISOString() } : {}) });
      }
    }
  }

  private onEvent(event: ImageEvent): void {
    const name = event.attributes.name ?? '';
    if (event.action !== 'tag' || !isMarker(name)) return;
    const at = event.timeNano ? new Date(Math.floor(event.timeNano / 1e6)) : event.time ? new Date(event.time * 1000) : new Date();
    this.enqueue({ marker: name, requestedAt: at.toISOString() });
  }

  private async watch(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const watching = watchImageEvents(this.options.connection, (event) => this.onEvent(event), signal);
        await this.listMarks();
        await watching;
      } catch (error) {
        this.options.log(`watching the Docker daemon failed: ${messageOf(error)}; trying again`);
      }
      await sleep(2000, signal);
    }
  }

  private async handle(request: ScanRequest, signal: AbortSignal): Promise<void> {
    const { connection, client, sensorId, log } = this.options;
    const sha = markedSha(request.marker) as string;
    let image;
    try {
      image = await inspectImage(connection, request.marker);
    } catch {
      return; // the mark is gone (scanned by another sensor and removed)
    }
    if (image.id !== `sha256:${sha}`) log(`the mark ${request.marker} is on image ${image.id}; scanning that image`);
    const retry = { signal, retryable: (error: unknown) => error instanceof PlatformError && error.retryable, onRetry: (error: unknown) => log(`server unavailable (${messageOf(error)}); retrying`) };
    let claimId: string;
    try {
      const answer = await withBackoff(() => client.send<{ claimId: string }>('POST', `/api/v1/images/${image.id}/claims`, { sensorId, marker: request.marker, ...(request.requestedAt ? { requestedAt: request.requestedAt } : {}) }), retry);
      claimId = answer.body.claimId;
    } catch (error) {
      if (error instanceof PlatformError && error.status === 409) {
        log(`${image.id}: ${error.message.replace(/^.*HTTP 409 /, '')}; not scanning it again`);
        return;
      }
      throw error;
    }
    const otherTags = image.repoTags.filter((tag) => !isMarker(tag));
    await withBackoff(() => client.send('POST', `/api/v1/images/${image.id}/processing`, { tags: otherTags }), retry);
    log(`scanning ${image.id} (${request.marker})`);
    let result;
    try {
      result = await scanWithRetries(`${image.id} (${request.marker})`, () => this.options.scan(`docker:${image.id}`), {
        attempts: this.options.scanAttempts ?? DEFAULT_SCAN_ATTEMPTS,
        firstDelayMs: this.options.scanRetryDelayMs ?? DEFAULT_SCAN_RETRY_DELAY_MS,
        signal,
        log,
      });
    } catch (error) {
      // Given up (not stopped): the pipeline polling for this image hears why instead of waiting for its timeout.
      if (!signal.aborted) await reportScanFailure(client, { digest: image.id, claimId }, error, retry, log);
      throw error;
    }
    await this.options.spool.add({ scanId: `sensor-${claimId}`, digest: image.id, claimId, result });
    const removal = await untagImage(connection, request.marker).catch((error: unknown) => `failed: ${messageOf(error)}`);
    if (removal !== 'removed') log(`the mark ${request.marker} stays (${removal === 'kept-only-tag' ? "it is the image's only tag" : removal})`);
  }
}
