/**
 * Re-evaluation on a match worker in the built CLI: `tollgate server --match-workers 1` (the
 * bundled CLI, whose entry runs the worker when started as one) matches the stored inventories
 * again on its worker after the database changes, with the findings the engine's matcher gives
 * in-process, and stops cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { openVulnDatabase } from '../../src/vulndb/database.js';
import { generateDatabase } from '../../src/vulndb/test-support/generate.js';
import { rematchScan } from '../../src/jobs/rematch.js';
import { digestFor, inventoryResult } from '../../src/server/test-support/scan-results.js';
import { CLI } from '../support/cli.js';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const TOKEN = 'tg_admin_match-workers-e2e-token-0123456789';
let work: string;
let server: ChildProcess;
let base: string;
let output = '';

async function until(pattern: RegExp): Promise<RegExpExecArray> {
  for (let i = 0; i < 1200; i++) {
    const match = pattern.exec(output);
    if (match) return match;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`not logged: ${pattern}: ${output}`);
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-match-workers-e2e-'));
  generateDatabase(path.join(work, 'vulndb.sqlite'), 100, 100, 31);
  server = spawn(process.execPath, [CLI, 'server', '--port', '0', '--data-dir', path.join(work, 'data'), '--db', path.join(work, 'vulndb.sqlite'), '--match-workers', '1'], {
    env: { ...process.env, NO_COLOR: '1', TOLLGATE_ADMIN_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const read = (chunk: Buffer): void => void (output += chunk.toString());
  server.stdout?.on('data', read);
  server.stderr?.on('data', read);
  base = (await until(/listening on (\S+)/))[1] as string;
});

afterAll(async () => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
  await rm(work, { recursive: true, force: true });
});

it('matches the stored inventories again on a worker thread of the bundled CLI, as the matcher does in-process', async () => {
  const inventories = Array.from({ length: 5 }, (_, i) => inventoryResult({ digest: digestFor(`e2e-workers-${i}`), packages: 40, namePool: 100, seed: 70 + i }));
  for (const [i, result] of inventories.entries()) {
    const response = await fetch(`${base}/api/v1/scans/e2e-${i}`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ result }) });
    expect(response.status).toBe(201);
  }
  generateDatabase(path.join(work, 'next.sqlite'), 2000, 100, 32);
  await rename(path.join(work, 'next.sqlite'), path.join(work, 'vulndb.sqlite'));
  expect((await fetch(`${base}/api/v1/reevaluations`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(202);
  await until(/re-evaluated 5 images[^\n]*5 matched again/);
  expect(output).toMatch(/re-evaluation timings: [^\n]*waiting for 1 match workers/);

  const database = openVulnDatabase(path.join(work, 'vulndb.sqlite'));
  try {
    for (const result of inventories) {
      const answer = (await (await fetch(`${base}/api/v1/images/${result.image.manifestDigest}/scan`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { status: string; result: { findings: unknown[] } };
      expect(answer.status).toBe('complete');
      expect(answer.result.findings).toEqual(rematchScan(result, database).findings);
    }
  } finally {
    database.close();
  }
  const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
  server.kill('SIGTERM');
  expect(await exited).toBe(0);
});
