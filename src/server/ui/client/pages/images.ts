/**
 * Find an image among many: the server searches (`GET /api/v1/images?q=&minSeverity=`, any part of
 * a tag or the start of the digest, most recently seen first), so an image seen long ago is found
 * on a server holding thousands. Typing searches after a pause, Enter at once (and moves the focus
 * to the first result); the results come in pages with Previous and Next. The address follows the
 * search (replaced, not added to the history), so it can be bookmarked.
 */
import { escapeHtml, shortDigest, table, tag } from '../../../../report/html/markup.js';
import type { ImageSummary } from '../api-types.js';
import { imageLabel } from '../image-names.js';
import type { PageContext } from '../page-context.js';
import { imageHref, imagesHref, type ImagesRoute, type Route } from '../router.js';
import { errorMarkup, showView, when } from '../view.js';

export const IMAGES_PER_PAGE = 50;
/** The pause after the last key before a typed search goes to the server. */
const TYPING_PAUSE_MS = 300;
const SEVERITY_CHOICES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NEGLIGIBLE'] as const;

/** The API request for a search: the images list with its query, filter and page. */
export function imagesRequest(search: ImagesRoute): string {
  const parameters = new URLSearchParams();
  if (search.query.trim() !== '') parameters.set('q', search.query.trim());
  if (search.severity !== '') parameters.set('minSeverity', search.severity);
  parameters.set('limit', String(IMAGES_PER_PAGE));
  if (search.offset > 0) parameters.set('offset', String(search.offset));
  return `/api/v1/images?${parameters.toString()}`;
}

function summaryText(search: ImagesRoute, shown: number, more: boolean): string {
  const matching = [search.query.trim() ? `matching “${search.query.trim()}”` : '', search.severity ? `with findings of ${search.severity} or above` : ''].filter(Boolean).join(' ');
  if (shown === 0) {
    if (search.offset > 0) return `No more images${matching ? ` ${matching}` : ''}`;
    return matching ? `No image ${matching}` : 'No image is known yet';
  }
  const range = search.offset === 0 && !more ? `${shown} ${shown === 1 ? 'image' : 'images'}` : `Images ${search.offset + 1}–${search.offset + shown}${more ? '' : ' (the last page)'}`;
  return `${range}${matching ? ` ${matching}` : ''}`;
}

function resultsMarkup(search: ImagesRoute, images: ImageSummary[], more: boolean): string {
  const summary = summaryText(search, images.length, more);
  const rows = table('Images found', [
    { header: 'Image', cell: (image: ImageSummary) => tag('a', { href: imageHref(image.digest) }, escapeHtml(imageLabel(image))) },
    { header: 'Tags', cell: (image) => escapeHtml(image.tags.join(', ')) },
    { header: 'Digest', cell: (image) => tag('code', { title: image.digest }, escapeHtml(shortDigest(image.digest))) },
    { header: 'First seen', cell: (image) => when(image.firstSeen) },
    { header: 'Last seen', cell: (image) => when(image.lastSeen) },
    { header: 'Processing', cell: (image) => (image.processing ? 'yes' : 'no') },
  ], images);
  const pager = search.offset > 0 || more
    ? tag('nav', { class: 'pager', 'aria-label': 'Result pages' }, [
        tag('button', { type: 'button', id: 'images-previous', disabled: search.offset === 0 ? 'disabled' : undefined }, 'Previous'),
        tag('button', { type: 'button', id: 'images-next', disabled: more ? undefined : 'disabled' }, 'Next'),
      ].join(' '))
    : '';
  return `<p id="image-summary" class="summary">${escapeHtml(summary)}</p>${images.length > 0 ? rows : ''}${pager}`;
}

export function showImages(context: PageContext<Extract<Route, { page: 'images' }>>): void {
  let search: ImagesRoute = { query: context.route.query, severity: context.route.severity, offset: context.route.offset };
  const options = [tag('option', { value: '' }, 'any or none'), ...SEVERITY_CHOICES.map((severity) => tag('option', { value: severity, selected: severity === search.severity ? 'selected' : undefined }, severity))].join('');
  const form = `<form class="inline" id="image-search" role="search">
<label for="image-query">Tag or digest <input id="image-query" name="q" type="search" value="${escapeHtml(search.query)}" placeholder="nginx:1.27 or sha256:…" autocomplete="off" aria-controls="image-results"></label>
<label for="image-severity">Findings of at least <select id="image-severity" name="severity" aria-controls="image-results">${options}</select></label>
<button type="submit" class="primary">Search</button></form>`;
  const view = showView(`<h1>Images</h1>${form}<div id="image-results" aria-live="polite" aria-busy="true"><p>Loading…</p></div>`);
  const searchForm = view.querySelector('#image-search') as HTMLFormElement;
  const input = view.querySelector('#image-query') as HTMLInputElement;
  const select = view.querySelector('#image-severity') as HTMLSelectElement;
  const results = view.querySelector('#image-results') as HTMLElement;
  let asked = 0;
  let typing: ReturnType<typeof setTimeout> | undefined;

  const run = async (next: ImagesRoute, focusFirst: boolean): Promise<void> => {
    const mine = ++asked;
    search = next;
    if (location.hash !== imagesHref(next)) history.replaceState(null, '', imagesHref(next));
    results.setAttribute('aria-busy', 'true');
    try {
      const page = await context.api.get<{ images: ImageSummary[]; nextOffset: number | null }>(imagesRequest(next));
      // A newer search, or another page, has been asked for meanwhile: this answer is stale.
      if (mine !== asked || !context.current()) return;
      results.innerHTML = resultsMarkup(next, page.images, page.nextOffset !== null);
      results.querySelector('#images-previous')?.addEventListener('click', () => void run({ ...search, offset: Math.max(0, search.offset - IMAGES_PER_PAGE) }, true));
      results.querySelector('#images-next')?.addEventListener('click', () => void run({ ...search, offset: search.offset + IMAGES_PER_PAGE }, true));
      if (focusFirst) (results.querySelector('a') ?? (results.querySelector('#image-summary') as HTMLElement | null))?.focus();
    } catch (error) {
      if (mine === asked && context.current()) results.innerHTML = errorMarkup(error);
    } finally {
      if (mine === asked) results.setAttribute('aria-busy', 'false');
    }
  };
  const current = (): ImagesRoute => ({ query: input.value, severity: select.value, offset: 0 });

  input.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => void run(current(), false), TYPING_PAUSE_MS);
  });
  select.addEventListener('change', () => {
    clearTimeout(typing);
    void run(current(), false);
  });
  searchForm.addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(typing);
    void run(current(), true);
  });
  void run(search, search.query.trim() !== '');
}
