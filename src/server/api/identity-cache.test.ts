/**
 * The per-process cache of resolved tokens: a token revoked through this process stops working at
 * once (`forget`), one revoked through another process (its row deleted from the shared store)
 * within IDENTITY_CACHE_MS, and an unknown token is never cached (a token created on another
 * node works at once).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createToken } from '../auth/tokens.js';
import { openStore, type Store } from '../store/open-store.js';
import { IDENTITY_CACHE_MS, IdentityCache } from './authenticate.js';

describe('resolved tokens cached per process', () => {
  let dir: string;
  let store: Store;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tollgate-identities-'));
    store = await openStore({ dataDir: dir });
  });

  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  afterEach(() => vi.useRealTimers());

  const revokeElsewhere = (name: string): Promise<unknown> => store.db.deleteFrom('tokens').where('name', '=', name).execute();

  it('stops trusting a token revoked by another process within IDENTITY_CACHE_MS', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const cache = new IdentityCache();
    const token = await createToken(store.db, { name: 'elsewhere', role: 'ci', createdBy: 'test' });
    expect(await cache.resolve(store.db, token)).toEqual({ name: 'elsewhere', role: 'ci' });
    await revokeElsewhere('elsewhere');
    vi.advanceTimersByTime(IDENTITY_CACHE_MS - 1);
    expect(await cache.resolve(store.db, token)).toEqual({ name: 'elsewhere', role: 'ci' });
    vi.advanceTimersByTime(1);
    expect(await cache.resolve(store.db, token)).toBeUndefined();
  });

  it('stops trusting a token revoked through this process at once', async () => {
    const cache = new IdentityCache();
    const token = await createToken(store.db, { name: 'here', role: 'viewer', createdBy: 'test' });
    expect(await cache.resolve(store.db, token)).toEqual({ name: 'here', role: 'viewer' });
    await revokeElsewhere('here');
    cache.forget('here');
    expect(await cache.resolve(store.db, token)).toBeUndefined();
  });

  it('does not remember an unknown token: created a moment later, it works at once', async () => {
    const cache = new IdentityCache();
    const value = 'tg_ci_created-later-on-another-node-0123456789';
    expect(await cache.resolve(store.db, value)).toBeUndefined();
    await createToken(store.db, { name: 'later', role: 'ci', createdBy: 'test', value });
    expect(await cache.resolve(store.db, value)).toEqual({ name: 'later', role: 'ci' });
  });
});
