/**
 * The connector's polling loop against scripted answers (a stand-in for the server's result
 * endpoint; the real server is exercised in test/e2e/connector-sensor-failure.test.ts): the
 * sensor's failure (422 `scan_failed`) ends it with the reason, shown bounded and on one line; any
 * other 422 is a server error that polling rides out; a server that never answers the failure
 * (older than migration 0007) keeps today's behaviour, the timeout; a stop signal ends it early.
 */
import { describe, expect, it } from 'vitest';
import { MAX_FAILURE_REASON_CHARS } from '../util/failure-reason.js';
import type { PlatformAnswer, PlatformClient } from './platform-client.js';
import { pollImageResult } from './poll-image-result.js';

const IMAGE = `sha256:${'ab'.repeat(32)}`;

/** A client answering from `script` in turn (the last answer repeats), recording the paths asked. */
function scriptedClient(script: PlatformAnswer[]): PlatformClient & { asked: string[] } {
  const asked: string[] = [];
  return {
    shown: 'http://tollgate.test',
    asked,
    request: (_method, path) => {
      asked.push(path);
      return Promise.resolve(script[Math.min(asked.length - 1, script.length - 1)] as PlatformAnswer);
    },
    close: () => Promise.resolve(),
  };
}

const failed = (reason: string, code = 'scan_failed'): PlatformAnswer => ({ status: 422, body: { error: { code, message: `sensor s-1 could not scan this image: ${reason}` }, failure: { sensorId: 's-1', marker: 'tollgate_scan_target:ab', failedAt: '2026-12-03T14:00:00.000Z', reason } } });

describe('polling for a sensor result', () => {
  it('ends with the sensor reason on its failure, after the 204s, asking only for scans after the mark', async () => {
    const client = scriptedClient([{ status: 204, body: undefined }, { status: 204, body: undefined }, failed('reading the export failed: unexpected end of file')]);
    const lines: string[] = [];
    const outcome = await pollImageResult(client, IMAGE, '2026-12-03T13:59:00.000Z', { intervalMs: 1, deadline: Date.now() + 10_000 }, (line) => lines.push(line));
    expect(outcome).toEqual({ kind: 'failed', sensorId: 's-1', failedAt: '2026-12-03T14:00:00.000Z', reason: 'reading the export failed: unexpected end of file' });
    expect(client.asked).toHaveLength(3);
    expect(client.asked[0]).toBe(`/api/v1/images/${IMAGE}/scan?scannedAfter=2026-12-03T13%3A59%3A00.000Z`);
    expect(lines).toEqual([`${IMAGE}: known, still being scanned`]);
  });

  it("shows a server's reason on one line and bounded, whatever it sent", async () => {
    const client = scriptedClient([failed(`\u001b]0;owned\u0007line one\nline two ${'x'.repeat(2000)}`)]);
    const outcome = await pollImageResult(client, IMAGE, '2026-12-03T13:59:00.000Z', { intervalMs: 1, deadline: Date.now() + 10_000 }, () => undefined);
    expect(outcome.kind).toBe('failed');
    const reason = (outcome as { reason: string }).reason;
    expect(reason.startsWith('\\x1b]0;owned\\x07line one\\nline two xxx')).toBe(true);
    expect(Array.from(reason)).toHaveLength(MAX_FAILURE_REASON_CHARS);
    expect(reason.endsWith('…')).toBe(true);
  });

  it('rides out a 422 that is not a scan failure, and times out on a server that never answers one', async () => {
    const other = scriptedClient([failed('whatever', 'unprocessable'), { status: 204, body: undefined }]);
    const lines: string[] = [];
    const outcome = await pollImageResult(other, IMAGE, '2026-12-03T13:59:00.000Z', { intervalMs: 5, deadline: Date.now() + 60 }, (line) => lines.push(line));
    expect(outcome).toEqual({ kind: 'timeout', lastState: 'known, still being scanned' });
    expect(lines[0]).toMatch(/server error \(HTTP 422/);
    const older = scriptedClient([{ status: 204, body: undefined }]);
    expect(await pollImageResult(older, IMAGE, '2026-12-03T13:59:00.000Z', { intervalMs: 5, deadline: Date.now() + 60 }, () => undefined)).toEqual({ kind: 'timeout', lastState: 'known, still being scanned' });
    expect(older.asked.length).toBeGreaterThan(2);
  });

  it('stops at once when told to (another image failed)', async () => {
    const controller = new AbortController();
    const client = scriptedClient([{ status: 204, body: undefined }]);
    const polling = pollImageResult(client, IMAGE, '2026-12-03T13:59:00.000Z', { intervalMs: 60_000, deadline: Date.now() + 120_000, signal: controller.signal }, () => undefined);
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    expect(await polling).toEqual({ kind: 'stopped', lastState: 'known, still being scanned' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
