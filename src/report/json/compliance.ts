/**
 * `--format json` for compliance scans: the result (docs/schema/compliance-result.schema.json) with
 * the compliance gate's verdict beside it.
 */
import type { ComplianceReport } from '../renderer.js';

export function renderComplianceJson(report: ComplianceReport): string {
  return `${JSON.stringify({ ...report.result, verdict: report.verdict }, null, 2)}\n`;
}
