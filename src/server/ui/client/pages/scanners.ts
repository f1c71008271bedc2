/**
 * Scanners: the worker pools by label ("External" always exists) with each worker's host, version,
 * last heartbeat and whether it is live.
 */
import { escapeHtml, table, tag } from '../../../../report/html/markup.js';
import type { PageContext } from '../page-context.js';
import { errorMarkup, showView, when } from '../view.js';

interface Scanner {
  label: string;
  workers: { id: string; hostname: string; version: string; lastSeen: string; live: boolean }[];
}

export async function showScanners(context: PageContext): Promise<void> {
  showView('<h1>Scanners</h1><p>Loading…</p>');
  try {
    const scanners = await context.api.get<Scanner[]>('/api/v1/scanners');
    if (!context.current()) return;
    const sections = scanners.map((scanner) => {
      const live = scanner.workers.filter((worker) => worker.live).length;
      const workers = table(`${scanner.workers.length} workers, ${live} live`, [
        { header: 'Worker', cell: (w: Scanner['workers'][number]) => tag('code', {}, escapeHtml(w.id)) },
        { header: 'Host', cell: (w) => escapeHtml(w.hostname) },
        { header: 'Version', cell: (w) => escapeHtml(w.version) },
        { header: 'Last heartbeat', cell: (w) => when(w.lastSeen) },
        { header: 'Health', cell: (w) => (w.live ? tag('span', { class: 'status-ok' }, 'live') : tag('span', { class: 'status-violated' }, 'silent')) },
      ], scanner.workers, (w) => ({ 'data-worker': w.id }));
      return tag('section', { 'data-scanner': scanner.label, 'aria-labelledby': `scanner-${scanner.label}` }, `${tag('h2', { id: `scanner-${scanner.label}` }, escapeHtml(scanner.label))}${workers}`);
    });
    showView(`<h1>Scanners</h1><div id="scanner-list">${sections.join('\n')}</div>`);
  } catch (error) {
    if (context.current()) showView(`<h1>Scanners</h1>${errorMarkup(error)}`);
  }
}
