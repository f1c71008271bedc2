import { describe, expect, it, vi } from 'vitest';
import { ScanQueue } from './scan-queue.js';

const tick = (ms = 5): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('the CI mode scan queue', () => {
  it('handles at most `concurrency` items at once, every item once, and queues a key again only after its handling ended', async () => {
    const controller = new AbortController();
    let running = 0;
    let most = 0;
    const handled: string[] = [];
    const queue = new ScanQueue<string>({
      concurrency: 3,
      keyOf: (item) => item,
      handle: async (item) => {
        running++;
        most = Math.max(most, running);
        await tick(20);
        handled.push(item);
        running--;
      },
      onError: () => undefined,
    });
    const done = queue.run(controller.signal);
    for (let index = 0; index < 10; index++) expect(queue.add(`mark-${index}`)).toBe(true);
    expect(queue.add('mark-0')).toBe(false);
    while (handled.length < 10) await tick();
    expect(most).toBe(3);
    expect([...handled].sort()).toEqual(Array.from({ length: 10 }, (_, index) => `mark-${index}`).sort());
    expect(queue.size).toBe(0);
    expect(queue.add('mark-0')).toBe(true);
    while (handled.length < 11) await tick();
    controller.abort();
    await done;
  });

  it('reports a failed item and goes on with the next', async () => {
    const controller = new AbortController();
    const failed: string[] = [];
    const handled: string[] = [];
    const queue = new ScanQueue<string>({
      concurrency: 1,
      keyOf: (item) => item,
      handle: async (item) => {
        if (item === 'bad') throw new Error('export cut off');
        handled.push(item);
      },
      onError: (item, error) => failed.push(`${item}: ${(error as Error).message}`),
    });
    const done = queue.run(controller.signal);
    queue.add('bad');
    queue.add('good');
    while (handled.length < 1) await tick();
    expect(failed).toEqual(['bad: export cut off']);
    controller.abort();
    await done;
  });

  it('stops at once when the signal aborts while idle, and refuses a concurrency below 1', async () => {
    const controller = new AbortController();
    const queue = new ScanQueue<string>({ concurrency: 2, keyOf: (item) => item, handle: async () => undefined, onError: () => undefined });
    const done = queue.run(controller.signal);
    await tick();
    controller.abort();
    await done;
    expect(() => new ScanQueue<string>({ concurrency: 0, keyOf: (item) => item, handle: async () => undefined, onError: () => undefined })).toThrow(RangeError);
  });
});

describe('the CI mode scan queue, with its timers faked', () => {
  it('hands an item added after an idle minute to a runner at once (no stale waker)', async () => {
    vi.useFakeTimers();
    try {
      const controller = new AbortController();
      const handled: string[] = [];
      const queue = new ScanQueue<string>({ concurrency: 1, keyOf: (item) => item, handle: async (item) => void handled.push(item), onError: () => undefined });
      const done = queue.run(controller.signal);
      await vi.advanceTimersByTimeAsync(61_000);
      queue.add('late');
      await vi.advanceTimersByTimeAsync(0);
      expect(handled).toEqual(['late']);
      controller.abort();
      await done;
    } finally {
      vi.useRealTimers();
    }
  });
});
