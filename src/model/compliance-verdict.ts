/**
 * The compliance gate's verdict: plain, versioned JSON (schema: the `verdict` of
 * docs/schema/compliance-result.schema.json, where `--format json` writes it beside the result).
 * Only src/gate/compliance-gate.ts writes it; renderers and CI tasks read it.
 */
import type { ControlState, Criticality } from './control.js';
import type { AuthenticationStatus, ComplianceResult } from './compliance-result.js';

export const COMPLIANCE_VERDICT_SCHEMA_VERSION = 1;

export type FailingState = 'FAIL' | 'ERROR' | 'EXCEPTION';
export const FAILING_STATES: readonly FailingState[] = ['FAIL', 'ERROR', 'EXCEPTION'];

export interface ComplianceGateConfig {
  failOnStates: readonly FailingState[];
  failOnCriticalities: readonly Criticality[];
  failOnAuthFailure: boolean;
  failOnNoData: boolean;
  excludeCids: readonly string[];
}

export interface FailingControl {
  cid: string;
  policy: string;
  title: string;
  state: ControlState;
  criticality: Criticality;
}

export interface ComplianceVerdict {
  schemaVersion: typeof COMPLIANCE_VERDICT_SCHEMA_VERSION;
  passed: boolean;
  reasons: string[];
  warnings: string[];
  config: ComplianceGateConfig;
  authentication: AuthenticationStatus;
  /** Controls evaluated (not excluded, not NOT_APPLICABLE). */
  controlsEvaluated: number;
  controlsCausingFailure: FailingControl[];
  /** Counts of FAIL, ERROR and EXCEPTION by criticality, excluded CIDs left out. */
  matrix: Record<FailingState, Record<Criticality, number>>;
  excludedCids: string[];
  policiesWithoutData: string[];
}


/** What `compliance scan --format json` writes: the result with the gate's verdict beside it. */
export type ComplianceJsonDocument = ComplianceResult & { verdict: ComplianceVerdict };
