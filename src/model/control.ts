/**
 * The vocabulary of compliance scanning (DESIGN.md, "Control states"): criticalities, control
 * states, and the evidence every non-PASS result carries.
 */

export const CRITICALITIES = ['MINIMAL', 'MEDIUM', 'SERIOUS', 'CRITICAL', 'URGENT'] as const;
export type Criticality = (typeof CRITICALITIES)[number];

export const CONTROL_STATES = ['PASS', 'FAIL', 'ERROR', 'EXCEPTION', 'NOT_APPLICABLE'] as const;
export type ControlState = (typeof CONTROL_STATES)[number];

/** Where a value came from: a file and line, a command, a runtime interface. */
export interface EvidenceSource {
  file?: string;
  line?: number;
  command?: string;
}

/** One value found or expected, with its origin. */
export interface EvidenceValue extends EvidenceSource {
  value: string;
}

/**
 * What a check saw. `unexpected`: values found that should not be there (or that are wrong);
 * `missing`: expected values that are absent. `observed` keeps the values that were fine, so a
 * reader can see what was looked at.
 */
export interface Evidence {
  unexpected: EvidenceValue[];
  missing: EvidenceValue[];
  observed: EvidenceValue[];
}

/** The outcome of one check: PASS, FAIL or ERROR (exceptions and applicability come later). */
export interface CheckOutcome {
  state: 'PASS' | 'FAIL' | 'ERROR';
  /** One line for people: why the state is what it is. */
  message: string;
  evidence: Evidence;
}

export function emptyEvidence(): Evidence {
  return { unexpected: [], missing: [], observed: [] };
}

export function criticalityRank(criticality: Criticality): number {
  return CRITICALITIES.indexOf(criticality);
}
