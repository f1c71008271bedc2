/**
 * The contract of a check type: one module per type under src/compliance/checks/, registered in
 * checks/list.ts. A check reads the target through the context and returns PASS or FAIL with
 * evidence; anything it cannot read it throws (TargetReadError, LiveTargetRequired), and the
 * list turns that into ERROR with the reason.
 */
import type { TargetFacts } from '../facts.js';
import type { CheckOutcome, Evidence, EvidenceValue } from '../../model/control.js';
import { emptyEvidence } from '../../model/control.js';
import type { CheckDefinition } from '../policy/policy-types.js';
import type { Target } from '../targets/target.js';

export interface CheckContext {
  target: Target;
  facts: TargetFacts;
  commandTimeoutMs: number;
  /** Evaluates a nested check (composition). */
  evaluate(check: CheckDefinition): Promise<CheckOutcome>;
}

export interface CheckType<T extends CheckDefinition = CheckDefinition> {
  readonly type: T['type'];
  evaluate(check: T, context: CheckContext): Promise<CheckOutcome>;
}

/** The check needs a running system and the target is a root filesystem or an image. */
export class LiveTargetRequired extends Error {
  constructor(what: string) {
    super(`${what} needs a live system (local or ssh); this target is a filesystem`);
    this.name = 'LiveTargetRequired';
  }
}

export class EvidenceBuilder {
  readonly evidence: Evidence = emptyEvidence();

  unexpected(value: string, source: Omit<EvidenceValue, 'value'> = {}): this {
    this.evidence.unexpected.push({ value, ...source });
    return this;
  }

  missing(value: string, source: Omit<EvidenceValue, 'value'> = {}): this {
    this.evidence.missing.push({ value, ...source });
    return this;
  }

  observed(value: string, source: Omit<EvidenceValue, 'value'> = {}): this {
    this.evidence.observed.push({ value, ...source });
    return this;
  }

  get failed(): boolean {
    return this.evidence.unexpected.length > 0 || this.evidence.missing.length > 0;
  }

  /** PASS when nothing unexpected or missing was recorded, FAIL otherwise. */
  outcome(passMessage: string, failMessage: string): CheckOutcome {
    return this.failed ? { state: 'FAIL', message: failMessage, evidence: this.evidence } : { state: 'PASS', message: passMessage, evidence: this.evidence };
  }
}
