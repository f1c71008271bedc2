/**
 * Putting a page on screen: its markup (built with the report's escaping helpers, so nothing from
 * the server is inserted raw), the status line, and focus moved to the new page's heading so a
 * keyboard or screen-reader user starts at the top of what changed.
 */
import { escapeHtml } from '../../../report/html/markup.js';
import { ApiFailure } from './api-client.js';

export function viewElement(): HTMLElement {
  return document.getElementById('ui-view') as HTMLElement;
}

export function showView(markup: string): HTMLElement {
  const view = viewElement();
  view.innerHTML = markup;
  focusHeading(view);
  return view;
}

/** Moves focus to the first heading inside `container` (made focusable by script only). */
export function focusHeading(container: HTMLElement): void {
  const heading = container.querySelector<HTMLElement>('h1, h2');
  if (!heading) return;
  heading.setAttribute('tabindex', '-1');
  heading.focus();
}

export function setStatus(message: string): void {
  (document.getElementById('ui-status') as HTMLElement).textContent = message;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiFailure) return `${error.message}${error.field ? ` (${error.field})` : ''}`;
  return error instanceof Error ? error.message : String(error);
}

export function errorMarkup(error: unknown): string {
  return `<p class="error" role="alert">${escapeHtml(errorText(error))}</p>`;
}

/** A short, readable time (the full value stays in the title). */
export function when(time: string | null | undefined): string {
  if (!time) return '';
  return `<time datetime="${escapeHtml(time)}" title="${escapeHtml(time)}">${escapeHtml(time.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'))}</time>`;
}

/** The form's fields by name, as text. */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const values: Record<string, string> = {};
  new FormData(form).forEach((value, key) => {
    if (typeof value === 'string') values[key] = value;
  });
  return values;
}
