/**
 * The dashboard: images by the highest severity of their current findings, findings by severity,
 * what changed since yesterday (findings that appeared, images that became vulnerable) and the
 * trend day by day, from GET /api/v1/dashboard; the findings that appeared, image by image, from
 * GET /api/v1/changes. Charts are the report's own SVG bar charts.
 */
import { escapeHtml, table, tag } from '../../../../report/html/markup.js';
import { barChart, SEVERITY_COLORS } from '../../../../report/html/svg.js';
import { SEVERITIES, type Severity } from '../../../../model/severity.js';
import type { Changes } from '../api-types.js';
import { imageLabel } from '../image-names.js';
import type { PageContext } from '../page-context.js';
import { imageHref } from '../router.js';
import { errorMarkup, showView, when } from '../view.js';

const TREND_DAYS = 14;

interface Dashboard {
  images: { total: number; vulnerable: number; byHighestSeverity: Record<Severity | 'NONE', number> };
  findings: { total: number; bySeverity: Record<Severity, number> };
  changes: { since: string; findingsAppeared: number; imagesWithNewFindings: number; newlyVulnerable: { digest: string; tags: string[]; findings: number; highestSeverity: Severity }[] };
  trend: { day: string; openFindings: Record<Severity, number>; vulnerableImages: number; appeared: number }[];
}

const titleCase = (text: string): string => text.charAt(0) + text.slice(1).toLowerCase();

function severityCards(dashboard: Dashboard): string {
  const levels = [...SEVERITIES, 'NONE'] as const;
  const cards = levels.map((level) =>
    tag('div', { class: 'card', role: 'listitem' }, `${tag('span', { class: 'count' }, String(dashboard.images.byHighestSeverity[level] ?? 0))}${tag('span', { class: `sev sev-${level}` }, level === 'NONE' ? 'no open findings' : `worst ${level}`)}`),
  );
  return tag('div', { class: 'cards', role: 'list', 'aria-label': 'Images by worst severity' }, cards.join(''));
}

function changesTables(dashboard: Dashboard, changes: Changes): string {
  const summary = tag('p', {}, escapeHtml(`${dashboard.changes.findingsAppeared} findings appeared on ${dashboard.changes.imagesWithNewFindings} images; ${dashboard.changes.newlyVulnerable.length} images became vulnerable.`));
  const newly = table('Images that became vulnerable', [
    { header: 'Image', cell: (image: Dashboard['changes']['newlyVulnerable'][number]) => tag('a', { href: imageHref(image.digest) }, escapeHtml(imageLabel(image))) },
    { header: 'Findings', cell: (image) => String(image.findings), numeric: true },
    { header: 'Worst', cell: (image) => tag('span', { class: `sev sev-${image.highestSeverity}` }, escapeHtml(image.highestSeverity)) },
  ], dashboard.changes.newlyVulnerable);
  const rows = changes.images.flatMap((image) => image.findings.map((finding) => ({ image, finding })));
  const appeared = table(`Findings that appeared${changes.truncated ? ' (the first 1000)' : ''}`, [
    { header: 'Image', cell: (row: (typeof rows)[number]) => tag('a', { href: imageHref(row.image.digest, 'vulnerabilities') }, escapeHtml(imageLabel(row.image))) },
    { header: 'Vulnerability', cell: (row) => tag('code', {}, escapeHtml(row.finding.id)) },
    { header: 'Severity', cell: (row) => tag('span', { class: `sev sev-${row.finding.severity}` }, escapeHtml(row.finding.severity)) },
    { header: 'Appeared', cell: (row) => when(row.finding.appearedAt) },
    { header: 'Cause', cell: (row) => escapeHtml(row.finding.cause) },
  ], rows);
  return `${summary}${newly}${appeared}`;
}

function trendTable(dashboard: Dashboard): string {
  return table(`The last ${dashboard.trend.length} days`, [
    { header: 'Day', cell: (point: Dashboard['trend'][number]) => escapeHtml(point.day) },
    ...(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const).map((severity) => ({ header: `Open ${titleCase(severity)}`, cell: (point: Dashboard['trend'][number]) => String(point.openFindings[severity] ?? 0), numeric: true })),
    { header: 'Vulnerable images', cell: (point) => String(point.vulnerableImages), numeric: true },
    { header: 'Appeared', cell: (point) => String(point.appeared), numeric: true },
  ], [...dashboard.trend].reverse());
}

export async function showDashboard(context: PageContext): Promise<void> {
  showView('<h1>Dashboard</h1><p>Loading…</p>');
  try {
    const since = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
    const [dashboard, changes] = await Promise.all([
      context.api.get<Dashboard>(`/api/v1/dashboard?since=${encodeURIComponent(since)}&days=${TREND_DAYS}`),
      context.api.get<Changes>(`/api/v1/changes?since=${encodeURIComponent(since)}`),
    ]);
    if (!context.current()) return;
    const findingsChart = barChart('Current findings by severity', SEVERITIES.map((severity) => ({ label: severity, value: dashboard.findings.bySeverity[severity] ?? 0, color: SEVERITY_COLORS[severity] as string })));
    showView(`<h1>Dashboard</h1>
<section aria-labelledby="dash-severity"><h2 id="dash-severity">Images by severity</h2>
${dashboard.images.total === 0 ? '<p>No images are known yet: sensors and pipelines upload scans to <code>PUT /api/v1/scans/{scanId}</code>.</p>' : `<p>${dashboard.images.vulnerable} of ${dashboard.images.total} images have open findings. <a href="#/images">Find an image</a>.</p>${severityCards(dashboard)}<figure>${findingsChart}<figcaption>${dashboard.findings.total} current findings by severity</figcaption></figure>`}</section>
<section aria-labelledby="dash-changes"><h2 id="dash-changes">What changed since yesterday</h2>
${changesTables(dashboard, changes)}</section>
<section aria-labelledby="dash-trend"><h2 id="dash-trend">Trend</h2>${trendTable(dashboard)}</section>`);
  } catch (error) {
    if (context.current()) showView(`<h1>Dashboard</h1>${errorMarkup(error)}`);
  }
}
