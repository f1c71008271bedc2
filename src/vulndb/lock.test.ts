import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseError } from '../errors.js';
import { openVulnDatabase } from './database.js';
import { importOsv } from './import.js';
import { lockPathOf, withDatabaseLock } from './lock.js';
import { osvRecord } from './test-support/osv-records.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-lock-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function recordFiles(count: number): Promise<string[]> {
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = path.join(work, `record-${count}-${i}.json`);
    await writeFile(file, JSON.stringify(osvRecord({ id: `GHSA-lock-${count}-${i}`, ecosystem: 'npm', name: `pkg-${i}`, fixed: '1.0.0' })));
    files.push(file);
  }
  return files;
}

describe('the database write lock', () => {
  for (const writers of [2, 8]) {
    it(`serialises ${writers} concurrent imports into one database: none is lost`, async () => {
      const db = path.join(work, `concurrent-${writers}.db`);
      const files = await recordFiles(writers);
      const results = await Promise.all(files.map((file) => importOsv(db, [file])));
      expect(results.every((stats) => stats.added === 1)).toBe(true);
      const database = openVulnDatabase(db);
      try {
        expect(database.status().advisories).toBe(writers);
      } finally {
        database.close();
      }
    });
  }

  it('gives up after its timeout with a message naming the lock and the way out', async () => {
    const db = path.join(work, 'held.db');
    let release!: () => void;
    const held = withDatabaseLock(db, () => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const waited: string[] = [];
    const error = await withDatabaseLock(db, async () => 'ran', { timeoutMs: 300, onWait: () => waited.push('waiting') }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).message).toMatch(/another tollgate has been writing .*held\.db.*gave up waiting/);
    expect((error as DatabaseError).hint).toMatch(/TOLLGATE_DB_LOCK_TIMEOUT/);
    expect(waited).toEqual(['waiting']);
    release();
    await held;
    await expect(withDatabaseLock(db, async () => 'ran', { timeoutMs: 300 })).resolves.toBe('ran');
  });

  it("takes over the lock a crashed writer left behind: by its age, or at once when its process is gone", async () => {
    const db = path.join(work, 'crashed.db');
    await mkdir(lockPathOf(db));
    const old = new Date(Date.now() - 120_000);
    await utimes(lockPathOf(db), old, old);
    await expect(withDatabaseLock(db, async () => 'ran', { timeoutMs: 2000 })).resolves.toBe('ran');
    // A fresh lock whose owner process has exited (a killed writer).
    const { spawnSync } = await import('node:child_process');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    await mkdir(lockPathOf(db));
    const { stat } = await import('node:fs/promises');
    const info = await stat(lockPathOf(db), { bigint: true });
    const { hostname } = await import('node:os');
    await writeFile(`${lockPathOf(db)}.owner`, `${hostname()} ${gone} ${info.ino}.${info.birthtimeNs}\n`);
    const started = Date.now();
    await expect(withDatabaseLock(db, async () => 'ran', { timeoutMs: 20_000 })).resolves.toBe('ran');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('releases the lock when the work fails', async () => {
    const db = path.join(work, 'failing.db');
    await expect(withDatabaseLock(db, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(withDatabaseLock(db, async () => 'ran', { timeoutMs: 300 })).resolves.toBe('ran');
  });
});
