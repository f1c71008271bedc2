/**
 * Retrying with exponential back-off (1 s, 2 s, 4 s ... at most `maxMs`), abandoned when the sensor
 * stops. Only errors the caller marks retryable are retried.
 */
export interface BackoffOptions {
  firstMs?: number;
  maxMs?: number;
  signal: AbortSignal;
  retryable(error: unknown): boolean;
  onRetry?(error: unknown, delayMs: number): void;
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Runs `attempt` until it succeeds, fails for good, or the signal aborts (then throws the last error). */
export async function withBackoff<T>(attempt: () => Promise<T>, options: BackoffOptions): Promise<T> {
  let delay = options.firstMs ?? 1000;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!options.retryable(error) || options.signal.aborted) throw error;
      options.onRetry?.(error, delay);
      await sleep(delay, options.signal);
      if (options.signal.aborted) throw error;
      delay = Math.min(delay * 2, options.maxMs ?? 30_000);
    }
  }
}
