/**
 * `--format table` (the default): a summary per image and a table of findings, worst first,
 * for a person reading a terminal or a CI log. Colour only when the options ask for it.
 */
import { createColors } from 'picocolors';
import { osLine } from '../os-support.js';
import type { ScanResult } from '../../model/image-scan.js';
import type { Finding } from '../../model/finding.js';
import { SEVERITIES, SEVERITY_RANK, type Severity } from '../../model/severity.js';
import type { ImageVerdict } from '../../model/image-verdict.js';
import { verdictOf, type RenderOptions, type Renderer } from '../renderer.js';
import { renderComplianceTable } from './compliance.js';
import { alignedColumns } from './columns.js';
import { terminalLine } from '../../util/terminal-text.js';
import { databaseAge } from '../database-age.js';

type Colors = ReturnType<typeof createColors>;

function paintSeverity(colors: Colors, severity: Severity): string {
  switch (severity) {
    case 'CRITICAL':
      return colors.bold(colors.red(severity));
    case 'HIGH':
      return colors.red(severity);
    case 'MEDIUM':
      return colors.yellow(severity);
    case 'LOW':
      return colors.blue(severity);
    default:
      return colors.dim(severity);
  }
}

export function describeImage(scan: ScanResult): string {
  const name = scan.image.repoTags[0] ?? scan.image.reference;
  const id = scan.image.id ? ` (${scan.image.id.slice(0, 19)})` : '';
  const line = osLine(scan);
  const os = line ? ` — ${line}` : '';
  return terminalLine(`${name}${id}${os}`);
}

export function severityLine(scan: ScanResult): string {
  const parts = SEVERITIES.filter((severity) => scan.summary.bySeverity[severity] > 0).map((severity) => `${severity} ${scan.summary.bySeverity[severity]}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

function compareFindings(a: Finding, b: Finding): number {
  return SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.package.name.localeCompare(b.package.name) || a.id.localeCompare(b.id);
}

/** A cell: escaped for the terminal first, so the escapes count against the width and are never cut in half. */
function truncate(text: string, length: number): string {
  const safe = terminalLine(text);
  return safe.length <= length ? safe : `${safe.slice(0, Math.max(0, length - 1))}…`;
}

function verdictLines(verdict: ImageVerdict, colors: Colors): string[] {
  const configured = verdict.criteria.filter((criterion) => criterion.configured);
  const head = verdict.passed ? colors.green('Gate: PASSED') : colors.bold(colors.red('Gate: FAILED'));
  const lines = [`${head}${configured.length === 0 ? ' (no failure conditions configured)' : ''}${verdict.counts.excluded ? `   Excluded: ${verdict.counts.excluded}` : ''}`];
  for (const criterion of configured) {
    const status = criterion.violated ? colors.red('violated') : colors.green('ok');
    lines.push(`  ${terminalLine(criterion.title)} ${terminalLine(criterion.configuredValue ?? '')}: found ${criterion.found}${criterion.excluded ? `, excluded ${criterion.excluded}` : ''} — ${status}`);
  }
  return lines;
}

function renderScan(scan: ScanResult, verdict: ImageVerdict | undefined, options: RenderOptions): string {
  const colors = createColors(options.color);
  const lines = [
    colors.bold(describeImage(scan)),
    `Packages: ${scan.summary.packages}   Findings: ${scan.summary.findings} (${severityLine(scan)})   Fixable: ${scan.summary.fixable}`,
    ...(databaseAge(scan) ? [`Database: ${databaseAge(scan) as string}`] : []),
    ...(verdict ? verdictLines(verdict, colors) : []),
  ];
  for (const warning of scan.warnings) lines.push(colors.yellow(`warning: ${terminalLine(warning)}`));
  if (scan.findings.length === 0) return `${lines.join('\n')}\n`;
  const width = Math.max(80, options.width ?? 120);
  const titleWidth = Math.max(20, width - 100);
  const rows = [...scan.findings].sort(compareFindings).map((finding) => {
    const fixed = finding.fixState === 'fixed' ? finding.fixedVersions.join(', ') : finding.fixState === 'wont-fix' ? "won't fix" : '';
    return [truncate(finding.package.name, 40), truncate(finding.package.version, 30), truncate(fixed, 30), paintSeverity(colors, finding.severity), terminalLine(finding.id), truncate(finding.title ?? '', titleWidth)];
  });
  lines.push(alignedColumns(['Package', 'Installed', 'Fixed in', 'Severity', 'Vulnerability', 'Title'], rows, (text) => colors.bold(text)));
  return `${lines.join('\n')}\n`;
}

export const tableRenderer: Renderer = {
  id: 'table',
  description: 'a summary and a findings table for terminals and CI logs',
  extension: 'txt',
  renderImage(report, options) {
    return report.scans.map((scan, index) => renderScan(scan, verdictOf(report, index), options)).join('\n');
  },
  renderCompliance: (report, options) => renderComplianceTable(report, options),
};
