/**
 * The adapter's scan requests: accepted at once, scanned one (or `concurrency`) at a time in the
 * order they came, kept in memory until read or evicted. Bounded: at most `capacity` requests are
 * kept; when full, the oldest finished one makes room, and when every one is still waiting a new
 * request is refused (the caller answers 429). A scan's failure is kept as its message only.
 */
import { randomUUID } from 'node:crypto';

export type ScanState<Report> = { status: 'pending' } | { status: 'done'; report: Report } | { status: 'failed'; message: string };

export class QueueFullError extends Error {}

interface Entry<Request, Report> {
  request: Request;
  state: ScanState<Report>;
}

export class ScanQueue<Request, Report> {
  readonly #entries = new Map<string, Entry<Request, Report>>();
  readonly #waiting: string[] = [];
  #running = 0;
  #idle: (() => void)[] = [];

  constructor(
    private readonly scan: (request: Request) => Promise<Report>,
    private readonly describeError: (error: unknown) => string,
    private readonly options: { capacity: number; concurrency: number },
  ) {}

  /** Queues a request and returns its id; throws QueueFullError when nothing can make room. */
  submit(request: Request): string {
    if (this.#entries.size >= this.options.capacity) {
      const finished = [...this.#entries].find(([, entry]) => entry.state.status !== 'pending');
      if (!finished) throw new QueueFullError(`${this.options.capacity} scan requests are already waiting`);
      this.#entries.delete(finished[0]);
    }
    const id = randomUUID();
    this.#entries.set(id, { request, state: { status: 'pending' } });
    this.#waiting.push(id);
    this.#pump();
    return id;
  }

  state(id: string): ScanState<Report> | undefined {
    return this.#entries.get(id)?.state;
  }

  /** Resolves when no scan is running or waiting (for shutdown and tests). */
  idle(): Promise<void> {
    if (this.#running === 0 && this.#waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    while (this.#running < this.options.concurrency && this.#waiting.length > 0) {
      const id = this.#waiting.shift() as string;
      const entry = this.#entries.get(id);
      if (!entry) continue;
      this.#running += 1;
      this.scan(entry.request)
        .then(
          (report) => {
            entry.state = { status: 'done', report };
          },
          (error: unknown) => {
            entry.state = { status: 'failed', message: this.describeError(error) };
          },
        )
        .finally(() => {
          this.#running -= 1;
          this.#pump();
          if (this.#running === 0 && this.#waiting.length === 0) for (const resolve of this.#idle.splice(0)) resolve();
        });
    }
  }
}
