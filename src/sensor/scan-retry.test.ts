import { describe, expect, it } from 'vitest';
import { scanWithRetries } from './scan-retry.js';

describe('a sensor scan that fails', () => {
  it('is tried again after a wait that doubles, and its result is used once a try succeeds', async () => {
    const lines: string[] = [];
    let tries = 0;
    const result = await scanWithRetries(
      'sha256:abc',
      async () => {
        tries++;
        if (tries < 3) throw new Error('unexpected end of the image export');
        return 'inventory';
      },
      { attempts: 3, firstDelayMs: 10, signal: new AbortController().signal, log: (line) => lines.push(line) },
    );
    expect(result).toBe('inventory');
    expect(tries).toBe(3);
    expect(lines).toEqual([
      'scanning sha256:abc failed (attempt 1 of 3): unexpected end of the image export; trying again in 0.0 s',
      'scanning sha256:abc failed (attempt 2 of 3): unexpected end of the image export; trying again in 0.0 s',
    ]);
  });

  it('is given up after the last attempt, with its last error', async () => {
    const lines: string[] = [];
    let tries = 0;
    await expect(
      scanWithRetries('sha256:abc', async () => {
        tries++;
        throw new Error(`failure ${tries}`);
      }, { attempts: 2, firstDelayMs: 1, signal: new AbortController().signal, log: (line) => lines.push(line) }),
    ).rejects.toThrow('failure 2');
    expect(tries).toBe(2);
    expect(lines.at(-1)).toBe('scanning sha256:abc failed (attempt 2 of 2): failure 2; giving up');
  });

  it('is not tried again once the sensor stops', async () => {
    const controller = new AbortController();
    let tries = 0;
    const attempt = scanWithRetries('sha256:abc', async () => {
      tries++;
      throw new Error('daemon restarting');
    }, { attempts: 5, firstDelayMs: 60_000, signal: controller.signal, log: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    await expect(attempt).rejects.toThrow('daemon restarting');
    expect(tries).toBe(1);
  });
});
