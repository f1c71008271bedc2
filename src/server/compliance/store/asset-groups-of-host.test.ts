/**
 * The asset groups of one host, read from the store without listing every group (the compliance
 * result route applies exceptions scoped to them), on both stores: exactly the groups whose host
 * list holds the name — not a group holding a longer name that contains it, nor one holding it in
 * another case (SQLite's LIKE ignores ASCII case; the exact check does not).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../store/open-store.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../../test-support/stores.js';
import { assetGroupsOfHost, putAssetGroup } from './assets.js';

describe.each(['sqlite', 'postgres'] as const)('asset groups of a host on %s', (kind) => {
  let dir: string;
  let postgres: ThrowawayDatabase | undefined;
  let store: Store;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tollgate-groups-'));
    postgres = kind === 'postgres' ? await createThrowawayDatabase() : undefined;
    store = await openStore({ dataDir: dir, ...(postgres ? { databaseUrl: postgres.url } : {}) });
    const groups: [string, string[]][] = [
      ['prod', ['web-1', 'db-1']],
      ['web', ['web-1', 'web-10']],
      ['longer-names', ['web-10', 'xweb-1', 'web-1.example']],
      ['other-case', ['WEB-1']],
      ['empty', []],
    ];
    for (const [name, hosts] of groups) await putAssetGroup(store.db, name, { hosts, policies: [] }, 'test');
  });

  afterAll(async () => {
    await store?.close();
    await postgres?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('names only the groups listing the host, in name order', async () => {
    expect(await assetGroupsOfHost(store.db, 'web-1')).toEqual(['prod', 'web']);
    expect(await assetGroupsOfHost(store.db, 'web-10')).toEqual(['longer-names', 'web']);
    expect(await assetGroupsOfHost(store.db, 'WEB-1')).toEqual(['other-case']);
    expect(await assetGroupsOfHost(store.db, 'db-1')).toEqual(['prod']);
  });

  it('names none for a host no group lists', async () => {
    expect(await assetGroupsOfHost(store.db, 'web')).toEqual([]);
    expect(await assetGroupsOfHost(store.db, 'nowhere')).toEqual([]);
  });
});
