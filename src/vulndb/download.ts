/**
 * Downloads to a file with the fetch of undici: proxies from HTTPS_PROXY / HTTP_PROXY / NO_PROXY,
 * a timeout per attempt, bounded retries with backoff on network errors and 5xx answers, a size
 * limit, and progress callbacks. A failed download leaves no partial file behind.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ScanError, messageOf } from '../errors.js';
import { bodyStream, httpClient, type HttpClient } from '../util/http.js';

export interface DownloadOptions {
  timeoutMs?: number;
  retries?: number;
  maxBytes?: number;
  onProgress?: (received: number, total: number | undefined) => void;
  signal?: AbortSignal;
}


class HttpStatusError extends Error {
  constructor(readonly status: number, url: string) {
    super(`${url}: HTTP ${status}`);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function attempt(url: string, destination: string, options: DownloadOptions): Promise<void> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 120_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  // A new client per download: it reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY as they are now.
  const http = await httpClient();
  try {
    await fetchTo(url, destination, options, http, signal);
  } finally {
    await http.close();
  }
}

async function fetchTo(url: string, destination: string, options: DownloadOptions, http: HttpClient, signal: AbortSignal): Promise<void> {
  const response = await http.fetch(url, { signal, redirect: 'follow' });
  if (!response.ok || !response.body) throw new HttpStatusError(response.status, url);
  const total = Number(response.headers.get('content-length')) || undefined;
  const maxBytes = options.maxBytes ?? 4 * 1024 * 1024 * 1024;
  if (total !== undefined && total > maxBytes) throw new ScanError(`${url}: ${total} bytes is over the ${maxBytes}-byte download limit`);
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > maxBytes) {
        callback(new ScanError(`${url}: more than ${maxBytes} bytes; download stopped`));
        return;
      }
      options.onProgress?.(received, total);
      callback(null, chunk);
    },
  });
  await pipeline(bodyStream(response.body), counter, createWriteStream(destination));
  if (total !== undefined && received !== total) throw new Error(`${url}: connection closed after ${received} of ${total} bytes`);
}

export async function downloadToFile(url: string, destination: string, options: DownloadOptions = {}): Promise<void> {
  const retries = options.retries ?? 3;
  let lastError: unknown;
  for (let attemptNumber = 0; attemptNumber <= retries; attemptNumber++) {
    try {
      await attempt(url, destination, options);
      return;
    } catch (error) {
      lastError = error;
      await rm(destination, { force: true });
      if (options.signal?.aborted) break;
      const retryable = !(error instanceof HttpStatusError) || error.status >= 500 || error.status === 429;
      if (!retryable || error instanceof ScanError || attemptNumber === retries) break;
      await sleep(Math.min(8000, 500 * 2 ** attemptNumber));
    }
  }
  if (lastError instanceof ScanError) throw lastError;
  throw new ScanError(`download failed: ${messageOf(lastError)}`, { cause: lastError });
}
