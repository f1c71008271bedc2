/**
 * The compliance job: every front door's way to scan a target against policies and judge it. It
 * opens the target, evaluates the policies, enforces the scan's time limit and the caller's abort,
 * turns a refused login into the versioned authentication-failure result, and evaluates the
 * compliance gate.
 *
 * It returns data only: it never renders, never writes to stdout or stderr, never sets an exit
 * code. The target it opens it closes, also when the time limit or the caller stops the scan.
 */
import { randomUUID } from 'node:crypto';
import { ScanError, UsageError } from '../errors.js';
import type { AuthenticationRecord } from '../config/credentials.js';
import { resolveEnvValue } from '../util/env-values.js';
import type { ExceptionEntry } from '../config/exceptions.js';
import type { Policy } from '../compliance/policy/policy-types.js';
import { scanCompliance } from '../compliance/scan-compliance.js';
import { DEFAULT_SCAN_NAME, expandScanName } from '../compliance/scan-name.js';
import { openTarget, type OpenTargetOptions } from '../compliance/targets/open-target.js';
import { AuthenticationError, type Target, type TargetKind } from '../compliance/targets/target.js';
import { DEFAULT_COMPLIANCE_GATE, evaluateComplianceGate } from '../gate/compliance-gate.js';
import { COMPLIANCE_SCHEMA_VERSION, type ComplianceResult } from '../model/compliance-result.js';
import type { ComplianceGateConfig, ComplianceVerdict } from '../model/compliance-verdict.js';
import { TOOL_VERSION } from '../version.js';
import { TARGET_KINDS } from '../compliance/targets/list.js';
import { MAX_TIMER_MS } from '../util/timers.js';

export type ComplianceJobProgress =
  | { phase: 'connecting'; target: string }
  | { phase: 'control'; target: string; policy: string; done: number; total: number };

export interface ComplianceJobOptions extends OpenTargetOptions {
  /** Default: DEFAULT_COMPLIANCE_GATE. */
  gate?: ComplianceGateConfig;
  /** Time allowed to each command a check runs. */
  commandTimeoutMs?: number;
  /** Time allowed to the whole scan, connecting included; past it the job fails with ComplianceTimeoutError. */
  timeoutMs?: number;
  exceptions?: readonly ExceptionEntry[];
  /** The scan's name as results show it (default: DEFAULT_SCAN_NAME filled from the CI). */
  scanName?: string;
  /** YYYY-MM-DD against which exceptions expire (today, UTC, unless given). */
  today?: string;
  /** The caller's abort: the job fails with ComplianceCancelledError at once and closes the target. */
  signal?: AbortSignal;
  onProgress?: (event: ComplianceJobProgress) => void;
}

export interface ComplianceJobResult {
  result: ComplianceResult;
  verdict: ComplianceVerdict;
}

/** The whole scan ran past its time limit; nothing of it is reported. */
export class ComplianceTimeoutError extends ScanError {
  constructor(
    readonly target: string,
    readonly timeoutMs: number,
  ) {
    super(`the compliance scan of ${target} did not finish within ${timeoutMs / 1000} s`);
  }
}

/** The caller aborted the scan; `cause` is the abort signal's reason. */
export class ComplianceCancelledError extends ScanError {
  constructor(readonly target: string, reason: unknown) {
    super(`the compliance scan of ${target} was cancelled`, { cause: reason });
  }
}

/** The kind of target a spec names, for a target that refused the login before it was open. */
function kindOfSpec(spec: string): TargetKind {
  const resolved = resolveEnvValue(spec, 'target');
  return TARGET_KINDS.find((entry) => entry.matches(resolved))?.kind ?? 'local';
}

/** The versioned result of a scan that could not log in: no policies, the refusal as its message. */
function authenticationFailure(targetSpec: string, kind: TargetKind, scanName: string, startedAt: Date, record: AuthenticationRecord | undefined, error: AuthenticationError): ComplianceResult {
  return {
    schemaVersion: COMPLIANCE_SCHEMA_VERSION,
    kind: 'compliance',
    scan: { id: randomUUID(), name: scanName, startedAt: startedAt.toISOString(), durationMs: Date.now() - startedAt.getTime(), tool: { name: 'tollgate', version: TOOL_VERSION } },
    target: { name: targetSpec, kind },
    authentication: { status: 'failed', ...(record ? { record: record.name } : {}), message: error.message },
    policies: [],
    expiredExceptions: [],
    warnings: [],
  };
}

export async function runComplianceJob(targetSpec: string, policies: readonly Policy[], options: ComplianceJobOptions = {}): Promise<ComplianceJobResult> {
  const { gate = DEFAULT_COMPLIANCE_GATE, commandTimeoutMs, timeoutMs, exceptions, scanName: givenName, today, signal, onProgress, ...openOptions } = options;
  if (timeoutMs !== undefined && !(timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS)) throw new UsageError(`timeoutMs: ${timeoutMs} is not a time limit a timer can wait for (1 to ${MAX_TIMER_MS} ms)`);
  const startedAt = new Date();
  const scanName = givenName ?? expandScanName(DEFAULT_SCAN_NAME, startedAt);

  // One signal for both ways a scan is stopped; its reason is the error the job fails with.
  const stop = new AbortController();
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => stop.abort(new ComplianceTimeoutError(targetSpec, timeoutMs)), timeoutMs);
  const cancel = (): void => stop.abort(new ComplianceCancelledError(targetSpec, signal?.reason));
  if (signal?.aborted) cancel();
  else signal?.addEventListener('abort', cancel, { once: true });
  // The stop ends the wait at once, even inside a long command or a slow connection; closing the
  // target then ends its session and what runs in it.
  const stopped = new Promise<never>((_resolve, reject) => {
    if (stop.signal.aborted) reject(stop.signal.reason as Error);
    else stop.signal.addEventListener('abort', () => reject(stop.signal.reason as Error), { once: true });
  });
  stopped.catch(() => undefined);

  let target: Target | undefined;
  let result: ComplianceResult;
  try {
    stop.signal.throwIfAborted();
    onProgress?.({ phase: 'connecting', target: targetSpec });
    const opening = openTarget(targetSpec, openOptions);
    try {
      target = await Promise.race([stopped, opening]);
    } catch (error) {
      // A target that opens after the stop is closed as soon as it is open.
      if (stop.signal.aborted) void opening.then((late) => late.close()).catch(() => undefined);
      throw error;
    }
    const open = target;
    try {
      result = await Promise.race([
        stopped,
        scanCompliance(open, policies, {
          scanName,
          ...(exceptions ? { exceptions } : {}),
          ...(commandTimeoutMs === undefined ? {} : { commandTimeoutMs }),
          ...(today ? { today } : {}),
          signal: stop.signal,
          ...(openOptions.record ? { authenticationRecord: openOptions.record.name } : {}),
          ...(onProgress ? { onProgress: (done: number, total: number, policy: string) => onProgress({ phase: 'control', target: open.name, policy, done, total }) } : {}),
        }),
      ]);
    } finally {
      await open.close();
    }
  } catch (error) {
    if (stop.signal.aborted) throw stop.signal.reason;
    if (!(error instanceof AuthenticationError)) throw error;
    result = authenticationFailure(targetSpec, target?.kind ?? kindOfSpec(targetSpec), scanName, startedAt, openOptions.record, error);
  } finally {
    if (timer) clearTimeout(timer);
    signal?.removeEventListener('abort', cancel);
  }
  return { result, verdict: evaluateComplianceGate(result, gate) };
}
