/**
 * `--format table` for compliance scans: per-policy totals and every control that is not PASS,
 * worst criticality first, with its first piece of evidence.
 */
import Table from 'cli-table3';
import { createColors } from 'picocolors';
import { CRITICALITIES, type ControlState } from '../../model/control.js';
import type { ComplianceReport, RenderOptions } from '../renderer.js';
import { terminalLine } from '../../util/terminal-text.js';

export function renderComplianceTable(report: ComplianceReport, options: RenderOptions): string {
  const colors = createColors(options.color);
  const paint = (state: ControlState): string => (state === 'FAIL' ? colors.red(state) : state === 'ERROR' ? colors.yellow(state) : state === 'PASS' ? colors.green(state) : colors.dim(state));
  const { result, verdict } = report;
  const lines = [`${terminalLine(`${result.target.name}${result.target.os ? ` (${result.target.os.prettyName ?? `${result.target.os.family} ${result.target.os.version}`})` : ''}`)}: ${verdict.passed ? colors.green('PASSED') : colors.red('FAILED')} — ${verdict.controlsCausingFailure.length} of ${verdict.controlsEvaluated} controls cause build failure`];
  for (const policy of result.policies) {
    const { passed, failed, error, exception, notApplicable } = policy.totals;
    lines.push(`  ${terminalLine(policy.id)}: ${passed} passed, ${failed} failed, ${error} error, ${exception} exception, ${notApplicable} not applicable${policy.applicable ? '' : ` — ${terminalLine(policy.notApplicableReason ?? '')}`}`);
  }
  const rows = result.policies.flatMap((policy) => policy.controls).filter((control) => control.state !== 'PASS' && control.state !== 'NOT_APPLICABLE');
  rows.sort((a, b) => CRITICALITIES.indexOf(b.criticality) - CRITICALITIES.indexOf(a.criticality) || a.cid.localeCompare(b.cid));
  if (rows.length > 0) {
    const width = options.width ?? 120;
    const table = new Table({ head: ['CID', 'Criticality', 'State', 'Title', 'Evidence'], colWidths: [16, 12, 11, Math.max(20, Math.floor((width - 45) / 2)), Math.max(20, Math.floor((width - 45) / 2))], wordWrap: true, style: { head: [], border: [] } });
    for (const control of rows) {
      const first = control.unexpected[0] ?? control.missing[0];
      const evidence = first ? `${control.unexpected[0] ? 'found' : 'missing'}: ${first.value}${first.file ? ` (${first.file}${first.line ? `:${first.line}` : ''})` : ''}` : control.message;
      table.push([terminalLine(control.cid), control.criticality, paint(control.state), terminalLine(control.title), terminalLine(evidence)]);
    }
    lines.push(table.toString());
  }
  for (const warning of verdict.warnings) lines.push(colors.yellow(`warning: ${terminalLine(warning)}`));
  return `${lines.join('\n')}\n`;
}
