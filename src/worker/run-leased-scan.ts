/**
 * One leased scan, start to upload: fetch the authentication record's secrets just in time, run the
 * engine's compliance job against `ssh://address:port`, renew the lease while it runs, and upload
 * the ComplianceResult (a refused login is a result, "authentication failed", as the CLI produces)
 * or an error with a code and a message.
 *
 * The secrets live only in the AuthenticationRecord held by this function (Secrets that print as
 * `[redacted]`); nothing is written to disk, nothing with a secret reaches the log. When the server
 * answers a renewal with "canceled" or "lease lost", or the worker is stopping, the scan is stopped
 * and nothing is uploaded: a canceled scan stays canceled, a lost lease belongs to another worker,
 * and a stopping worker's lease expires so the scan is leased again.
 */
import { isTollgateError, messageOf, UsageError } from '../errors.js';
import { parsePolicy } from '../compliance/policy/load-policy.js';
import type { Policy } from '../compliance/policy/policy-types.js';
import { TargetUnavailableError } from '../compliance/targets/target.js';
import { ComplianceCancelledError, ComplianceTimeoutError, runComplianceJob } from '../jobs/compliance-job.js';
import { MAX_TIMER_MS } from '../util/timers.js';
import { WorkerApiError, type LeasedScan, type ScanFailure, type WorkerApi } from './worker-api.js';

export interface LeasedScanOptions {
  api: WorkerApi;
  lease: LeasedScan;
  leaseSeconds: number;
  /** Host key checking: known_hosts files (default: the user's and the system's). */
  knownHostsFiles?: string[];
  /** The worker is stopping: end the scan, upload nothing, let the lease expire. */
  stopping: AbortSignal;
  log: (line: string) => void;
}

export type LeasedScanOutcome = 'Finished' | 'Error' | 'Canceled' | 'LeaseLost' | 'Abandoned';

/** Why a scan was stopped from outside the engine. */
class LeaseEnded extends Error {
  constructor(readonly outcome: 'Canceled' | 'LeaseLost' | 'Abandoned') {
    super(outcome);
  }
}

const DEFAULT_CONNECT_SECONDS = 20;
const DEFAULT_COMMAND_SECONDS = 30;
const UPLOAD_ATTEMPTS = 6;

function sshSpec(address: string, port: number): string {
  return `ssh://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

function milliseconds(value: number | undefined, unit: number, fallback: number | undefined): number | undefined {
  if (value === undefined || !Number.isFinite(value) || value <= 0) return fallback;
  return Math.min(Math.round(value * unit), MAX_TIMER_MS);
}

/** The leased policies, each parsed as the CLI parses a policy file; a bad one fails the scan, not the worker. */
function parseLeasedPolicies(lease: LeasedScan): Policy[] {
  if (lease.policies.length === 0) throw new UsageError('the scan names no policy');
  return lease.policies.map((policy) => parsePolicy(policy.yaml, /\.ya?ml$/.test(policy.name) ? policy.name : `${policy.name}.yaml`));
}

/** The error the server records for a scan that ended without a result. */
function failureOf(error: unknown): ScanFailure {
  if (error instanceof ComplianceTimeoutError) return { code: 'timeout', message: error.message };
  if (error instanceof TargetUnavailableError) return { code: 'host_not_alive', message: error.message };
  if (error instanceof UsageError) return { code: 'invalid_scan', message: error.message };
  if (isTollgateError(error)) return { code: 'scan_failed', message: error.message };
  return { code: 'worker_error', message: `the worker failed: ${messageOf(error).slice(0, 300)}` };
}

export async function runLeasedScan(options: LeasedScanOptions): Promise<LeasedScanOutcome> {
  const { api, lease, log } = options;
  const stop = new AbortController();
  const onStopping = (): void => stop.abort(new LeaseEnded('Abandoned'));
  if (options.stopping.aborted) onStopping();
  else options.stopping.addEventListener('abort', onStopping, { once: true });

  // Renew at a third of the lease, so one missed renewal (a slow or restarting server) is survived.
  const renewEveryMs = Math.max(1000, (options.leaseSeconds * 1000) / 3);
  const renewal = setInterval(() => {
    api.renew(lease.scanId, lease.leaseToken).then(
      (outcome) => {
        if (!outcome.held) stop.abort(new LeaseEnded(outcome.reason === 'canceled' ? 'Canceled' : 'LeaseLost'));
      },
      (error: unknown) => log(`scan ${lease.scanId}: lease renewal failed, retrying (${messageOf(error)})`),
    );
  }, renewEveryMs);

  try {
    let failure: ScanFailure | undefined;
    let policies: Policy[] = [];
    try {
      policies = parseLeasedPolicies(lease);
    } catch (error) {
      failure = failureOf(error);
    }
    if (failure) return await upload(options, { error: failure });

    const { record, port } = await api.credentials(lease.scanId, lease.leaseToken, lease.authRecord);
    stop.signal.throwIfAborted();
    const settings = lease.settings;
    const target = sshSpec(lease.target.address, lease.target.port || port || 22);
    log(`scan ${lease.scanId}: scanning ${lease.target.host} (${target}) against ${policies.map((policy) => policy.id).join(', ')}`);
    try {
      const timeoutMs = milliseconds(settings.timeoutMinutes, 60_000, undefined);
      const job = await runComplianceJob(target, policies, {
        record,
        ...(options.knownHostsFiles ? { knownHostsFiles: options.knownHostsFiles } : {}),
        connectTimeoutMs: milliseconds(settings.connectTimeoutSeconds, 1000, DEFAULT_CONNECT_SECONDS * 1000) as number,
        commandTimeoutMs: milliseconds(settings.commandTimeoutSeconds, 1000, DEFAULT_COMMAND_SECONDS * 1000) as number,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        scanName: lease.name ?? `tollgate scan ${lease.scanId}`,
        signal: stop.signal,
      });
      return await upload(options, { result: job.result });
    } catch (error) {
      if (error instanceof ComplianceCancelledError && error.cause instanceof LeaseEnded) throw error.cause;
      return await upload(options, { error: failureOf(error) });
    }
  } catch (error) {
    const ended = error instanceof LeaseEnded ? error : stop.signal.reason instanceof LeaseEnded ? (stop.signal.reason as LeaseEnded) : undefined;
    if (!ended) throw error;
    const why = { Canceled: 'canceled on the server: stopped, nothing uploaded', LeaseLost: 'the lease was lost: stopped, nothing uploaded', Abandoned: 'the worker is stopping: left to lease expiry' }[ended.outcome];
    log(`scan ${lease.scanId}: ${why}`);
    return ended.outcome;
  } finally {
    clearInterval(renewal);
    options.stopping.removeEventListener('abort', onStopping);
  }
}

/** Uploads, retrying while the server is unreachable or failing (the upload is idempotent). */
async function upload(options: LeasedScanOptions, outcome: Parameters<WorkerApi['upload']>[2]): Promise<LeasedScanOutcome> {
  let state: string | undefined;
  for (let attempt = 1; state === undefined; attempt++) {
    try {
      state = await options.api.upload(options.lease.scanId, options.lease.leaseToken, outcome);
    } catch (error) {
      const transient = error instanceof WorkerApiError && (error.status === 0 || error.status >= 500);
      if (!transient || attempt >= UPLOAD_ATTEMPTS) throw error;
      options.log(`scan ${options.lease.scanId}: upload failed, retrying (${error.message})`);
      await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
    }
  }
  const detail = 'error' in outcome ? `${outcome.error.code}: ${outcome.error.message}` : `authentication ${outcome.result.authentication.status}`;
  options.log(`scan ${options.lease.scanId}: uploaded, ${state} (${detail})`);
  return state === 'Error' ? 'Error' : 'Finished';
}
