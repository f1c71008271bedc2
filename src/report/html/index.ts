/**
 * `--format html`: one self-contained report file with tabs Build Summary, Image Statistics,
 * Vulnerabilities, Installed Software and Layers. Readable as plain semantic HTML: navigation is
 * anchor links, every section is in the document, charts are SVG with presentation attributes.
 * The stylesheet (tabs) and script (sorting, filters) are inline enhancements that a strict
 * Content-Security-Policy may drop without losing anything. No network fetches.
 */
import type { ScanResult } from '../../model/image-scan.js';
import { osLine } from '../os-support.js';
import type { Criterion, ImageVerdict } from '../../model/image-verdict.js';
import type { Finding } from '../../model/finding.js';
import { SEVERITIES, SEVERITY_RANK } from '../../model/severity.js';
import { TOOL_VERSION } from '../../version.js';
import { verdictOf, type ImageReport, type Renderer } from '../renderer.js';
import { REPORT_SCRIPT } from './enhancements.js';
import { INLINE_LAYOUT, type HtmlLayout } from './layout.js';
import { renderComplianceHtml } from './compliance.js';
import { escapeHtml, formatSize, shortDigest, table, tag, type Column } from './markup.js';
import { barChart, donutChart, SEVERITY_COLORS } from './svg.js';
import { databaseAge } from '../database-age.js';

function imageName(scan: ScanResult): string {
  return scan.image.repoTags[0] ?? scan.image.reference;
}

function criterionStatus(criterion: Criterion): { text: string; className: string } {
  if (!criterion.configured) return { text: 'Not configured', className: 'status-not-configured' };
  return criterion.violated ? { text: 'Violated', className: 'status-violated' } : { text: 'OK', className: 'status-ok' };
}

function severityCell(severity: string): string {
  return tag('span', { class: `sev sev-${severity}` }, escapeHtml(severity));
}

function buildSummary(verdict: ImageVerdict | undefined): string {
  if (!verdict) {
    return '<p>No gate was configured for this scan: the report lists what was found without a pass/fail decision.</p>';
  }
  const parts = [
    tag('p', {}, `Result: ${tag('strong', { class: verdict.passed ? 'status-ok' : 'status-violated' }, verdict.passed ? 'PASSED' : 'FAILED')}${verdict.fixableOnly ? ' (conditions applied to fixable findings only)' : ''}`),
  ];
  if (verdict.reasons.length > 0) parts.push(tag('ul', { class: 'reasons' }, verdict.reasons.map((reason) => tag('li', {}, escapeHtml(reason))).join('')));
  const columns: Column<Criterion>[] = [
    { header: 'Criterion', cell: (c) => escapeHtml(c.title) },
    { header: 'Configured', cell: (c) => escapeHtml(c.configuredValue ?? '') },
    { header: 'Found', cell: (c) => String(c.found), numeric: true },
    { header: 'Excluded', cell: (c) => String(c.excluded), numeric: true },
    { header: 'Status', cell: (c) => tag('span', { class: criterionStatus(c).className }, criterionStatus(c).text) },
  ];
  parts.push(table('Build failure conditions', columns, verdict.criteria));
  const unscored = verdict.criteria.filter((c) => c.configured && c.unscored && c.unscored.length > 0);
  for (const criterion of unscored) {
    parts.push(tag('p', {}, escapeHtml(`${criterion.title}: ${criterion.unscored?.length} findings have no score of this version and could not be compared: ${criterion.unscored?.map((f) => f.id).slice(0, 20).join(', ')}${(criterion.unscored?.length ?? 0) > 20 ? ', …' : ''}`)));
  }
  parts.push(
    table(
      'Excluded findings',
      [
        { header: 'Vulnerability', cell: (e) => escapeHtml(e.finding.id) },
        { header: 'Package', cell: (e) => escapeHtml(`${e.finding.package} ${e.finding.version}`) },
        { header: 'Excluded by', cell: (e) => escapeHtml(e.by) },
        { header: 'Rule', cell: (e) => tag('code', {}, escapeHtml(e.rule)) },
        { header: 'Reason / justification', cell: (e) => escapeHtml([e.vexStatus, e.justification, e.reason].filter(Boolean).join(': ')) },
        { header: 'Expires', cell: (e) => escapeHtml(e.expires ?? '') },
      ],
      verdict.exclusions,
    ),
  );
  if (verdict.expiredIgnores.length > 0) {
    parts.push(
      table(
        'Expired ignore entries (no longer applied)',
        [
          { header: 'Entry', cell: (e) => tag('code', {}, escapeHtml(e.origin)) },
          { header: 'Matches', cell: (e) => escapeHtml([e.id, e.package, e.path].filter(Boolean).join(' ')) },
          { header: 'Reason', cell: (e) => escapeHtml(e.reason) },
          { header: 'Expired', cell: (e) => escapeHtml(e.expires) },
        ],
        verdict.expiredIgnores,
      ),
    );
  }
  return parts.join('\n');
}

function imageStatistics(scan: ScanResult, layout: HtmlLayout): string {
  const bySeverity = SEVERITIES.map((severity) => ({ label: severity, value: scan.summary.bySeverity[severity], color: SEVERITY_COLORS[severity] as string }));
  const fixable = scan.findings.filter((f) => f.fixState === 'fixed').length;
  const byType = new Map<string, { packages: number; findings: number }>();
  for (const pkg of scan.packages) {
    const entry = byType.get(pkg.type) ?? { packages: 0, findings: 0 };
    entry.packages += 1;
    byType.set(pkg.type, entry);
  }
  for (const finding of scan.findings) {
    const entry = byType.get(finding.package.type) ?? { packages: 0, findings: 0 };
    entry.findings += 1;
    byType.set(finding.package.type, entry);
  }
  const perPackage = new Map<string, { name: string; version: string; findings: Finding[] }>();
  for (const finding of scan.findings) {
    const entry = perPackage.get(finding.package.id) ?? { name: finding.package.name, version: finding.package.version, findings: [] };
    entry.findings.push(finding);
    perPackage.set(finding.package.id, entry);
  }
  const mostAffected = [...perPackage.values()].sort((a, b) => b.findings.length - a.findings.length || a.name.localeCompare(b.name)).slice(0, 10);
  return [
    tag('dl', { class: 'facts' }, [
      ['Image', imageName(scan)],
      ['Digest', scan.image.manifestDigest ?? scan.image.id ?? ''],
      ['OS', osLine(scan) ?? 'unknown'],
      ['Architecture', [scan.image.os, scan.image.architecture, scan.image.variant].filter(Boolean).join('/')],
      ['Size', formatSize(scan.image.size)],
      ['Layers', String(scan.image.layers.length)],
      ['Packages', String(scan.summary.packages)],
      ['Findings', String(scan.summary.findings)],
    ].map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`).join('')),
    // What the scan could not judge (an unsupported OS, an end-of-life release), ahead of the charts.
    scan.warnings.length > 0 ? tag('ul', { class: 'warnings' }, scan.warnings.map((warning) => tag('li', {}, escapeHtml(warning))).join('')) : '',
    tag('div', { class: 'charts' }, [
      tag('figure', {}, layout.chart(barChart('Findings by severity', bySeverity), 'Findings by severity') + tag('figcaption', {}, 'Findings by severity')),
      tag('figure', {}, layout.chart(donutChart('Fixable findings', [{ label: 'Fix available', value: fixable, color: '#1e7e34' }, { label: 'No fix yet', value: scan.findings.length - fixable, color: '#b0b0b0' }]), 'Fixable findings') + tag('figcaption', {}, 'Fix available')),
    ].join('')),
    table('Findings by severity', [{ header: 'Severity', cell: (b: { label: string }) => severityCell(b.label) }, { header: 'Findings', cell: (b: { value: number }) => String(b.value), numeric: true }], bySeverity),
    table('By package type', [
      { header: 'Type', cell: (row: [string, { packages: number; findings: number }]) => escapeHtml(row[0]) },
      { header: 'Packages', cell: (row) => String(row[1].packages), numeric: true },
      { header: 'Findings', cell: (row) => String(row[1].findings), numeric: true },
    ], [...byType.entries()].sort((a, b) => a[0].localeCompare(b[0]))),
    table('Most affected packages', [
      { header: 'Package', cell: (row: { name: string }) => escapeHtml(row.name) },
      { header: 'Version', cell: (row: { version: string }) => escapeHtml(row.version) },
      { header: 'Findings', cell: (row: { findings: Finding[] }) => String(row.findings.length), numeric: true },
      { header: 'Worst', cell: (row: { findings: Finding[] }) => severityCell(row.findings.reduce((worst, f) => (SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst] ? f.severity : worst), 'UNKNOWN' as Finding['severity'])) },
    ], mostAffected),
  ].join('\n');
}

function vulnerabilities(scan: ScanResult, verdict: ImageVerdict | undefined, prefix: string): string {
  const violating = new Set((verdict?.violatingFindings ?? []).map((ref) => `${ref.id}\u0000${ref.packageId}`));
  const sorted = [...scan.findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.id.localeCompare(b.id));
  const columns: Column<Finding>[] = [
    { header: 'Vulnerability', cell: (f) => tag('code', {}, escapeHtml(f.id)) },
    { header: 'Aliases', cell: (f) => escapeHtml(f.aliases.join(', ')) },
    { header: 'Violates gate', cell: (f) => (violating.has(`${f.id}\u0000${f.package.id}`) ? tag('strong', { class: 'status-violated' }, 'yes') : 'no') },
    { header: 'Title', cell: (f) => escapeHtml(f.title ?? '') },
    { header: 'Severity', cell: (f) => severityCell(f.severity), sortValue: (f) => SEVERITY_RANK[f.severity] },
    { header: 'CVSS', cell: (f) => (f.cvss ? escapeHtml(`${f.cvss.baseScore.toFixed(1)} (v${f.cvss.version})`) : ''), sortValue: (f) => f.cvss?.baseScore ?? -1, numeric: true },
    { header: 'Package', cell: (f) => escapeHtml(f.package.name) },
    { header: 'Installed', cell: (f) => escapeHtml(f.package.version) },
    { header: 'Fixed in', cell: (f) => escapeHtml(f.fixState === 'fixed' ? f.fixedVersions.join(', ') : f.fixState === 'wont-fix' ? "won't fix" : '') },
    { header: 'Layer', cell: (f) => escapeHtml(f.package.layer ? String(f.package.layer.index) : ''), numeric: true },
  ];
  const tableId = `${prefix}vuln-table`;
  const filters = `<div class="filters" data-table="${escapeHtml(tableId)}" hidden><label>Severity <select><option value="">all</option>${SEVERITIES.map((s) => `<option>${s}</option>`).join('')}</select></label><label><input type="checkbox"> fixable only</label></div>`;
  const rendered = table(`${scan.findings.length} findings`, columns, sorted, (f) => ({ 'data-severity': f.severity, 'data-fixable': f.fixState === 'fixed' ? 'yes' : 'no' }));
  return filters + rendered.replace('<table class="data sortable">', `<table class="data sortable" id="${escapeHtml(tableId)}">`);
}

function installedSoftware(scan: ScanResult): string {
  const findingsPerPackage = new Map<string, Finding[]>();
  for (const finding of scan.findings) findingsPerPackage.set(finding.package.id, [...(findingsPerPackage.get(finding.package.id) ?? []), finding]);
  return table(
    `${scan.packages.length} packages`,
    [
      { header: 'Name', cell: (p) => escapeHtml(p.name) },
      { header: 'Version', cell: (p) => escapeHtml(p.version) },
      { header: 'Type', cell: (p) => escapeHtml(p.type) },
      { header: 'Fix available', cell: (p) => ((findingsPerPackage.get(p.id) ?? []).some((f) => f.fixState === 'fixed') ? 'yes' : 'no') },
      { header: 'Vulnerabilities', cell: (p) => String((findingsPerPackage.get(p.id) ?? []).length), numeric: true },
      { header: 'Location', cell: (p) => tag('code', {}, escapeHtml(p.location)) },
    ],
    scan.packages,
  );
}

function layers(scan: ScanResult): string {
  const packagesPerLayer = new Map<number, number>();
  for (const pkg of scan.packages) if (pkg.layer) packagesPerLayer.set(pkg.layer.index, (packagesPerLayer.get(pkg.layer.index) ?? 0) + 1);
  const findingsPerLayer = new Map<number, number>();
  for (const finding of scan.findings) if (finding.package.layer) findingsPerLayer.set(finding.package.layer.index, (findingsPerLayer.get(finding.package.layer.index) ?? 0) + 1);
  return table(
    `${scan.image.layers.length} layers`,
    [
      { header: 'Index', cell: (l) => String(l.index), numeric: true },
      { header: 'Diff id', cell: (l) => tag('code', { title: l.diffId ?? '' }, escapeHtml(shortDigest(l.diffId))) },
      { header: 'Size', cell: (l) => escapeHtml(formatSize(l.size)), sortValue: (l) => l.size ?? 0, numeric: true },
      { header: 'Created by', cell: (l) => tag('code', {}, escapeHtml(l.createdBy ?? '')) },
      { header: 'Packages introduced', cell: (l) => String(packagesPerLayer.get(l.index) ?? 0), numeric: true },
      { header: 'Findings introduced', cell: (l) => String(findingsPerLayer.get(l.index) ?? 0), numeric: true },
    ],
    scan.image.layers,
  );
}

function imageSection(scan: ScanResult, verdict: ImageVerdict | undefined, index: number, several: boolean, layout: HtmlLayout): string {
  const prefix = several ? `image-${index}-` : '';
  const tabs = [
    ['summary', 'Build Summary', buildSummary(verdict)],
    ['statistics', 'Image Statistics', imageStatistics(scan, layout)],
    ['vulnerabilities', 'Vulnerabilities', vulnerabilities(scan, verdict, prefix)],
    ['software', 'Installed Software', installedSoftware(scan)],
    ['layers', 'Layers', layers(scan)],
  ] as const;
  const status = verdict ? tag('span', { class: `verdict ${verdict.passed ? 'pass' : 'fail'}` }, verdict.passed ? 'PASSED' : 'FAILED') : '';
  const heading = tag(several ? 'h2' : 'h1', {}, `${escapeHtml(imageName(scan))} ${status}`);
  const meta = tag('p', { class: 'meta' }, escapeHtml(`${scan.image.manifestDigest ?? scan.image.id ?? scan.image.reference} · scanned ${scan.scannedAt} · ${scan.summary.findings} findings in ${scan.summary.packages} packages${databaseAge(scan) ? ` · ${databaseAge(scan) as string}` : ''}`));
  const nav = tag('nav', { class: 'tabs', 'aria-label': 'Report sections' }, tag('ul', {}, tabs.map(([id, title]) => tag('li', {}, tag('a', { href: `#${prefix}${id}` }, escapeHtml(title)))).join('')));
  const panels = tag('div', { class: 'panels' }, tabs.map(([id, title, content]) => tag('section', { id: `${prefix}${id}` }, `${tag(several ? 'h3' : 'h2', {}, escapeHtml(title))}\n${content}`)).join('\n'));
  return tag('article', { class: 'image' }, `${heading}\n${meta}\n${nav}\n${panels}`);
}

/** The image report; `layout` decides where charts and styles live (inline by default). */
export function renderHtml(report: ImageReport, layout: HtmlLayout = INLINE_LAYOUT): string {
  const several = report.scans.length > 1;
  const title = several ? `Tollgate: ${report.scans.length} images` : `Tollgate: ${imageName(report.scans[0] as ScanResult)}`;
  const overall = report.verdict ? tag('p', {}, `Overall: ${tag('span', { class: `verdict ${report.verdict.passed ? 'pass' : 'fail'}` }, report.verdict.passed ? 'PASSED' : 'FAILED')}`) : '';
  const body = report.scans.map((scan, index) => imageSection(scan, verdictOf(report, index), index, several, layout)).join('\n<hr>\n');
  return layout.page(title, tag('header', { class: 'report' }, `${several ? tag('h1', {}, escapeHtml(title)) : ''}${overall}<p class="tool">Tollgate ${escapeHtml(TOOL_VERSION)}</p>`), body, REPORT_SCRIPT);
}

export const htmlRenderer: Renderer = {
  id: 'html',
  description: 'a self-contained HTML report with tabs, readable under a strict Content-Security-Policy',
  extension: 'html',
  renderImage: (report) => renderHtml(report),
  renderCompliance: (report) => renderComplianceHtml(report),
};
