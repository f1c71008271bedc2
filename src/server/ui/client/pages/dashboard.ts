/**
 * The dashboard: images by the highest severity of their current findings, findings by severity,
 * what changed since yesterday (findings that appeared, images that became vulnerable) and the
 * trend day by day, from GET /api/v1/dashboard; compliance posture by host and policy and the
 * scanners' worker health from /hosts and /scanners; the findings that appeared, image by image, from
 * GET /api/v1/changes. Charts are the report's own SVG bar charts.
 */
import { escapeHtml, table, tag } from '../../../../report/html/markup.js';
import { barChart, SEVERITY_COLORS } from '../../../../report/html/svg.js';
import { SEVERITIES, type Severity } from '../../../../model/severity.js';
import type { Changes } from '../api-types.js';
import { imageLabel } from '../image-names.js';
import type { PageContext } from '../page-context.js';
import { ApiFailure } from '../api-client.js';
import { hostHref, imageHref } from '../router.js';
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

interface HostPosture {
  name: string;
  lastScans: { policy: string; state: string; totals: { passed?: number; failed?: number; error?: number } | null }[];
}

interface ScannerHealth {
  label: string;
  workers: { live: boolean }[];
}

/** A part the token's role may not read (403) is left out rather than failing the page. */
async function optional<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 403) return undefined;
    throw error;
  }
}

function complianceSection(hosts: readonly HostPosture[] | undefined, scanners: readonly ScannerHealth[] | undefined): string {
  if (!hosts && !scanners) return '';
  const rows = (hosts ?? []).flatMap((host) => host.lastScans.map((scan) => ({ host: host.name, ...scan })));
  const posture = hosts
    ? table('Compliance posture by host and policy (latest scan)', [
        { header: 'Host', cell: (row: (typeof rows)[number]) => tag('a', { href: hostHref(row.host) }, escapeHtml(row.host)) },
        { header: 'Policy', cell: (row) => escapeHtml(row.policy) },
        { header: 'Scan', cell: (row) => escapeHtml(row.state) },
        { header: 'Failed', cell: (row) => String(row.totals?.failed ?? ''), numeric: true },
        { header: 'Error', cell: (row) => String(row.totals?.error ?? ''), numeric: true },
        { header: 'Passed', cell: (row) => String(row.totals?.passed ?? ''), numeric: true },
      ], rows)
    : '';
  const health = scanners
    ? table('Scanners and workers', [
        { header: 'Scanner', cell: (scanner: ScannerHealth) => tag('a', { href: '#/scanners' }, escapeHtml(scanner.label)) },
        { header: 'Live workers', cell: (scanner) => String(scanner.workers.filter((worker) => worker.live).length), numeric: true },
        { header: 'Silent workers', cell: (scanner) => String(scanner.workers.filter((worker) => !worker.live).length), numeric: true },
      ], scanners)
    : '';
  return `<section aria-labelledby="dash-compliance"><h2 id="dash-compliance">Hosts and scanners</h2>${posture}${health}</section>`;
}

export async function showDashboard(context: PageContext): Promise<void> {
  showView('<h1>Dashboard</h1><p>Loading…</p>');
  try {
    const since = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
    const [dashboard, changes, hosts, scanners] = await Promise.all([
      context.api.get<Dashboard>(`/api/v1/dashboard?since=${encodeURIComponent(since)}&days=${TREND_DAYS}`),
      context.api.get<Changes>(`/api/v1/changes?since=${encodeURIComponent(since)}`),
      optional(context.api.get<HostPosture[]>('/api/v1/hosts')),
      optional(context.api.get<ScannerHealth[]>('/api/v1/scanners')),
    ]);
    if (!context.current()) return;
    const findingsChart = barChart('Current findings by severity', SEVERITIES.map((severity) => ({ label: severity, value: dashboard.findings.bySeverity[severity] ?? 0, color: SEVERITY_COLORS[severity] as string })));
    showView(`<h1>Dashboard</h1>
<section aria-labelledby="dash-severity"><h2 id="dash-severity">Images by severity</h2>
${dashboard.images.total === 0 ? '<p>No images are known yet: sensors and pipelines upload scans to <code>PUT /api/v1/scans/{scanId}</code>.</p>' : `<p>${dashboard.images.vulnerable} of ${dashboard.images.total} images have open findings. <a href="#/images">Find an image</a>.</p>${severityCards(dashboard)}<figure>${findingsChart}<figcaption>${dashboard.findings.total} current findings by severity</figcaption></figure>`}</section>
<section aria-labelledby="dash-changes"><h2 id="dash-changes">What changed since yesterday</h2>
${changesTables(dashboard, changes)}</section>
${complianceSection(hosts, scanners)}
<section aria-labelledby="dash-trend"><h2 id="dash-trend">Trend</h2>${trendTable(dashboard)}</section>`);
  } catch (error) {
    if (context.current()) showView(`<h1>Dashboard</h1>${errorMarkup(error)}`);
  }
}
