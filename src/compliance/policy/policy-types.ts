/**
 * A policy as TypeScript types, whatever format it was loaded from. Its checks are the definitions
 * of the check types listed in src/compliance/checks/list.ts, each typed in its own folder;
 * docs/schema/policy.schema.json describes the native YAML format.
 */
import type { ReferenceLink } from '../../model/compliance-result.js';
import type { Criticality, Evidence } from '../../model/control.js';
import type { CheckDefinition } from '../checks/list.js';
import type { Target } from '../targets/target.js';

export type { CheckDefinition };

export interface Applicability {
  technology?: string;
  os?: { family: string; minVersion?: string }[];
  anyOf?: ({ package: string } | { path: string })[];
}

export interface Control {
  cid: string;
  title: string;
  statement: string;
  criticality: Criticality;
  rationale?: string;
  remediation?: string;
  references?: string[];
  /** The http(s) URLs of references whose label is not their URL (ControlResult.referenceLinks). */
  referenceLinks?: ReferenceLink[];
  applicability?: Applicability;
  /** The control's own check; absent only when the policy's evaluator judges every control. */
  check?: CheckDefinition;
}

/** One control as a policy evaluator judged it. */
export interface JudgedControl {
  state: 'PASS' | 'FAIL' | 'ERROR' | 'NOT_APPLICABLE';
  message: string;
  evidence: Evidence;
}

/**
 * A policy whose controls are judged together, in one session over the target, instead of check
 * by check (SCAP: a profile evaluated through one OVAL session, where every object is collected
 * once for all rules). It returns a judgement per control id; a control it leaves out is ERROR.
 */
export interface PolicyEvaluator {
  evaluate(context: { target: Target; signal?: AbortSignal }): Promise<ReadonlyMap<string, JudgedControl>>;
}

export interface Policy {
  schemaVersion: 1;
  id: string;
  title: string;
  version: string;
  description?: string;
  applicability?: Applicability;
  controls: Control[];
  /** Where the policy was loaded from (a file, or `built-in`). */
  origin: string;
  /** Present when the controls are judged together (SCAP); then controls carry no check. */
  evaluator?: PolicyEvaluator;
}
