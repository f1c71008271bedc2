/**
 * The small values the tasks publish as output variables beside the verdict file, read from the
 * engine's verdicts as they are. Pure.
 */
import { SEVERITIES, type AggregateVerdict, type ComplianceVerdict } from '../../../../src/model/index.js';

/** Findings by severity over every image, named in lower case (`critical`, `high`, ... `unknown`). */
export function severityCounts(verdict: AggregateVerdict | undefined): [string, string][] {
  return SEVERITIES.map((severity) => [severity.toLowerCase(), String((verdict?.images ?? []).reduce((sum, image) => sum + (image.counts.bySeverity[severity] ?? 0), 0))]);
}

/** The compliance verdict's counts: controls evaluated and controls causing the failure. */
export function complianceCounts(verdict: ComplianceVerdict): [string, string][] {
  return [
    ['controlsEvaluated', String(verdict.controlsEvaluated)],
    ['controlsFailing', String(verdict.controlsCausingFailure.length)],
  ];
}
