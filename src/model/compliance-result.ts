/**
 * The result of a compliance scan: plain, versioned JSON (docs/schema/compliance-result.schema.json).
 */
import type { ControlState, Criticality, EvidenceValue } from './control.js';

export const COMPLIANCE_SCHEMA_VERSION = 1;

export interface ExceptionRef {
  reason: string;
  approver: string;
  expires?: string;
  /** `file:line` of the exception entry. */
  origin: string;
}

/** An http(s) URL and the entries of a control's `references` that point at it (CIS 1.1.1, CIS 5.2.16). */
export interface ReferenceLink {
  url: string;
  labels: string[];
}

export interface ControlResult {
  cid: string;
  title: string;
  policy: string;
  criticality: Criticality;
  statement: string;
  state: ControlState;
  message: string;
  unexpected: EvidenceValue[];
  missing: EvidenceValue[];
  observed: EvidenceValue[];
  rationale?: string;
  remediation?: string;
  references?: string[];
  /**
   * The addresses of references that have one besides their label (a SCAP rule's `<reference
   * href>`), one entry per URL in the order of `references`. A reference that is itself an http(s)
   * URL (a native policy's) is its own address and has no entry.
   */
  referenceLinks?: ReferenceLink[];
  /** The active exception that turned a FAIL into EXCEPTION. */
  exception?: ExceptionRef;
  /** An exception that would have covered this control but has expired. */
  expiredException?: ExceptionRef;
}

export interface PolicyTotals {
  passed: number;
  failed: number;
  error: number;
  exception: number;
  notApplicable: number;
}

export interface PolicyResult {
  id: string;
  title: string;
  version: string;
  origin: string;
  /** False when the policy's technology is absent on the target: every control is NOT_APPLICABLE. */
  applicable: boolean;
  /** "no data for policy <id> on <target>: <technology> not present". */
  notApplicableReason?: string;
  totals: PolicyTotals;
  controls: ControlResult[];
}

/** The kinds of target a compliance scan reads. */
export type TargetKind = 'local' | 'ssh' | 'dir' | 'image';

export type AuthenticationStatus = 'not-required' | 'succeeded' | 'failed';

export interface ComplianceResult {
  schemaVersion: typeof COMPLIANCE_SCHEMA_VERSION;
  kind: 'compliance';
  scan: { id: string; name: string; startedAt: string; durationMs: number; tool: { name: 'tollgate'; version: string } };
  target: { name: string; kind: TargetKind; os?: { family: string; version: string; prettyName?: string } };
  authentication: { status: AuthenticationStatus; record?: string; message?: string };
  policies: PolicyResult[];
  expiredExceptions: (ExceptionRef & { cid: string })[];
  warnings: string[];
}
