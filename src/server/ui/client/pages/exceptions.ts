/**
 * The exceptions workflow for approvers: the requests waiting for a decision (and the approved,
 * rejected and expired ones), each approved with an expiry or rejected, with an optional comment.
 * Every decision is recorded by the server in its audit log under the token's name.
 */
import { escapeHtml, table, tag } from '../../../../report/html/markup.js';
import { segment } from '../api-client.js';
import { exceptionSubject, type ExceptionRecord, type ExceptionScope } from '../api-types.js';
import type { PageContext } from '../page-context.js';
import type { Route } from '../router.js';
import { errorMarkup, focusHeading, formValues, setStatus, showView, when } from '../view.js';

const STATES = ['requested', 'approved', 'rejected', 'expired'] as const;
const DEFAULT_DAYS = 30;

function scopeText(scope: ExceptionScope): string {
  return Object.entries(scope)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(', ');
}

function defaultExpiry(): string {
  return new Date(Date.now() + DEFAULT_DAYS * 24 * 3600 * 1000).toISOString().slice(0, 10);
}

function decisionForm(record: ExceptionRecord): string {
  const id = escapeHtml(record.id);
  return `<form class="inline" data-decide="${id}" aria-label="Decide on the exception for ${escapeHtml(exceptionSubject(record))}">
<label for="expires-${id}">Expires on <input id="expires-${id}" name="expires" type="date" value="${defaultExpiry()}" required></label>
<label for="comment-${id}">Comment <input id="comment-${id}" name="comment" type="text" maxlength="2000"></label>
<button type="submit" class="primary" data-action="approve">Approve</button>
<button type="button" class="danger" data-action="reject">Reject</button>
</form>`;
}

function exceptionsTable(records: readonly ExceptionRecord[], state: string): string {
  return table(`${records.length} ${state} exceptions`, [
    { header: 'Kind', cell: (r: ExceptionRecord) => escapeHtml(r.kind) },
    { header: 'Advisory or control', cell: (r) => tag('code', {}, escapeHtml(exceptionSubject(r))) },
    { header: 'Applies to', cell: (r) => escapeHtml(scopeText(r.scope)) },
    { header: 'Reason', cell: (r) => escapeHtml(r.reason) },
    { header: 'Requested', cell: (r) => `${escapeHtml(r.requester)} ${when(r.requestedAt)}` },
    { header: 'Decision', cell: (r) => (state === 'requested' ? decisionForm(r) : `${escapeHtml(r.state)} ${escapeHtml(r.decidedBy ?? '')} ${when(r.decidedAt)}${r.expiresAt ? `<br>expires ${when(r.expiresAt)}` : ''}${r.comment ? `<br><small>${escapeHtml(r.comment)}</small>` : ''}`) },
  ], records, (r) => ({ 'data-exception': r.id, 'data-subject': exceptionSubject(r) }));
}

export async function showExceptions(context: PageContext<Extract<Route, { page: 'exceptions' }>>): Promise<void> {
  const state = (STATES as readonly string[]).includes(context.route.state) ? context.route.state : 'requested';
  const filter = `<nav aria-label="Exception states"><ul class="state-links">${STATES.map((s) => tag('li', {}, tag('a', { href: `#/exceptions?state=${s}`, 'aria-current': s === state ? 'page' : undefined }, s.charAt(0).toUpperCase() + s.slice(1)))).join('')}</ul></nav>`;
  showView(`<h1>Exceptions</h1>${filter}<p>Loading…</p>`);
  try {
    const answer = await context.api.get<{ exceptions: ExceptionRecord[] }>(`/api/v1/exceptions?state=${state}`);
    if (!context.current()) return;
    const view = showView(`<h1>Exceptions</h1>${filter}<div id="exception-list">${exceptionsTable(answer.exceptions, state)}</div>`);
    view.querySelectorAll<HTMLFormElement>('form[data-decide]').forEach((form) => {
      const id = form.dataset.decide as string;
      const decide = (action: 'approve' | 'reject'): void => {
        const values = formValues(form);
        const comment = values.comment?.trim() ? { comment: values.comment.trim() } : {};
        const body = action === 'approve' ? { expiresAt: new Date(`${values.expires ?? ''}T23:59:59Z`).toISOString(), ...comment } : comment;
        context.api
          .post(`/api/v1/exceptions/${segment(id)}/${action}`, body)
          .then(async () => {
            // Named from the row before the list is drawn again, announced after it is.
            const message = `Exception for ${form.closest('tr')?.dataset.subject ?? id} ${action === 'approve' ? 'approved' : 'rejected'}.`;
            await showExceptions(context);
            setStatus(message);
          })
          .catch((error: unknown) => {
            form.insertAdjacentHTML('beforeend', errorMarkup(error));
            focusHeading(view);
          });
      };
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        decide('approve');
      });
      (form.querySelector('[data-action="reject"]') as HTMLButtonElement).addEventListener('click', () => decide('reject'));
    });
  } catch (error) {
    if (context.current()) showView(`<h1>Exceptions</h1>${filter}${errorMarkup(error)}`);
  }
}
