/**
 * Finding an image among many through `GET /api/v1/images`, on SQLite and on a throwaway
 * PostgreSQL database, with the same answers on both: any part of a tag in any case, the start of
 * a digest with or without `sha256:`, LIKE's metacharacters taken as themselves, the severity
 * filter, pages that say whether another follows, bad input answered 400 with the field. And the
 * migration that adds the search text fills it for images stored before it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finding, pkg, scanOf } from '../../../test/support/scan-fixtures.js';
import type { Severity } from '../../model/severity.js';
import { migrateToLatest, migrateUpTo } from '../store/migrations.js';
import { createTestStore, startTestServer, type StoreKind, type TestServer, type TestStore } from '../test-support/harness.js';
import { digestFor } from '../test-support/scan-results.js';

const KINDS: StoreKind[] = ['sqlite', 'postgres'];

/** Images announced in this order (each seen later than the one before), with their tags. */
const IMAGES: [string, string[]][] = [
  ['old', ['registry.example:5000/Team/Legacy-App:1.0']],
  ['percent', ['acme/100%:1']],
  ['percent-lookalike', ['acme/1000:1']],
  ['underscore', ['acme/my_app:1']],
  ['underscore-lookalike', ['acme/my-app:1']],
  ['backslash', ['acme/back\\slash:1']],
  ['two-tags', ['one/first:1', 'two/second:2']],
  ['plain', ['nginx:1.27', 'nginx:latest']],
];

function digestOf(name: string): string {
  return digestFor(`image-search/${name}`);
}

/** An image whose worst current finding has this severity. */
function scanWithWorst(name: string, worst: Severity): ReturnType<typeof scanOf> {
  const vulnerable = pkg({ name: `lib-${name}`, version: '1.0.0' });
  return { ...scanOf([vulnerable], [finding(`CVE-2026-${name}`, vulnerable, { severity: worst })], { manifestDigest: digestOf(name), id: digestOf(`${name}/id`), repoTags: [`severity/${name}:1`] }), scannedAt: new Date().toISOString() };
}

describe.each(KINDS)('searching images on %s', (kind) => {
  let store: TestStore;
  let server: TestServer;
  let viewer: string;
  const list = async (query: string): Promise<{ status: number; json: { images: { digest: string; tags: string[] }[]; nextOffset: number | null; error?: { field?: string } } }> =>
    server.call('GET', `/api/v1/images${query}`, { token: viewer });
  const found = async (query: string): Promise<string[]> => {
    const answer = await list(query);
    expect(answer.status).toBe(200);
    return answer.json.images.map((image) => image.digest);
  };

  beforeAll(async () => {
    store = await createTestStore(kind);
    server = await startTestServer(store);
    const token = async (role: string): Promise<string> => (await server.call('POST', '/api/v1/tokens', { token: server.adminToken, body: { name: `search-${role}`, role } })).json.token as string;
    const sensor = await token('sensor');
    viewer = await token('viewer');
    for (const [name, tags] of IMAGES) {
      expect((await server.call('POST', `/api/v1/images/${digestOf(name)}/processing`, { token: sensor, body: { tags } })).status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    for (const [name, worst] of [['critical', 'CRITICAL'], ['medium', 'MEDIUM'], ['unknown', 'UNKNOWN']] as const) {
      expect((await server.call('PUT', `/api/v1/scans/search-${name}`, { token: sensor, body: { result: scanWithWorst(name, worst) } })).status).toBe(201);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await store?.dispose();
  });

  it('finds any part of a tag in any case, and only whole images', async () => {
    expect(await found('?q=legacy-app')).toEqual([digestOf('old')]);
    expect(await found('?q=TEAM%2FLEGACY')).toEqual([digestOf('old')]);
    expect(await found('?q=registry.example%3A5000%2Fteam%2Flegacy-app%3A1.0')).toEqual([digestOf('old')]);
    expect(await found('?q=nginx%3A1.27')).toEqual([digestOf('plain')]);
    // Each tag is matched on its own: no match runs from the end of one tag into the next.
    expect(await found('?q=second')).toEqual([digestOf('two-tags')]);
    expect(await found(`?q=${encodeURIComponent('first:1two')}`)).toEqual([]);
    expect(await found('?q=no-such-image')).toEqual([]);
  });

  it('finds the start of a digest with or without sha256:, not a part in its middle', async () => {
    const digest = digestOf('old');
    expect(await found(`?q=${digest.slice(0, 19)}`)).toEqual([digest]);
    expect(await found(`?q=${digest.slice(7, 19)}`)).toEqual([digest]);
    expect(await found(`?q=${digest.slice(7, 19).toUpperCase()}`)).toEqual([digest]);
    expect(await found(`?q=${digest}`)).toEqual([digest]);
    expect(await found(`?q=${digest.slice(20, 40)}`)).toEqual([]);
  });

  it('takes %, _ and \\ in the query as themselves, never as wildcards', async () => {
    expect(await found('?q=100%25')).toEqual([digestOf('percent')]);
    expect(await found('?q=%25')).toEqual([digestOf('percent')]);
    expect(await found('?q=my_app')).toEqual([digestOf('underscore')]);
    expect(await found('?q=_')).toEqual([digestOf('underscore')]);
    expect(await found(`?q=${encodeURIComponent('back\\slash')}`)).toEqual([digestOf('backslash')]);
    expect(await found(`?q=${encodeURIComponent('\\')}`)).toEqual([digestOf('backslash')]);
    expect(await found(`?q=${encodeURIComponent('k\\s')}`)).toEqual([digestOf('backslash')]);
    expect(await found(`?q=${encodeURIComponent('\\%')}`)).toEqual([]);
  });

  it('filters by the severity of current findings, alone or with a query', async () => {
    const critical = digestOf('critical');
    const medium = digestOf('medium');
    const unknown = digestOf('unknown');
    expect(await found('?minSeverity=CRITICAL')).toEqual([critical]);
    expect(await found('?minSeverity=HIGH')).toEqual([critical]);
    expect(await found('?minSeverity=MEDIUM')).toEqual([medium, critical]);
    expect(await found('?minSeverity=UNKNOWN')).toEqual([unknown, medium, critical]);
    expect(await found('?minSeverity=MEDIUM&q=severity%2Fmed')).toEqual([medium]);
    expect(await found('?minSeverity=CRITICAL&q=nginx')).toEqual([]);
  });

  it('pages most recently seen first and says where the next page starts', async () => {
    const all = await list('?limit=1000');
    expect(all.json.nextOffset).toBeNull();
    const digests = all.json.images.map((image) => image.digest);
    expect(digests).toHaveLength(IMAGES.length + 3);
    expect(digests[0]).toBe(digestOf('unknown'));
    expect(digests.at(-1)).toBe(digestOf('old'));
    const pages: string[] = [];
    let offset: number | null = 0;
    let requests = 0;
    while (offset !== null) {
      const page = await list(`?limit=3&offset=${offset}`);
      pages.push(...page.json.images.map((image) => image.digest));
      offset = page.json.nextOffset;
      requests += 1;
    }
    expect(pages).toEqual(digests);
    expect(requests).toBe(Math.ceil(digests.length / 3));
    const acme = await list('?q=acme&limit=2');
    expect([acme.json.images.length, acme.json.nextOffset]).toEqual([2, 2]);
    const rest = await list('?q=acme&limit=2&offset=4');
    expect([rest.json.images.length, rest.json.nextOffset]).toEqual([1, null]);
  });

  it('answers 400 naming the field for bad input, never 500', async () => {
    const cases: [string, string][] = [
      [`?q=${'a'.repeat(257)}`, 'querystring.q'],
      [`?q=${encodeURIComponent('a\u0000b')}`, 'querystring.q'],
      [`?q=${encodeURIComponent('a\nb')}`, 'querystring.q'],
      ['?minSeverity=SEVERE', 'querystring.minSeverity'],
      ['?minSeverity=5', 'querystring.minSeverity'],
      ['?limit=0', 'querystring.limit'],
      ['?offset=-1', 'querystring.offset'],
      ['?sort=name', 'querystring'],
    ];
    for (const [query, field] of cases) {
      const answer = await list(query);
      expect([query, answer.status]).toEqual([query, 400]);
      expect(answer.json.error?.field).toContain(field);
    }
    expect((await list(`?q=${encodeURIComponent("' OR 1=1 --")}`)).json.images).toEqual([]);
  });

  it('describes the search in the OpenAPI document', async () => {
    const document = await server.call('GET', '/api/v1/openapi.json');
    const parameters = (document.json.paths['/api/v1/images'].get.parameters as { name: string; in: string }[]).map((parameter) => `${parameter.in}:${parameter.name}`);
    expect(parameters).toEqual(expect.arrayContaining(['query:q', 'query:minSeverity', 'query:limit', 'query:offset']));
  });
});

describe('the image search migration', () => {
  it('fills the search text of images stored before it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-migration-'));
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(path.join(dir, 'store.sqlite')) }) });
    try {
      await migrateUpTo(db, '0006-scan-package-names');
      const images = db as unknown as Kysely<{ images: { digest: string; tags: string; first_seen: string; last_seen: string; processing_since: string | null; tag_search?: string } }>;
      const rows = Array.from({ length: 1203 }, (_, index) => ({ digest: digestFor(`before/${index}`), tags: JSON.stringify([`Team/App-${index}:1`, `other:${index}`]), first_seen: '2026-01-01T00:00:00.000Z', last_seen: '2026-01-01T00:00:00.000Z', processing_since: null }));
      for (let i = 0; i < rows.length; i += 100) await images.insertInto('images').values(rows.slice(i, i + 100)).execute();
      await migrateToLatest(db);
      const after = await images.selectFrom('images').select(['digest', 'tag_search']).execute();
      expect(after).toHaveLength(rows.length);
      const byDigest = new Map(after.map((row) => [row.digest, row.tag_search]));
      expect(byDigest.get(digestFor('before/1202'))).toBe('team/app-1202:1\nother:1202');
      expect(after.every((row) => row.tag_search !== '')).toBe(true);
    } finally {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
