/**
 * Worker threads that match stored inventories for one re-evaluation, so matching (most of a full
 * re-evaluation's time) runs on the other cores while the main thread reads the next batch from
 * the store and writes the last one back. Each worker opens the vulnerability database itself
 * (match-worker.ts); the pool starts only once every worker opened the build the job is for, and
 * a batch is split across the workers. A worker that dies, or fails a batch, fails every batch in
 * flight and every later one with an error naming it: the job fails, never waits for an answer
 * that cannot come. close() terminates the workers (the job's end, and the server's close).
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MATCH_WORKER_ROLE, type MatchRequest, type MatchWorkerData, type MatchWorkerMessage } from './match-worker.js';
import type { RematchedScan, StoredScan } from './rematch-stored.js';

/** The default number of match workers: one per core but the main thread's (none on one core). */
export function defaultMatchWorkers(): number {
  return Math.max(0, availableParallelism() - 1);
}

/** The upper bound of --match-workers. */
export const MAX_MATCH_WORKERS = 64;

const READY_TIMEOUT_MS = 120_000;

/**
 * What a worker thread runs: in the bundled CLI (one CommonJS file) the bundle itself, whose entry
 * runs the worker when workerData says so; else match-worker-entry beside this module. For the
 * TypeScript sources (tests and the benchmark run them through tsx) a small evaluated script
 * registers tsx in the worker first: on Node 20 a worker does not inherit the --import hooks.
 */
function workerEntry(): { entry: string; eval: boolean } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.cjs')) return { entry: here, eval: false };
  const extension = path.extname(here);
  const file = path.join(path.dirname(here), `match-worker-entry${extension}`);
  if (extension !== '.ts') return { entry: file, eval: false };
  // tsx's ES module API (its `import` export; require.resolve would answer the CommonJS one).
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const api = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api']?.import.default ?? './dist/esm/api/index.mjs';
  const tsx = pathToFileURL(path.join(path.dirname(manifest), api)).href;
  return { entry: `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(pathToFileURL(file).href)}); });`, eval: true };
}

interface Member {
  worker: Worker;
  index: number;
  /** Scans sent and not yet answered: where the next chunk goes. */
  load: number;
  pending: Map<number, { resolve: (scans: RematchedScan[]) => void; reject: (error: Error) => void; size: number }>;
}

export class MatchPool {
  private failure: Error | undefined;
  private nextId = 0;
  private closed = false;

  private constructor(private readonly members: Member[]) {}

  get size(): number {
    return this.members.length;
  }

  /**
   * Starts `size` workers on the database at `vulndbPath`; rejects unless each opened the build
   * `builtAt`. `heapLimitMb` bounds each worker's heap (a worker past it dies, and fails the job).
   */
  static async start(options: { size: number; vulndbPath: string; builtAt: string; heapLimitMb?: number }): Promise<MatchPool> {
    const entry = workerEntry();
    const data: MatchWorkerData = { role: MATCH_WORKER_ROLE, vulndbPath: options.vulndbPath };
    const members: Member[] = Array.from({ length: options.size }, (_, index) => ({
      worker: new Worker(entry.entry, { workerData: data, eval: entry.eval, ...(options.heapLimitMb !== undefined ? { resourceLimits: { maxOldGenerationSizeMb: options.heapLimitMb } } : {}) }),
      index,
      load: 0,
      pending: new Map(),
    }));
    const pool = new MatchPool(members);
    try {
      await Promise.all(members.map((member) => pool.attach(member, options.builtAt)));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Wires a worker's messages and exits; resolves when it is ready for the build `builtAt`. */
  private attach(member: Member, builtAt: string): Promise<void> {
    const name = `match worker ${member.index + 1}`;
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => settleStart(this.fail(new Error(`${name} did not start within ${READY_TIMEOUT_MS / 1000} s`))), READY_TIMEOUT_MS);
      const settleStart = (error?: Error): void => {
        if (ready) return;
        ready = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      member.worker.on('message', (message: MatchWorkerMessage) => {
        if (message.type === 'ready') {
          if (message.builtAt === builtAt) settleStart();
          else settleStart(this.fail(new Error(`${name} opened the database of ${message.builtAt ?? 'an unknown build'}, not ${builtAt}: the database changed during the re-evaluation`)));
        } else if (message.type === 'failed') {
          settleStart(this.fail(new Error(`${name}: ${message.message}`)));
        } else {
          const request = member.pending.get(message.id);
          if (!request) return;
          member.pending.delete(message.id);
          member.load -= request.size;
          if (message.type === 'matched') request.resolve(message.scans);
          // Taken out of `pending` above, so fail() does not reach it: rejected here, or a batch whose other parts were answered waits for ever.
          else request.reject(this.fail(new Error(`${name} failed to match a stored inventory: ${message.message}`)));
        }
      });
      member.worker.on('error', (error) => settleStart(this.fail(new Error(`${name} crashed: ${error.message}`))));
      member.worker.on('messageerror', (error) => settleStart(this.fail(new Error(`${name} sent a message that could not be read: ${error.message}`))));
      member.worker.on('exit', (code) => settleStart(this.fail(new Error(`${name} exited (code ${code})${this.closed ? ' as the re-evaluation was stopped' : ''}`))));
    });
  }

  /** Records the pool's first failure and rejects everything in flight with it; returns it. */
  private fail(error: Error): Error {
    this.failure ??= error;
    for (const member of this.members) {
      for (const request of member.pending.values()) request.reject(this.failure);
      member.pending.clear();
      member.load = 0;
    }
    return this.failure;
  }

  /** The scans matched again, in their order; split across the workers by their load. */
  match(scans: readonly StoredScan[]): Promise<RematchedScan[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('the match workers were stopped'));
    if (scans.length === 0) return Promise.resolve([]);
    const chunk = Math.ceil(scans.length / this.members.length);
    const parts: Promise<RematchedScan[]>[] = [];
    for (let start = 0; start < scans.length; start += chunk) {
      const part = scans.slice(start, start + chunk);
      const member = this.members.reduce((least, candidate) => (candidate.load < least.load ? candidate : least));
      const id = this.nextId++;
      parts.push(
        new Promise<RematchedScan[]>((resolve, reject) => {
          member.pending.set(id, { resolve, reject, size: part.length });
          member.load += part.length;
          const request: MatchRequest = { id, scans: part };
          member.worker.postMessage(request);
        }),
      );
    }
    return Promise.all(parts).then((matched) => matched.flat());
  }

  /** Terminates the workers; anything in flight fails. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.members.map((member) => member.worker.terminate()));
    this.fail(new Error('the match workers were stopped'));
  }
}
