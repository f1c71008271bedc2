/**
 * The write lock of a database file: every writer (`db import`, `db update`, `db build`,
 * `db pull`, a scan's first-use or refresh pull) holds it from before it reads the current file
 * until its new file is renamed into place, so two writers never lose each other's work and
 * parallel CI jobs sharing a cache download once. Readers need no lock: the file they opened stays
 * whole while it is replaced.
 *
 * proper-lockfile does the locking: an atomic `mkdir` of `<db>.lock` whose mtime the holder
 * refreshes, so the lock of a crashed holder goes stale and is taken over instead of blocking for
 * ever. The holder also writes its host, pid and the lock's inode beside the lock
 * (`<db>.lock.owner`, removed before the lock is released): a waiter on the same host whose holder
 * no longer runs marks that very lock stale at once instead of waiting out its age. A
 * waiter gives up after a timeout with a message naming the lock and the way out.
 */
import { mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { processAlive } from '../util/process.js';
import lockfile from 'proper-lockfile';
import { DatabaseError, messageOf } from '../errors.js';

/** How long a writer waits for another by default: a full `db update` can take minutes. */
export const DEFAULT_LOCK_TIMEOUT_MS = 10 * 60_000;
const STALE_MS = 30_000;
const POLL_MS = 100;

export interface LockOptions {
  timeoutMs?: number;
  /** Called once when the lock is held by someone else and this writer starts waiting. */
  onWait?: () => void;
}

export function lockPathOf(database: string): string {
  return `${path.resolve(database)}.lock`;
}

function timeoutFromEnvironment(): number | undefined {
  const text = process.env.TOLLGATE_DB_LOCK_TIMEOUT;
  if (text === undefined || text === '') return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0) throw new DatabaseError(`TOLLGATE_DB_LOCK_TIMEOUT="${text}" is not a number of seconds`);
  return seconds * 1000;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const ownerFileOf = (lockPath: string): string => `${lockPath}.owner`;

async function lockIdentity(lockPath: string): Promise<string | undefined> {
  const info = await stat(lockPath, { bigint: true }).catch(() => undefined);
  return info ? `${info.ino}.${info.birthtimeNs}` : undefined;
}

/** When the lock's holder is a process of this host that no longer runs, ages that lock past stale. */
async function expireIfHolderDied(lockPath: string): Promise<void> {
  const owner = await readFile(ownerFileOf(lockPath), 'utf8').catch(() => undefined);
  const match = owner ? /^(\S+) (\d+) (\S+)$/.exec(owner.trim()) : null;
  if (!match || match[1] !== hostname() || processAlive(Number(match[2]))) return;
  // Only the lock the dead process held: a lock taken since is another directory.
  if ((await lockIdentity(lockPath)) !== match[3]) return;
  const long = new Date(Date.now() - 10 * STALE_MS);
  await utimes(lockPath, long, long).catch(() => undefined);
}

/** Runs `work` holding the write lock of `database`. */
export async function withDatabaseLock<T>(database: string, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const file = path.resolve(database);
  await mkdir(path.dirname(file), { recursive: true });
  const timeoutMs = options.timeoutMs ?? timeoutFromEnvironment() ?? DEFAULT_LOCK_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let compromised: Error | undefined;
  let release: (() => Promise<void>) | undefined;
  let waited = false;
  while (!release) {
    try {
      release = await lockfile.lock(file, {
        realpath: false,
        lockfilePath: lockPathOf(file),
        stale: STALE_MS,
        update: STALE_MS / 3,
        onCompromised: (error) => {
          compromised = error;
        },
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw new DatabaseError(`cannot lock ${file} for writing: ${messageOf(error)}`, { cause: error });
      if (!waited) options.onWait?.();
      waited = true;
      await expireIfHolderDied(lockPathOf(file));
      if (Date.now() >= deadline) {
        throw new DatabaseError(`another tollgate has been writing ${file} for over ${Math.round(timeoutMs / 1000)} s; gave up waiting for its lock (${lockPathOf(file)})`, {
          hint: 'try again when it is done, or wait longer with TOLLGATE_DB_LOCK_TIMEOUT=<seconds>; a lock left by a crashed run is taken over at once on this host, after 30 s from elsewhere',
        });
      }
      await sleep(Math.min(POLL_MS + Math.random() * POLL_MS, Math.max(0, deadline - Date.now())));
    }
  }
  const owner = ownerFileOf(lockPathOf(file));
  await writeFile(owner, `${hostname()} ${process.pid} ${(await lockIdentity(lockPathOf(file))) ?? 'unknown'}\n`).catch(() => undefined);
  try {
    const result = await work();
    if (compromised) throw new DatabaseError(`the write lock of ${file} was lost while writing (${compromised.message}); another writer may have replaced the database`, { hint: 'run the command again' });
    return result;
  } finally {
    await rm(owner, { force: true });
    await release().catch(() => undefined);
  }
}
