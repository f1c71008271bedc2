/**
 * Re-evaluation on match worker threads: the same stored inventories re-evaluated on the main
 * thread and on two workers leave byte-identical stored results and current findings, on both
 * stores; a worker that fails a batch fails the job with an error naming it, releases the job's
 * claim so it runs again, and a worker that dies fails what is in flight at once, never hangs.
 */
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDatabase } from '../../vulndb/test-support/generate.js';
import { openVulnDatabase } from '../../vulndb/database.js';
import { createTestStore, startTestServer, waitFor, type StoreKind, type TestServer, type TestStore } from '../test-support/harness.js';
import { digestFor, inventoryResult, matchedResult } from '../test-support/scan-results.js';
import { MatchPool } from './match-pool.js';

const KINDS: StoreKind[] = ['sqlite', 'postgres'];
/** More than one of the re-evaluation's batches (50 images), so batches overlap in flight. */
const IMAGES = 60;

async function reevaluateAndWait(server: TestServer): Promise<void> {
  const queued = await server.context.reevaluator.checkDatabase();
  expect(queued?.queued).toBe(true);
  await waitFor(async () => server.context.store.db.selectFrom('job_runs').select('job_key').where('job_key', '=', queued?.jobKey as string).where('finished_at', 'is not', null).executeTakeFirst(), 120_000);
}

/** What a re-evaluation leaves in the store, without the times and ids it draws. */
async function storedState(server: TestServer): Promise<unknown> {
  const db = server.context.store.db;
  const scans = await db.selectFrom('scans').select(['scan_id', 'digest', 'status', 'result', 'database_built_at', 'package_names']).orderBy('scan_id').execute();
  const findings = await db.selectFrom('image_findings').select(['digest', 'finding_key', 'finding_id', 'package_name', 'package_version', 'severity', 'resolved_at']).orderBy('digest').orderBy('finding_key').execute();
  const events = await db.selectFrom('finding_events').select(['digest', 'finding_key', 'finding_id', 'severity', 'cause']).orderBy('digest').orderBy('finding_key').execute();
  return { scans, findings: findings.map((row) => ({ ...row, resolved_at: row.resolved_at === null ? null : 'resolved' })), events };
}

describe.each(KINDS)('re-evaluation on match workers on %s', (kind) => {
  const stores: TestStore[] = [];
  const servers: TestServer[] = [];
  let vulndbFile: string;

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) stores.push(await createTestStore(kind));
    vulndbFile = path.join((stores[0] as TestStore).dir, 'vulndb.sqlite');
    generateDatabase(vulndbFile, 100, 100, 21);
    // One database file for both servers: the results name it.
    for (const [i, store] of stores.entries()) servers.push(await startTestServer(store, { vulndbPath: vulndbFile, matchWorkers: i === 0 ? 0 : 2 }));
  });

  afterAll(async () => {
    for (const server of servers) await server.close();
    for (const store of stores) await store.dispose();
  });

  it('gives byte-identical stored results and current findings on the main thread and on two workers', async () => {
    const first = openVulnDatabase(vulndbFile);
    const uploads = Array.from({ length: IMAGES }, (_, i) => ({ id: `w-${i}`, result: matchedResult({ digest: digestFor(`${kind}-workers-${i}`), tags: [`app:${i}`], packages: 20, namePool: 100, seed: 500 + i, scannedAt: '2026-01-02T00:00:00.000Z' }, first) }));
    // An older scan of an image: stays as it was, only the newest is matched again.
    uploads.push({ id: 'w-older', result: matchedResult({ digest: digestFor(`${kind}-workers-0`), packages: 20, namePool: 100, seed: 499, scannedAt: '2026-01-01T00:00:00.000Z' }, first) });
    first.close();
    for (const server of servers) {
      for (const upload of uploads) expect((await server.call('PUT', `/api/v1/scans/${upload.id}`, { token: server.adminToken, body: { result: upload.result } })).status).toBe(201);
    }
    const next = path.join((stores[0] as TestStore).dir, 'vulndb-next.sqlite');
    generateDatabase(next, 3000, 100, 22);
    await rename(next, vulndbFile);
    for (const server of servers) await reevaluateAndWait(server);

    const [onMain, onWorkers] = await Promise.all(servers.map((server) => storedState(server)));
    expect(onWorkers).toEqual(onMain);
    // Not a vacuous equality: every newest scan was matched again, and findings appeared.
    const state = onMain as { scans: { scan_id: string; result: string }[]; events: unknown[] };
    const builtAt = openVulnDatabase(vulndbFile);
    const newBuild = builtAt.meta('built_at');
    builtAt.close();
    expect(state.scans.filter((scan) => (JSON.parse(scan.result) as { database: { builtAt: string } }).database.builtAt === newBuild)).toHaveLength(IMAGES);
    expect(state.events.length).toBeGreaterThan(0);
    expect((servers[0] as TestServer).logged.some((line) => /re-evaluation timings: .*, matching \d/.test(line))).toBe(true);
    expect((servers[1] as TestServer).logged.some((line) => /re-evaluation timings: .*waiting for 2 match workers/.test(line))).toBe(true);
  }, 600_000);

  it('fails the job clearly when a worker cannot match an inventory, and runs it again once the inventory is readable', async () => {
    const server = servers[1] as TestServer;
    const db = server.context.store.db;
    const victim = await db.selectFrom('scans').select(['scan_id', 'result']).where('scan_id', '=', 'w-7').executeTakeFirstOrThrow();
    await db.updateTable('scans').set({ result: '{"packages": not json' }).where('scan_id', '=', 'w-7').execute();
    const builtAt = server.context.reevaluator.databaseBuiltAt as string;
    const jobKey = `reevaluate:${builtAt}:test-failure`;
    await expect(server.context.reevaluator.reevaluate(jobKey, builtAt, { full: true })).rejects.toThrow(/match worker \d failed to match a stored inventory: .*JSON/);
    // The claim is released: a retry of the job does the work instead of finding it taken.
    expect(await db.selectFrom('job_runs').select('job_key').where('job_key', '=', jobKey).executeTakeFirst()).toBeUndefined();
    await db.updateTable('scans').set({ result: victim.result }).where('scan_id', '=', 'w-7').execute();
    const summary = await server.context.reevaluator.reevaluate(jobKey, builtAt, { full: true });
    expect(summary?.matched).toBe(IMAGES);
  }, 600_000);
});

describe('match pool', () => {
  let store: TestStore;
  let vulndbFile: string;
  let builtAt: string;

  beforeAll(async () => {
    store = await createTestStore('sqlite');
    vulndbFile = path.join(store.dir, 'vulndb.sqlite');
    generateDatabase(vulndbFile, 200, 100, 23);
    const database = openVulnDatabase(vulndbFile);
    builtAt = database.meta('built_at') as string;
    database.close();
  });

  afterAll(async () => {
    await store?.dispose();
  });

  it('fails every batch in flight and every later one when a worker dies, without waiting', async () => {
    // A heap too small for the inventory it is sent: the worker thread dies of it.
    const pool = await MatchPool.start({ size: 2, vulndbPath: vulndbFile, builtAt, heapLimitMb: 48 });
    try {
      const huge = { scanId: 'huge', digest: digestFor('huge'), result: JSON.stringify(inventoryResult({ digest: digestFor('huge'), packages: 100, namePool: 100, seed: 9 })).replace('"warnings":[]', `"warnings":[${Array.from({ length: 2_000_000 }, (_, i) => `"inventory note ${i}"`).join(',')}]`), packageNames: null };
      const small = { scanId: 'small', digest: digestFor('small'), result: JSON.stringify(inventoryResult({ digest: digestFor('small'), packages: 10, namePool: 100, seed: 10 })), packageNames: null };
      const started = Date.now();
      await expect(pool.match([huge, small])).rejects.toThrow(/match worker \d (crashed|exited)/);
      expect(Date.now() - started).toBeLessThan(120_000);
      await expect(pool.match([small])).rejects.toThrow(/match worker \d (crashed|exited)/);
    } finally {
      await pool.close();
    }
  }, 300_000);

  it('fails a batch whose failing part is answered after its other parts', async () => {
    const pool = await MatchPool.start({ size: 2, vulndbPath: vulndbFile, builtAt });
    try {
      const scan = (name: string, packages: number, seed: number): { scanId: string; digest: string; result: string; packageNames: null } => ({ scanId: name, digest: digestFor(name), result: JSON.stringify(inventoryResult({ digest: digestFor(name), packages, namePool: 100, seed })), packageNames: null });
      // Split in two parts: the first worker gets two small inventories and answers first; the
      // second matches a large one, then fails on an unreadable one.
      const scans = [scan('quick-1', 5, 11), scan('quick-2', 5, 12), scan('slow', 5_000, 13), { ...scan('unreadable', 5, 14), result: '{"packages": not json' }];
      const outcome = await Promise.race([
        pool.match(scans).then(
          () => 'matched',
          (error: Error) => error.message,
        ),
        new Promise<string>((resolve) => setTimeout(() => resolve('still waiting after 60 s'), 60_000).unref()),
      ]);
      expect(outcome).toMatch(/match worker \d failed to match a stored inventory: .*JSON/);
    } finally {
      await pool.close();
    }
  }, 120_000);

  it('refuses a database file that is not the build the job is for', async () => {
    await expect(MatchPool.start({ size: 1, vulndbPath: vulndbFile, builtAt: '1999-01-01T00:00:00.000Z' })).rejects.toThrow(/opened the database of .*, not 1999-01-01T00:00:00.000Z: the database changed during the re-evaluation/);
  });
});
