/**
 * One image: the image report's five tabs (Build Summary, Image Statistics, Vulnerabilities,
 * Installed Software, Layers) rendered by the report renderer from the latest stored scan, an
 * optional gate for the Build Summary, and the image's current findings with their exception state,
 * from which an exception is requested.
 */
import { renderHtml } from '../../../../report/html/index.js';
import { escapeHtml, table, tag } from '../../../../report/html/markup.js';
import { VERDICT_SCHEMA_VERSION, type AggregateVerdict, type ImageVerdict } from '../../../../model/image-verdict.js';
import type { ScanResult } from '../../../../model/image-scan.js';
import { SEVERITIES } from '../../../../model/severity.js';
import { WEB_UI_ASSETS } from '../../web-ui-page.js';
import { ApiFailure, segment } from '../api-client.js';
import { exceptionSubject, type CurrentFinding, type ExceptionRecord, type ImageDetail } from '../api-types.js';
import type { PageContext } from '../page-context.js';
import { repositoryOf } from '../repository.js';
import { imageHref, type Route } from '../router.js';
import { activateTab, enhance, routeTabs, UI_LAYOUT } from '../report-view.js';
import { errorMarkup, errorText, focusHeading, formValues, setStatus, showView, when } from '../view.js';

type ImageRoute = Extract<Route, { page: 'image' }>;

/** The gate level the Build Summary is judged with, kept while the tab lives. */
let failOn = '';
/** The image on screen, so that switching tabs does not load it again. */
let shown: { digest: string; container: HTMLElement; tab: string | undefined } | undefined;

export function switchTabIfShown(route: ImageRoute): boolean {
  if (!shown || shown.digest !== route.digest || !shown.container.isConnected) return false;
  shown.tab = route.tab;
  activateTab(shown.container, route.tab);
  return true;
}

function aggregateOf(verdict: ImageVerdict): AggregateVerdict {
  return { schemaVersion: VERDICT_SCHEMA_VERSION, passed: verdict.passed, reasons: verdict.reasons, images: [verdict], duplicates: [] };
}

function exceptionState(finding: CurrentFinding, pending: readonly ExceptionRecord[]): string {
  if (finding.exception) return `${tag('span', { class: 'state-EXCEPTED' }, 'Excepted')}${finding.exception.expiresAt ? ` until ${when(finding.exception.expiresAt)}` : ''}<br><small>${escapeHtml(finding.exception.reason)}</small>`;
  const request = pending.find((record) => exceptionSubject(record) === finding.id);
  if (request) return `Exception requested<br><small>${escapeHtml(request.reason)}</small>`;
  return 'Open';
}

function findingsSection(detail: ImageDetail, pending: readonly ExceptionRecord[]): string {
  const rows = table(`${detail.findings.length} current findings`, [
    { header: 'Vulnerability', cell: (f: CurrentFinding) => tag('code', {}, escapeHtml(f.id)) },
    { header: 'Package', cell: (f) => escapeHtml(`${f.package} ${f.version}`) },
    { header: 'Severity', cell: (f) => tag('span', { class: `sev sev-${f.severity}` }, escapeHtml(f.severity)) },
    { header: 'First seen', cell: (f) => when(f.firstSeen) },
    { header: 'State', cell: (f) => exceptionState(f, pending) },
    { header: 'Action', cell: (f) => (f.exception || pending.some((record) => exceptionSubject(record) === f.id) ? '' : tag('button', { type: 'button', 'data-request': f.id, 'aria-label': `Request an exception for ${f.id} in ${f.package}` }, 'Request exception')) },
  ], detail.findings, (f) => ({ 'data-finding': f.id }));
  return rows.replace('<table class="data sortable">', '<table class="data" id="finding-table">');
}

function requestForm(findingId: string, detail: ImageDetail): string {
  const repositories = [...new Set(detail.tags.map(repositoryOf))];
  const scopes = [...repositories.map((repository) => ({ value: `repository:${repository}`, label: `every image of ${repository}` })), { value: `digest:${detail.digest}`, label: 'this image only (its digest)' }];
  return `<form class="stack" id="exception-form" aria-labelledby="exception-form-title">
<h3 id="exception-form-title">Request an exception for <code>${escapeHtml(findingId)}</code></h3>
<input type="hidden" name="ref" value="${escapeHtml(findingId)}">
<label for="exception-scope">Applies to</label>
<select id="exception-scope" name="scope">${scopes.map((scope) => tag('option', { value: scope.value }, escapeHtml(scope.label))).join('')}</select>
<label for="exception-reason">Reason</label>
<textarea id="exception-reason" name="reason" rows="3" required maxlength="2000"></textarea>
<div><button type="submit" class="primary">Send request</button> <button type="button" data-cancel>Cancel</button></div>
<div id="exception-error"></div>
</form>`;
}

async function pendingRequests(context: PageContext, digest: string, tags: readonly string[]): Promise<ExceptionRecord[]> {
  try {
    const answer = await context.api.get<{ exceptions: ExceptionRecord[] }>('/api/v1/exceptions?state=requested');
    const repositories = new Set(tags.map(repositoryOf));
    return answer.exceptions.filter((record) => record.kind === 'advisory' && (record.scope.digest === digest || (record.scope.repository !== undefined && repositories.has(record.scope.repository))));
  } catch (error) {
    // A token that may not list exceptions still sees the image.
    if (error instanceof ApiFailure && (error.status === 403 || error.status === 404)) return [];
    throw error;
  }
}

async function renderFindings(context: PageContext<ImageRoute>, holder: HTMLElement): Promise<void> {
  const digest = context.route.digest;
  const detail = await context.api.get<ImageDetail>(`/api/v1/images/${segment(digest)}`);
  const pending = await pendingRequests(context, digest, detail.tags);
  if (!context.current()) return;
  holder.innerHTML = `<h2 id="findings-title">Findings and exceptions</h2>${findingsSection(detail, pending)}<div id="exception-request"></div>`;
  const formHolder = holder.querySelector('#exception-request') as HTMLElement;
  holder.querySelectorAll<HTMLButtonElement>('button[data-request]').forEach((button) =>
    button.addEventListener('click', () => {
      formHolder.innerHTML = requestForm(button.dataset.request as string, detail);
      const form = formHolder.querySelector('form') as HTMLFormElement;
      (form.querySelector('select') as HTMLSelectElement).focus();
      (form.querySelector('[data-cancel]') as HTMLButtonElement).addEventListener('click', () => {
        formHolder.innerHTML = '';
        button.focus();
      });
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const values = formValues(form);
        const [kind, value] = [(values.scope ?? '').split(':', 1)[0], (values.scope ?? '').slice((values.scope ?? '').indexOf(':') + 1)];
        const scope = kind === 'repository' ? { repository: value } : { digest: value };
        context.api
          .post('/api/v1/exceptions', { advisoryId: values.ref, scope, reason: values.reason ?? '' })
          .then(async () => {
            setStatus(`Exception requested for ${values.ref}; an admin approves or rejects it under Exceptions.`);
            await renderFindings(context, holder);
            focusHeading(holder);
          })
          .catch((error: unknown) => ((form.querySelector('#exception-error') as HTMLElement).innerHTML = errorMarkup(error)));
      });
    }),
  );
}

async function renderReport(context: PageContext<ImageRoute>, holder: HTMLElement, scan: ScanResult): Promise<void> {
  let verdict: AggregateVerdict | undefined;
  if (failOn) {
    const answer = await context.api.get<{ verdict: ImageVerdict }>(`/api/v1/images/${segment(context.route.digest)}/verdict?failOn=${encodeURIComponent(failOn)}`);
    verdict = aggregateOf(answer.verdict);
  }
  if (!context.current()) return;
  holder.innerHTML = renderHtml({ scans: [scan], ...(verdict ? { verdict } : {}) }, UI_LAYOUT);
  routeTabs(holder, (id) => imageHref(context.route.digest, id));
  activateTab(holder, shown?.container === holder ? shown.tab : context.route.tab);
  await enhance([WEB_UI_ASSETS.reportScript]);
}

export async function showImage(context: PageContext<ImageRoute>): Promise<void> {
  const digest = context.route.digest;
  shown = undefined;
  showView(`<h1>Image <code>${escapeHtml(digest)}</code></h1><p>Loading…</p>`);
  try {
    const answer = await context.api.call<{ status: string; result: ScanResult }>('GET', `/api/v1/images/${segment(digest)}/scan`);
    if (!context.current()) return;
    if (answer.status === 204 || !answer.body) {
      showView(`<h1>Image <code>${escapeHtml(digest)}</code></h1><p class="notice">This image is known and its scan is still being processed; reload in a moment.</p>`);
      return;
    }
    const gate = `<form class="inline" id="gate-form"><label for="gate-fail-on">Judge the Build Summary with a gate: fail on
<select id="gate-fail-on" name="failOn"><option value="">no gate</option>${SEVERITIES.slice(0, 4).map((severity) => tag('option', { value: severity, selected: severity === failOn }, `${severity} or higher`)).join('')}</select></label></form>`;
    const partial = answer.body.status === 'partial' ? '<p class="notice">The inventory is stored, but its vulnerabilities are not matched yet: the findings below are incomplete.</p>' : '';
    // The report brings its own h1 (the image's name and verdict); focus moves there once it is drawn.
    const view = showView(`${partial}<div class="ui-report" id="image-report"></div>${gate}<section id="image-findings" aria-labelledby="findings-title"></section>`);
    const reportHolder = view.querySelector('#image-report') as HTMLElement;
    await renderReport(context, reportHolder, answer.body.result);
    focusHeading(reportHolder);
    shown = { digest, container: reportHolder, tab: context.route.tab };
    (view.querySelector('#gate-fail-on') as HTMLSelectElement).addEventListener('change', (event) => {
      failOn = (event.target as HTMLSelectElement).value;
      renderReport(context, reportHolder, answer.body?.result as ScanResult).catch((error: unknown) => setStatus(errorText(error)));
    });
    await renderFindings(context, view.querySelector('#image-findings') as HTMLElement);
  } catch (error) {
    if (context.current()) showView(`<h1>Image <code>${escapeHtml(digest)}</code></h1>${errorMarkup(error)}`);
  }
}
