/**
 * The CI mode's queue of marks to scan: a mark is queued once (until its handling ends), and at
 * most `concurrency` are handled at once, oldest first. Runs until the signal aborts; a handler's
 * error is reported through `onError` and does not stop the queue.
 */
import { sleep } from './backoff.js';

export interface ScanQueueOptions<T> {
  concurrency: number;
  /** The key two requests for the same thing share (the marker tag). */
  keyOf(item: T): string;
  handle(item: T, signal: AbortSignal): Promise<void>;
  onError(item: T, error: unknown): void;
}

export class ScanQueue<T> {
  private readonly items: T[] = [];
  private readonly keys = new Set<string>();
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly options: ScanQueueOptions<T>) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new RangeError(`concurrency must be a whole number of at least 1 (got ${options.concurrency})`);
  }

  /** Queues `item` unless an item with its key is queued or being handled; answers whether it was queued. */
  add(item: T): boolean {
    const key = this.options.keyOf(item);
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    this.items.push(item);
    const sleeper = this.sleepers.values().next().value;
    if (sleeper) {
      this.sleepers.delete(sleeper);
      sleeper();
    }
    return true;
  }

  /** Items queued or being handled. */
  get size(): number {
    return this.keys.size;
  }

  async run(signal: AbortSignal): Promise<void> {
    const wakeAll = (): void => {
      for (const sleeper of this.sleepers) sleeper();
      this.sleepers.clear();
    };
    signal.addEventListener('abort', wakeAll, { once: true });
    try {
      await Promise.all(Array.from({ length: this.options.concurrency }, () => this.runner(signal)));
    } finally {
      signal.removeEventListener('abort', wakeAll);
    }
  }

  private async runner(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const item = this.items.shift();
      if (item === undefined) {
        // Woken by a new item, or every minute (an abort ends the wait at once). The waker is
        // removed either way, so a later item wakes a runner that is really waiting.
        let wake: () => void = () => undefined;
        const woken = new Promise<void>((resolve) => (wake = resolve));
        this.sleepers.add(wake);
        await Promise.race([woken, sleep(60_000, signal)]);
        this.sleepers.delete(wake);
        continue;
      }
      try {
        await this.options.handle(item, signal);
      } catch (error) {
        this.options.onError(item, error);
      } finally {
        this.keys.delete(this.options.keyOf(item));
      }
    }
  }
}
