/**
 * A sensor's scan of one image, tried again when it fails: a daemon's image export cut off, a
 * layer read interrupted, the daemon restarting. At most `attempts` tries, waiting `firstDelayMs`,
 * then twice as long each time; the last error is thrown when every try failed (or the sensor
 * stops). Each failure is logged with what comes next.
 */
import { messageOf } from '../errors.js';
import { sleep } from './backoff.js';

export interface ScanRetryOptions {
  attempts: number;
  firstDelayMs: number;
  signal: AbortSignal;
  log(line: string): void;
}

export const DEFAULT_SCAN_ATTEMPTS = 3;
export const DEFAULT_SCAN_RETRY_DELAY_MS = 2000;

export async function scanWithRetries<T>(what: string, scan: () => Promise<T>, options: ScanRetryOptions): Promise<T> {
  let delay = options.firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await scan();
    } catch (error) {
      if (attempt >= options.attempts || options.signal.aborted) {
        options.log(`scanning ${what} failed (attempt ${attempt} of ${options.attempts}): ${messageOf(error)}; giving up`);
        throw error;
      }
      options.log(`scanning ${what} failed (attempt ${attempt} of ${options.attempts}): ${messageOf(error)}; trying again in ${(delay / 1000).toFixed(1)} s`);
      await sleep(delay, options.signal);
      if (options.signal.aborted) throw error;
      delay *= 2;
    }
  }
}
