/**
 * Log in with an API token: the token is tried against the API (a list of one image) before it is
 * kept, so a wrong or revoked token, or one whose role cannot read (sensor, worker), is refused
 * here with the reason.
 */
import { ApiClient, ApiFailure } from '../api-client.js';
import { errorMarkup, formValues, showView } from '../view.js';

export function showLogin(onLoggedIn: (token: string) => void, notice?: string): void {
  const view = showView(`
<h1>Log in</h1>
${notice ? `<p class="notice">${notice}</p>` : ''}
<p>Paste an API token (a <code>viewer</code>, <code>ci</code> or <code>admin</code> token). It is kept in this browser tab only and forgotten when you log out or close the tab.</p>
<form class="stack" id="login-form">
  <label for="login-token">API token</label>
  <input id="login-token" name="token" type="password" autocomplete="off" spellcheck="false" required>
  <button type="submit" class="primary">Log in</button>
  <div id="login-error"></div>
</form>`);
  const form = view.querySelector('#login-form') as HTMLFormElement;
  const input = form.querySelector('input') as HTMLInputElement;
  input.focus();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = (formValues(form).token ?? '').trim();
    const errors = form.querySelector('#login-error') as HTMLElement;
    void new ApiClient(token, () => undefined)
      .get('/api/v1/images?limit=1')
      .then(() => onLoggedIn(token))
      .catch((error: unknown) => {
        const message = error instanceof ApiFailure && error.status === 401 ? new Error('This token was not accepted.') : error instanceof ApiFailure && error.status === 403 ? new Error("This token's role cannot read images; use a viewer, ci or admin token.") : error;
        errors.innerHTML = errorMarkup(message);
        input.focus();
      });
  });
}
