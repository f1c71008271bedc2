/**
 * Tokens administration (admin tokens only): the list by name and role, creating one (its value is
 * shown once, in this page only, and never kept by the UI), and revoking one after a confirmation.
 */
import { escapeHtml, table, tag } from '../../../../report/html/markup.js';
import { segment } from '../api-client.js';
import type { TokenRow } from '../api-types.js';
import type { PageContext } from '../page-context.js';
import { errorMarkup, errorText, formValues, setStatus, showView, when } from '../view.js';

const ROLES = ['viewer', 'ci', 'sensor', 'worker', 'admin'] as const;

function tokensTable(tokens: readonly TokenRow[]): string {
  return table(`${tokens.length} tokens`, [
    { header: 'Name', cell: (t: TokenRow) => escapeHtml(t.name) },
    { header: 'Role', cell: (t) => escapeHtml(t.role) },
    { header: 'Created', cell: (t) => when(t.createdAt) },
    { header: 'Created by', cell: (t) => escapeHtml(t.createdBy) },
    { header: 'Action', cell: (t) => tag('button', { type: 'button', class: 'danger', 'data-revoke': t.name, 'aria-label': `Revoke ${t.name}` }, 'Revoke') },
  ], tokens, (t) => ({ 'data-token': t.name }));
}

const CREATE_FORM = `<form class="inline" id="token-form" aria-labelledby="token-form-title">
<h2 id="token-form-title">Create a token</h2>
<label for="token-name">Name <input id="token-name" name="name" required pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}" title="a letter or digit, then letters, digits, dot, dash or underscore (64 at most)"></label>
<label for="token-role">Role <select id="token-role" name="role">${ROLES.map((role) => `<option>${role}</option>`).join('')}</select></label>
<button type="submit" class="primary">Create token</button>
</form><div id="token-created" aria-live="polite"></div>`;

export async function showTokens(context: PageContext, created?: { name: string; token: string }): Promise<void> {
  try {
    const answer = await context.api.get<{ tokens: TokenRow[] }>('/api/v1/tokens');
    if (!context.current()) return;
    const view = showView(`<h1>Tokens</h1>${CREATE_FORM}<h2>Existing tokens</h2><div id="token-list">${tokensTable(answer.tokens)}</div>`);
    const form = view.querySelector('#token-form') as HTMLFormElement;
    const result = view.querySelector('#token-created') as HTMLElement;
    if (created) {
      result.innerHTML = `<p class="notice">The token <strong>${escapeHtml(created.name)}</strong> was created. Copy it now: it is shown only this once.</p><p class="secret" id="new-token-value" tabindex="0" aria-label="New token value">${escapeHtml(created.token)}</p>`;
      (result.querySelector('#new-token-value') as HTMLElement).focus();
    }
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const values = formValues(form);
      context.api
        .post<{ name: string; token: string }>('/api/v1/tokens', { name: values.name, role: values.role })
        .then((answer) => showTokens(context, answer))
        .catch((error: unknown) => (result.innerHTML = errorMarkup(error)));
    });
    view.querySelectorAll<HTMLButtonElement>('button[data-revoke]').forEach((button) =>
      button.addEventListener('click', () => {
        const name = button.dataset.revoke as string;
        if (button.dataset.confirm !== 'yes') {
          // Two steps, without a modal dialog: the same button asks for confirmation.
          button.dataset.confirm = 'yes';
          button.textContent = `Confirm: revoke ${name}`;
          button.setAttribute('aria-label', `Confirm: revoke ${name}`);
          return;
        }
        context.api
          .delete(`/api/v1/tokens/${segment(name)}`)
          .then(async () => {
            // The list is drawn again first, so the announcement never describes a list that
            // still shows the revoked token.
            await showTokens(context);
            setStatus(`Token ${name} revoked.`);
          })
          .catch((error: unknown) => setStatus(errorText(error)));
      }),
    );
  } catch (error) {
    if (context.current()) showView(`<h1>Tokens</h1>${errorMarkup(error)}`);
  }
}
