/**
 * `--format markdown` for compliance scans: the verdict, per-policy totals, the FAIL / ERROR /
 * EXCEPTION matrix by criticality and the controls that failed the build, each with its first
 * references (a SCAP rule's CCE, CIS and NIST ids), linked where they have an http(s) address.
 */
import type { ControlResult } from '../../model/compliance-result.js';
import { CRITICALITIES } from '../../model/control.js';
import { shownReferences } from '../control-references.js';
import type { ComplianceReport } from '../renderer.js';
import { codeSpan, escapeCell, markdownLink } from './escape.js';

const MAX_ROWS = 50;
/** References shown per control, and labels per reference (a NIST link names ~20 controls): the rest is counted. */
const MAX_REFERENCES = 3;
const MAX_LABELS = 4;

/** A cell with the control's first references; every one is in the HTML and JSON reports. */
function referencesCell(control: ControlResult | undefined): string {
  if (!control) return '';
  const shown = shownReferences(control);
  const cell = shown.slice(0, MAX_REFERENCES).map(({ labels, url }) => {
    const label = labels.length > MAX_LABELS ? `${labels.slice(0, MAX_LABELS).join(', ')} +${labels.length - MAX_LABELS}` : labels.join(', ');
    return url ? markdownLink(label, url) : escapeCell(label);
  });
  const rest = shown.slice(MAX_REFERENCES).reduce((sum, { labels }) => sum + labels.length, 0);
  return [...cell, ...(rest > 0 ? [`+${rest} more`] : [])].join('; ');
}

export function renderComplianceMarkdown(report: ComplianceReport): string {
  const { result, verdict } = report;
  const lines = [`## Tollgate compliance: ${escapeCell(result.target.name)} ${verdict.passed ? '✅ passed' : '❌ failed'}`, ''];
  lines.push(`Scan **${escapeCell(result.scan.name)}**, authentication ${result.authentication.status}, ${(result.scan.durationMs / 1000).toFixed(1)} s. Controls causing build failure: **${verdict.controlsCausingFailure.length} of ${verdict.controlsEvaluated}**.`, '');
  for (const reason of verdict.reasons) lines.push(`- ${escapeCell(reason)}`);
  for (const warning of verdict.warnings) lines.push(`- ⚠️ ${escapeCell(warning)}`);
  if (verdict.reasons.length + verdict.warnings.length > 0) lines.push('');
  if (result.policies.length > 0) {
    lines.push('| Policy | Passed | Failed | Error | Exception | Not applicable |', '|---|--:|--:|--:|--:|--:|');
    for (const policy of result.policies) lines.push(`| ${escapeCell(policy.title)} | ${policy.totals.passed} | ${policy.totals.failed} | ${policy.totals.error} | ${policy.totals.exception} | ${policy.totals.notApplicable} |`);
    lines.push('');
    const order = [...CRITICALITIES].reverse();
    lines.push(`| State | ${order.join(' | ')} |`, `|---|${order.map(() => '--:').join('|')}|`);
    for (const state of ['FAIL', 'ERROR', 'EXCEPTION'] as const) lines.push(`| ${state} | ${order.map((criticality) => verdict.matrix[state][criticality]).join(' | ')} |`);
    lines.push('');
  }
  if (verdict.controlsCausingFailure.length > 0) {
    const controls = new Map(result.policies.flatMap((policy) => policy.controls.map((control) => [`${policy.id}\0${control.cid}`, control] as const)));
    lines.push('| CID | Title | Criticality | State | References |', '|---|---|---|---|---|');
    for (const control of verdict.controlsCausingFailure.slice(0, MAX_ROWS)) lines.push(`| ${codeSpan(control.cid)} | ${escapeCell(control.title)} | ${control.criticality} | ${control.state} | ${referencesCell(controls.get(`${control.policy}\0${control.cid}`))} |`);
    if (verdict.controlsCausingFailure.length > MAX_ROWS) lines.push('', `…and ${verdict.controlsCausingFailure.length - MAX_ROWS} more (see the HTML or JSON report).`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
