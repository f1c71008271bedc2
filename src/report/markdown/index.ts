/**
 * `--format markdown`: a compact summary for GitHub job summaries and Azure DevOps build
 * summaries: the verdict, each configured criterion, counts by severity and the findings that
 * failed the build. Table cells are escaped so data never breaks the table.
 */
import type { ScanResult } from '../../model/image-scan.js';
import type { ImageVerdict } from '../../model/image-verdict.js';
import { SEVERITIES } from '../../model/severity.js';
import { verdictOf, type Renderer } from '../renderer.js';
import { renderComplianceMarkdown } from './compliance.js';
import { codeSpan, escapeCell } from './escape.js';
import { databaseAge } from '../database-age.js';
import { osLine } from '../os-support.js';

const MAX_ROWS = 25;

function section(scan: ScanResult, verdict: ImageVerdict | undefined): string {
  const name = scan.image.repoTags[0] ?? scan.image.reference;
  const status = verdict ? (verdict.passed ? '✅ passed' : '❌ failed') : 'no gate configured';
  const lines = [`### ${escapeCell(name)}: ${status}`, '', `${scan.summary.packages} packages, ${scan.summary.findings} findings (${scan.summary.fixable} fixable). ${codeSpan(scan.image.manifestDigest ?? scan.image.id ?? scan.image.reference)}`, ...(databaseAge(scan) ? [`_${escapeCell(databaseAge(scan) as string)}_`] : []), ''];
  const os = osLine(scan);
  if (os) lines.push(`OS: ${escapeCell(os)}${scan.os?.endOfLife ? ' ⚠️' : ''}`, '');
  if (scan.warnings.length > 0) lines.push(...scan.warnings.map((warning) => `- ⚠️ ${escapeCell(warning)}`), '');
  lines.push(`| ${SEVERITIES.join(' | ')} |`, `|${SEVERITIES.map(() => '---:').join('|')}|`, `| ${SEVERITIES.map((s) => scan.summary.bySeverity[s]).join(' | ')} |`, '');
  if (verdict) {
    const configured = verdict.criteria.filter((c) => c.configured);
    if (configured.length > 0) {
      lines.push('| Criterion | Configured | Found | Excluded | Status |', '|---|---|---:|---:|---|');
      for (const c of configured) lines.push(`| ${escapeCell(c.title)} | ${escapeCell(c.configuredValue ?? '')} | ${c.found} | ${c.excluded} | ${c.violated ? '❌ violated' : '✅ ok'} |`);
      lines.push('');
    }
    if (verdict.violatingFindings.length > 0) {
      lines.push('| Vulnerability | Severity | Package | Installed | Fixed in |', '|---|---|---|---|---|');
      for (const ref of verdict.violatingFindings.slice(0, MAX_ROWS)) lines.push(`| ${escapeCell(ref.id)} | ${ref.severity} | ${escapeCell(ref.package)} | ${escapeCell(ref.version)} | ${escapeCell(ref.fixedVersions.join(', '))} |`);
      if (verdict.violatingFindings.length > MAX_ROWS) lines.push(`| … ${verdict.violatingFindings.length - MAX_ROWS} more | | | | |`);
      lines.push('');
    }
    if (verdict.exclusions.length > 0) lines.push(`${verdict.exclusions.length} findings excluded (ignore file, ids, packages, paths, VEX).`, '');
    for (const expired of verdict.expiredIgnores) lines.push(`⚠️ Ignore entry ${escapeCell(expired.origin)} expired on ${escapeCell(expired.expires)} and no longer applies.`);
    if (verdict.expiredIgnores.length > 0) lines.push('');
  }
  return lines.join('\n');
}

export const markdownRenderer: Renderer = {
  id: 'markdown',
  description: 'a compact Markdown summary for CI job summaries',
  extension: 'md',
  renderImage(report) {
    const head = report.verdict ? `## Tollgate image gate: ${report.verdict.passed ? '✅ passed' : '❌ failed'}\n\n` : '## Tollgate image scan\n\n';
    return `${head}${report.scans.map((scan, index) => section(scan, verdictOf(report, index))).join('\n')}\n`;
  },
  renderCompliance: (report) => renderComplianceMarkdown(report),
};
