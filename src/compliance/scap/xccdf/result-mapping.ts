/**
 * XCCDF results and severities in Tollgate's words (documented in docs/scap.md): a rule result
 * becomes a control state, a severity a criticality. notselected rules are not controls at all.
 * The severity mapping can be overridden per severity (`--scap-criticality high=URGENT`).
 */
import { UsageError } from '../../../errors.js';
import { CRITICALITIES, type ControlState, type Criticality } from '../../../model/control.js';
import { XCCDF_SEVERITIES, type XccdfResult, type XccdfSeverity } from './model.js';

export const CONTROL_STATE_OF_RESULT: Record<Exclude<XccdfResult, 'notselected'>, Exclude<ControlState, 'EXCEPTION'>> = {
  pass: 'PASS',
  fixed: 'PASS',
  // Checked, and by the content's own definition not a compliance finding.
  informational: 'PASS',
  fail: 'FAIL',
  error: 'ERROR',
  // The check ran but could not decide: not a pass, so never silently green.
  unknown: 'ERROR',
  // Not evaluated (no OVAL check, a test type Tollgate does not implement): the reason is the message.
  notchecked: 'ERROR',
  notapplicable: 'NOT_APPLICABLE',
};

export const DEFAULT_CRITICALITY_OF_SEVERITY: Readonly<Record<XccdfSeverity, Criticality>> = {
  unknown: 'MEDIUM',
  info: 'MINIMAL',
  low: 'MEDIUM',
  medium: 'SERIOUS',
  high: 'CRITICAL',
};

export type CriticalityOverrides = Partial<Record<XccdfSeverity, Criticality>>;

/** `high=URGENT,low=MINIMAL` into overrides; a usage error names the bad part. */
export function parseCriticalityOverrides(text: string, flag: string): CriticalityOverrides {
  const overrides: CriticalityOverrides = {};
  for (const part of text.split(',').map((piece) => piece.trim()).filter(Boolean)) {
    const [severity = '', criticality = ''] = part.split('=').map((piece) => piece.trim());
    if (!(XCCDF_SEVERITIES as readonly string[]).includes(severity.toLowerCase())) throw new UsageError(`${flag}: "${severity}" is not an XCCDF severity (${XCCDF_SEVERITIES.join(', ')})`);
    if (!(CRITICALITIES as readonly string[]).includes(criticality.toUpperCase())) throw new UsageError(`${flag}: "${criticality}" is not a criticality (${CRITICALITIES.join(', ')})`);
    overrides[severity.toLowerCase() as XccdfSeverity] = criticality.toUpperCase() as Criticality;
  }
  return overrides;
}

export function criticalityOf(severity: XccdfSeverity, overrides: CriticalityOverrides = {}): Criticality {
  return overrides[severity] ?? DEFAULT_CRITICALITY_OF_SEVERITY[severity];
}
