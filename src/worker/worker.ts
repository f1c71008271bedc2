/**
 * `tollgate worker`'s process: heartbeats for its scanner label, leases queued compliance scans for
 * that label (up to `concurrency` at once) and runs each with runLeasedScan. A server that is down
 * or failing is waited for, never a reason to exit. Stopping (SIGTERM, SIGINT, or the caller's
 * signal) ends leasing at once and stops running scans without uploading: their leases expire and
 * another worker runs them.
 */
import { hostname } from 'node:os';
import { messageOf } from '../errors.js';
import { TOOL_VERSION } from '../version.js';
import { runLeasedScan, type LeasedScanOutcome } from './run-leased-scan.js';
import type { WorkerApi } from './worker-api.js';

export interface WorkerOptions {
  api: WorkerApi;
  label: string;
  workerId: string;
  concurrency: number;
  heartbeatMs: number;
  /** How long to wait before asking again when no scan is queued. */
  pollMs: number;
  leaseSeconds: number;
  knownHostsFiles?: string[];
  /** Aborted: stop leasing, stop running scans, return. */
  signal: AbortSignal;
  log: (line: string) => void;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Runs until the signal is aborted; resolves once every running scan has stopped. */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const { api, label, workerId, signal, log } = options;
  const about = { hostname: hostname(), version: TOOL_VERSION };
  let heartbeatFailing = false;
  const beat = async (): Promise<void> => {
    try {
      await api.heartbeat(label, workerId, about);
      if (heartbeatFailing) log('heartbeat: the server answers again');
      heartbeatFailing = false;
    } catch (error) {
      if (!heartbeatFailing) log(`heartbeat failed, retrying (${messageOf(error)})`);
      heartbeatFailing = true;
    }
  };
  await beat();
  const heartbeats = setInterval(() => void beat(), options.heartbeatMs);
  log(`worker ${workerId} serving scanner "${label}" (up to ${options.concurrency} scan${options.concurrency === 1 ? '' : 's'} at once)`);

  const running = new Set<Promise<LeasedScanOutcome | undefined>>();
  let slotFreed: () => void = () => undefined;
  let leaseFailing = false;
  try {
    while (!signal.aborted) {
      if (running.size >= options.concurrency) {
        await Promise.race([new Promise<void>((resolve) => (slotFreed = resolve)), pause(options.pollMs * 10, signal)]);
        continue;
      }
      let lease;
      try {
        lease = await api.lease(label, workerId, options.leaseSeconds);
        if (leaseFailing) log('lease: the server answers again');
        leaseFailing = false;
      } catch (error) {
        if (!leaseFailing) log(`lease failed, retrying (${messageOf(error)})`);
        leaseFailing = true;
        await pause(options.pollMs, signal);
        continue;
      }
      if (!lease) {
        await pause(options.pollMs, signal);
        continue;
      }
      const scanId = lease.scanId;
      const scan = runLeasedScan({ api, lease, leaseSeconds: options.leaseSeconds, ...(options.knownHostsFiles ? { knownHostsFiles: options.knownHostsFiles } : {}), stopping: signal, log })
        .catch((error: unknown) => {
          // Left to the lease: it expires and the scan is leased again (or the server already ended it).
          log(`scan ${scanId}: not completed (${messageOf(error)})`);
          return undefined;
        })
        .finally(() => {
          running.delete(scan);
          slotFreed();
        });
      running.add(scan);
    }
  } finally {
    clearInterval(heartbeats);
    if (running.size > 0) log(`stopping: ${running.size} running scan${running.size === 1 ? '' : 's'} left to lease expiry`);
    await Promise.all(running);
    log(`worker ${workerId} stopped`);
  }
}
