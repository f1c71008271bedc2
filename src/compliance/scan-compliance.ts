/**
 * `scanCompliance`: a target evaluated against policies. Controls run one after another on one
 * target connection (an SSH host sees one session, not a burst); facts shared by controls are read
 * once. Every control ends in one state with its evidence; exceptions turn FAIL into EXCEPTION
 * while active. Pass/fail of the build is not decided here but by the compliance gate.
 */
import { randomUUID } from 'node:crypto';
import { messageOf } from '../errors.js';
import { TOOL_VERSION } from '../version.js';
import { missingTechnology } from './applicability.js';
import { evaluateCheck } from './checks/list.js';
import type { ExceptionEntry } from '../config/exceptions.js';
import { findException, isActive } from './exceptions.js';
import { TargetFacts } from './facts.js';
import type { ControlState } from '../model/control.js';
import type { JudgedControl, Policy, PolicyEvaluator } from './policy/policy-types.js';
import { emptyEvidence } from '../model/control.js';
import { COMPLIANCE_SCHEMA_VERSION, type ComplianceResult, type ControlResult, type PolicyResult, type PolicyTotals } from '../model/compliance-result.js';
import type { Target } from './targets/target.js';
import { abortableTarget } from './targets/stop-on-abort.js';

export interface ComplianceScanOptions {
  scanName: string;
  exceptions?: readonly ExceptionEntry[];
  commandTimeoutMs?: number;
  /** YYYY-MM-DD used for exception expiry (today, UTC, unless a test fixes it). */
  today?: string;
  authenticationRecord?: string;
  onProgress?: (done: number, total: number, policy: string) => void;
  /** Aborted when the scan's own time limit passes. */
  signal?: AbortSignal;
}

/**
 * The judgements of a policy whose controls are evaluated together (SCAP); when the evaluation as
 * a whole fails (content the engine cannot read, a target read error), every control is ERROR with
 * that reason. An abort (the scan's time limit) is not swallowed.
 */
async function judgeTogether(policy: Policy, target: Target, signal: AbortSignal | undefined): Promise<ReadonlyMap<string, JudgedControl>> {
  try {
    return await (policy.evaluator as PolicyEvaluator).evaluate({ target, ...(signal ? { signal } : {}) });
  } catch (error) {
    signal?.throwIfAborted();
    const message = `policy ${policy.id} could not be evaluated on ${target.name}: ${messageOf(error)}`;
    return new Map(policy.controls.map((control) => [control.cid, { state: 'ERROR', message, evidence: emptyEvidence() }]));
  }
}

function totalsOf(controls: readonly ControlResult[]): PolicyTotals {
  const count = (state: ControlState): number => controls.filter((control) => control.state === state).length;
  return { passed: count('PASS'), failed: count('FAIL'), error: count('ERROR'), exception: count('EXCEPTION'), notApplicable: count('NOT_APPLICABLE') };
}

export async function scanCompliance(scanned: Target, policies: readonly Policy[], options: ComplianceScanOptions): Promise<ComplianceResult> {
  const started = Date.now();
  // Work in progress stops at its next read once the scan is aborted (its time limit passed).
  const target = options.signal ? abortableTarget(scanned, options.signal) : scanned;
  const facts = new TargetFacts(target);
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const exceptions = options.exceptions ?? [];
  const expired = new Map<string, ExceptionEntry>();
  const total = policies.reduce((sum, policy) => sum + policy.controls.length, 0);
  let done = 0;
  const results: PolicyResult[] = [];
  for (const policy of policies) {
    let absent: string | undefined;
    let undecided: string | undefined;
    try {
      absent = await missingTechnology(policy.applicability, facts);
    } catch (error) {
      // Whether the policy applies could not be read (an unreadable os-release, a package
      // database Tollgate cannot open): every control is ERROR with that reason, never a guess.
      undecided = `cannot tell whether policy ${policy.id} applies to ${target.name}: ${messageOf(error)}`;
    }
    const reason = absent === undefined ? undefined : `no data for policy ${policy.id} on ${target.name}: ${absent} not present`;
    const judged = policy.evaluator && !reason && !undecided ? await judgeTogether(policy, target, options.signal) : undefined;
    const controls: ControlResult[] = [];
    for (const control of policy.controls) {
      options.signal?.throwIfAborted();
      const base = {
        cid: control.cid,
        title: control.title,
        policy: policy.id,
        criticality: control.criticality,
        statement: control.statement,
        ...(control.rationale ? { rationale: control.rationale } : {}),
        ...(control.remediation ? { remediation: control.remediation } : {}),
        ...(control.references ? { references: control.references } : {}),
        ...(control.referenceLinks ? { referenceLinks: control.referenceLinks } : {}),
      };
      let controlAbsent: string | undefined;
      let controlUndecided = undecided;
      if (!reason && !undecided) {
        try {
          controlAbsent = await missingTechnology(control.applicability, facts);
        } catch (error) {
          controlUndecided = `cannot tell whether control ${control.cid} applies to ${target.name}: ${messageOf(error)}`;
        }
      }
      if (controlUndecided) {
        controls.push({ ...base, state: 'ERROR', message: controlUndecided, unexpected: [], missing: [], observed: [] });
      } else if (reason || controlAbsent !== undefined) {
        controls.push({ ...base, state: 'NOT_APPLICABLE', message: reason ?? `${controlAbsent} not present on ${target.name}`, unexpected: [], missing: [], observed: [] });
      } else {
        const outcome = judged
          ? (judged.get(control.cid) ?? { state: 'ERROR' as const, message: `the policy's evaluator gave no result for ${control.cid}`, evidence: emptyEvidence() })
          : control.check
            ? await evaluateCheck(control.check, { target, facts, commandTimeoutMs: options.commandTimeoutMs ?? 30_000 })
            : { state: 'ERROR' as const, message: `control ${control.cid} has no check`, evidence: emptyEvidence() };
        const result: ControlResult = { ...base, state: outcome.state, message: outcome.message, ...outcome.evidence };
        if (outcome.state === 'FAIL') {
          const exception = findException(exceptions, control.cid, policy.id, target.name);
          if (exception) {
            const ref = { reason: exception.reason, approver: exception.approver, origin: exception.origin, ...(exception.expires ? { expires: exception.expires } : {}) };
            if (isActive(exception, today)) {
              result.state = 'EXCEPTION';
              result.exception = ref;
            } else {
              result.expiredException = ref;
              expired.set(exception.origin, exception);
            }
          }
        }
        controls.push(result);
      }
      done += 1;
      options.onProgress?.(done, total, policy.id);
    }
    results.push({ id: policy.id, title: policy.title, version: policy.version, origin: policy.origin, applicable: reason === undefined, ...(reason ? { notApplicableReason: reason } : {}), totals: totalsOf(controls), controls });
  }
  const os = await facts.os().catch(() => undefined);
  return {
    schemaVersion: COMPLIANCE_SCHEMA_VERSION,
    kind: 'compliance',
    scan: { id: randomUUID(), name: options.scanName, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, tool: { name: 'tollgate', version: TOOL_VERSION } },
    target: { name: target.name, kind: target.kind, ...(os ? { os: { family: os.family, version: os.version, ...(os.prettyName ? { prettyName: os.prettyName } : {}) } } : {}) },
    authentication: { status: target.kind === 'ssh' ? 'succeeded' : 'not-required', ...(options.authenticationRecord ? { record: options.authenticationRecord } : {}) },
    policies: results,
    expiredExceptions: [...expired.values()].map((entry) => ({ cid: entry.cid, reason: entry.reason, approver: entry.approver, origin: entry.origin, ...(entry.expires ? { expires: entry.expires } : {}) })),
    warnings: [],
  };
}
