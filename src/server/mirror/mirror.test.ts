/**
 * The mirror end to end: a real signed database artifact served by the server and installed by
 * the engine's own `db pull` code over HTTP on loopback; a tampered artifact is refused by the
 * installer, and the database in place stays.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packArtifact } from '../../vulndb/artifact/pack.js';
import { pullDatabase } from '../../vulndb/artifact/pull.js';
import { openVulnDatabase } from '../../vulndb/database.js';
import { testDatabase, testKeys } from '../../vulndb/test-support/artifacts.js';
import { createTestStore, startTestServer, type TestServer, type TestStore } from '../test-support/harness.js';

describe('the database mirror', () => {
  let store: TestStore;
  let server: TestServer;
  let artifact: string;
  let source: string;
  const keys = testKeys();

  beforeAll(async () => {
    store = await createTestStore('sqlite');
    source = path.join(store.dir, 'source.db');
    await testDatabase(source);
    artifact = path.join(store.dir, 'tollgate-db.tar');
    await packArtifact(source, artifact, { privateKey: keys.privateKey });
    server = await startTestServer(store, { mirrorArtifact: artifact });
  });

  afterAll(async () => {
    await server?.close();
    await store?.dispose();
  });

  it('serves the artifact that tollgate db pull installs, verified by its signature', async () => {
    const target = path.join(store.dir, 'pulled', 'tollgate.db');
    const url = `${server.url}/api/v1/vulndb/tollgate-db.tar`;
    await pullDatabase(target, { repositories: [url], trustedKeys: keys.trusted, lockTimeoutMs: 10_000 });
    const pulled = openVulnDatabase(target);
    const original = openVulnDatabase(source);
    try {
      expect(pulled.meta('built_at')).toBe(original.meta('built_at'));
      expect(pulled.status().advisories).toBe(original.status().advisories);
    } finally {
      pulled.close();
      original.close();
    }

    // The server named by its mirror index: the client follows the index to the file and checks the digest it states.
    const viaIndex = path.join(store.dir, 'pulled-via-index', 'tollgate.db');
    const fromIndex = await pullDatabase(viaIndex, { repositories: [`${server.url}/api/v1/vulndb`], trustedKeys: keys.trusted, lockTimeoutMs: 10_000 });
    expect(fromIndex.digest).toBe((await server.call('GET', '/api/v1/vulndb')).json.digest);
    const indexed = openVulnDatabase(viaIndex);
    expect(indexed.meta('built_at')).toBeDefined();
    indexed.close();

    // The same file with one byte of the database changed: the mirror serves it, the installer refuses it.
    const bytes = await readFile(artifact);
    bytes[bytes.length - 2048] = (bytes[bytes.length - 2048] ?? 0) ^ 0xff;
    await writeFile(artifact, bytes);
    const status = await server.call('GET', '/api/v1/vulndb');
    expect(status.json.size).toBe(bytes.length);
    await expect(pullDatabase(target, { repositories: [url], trustedKeys: keys.trusted, lockTimeoutMs: 10_000 })).rejects.toThrow();
    const kept = openVulnDatabase(target);
    expect(kept.meta('built_at')).toBeDefined();
    kept.close();
  });
});
