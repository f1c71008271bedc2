/**
 * A match worker's side (match-pool.ts starts it): opens the vulnerability database read-only
 * itself, says which build it opened, then matches each batch of stored scans it is sent with
 * rematch-stored.ts and posts the results back. Never touches the store.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openVulnDatabase, type VulnDatabase } from '../../vulndb/database.js';
import { CachedMatchDatabase } from './cached-database.js';
import { rematchStored, type RematchedScan, type StoredScan } from './rematch-stored.js';

/** workerData.role of a match worker: the bundled CLI's entry runs runMatchWorker() on it. */
export const MATCH_WORKER_ROLE = 'tollgate-rematch';

export interface MatchWorkerData {
  role: typeof MATCH_WORKER_ROLE;
  vulndbPath: string;
}

export interface MatchRequest {
  id: number;
  scans: StoredScan[];
}

export type MatchWorkerMessage = { type: 'ready'; builtAt: string | undefined } | { type: 'failed'; message: string } | { type: 'matched'; id: number; scans: RematchedScan[] } | { type: 'error'; id: number; message: string };

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function isMatchWorker(data: unknown): data is MatchWorkerData {
  return typeof data === 'object' && data !== null && (data as { role?: unknown }).role === MATCH_WORKER_ROLE;
}

export function runMatchWorker(): void {
  const port = parentPort;
  if (!port || !isMatchWorker(workerData)) throw new Error('runMatchWorker runs only in a match worker thread');
  const post = (message: MatchWorkerMessage): void => port.postMessage(message);
  let database: VulnDatabase;
  try {
    database = openVulnDatabase(workerData.vulndbPath);
  } catch (error) {
    post({ type: 'failed', message: `cannot open the vulnerability database: ${messageOf(error)}` });
    return;
  }
  const view = new CachedMatchDatabase(database);
  port.on('message', (request: MatchRequest) => {
    let scans: RematchedScan[];
    try {
      scans = request.scans.map((scan) => rematchStored(scan, view));
    } catch (error) {
      post({ type: 'error', id: request.id, message: messageOf(error) });
      return;
    }
    post({ type: 'matched', id: request.id, scans });
  });
  port.on('close', () => database.close());
  post({ type: 'ready', builtAt: database.meta('built_at') });
}
