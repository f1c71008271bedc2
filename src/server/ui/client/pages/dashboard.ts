/**
 * The dashboard: images by their worst current finding (excepted findings set aside), and what
 * became vulnerable since yesterday (findings that appeared by a new scan or a re-evaluation).
 */
import { escapeHtml, shortDigest, table, tag } from '../../../../report/html/markup.js';
import { SEVERITIES, SEVERITY_RANK, type Severity } from '../../../../model/severity.js';
import { segment } from '../api-client.js';
import type { Changes, ImageDetail, ImageSummary } from '../api-types.js';
import { imageLabel } from '../image-names.js';
import type { PageContext } from '../page-context.js';
import { imageHref } from '../router.js';
import { errorMarkup, showView, when } from '../view.js';

/** Images whose findings the dashboard reads (most recently seen first). */
const DASHBOARD_IMAGES = 200;
const PARALLEL_READS = 4;

interface ImageRow {
  image: ImageSummary;
  counts: Record<Severity, number>;
  excepted: number;
  worst: Severity | 'NONE';
}

async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(workers);
  return results;
}

function rowOf(detail: ImageDetail): ImageRow {
  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  let excepted = 0;
  for (const finding of detail.findings) {
    if (finding.exception) excepted += 1;
    else if (finding.severity in counts) counts[finding.severity as Severity] += 1;
  }
  const worst = SEVERITIES.find((severity) => counts[severity] > 0) ?? 'NONE';
  return { image: detail, counts, excepted, worst };
}

function severityCards(rows: readonly ImageRow[]): string {
  const levels = [...SEVERITIES, 'NONE'] as const;
  const cards = levels.map((level) => {
    const count = rows.filter((row) => row.worst === level).length;
    return tag('div', { class: 'card' }, `${tag('span', { class: 'count' }, String(count))}${tag('span', { class: `sev sev-${level}` }, level === 'NONE' ? 'no open findings' : `worst ${level}`)}`);
  });
  return tag('div', { class: 'cards', role: 'list', 'aria-label': 'Images by worst severity' }, cards.map((card) => card.replace('<div class="card">', '<div class="card" role="listitem">')).join(''));
}

function imagesTable(rows: readonly ImageRow[]): string {
  const sorted = [...rows].sort((a, b) => (b.worst === 'NONE' ? -1 : SEVERITY_RANK[b.worst]) - (a.worst === 'NONE' ? -1 : SEVERITY_RANK[a.worst]) || b.image.lastSeen.localeCompare(a.image.lastSeen));
  return table('Images by severity', [
    { header: 'Image', cell: (row: ImageRow) => tag('a', { href: imageHref(row.image.digest) }, escapeHtml(imageLabel(row.image))) },
    { header: 'Digest', cell: (row) => tag('code', { title: row.image.digest }, escapeHtml(shortDigest(row.image.digest))) },
    ...(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const).map((severity) => ({ header: severity.charAt(0) + severity.slice(1).toLowerCase(), cell: (row: ImageRow) => String(row.counts[severity]), numeric: true })),
    { header: 'Excepted', cell: (row) => String(row.excepted), numeric: true },
    { header: 'Last seen', cell: (row) => when(row.image.lastSeen) },
  ], sorted);
}

function changesTable(changes: Changes): string {
  const rows = changes.images.flatMap((image) => image.findings.map((finding) => ({ image, finding })));
  return table(`Findings that appeared since ${changes.since}${changes.truncated ? ' (first 1000)' : ''}`, [
    { header: 'Image', cell: (row: (typeof rows)[number]) => tag('a', { href: imageHref(row.image.digest, 'vulnerabilities') }, escapeHtml(imageLabel(row.image))) },
    { header: 'Vulnerability', cell: (row) => tag('code', {}, escapeHtml(row.finding.id)) },
    { header: 'Severity', cell: (row) => tag('span', { class: `sev sev-${row.finding.severity}` }, escapeHtml(row.finding.severity)) },
    { header: 'Appeared', cell: (row) => when(row.finding.appearedAt) },
    { header: 'Cause', cell: (row) => escapeHtml(row.finding.cause) },
  ], rows);
}

export async function showDashboard(context: PageContext): Promise<void> {
  showView('<h1>Dashboard</h1><p>Loading…</p>');
  try {
    const since = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
    const [list, changes] = await Promise.all([context.api.get<{ images: ImageSummary[] }>(`/api/v1/images?limit=${DASHBOARD_IMAGES}`), context.api.get<Changes>(`/api/v1/changes?since=${encodeURIComponent(since)}`)]);
    const details = await inParallel(list.images, PARALLEL_READS, (image) => context.api.get<ImageDetail>(`/api/v1/images/${segment(image.digest)}`));
    if (!context.current()) return;
    const rows = details.map(rowOf);
    showView(`<h1>Dashboard</h1>
<section aria-labelledby="dash-severity"><h2 id="dash-severity">Images by severity</h2>
${list.images.length === 0 ? '<p>No images are known yet: sensors and pipelines upload scans to <code>PUT /api/v1/scans/{scanId}</code>.</p>' : `${severityCards(rows)}${imagesTable(rows)}`}
${list.images.length === DASHBOARD_IMAGES ? `<p>The ${DASHBOARD_IMAGES} most recently seen images are counted; <a href="#/images">find an image</a> for the others.</p>` : ''}</section>
<section aria-labelledby="dash-changes"><h2 id="dash-changes">What changed since yesterday</h2>
${changes.images.length === 0 ? '<p>No finding appeared in the last 24 hours.</p>' : changesTable(changes)}</section>`);
  } catch (error) {
    if (context.current()) showView(`<h1>Dashboard</h1>${errorMarkup(error)}`);
  }
}
