/**
 * Exceptions applied to a stored compliance result: a FAIL control whose CID an approved control
 * exception names, scoped to the result's host or one of its asset groups, becomes EXCEPTION with
 * the exception's reference (the same ExceptionRef the CLI's exceptions file gives); one whose
 * covering exception has expired stays FAIL, carries the expired reference and is listed in
 * `expiredExceptions`. Pure: the caller loads the exceptions (`approvedExceptions(db, 'control',
 * now)` of exception-store.ts) and stores the result; the policy totals follow the changed states.
 */
import type { ComplianceResult, ControlResult, ExceptionRef, PolicyTotals } from '../../model/compliance-result.js';
import { exceptionOrigin, type ExceptionRecord } from './exception-record.js';

export interface ComplianceTarget {
  /** The host's name or address as exceptions scope it. */
  host?: string;
  assetGroups?: readonly string[];
}

function covers(exception: ExceptionRecord, cid: string, target: ComplianceTarget): boolean {
  if (exception.kind !== 'control' || exception.cid !== cid) return false;
  const { host, assetGroup } = exception.scope;
  if (host === undefined && assetGroup === undefined) return false;
  if (host !== undefined && host.toLowerCase() !== target.host?.toLowerCase()) return false;
  if (assetGroup !== undefined && !(target.assetGroups ?? []).includes(assetGroup)) return false;
  return true;
}

function refOf(exception: ExceptionRecord): ExceptionRef {
  return { reason: exception.reason, approver: exception.approver ?? exception.decidedBy ?? 'unknown', origin: exceptionOrigin(exception.id), ...(exception.expiresAt ? { expires: exception.expiresAt } : {}) };
}

/** Every control turned from FAIL to EXCEPTION moves one count from `failed` to `exception`. */
function totalsAfter(totals: PolicyTotals, excepted: number): PolicyTotals {
  return { ...totals, failed: totals.failed - excepted, exception: totals.exception + excepted };
}

/**
 * `exceptions` may hold any exceptions; only approved ones count, in force while `now` is before
 * their expiry. Of several covering one control, one in force wins over an expired one.
 */
export function applyComplianceExceptions(result: ComplianceResult, target: ComplianceTarget, exceptions: readonly ExceptionRecord[], now: string = new Date().toISOString()): ComplianceResult {
  const decided = exceptions.filter((exception) => (exception.state === 'approved' || exception.state === 'expired') && exception.expiresAt !== undefined);
  const expired = new Map<string, ExceptionRef & { cid: string }>();
  const policies = result.policies.map((policy) => {
    let excepted = 0;
    const controls = policy.controls.map((control): ControlResult => {
      if (control.state !== 'FAIL') return control;
      const covering = decided.filter((exception) => covers(exception, control.cid, target));
      const active = covering.find((exception) => (exception.expiresAt as string) > now);
      if (active) {
        excepted += 1;
        return { ...control, state: 'EXCEPTION', exception: refOf(active) };
      }
      const lapsed = covering.sort((a, b) => (b.expiresAt as string).localeCompare(a.expiresAt as string))[0];
      if (!lapsed) return control;
      const ref = refOf(lapsed);
      expired.set(ref.origin, { cid: control.cid, ...ref });
      return { ...control, expiredException: ref };
    });
    return { ...policy, controls, totals: totalsAfter(policy.totals, excepted) };
  });
  return { ...result, policies, expiredExceptions: [...result.expiredExceptions, ...expired.values()] };
}
