/**
 * Continuous re-evaluation on both stores: a new vulnerability database makes the stored
 * inventories match again (no re-scan), the findings that appeared are recorded with their time
 * and cause, "what became vulnerable since" lists them, and a signed webhook names each affected
 * image, delivered after a failed first attempt.
 */
import { createHmac } from 'node:crypto';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDatabase } from '../../vulndb/test-support/generate.js';
import { openVulnDatabase } from '../../vulndb/database.js';
import { createTestStore, startTestServer, waitFor, type StoreKind, type TestServer, type TestStore } from '../test-support/harness.js';
import { digestFor, matchedResult } from '../test-support/scan-results.js';
import { startWebhookReceiver, type WebhookReceiver } from '../test-support/webhook-receiver.js';

const KINDS: StoreKind[] = ['sqlite', 'postgres'];
const SECRET = 'webhook-test-secret';

describe.each(KINDS)('re-evaluation on %s', (kind) => {
  let store: TestStore;
  let server: TestServer;
  let receiver: WebhookReceiver;
  let vulndbFile: string;

  beforeAll(async () => {
    store = await createTestStore(kind);
    receiver = await startWebhookReceiver(1);
    vulndbFile = path.join(store.dir, 'vulndb.sqlite');
    // The first database knows few advisories; the second many more for the same packages.
    generateDatabase(vulndbFile, 100, 100, 21);
    server = await startTestServer(store, { vulndbPath: vulndbFile, webhookUrl: receiver.url, webhookSecret: SECRET });
  });

  afterAll(async () => {
    await server?.close();
    await receiver?.close();
    await store?.dispose();
  });

  it('matches every stored inventory again when the database changes, records what appeared, and notifies once per change', async () => {
    const first = openVulnDatabase(vulndbFile);
    const digests = [0, 1, 2, 3].map((i) => digestFor(`${kind}-reeval-${i}`));
    for (const [i, digest] of digests.entries()) {
      const result = matchedResult({ digest, tags: [`app:${i}`], packages: 60, namePool: 100, seed: 30 + i }, first);
      expect((await server.call('PUT', `/api/v1/scans/reeval-${i}`, { token: server.adminToken, body: { result } })).status).toBe(201);
    }
    const before = await server.call('GET', `/api/v1/images/${digests[0]}`, { token: server.adminToken });
    const sinceBefore = new Date().toISOString();
    first.close();
    await new Promise((resolve) => setTimeout(resolve, 10));

    const next = path.join(store.dir, 'vulndb-next.sqlite');
    generateDatabase(next, 3000, 100, 22);
    await rename(next, vulndbFile);
    const queued = await server.context.reevaluator.checkDatabase();
    expect(queued?.queued).toBe(true);
    const run = await waitFor(async () => server.context.store.db.selectFrom('job_runs').selectAll().where('job_key', '=', queued?.jobKey as string).where('finished_at', 'is not', null).executeTakeFirst());
    const summary = JSON.parse(run.detail as string) as { images: number; appeared: number };
    expect(summary.images).toBe(4);
    expect(summary.appeared).toBeGreaterThan(0);

    // The latest scan of each image now carries the new database's findings, from the same packages.
    const second = openVulnDatabase(vulndbFile);
    const answer = await server.call('GET', `/api/v1/images/${digests[0]}/scan`, { token: server.adminToken });
    expect(answer.json.result.findings).toEqual(matchedResult({ digest: digests[0] as string, tags: ['app:0'], packages: 60, namePool: 100, seed: 30 }, second).findings);
    expect(answer.json.result.database.builtAt).toBe(second.meta('built_at'));
    second.close();
    const after = await server.call('GET', `/api/v1/images/${digests[0]}`, { token: server.adminToken });
    expect(after.json.findings.length).toBeGreaterThan(before.json.findings.length);
    const changes = await server.call('GET', `/api/v1/changes?since=${encodeURIComponent(sinceBefore)}&limit=10000`, { token: server.adminToken });
    const appeared = changes.json.images.flatMap((image: { findings: { cause: string }[] }) => image.findings);
    expect(appeared).toHaveLength(summary.appeared);
    expect(new Set(appeared.map((finding: { cause: string }) => finding.cause))).toEqual(new Set(['reevaluation']));

    // The same database again queues nothing: the job ran once for it.
    expect((await server.context.reevaluator.checkDatabase())?.queued).toBe(false);
    const notice = await waitFor(async () => receiver.deliveries.find((delivery) => delivery.body.cause === 'reevaluation'));
    expect(receiver.attempts).toBeGreaterThan(receiver.deliveries.length);
    expect(notice.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(JSON.stringify(notice.body)).digest('hex')}`);
    expect(notice.body.images.map((image: { digest: string }) => image.digest).sort()).toEqual(changes.json.images.map((image: { digest: string }) => image.digest).sort());
    expect(receiver.deliveries.filter((delivery) => delivery.body.cause === 'reevaluation')).toHaveLength(1);
  });
});
