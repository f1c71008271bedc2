/**
 * Atomic database replacement: every write builds a new file beside the target (starting from a
 * copy of the current one when adding to it), verifies it, and renames it over the target. A
 * failed or interrupted build leaves the previous database in place and working; leftovers of a
 * crashed build are removed by the next one. The whole build holds the database's write lock
 * (lock.ts), so two writers never lose each other's records.
 */
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DatabaseError } from '../errors.js';
import { VulnDatabase } from './database.js';
import { VulnDbWriter } from './writer.js';
import { processAlive } from '../util/process.js';
import { withDatabaseLock, type LockOptions } from './lock.js';


async function removeStaleBuilds(target: string): Promise<void> {
  const folder = path.dirname(target);
  const prefix = `${path.basename(target)}.building-`;
  for (const name of await readdir(folder)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number.parseInt(name.slice(prefix.length), 10);
    if (Number.isFinite(pid) && !processAlive(pid)) await rm(path.join(folder, name), { force: true });
  }
}

export async function buildDatabase<T>(target: string, options: { startFromExisting: boolean; lock?: LockOptions }, fill: (writer: VulnDbWriter) => Promise<T>): Promise<T> {
  await mkdir(path.dirname(path.resolve(target)), { recursive: true });
  return withDatabaseLock(target, () => buildLocked(target, options, fill), options.lock);
}

async function buildLocked<T>(target: string, options: { startFromExisting: boolean }, fill: (writer: VulnDbWriter) => Promise<T>): Promise<T> {
  await removeStaleBuilds(target);
  const temporary = `${target}.building-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  if (options.startFromExisting && existsSync(target)) {
    VulnDatabase.open(target).close(); // refuse to build on a file that is not a database of ours
    await copyFile(target, temporary);
  }
  let writer: VulnDbWriter | undefined;
  try {
    writer = new VulnDbWriter(temporary);
    const result = await fill(writer);
    const { advisories } = writer.finish();
    if (advisories === 0) throw new DatabaseError('the new database holds no advisories; keeping the previous one', { hint: 'check the inputs: they contained no usable OSV records' });
    VulnDatabase.open(temporary).close();
    await rename(temporary, target);
    return result;
  } catch (error) {
    writer?.abort();
    await rm(temporary, { force: true });
    throw error;
  }
}
