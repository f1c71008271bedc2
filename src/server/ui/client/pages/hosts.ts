/**
 * Hosts: the list with the latest scan state per policy, and a host page with the compliance
 * report's Summary and All Controls (rendered by src/report/html from the latest finished scan,
 * judged by the connectors' default compliance gate; filters by criticality and status, and
 * pages, by the report's own script loaded as a file) and the host's recent scans.
 */
import { renderComplianceHtml } from '../../../../report/html/compliance.js';
import { escapeHtml, table, tag } from '../../../../report/html/markup.js';
import { evaluateComplianceGate } from '../../../../gate/compliance-gate.js';
import type { ComplianceResult } from '../../../../model/compliance-result.js';
import { WEB_UI_ASSETS } from '../../web-ui-page.js';
import { segment } from '../api-client.js';
import type { PageContext } from '../page-context.js';
import { hostHref, type Route } from '../router.js';
import { activateTab, enhance, routeTabs, UI_LAYOUT } from '../report-view.js';
import { errorMarkup, focusHeading, showView, when } from '../view.js';

type HostRoute = Extract<Route, { page: 'host' }>;

interface Host {
  name: string;
  address: string | null;
  cloudInstanceId: string | null;
  labels: Record<string, string>;
  lastScans: { policy: string; state: string; finishedAt: string | null; totals: { passed?: number; failed?: number; error?: number } | null }[];
}

interface ComplianceScan {
  id: string;
  name: string;
  state: string;
  policies: string[];
  scanner: string;
  createdAt?: string;
  finishedAt?: string | null;
  error?: { code: string; message: string };
}

let shown: { name: string; container: HTMLElement } | undefined;

export function switchHostTabIfShown(route: HostRoute): boolean {
  if (!shown || shown.name !== route.name || !shown.container.isConnected) return false;
  activateTab(shown.container, route.tab);
  return true;
}

function lastScansText(host: Host): string {
  return host.lastScans.map((scan) => `${scan.policy}: ${scan.state}${scan.totals ? ` (${scan.totals.failed ?? 0} failed, ${scan.totals.passed ?? 0} passed)` : ''}`).join('; ');
}

export async function showHosts(context: PageContext): Promise<void> {
  showView('<h1>Hosts</h1><p>Loading…</p>');
  try {
    const hosts = await context.api.get<Host[]>('/api/v1/hosts');
    if (!context.current()) return;
    const rows = table(`${hosts.length} hosts`, [
      { header: 'Host', cell: (h: Host) => tag('a', { href: hostHref(h.name) }, escapeHtml(h.name)) },
      { header: 'Address', cell: (h) => escapeHtml(h.address ?? h.cloudInstanceId ?? '') },
      { header: 'Labels', cell: (h) => escapeHtml(Object.entries(h.labels).map(([key, value]) => `${key}=${value}`).join(', ')) },
      { header: 'Latest scans', cell: (h) => escapeHtml(lastScansText(h)) },
    ], hosts, (h) => ({ 'data-host': h.name }));
    showView(`<h1>Hosts</h1><div id="host-list">${rows}</div>`);
  } catch (error) {
    if (context.current()) showView(`<h1>Hosts</h1>${errorMarkup(error)}`);
  }
}

export async function showHost(context: PageContext<HostRoute>): Promise<void> {
  const name = context.route.name;
  shown = undefined;
  showView(`<h1>Host ${escapeHtml(name)}</h1><p>Loading…</p>`);
  try {
    const host = await context.api.get<Host>(`/api/v1/hosts/${segment(name)}`);
    const scans = await context.api.get<ComplianceScan[]>(`/api/v1/compliance-scans?host=${encodeURIComponent(name)}&limit=20`);
    const latest = scans.find((scan) => scan.state === 'Finished');
    const result = latest ? await context.api.get<ComplianceResult>(`/api/v1/compliance-scans/${segment(latest.id)}/result`) : undefined;
    if (!context.current()) return;
    const facts = tag('dl', { class: 'facts' }, [
      ['Address', host.address ?? host.cloudInstanceId ?? ''],
      ['Labels', Object.entries(host.labels).map(([key, value]) => `${key}=${value}`).join(', ')],
      ['Latest scans', lastScansText(host)],
    ].map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`).join(''));
    const history = table('Recent compliance scans', [
      { header: 'Scan', cell: (s: ComplianceScan) => escapeHtml(s.name) },
      { header: 'State', cell: (s) => `${escapeHtml(s.state)}${s.error ? `<br><small>${escapeHtml(`${s.error.code}: ${s.error.message}`)}</small>` : ''}` },
      { header: 'Policies', cell: (s) => escapeHtml(s.policies.join(', ')) },
      { header: 'Scanner', cell: (s) => escapeHtml(s.scanner) },
      { header: 'Finished', cell: (s) => when(s.finishedAt ?? null) },
    ], scans);
    const report = result ? '<div class="ui-report" id="host-report"></div>' : '<p class="notice">No finished compliance scan of this host yet.</p>';
    const view = showView(`<h1>Host ${escapeHtml(name)}</h1>${facts}${report}<section aria-labelledby="host-scans"><h2 id="host-scans">Scans</h2>${history}</section>`);
    const holder = view.querySelector<HTMLElement>('#host-report');
    if (holder && result) {
      holder.innerHTML = renderComplianceHtml({ result, verdict: evaluateComplianceGate(result) }, UI_LAYOUT);
      routeTabs(holder, (id) => hostHref(name, id));
      activateTab(holder, context.route.tab);
      shown = { name, container: holder };
      await enhance([WEB_UI_ASSETS.reportScript, WEB_UI_ASSETS.complianceScript]);
      if (context.route.tab) focusHeading(holder);
    }
  } catch (error) {
    if (context.current()) showView(`<h1>Host ${escapeHtml(name)}</h1>${errorMarkup(error)}`);
  }
}
