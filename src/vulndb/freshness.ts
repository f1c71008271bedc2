/**
 * How old the database is, and making sure a scan has one fresh enough: a missing database is
 * pulled on first use, one older than the maximum age is refreshed first, and when neither can
 * happen the scan stops (exit 3) with the ways out. A database built in the future (a wrong clock
 * or a forged build time) is refused. Concurrent scans sharing a database file wait on its write
 * lock and re-check after it: one of them downloads, the others use what it installed.
 */
import { existsSync } from 'node:fs';
import { DatabaseError, UsageError, messageOf } from '../errors.js';
import { FUTURE_TOLERANCE_MS } from './artifact/install.js';
import { pullDatabaseLocked, type PullOptions, type PullResult } from './artifact/pull.js';
import { VulnDatabase } from './database.js';
import { withDatabaseLock } from './lock.js';

export const DEFAULT_MAX_AGE = '48h';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `48h`, `2d`, `90m`, `3600s`, `1w` -> milliseconds. */
export function parseMaxAge(text: string, flag = '--db-max-age'): number {
  const match = /^\s*(\d{1,6}(?:\.\d{1,3})?)\s*([smhdw])\s*$/i.exec(text);
  if (!match) throw new UsageError(`invalid ${flag} "${text}" (expected a duration such as 48h, 2d or 90m)`);
  return Number(match[1]) * (UNITS[(match[2] as string).toLowerCase()] as number);
}

export type DatabaseState =
  | { kind: 'missing' }
  | { kind: 'unusable'; reason: string }
  | { kind: 'fresh' | 'stale'; builtAt: string; ageMs: number }
  | { kind: 'future'; builtAt: string }
  | { kind: 'undated' };

export function databaseState(file: string, maxAgeMs: number, now: number = Date.now()): DatabaseState {
  if (!existsSync(file)) return { kind: 'missing' };
  let builtAt: string | undefined;
  try {
    const database = VulnDatabase.open(file);
    try {
      builtAt = database.meta('built_at');
    } finally {
      database.close();
    }
  } catch (error) {
    return { kind: 'unusable', reason: messageOf(error) };
  }
  const built = builtAt ? Date.parse(builtAt) : Number.NaN;
  if (!builtAt || Number.isNaN(built)) return { kind: 'undated' };
  if (built > now + FUTURE_TOLERANCE_MS) return { kind: 'future', builtAt };
  const ageMs = Math.max(0, now - built);
  return { kind: ageMs > maxAgeMs ? 'stale' : 'fresh', builtAt, ageMs };
}

const hours = (ms: number): string => `${(ms / 3_600_000).toFixed(1)} h`;

export interface EnsureOptions {
  maxAgeMs: number;
  /** False for `--skip-db-update`: use what is there, never download. */
  update: boolean;
  pull: PullOptions;
  /** How the fixes are spelled for this caller (the CLI names its flags). */
  fixes?: string;
  now?: () => number;
}

export interface EnsureResult {
  state: DatabaseState;
  pulled?: PullResult;
}

const DEFAULT_FIXES = 'import OSV data with tollgate db import <osv-all.zip|folder>, name a reachable mirror with --db-repository, or use the database you have with --skip-db-update';

function refuseFuture(file: string, builtAt: string): never {
  throw new DatabaseError(`${file}: the database claims to be built at ${builtAt}, in the future; refusing it`, { hint: "check this machine's clock; otherwise replace the database: tollgate db pull" });
}

export async function ensureFreshDatabase(file: string, options: EnsureOptions): Promise<EnsureResult> {
  const now = options.now ?? Date.now;
  const fixes = options.fixes ?? DEFAULT_FIXES;
  const state = databaseState(file, options.maxAgeMs, now());
  if (state.kind === 'fresh') return { state };
  if (state.kind === 'future') refuseFuture(file, state.builtAt);
  if (!options.update) {
    if (state.kind === 'missing') throw new DatabaseError(`no vulnerability database at ${file}, and --skip-db-update forbids downloading one`, { hint: 'build one with: tollgate db pull   (offline: tollgate db import <osv-all.zip|folder>)' });
    return { state };
  }
  return withDatabaseLock(file, async () => {
    // Another scan may have installed a fresh database while this one waited for the lock.
    const current = databaseState(file, options.maxAgeMs, now());
    if (current.kind === 'fresh') return { state: current };
    if (current.kind === 'future') refuseFuture(file, current.builtAt);
    let pulled: PullResult;
    try {
      pulled = await pullDatabaseLocked(file, { ...options.pull, ...(current.kind === 'stale' ? { notBefore: current.builtAt } : {}) });
    } catch (error) {
      const why = messageOf(error);
      if (current.kind === 'stale') throw new DatabaseError(`the vulnerability database at ${file} is ${hours(current.ageMs)} old, over the maximum age of ${hours(options.maxAgeMs)}, and refreshing it failed: ${why}`, { hint: `${fixes}; or allow an older one with --db-max-age`, cause: error });
      throw new DatabaseError(`no usable vulnerability database at ${file}, and downloading one failed: ${why}`, { hint: fixes, cause: error });
    }
    const after = databaseState(file, options.maxAgeMs, now());
    if (after.kind === 'stale') throw new DatabaseError(`the newest vulnerability database on ${pulled.repository} was built ${hours(after.ageMs)} ago, over the maximum age of ${hours(options.maxAgeMs)}`, { hint: `the mirror is not being updated; ${fixes}; or allow an older one with --db-max-age` });
    return { state: after, pulled };
  }, { onWait: () => options.pull.onProgress?.(`Waiting for another tollgate writing ${file}`) });
}
