/**
 * Find an image by tag or digest: the search is over the images the platform knows (most recently
 * seen first), matching any part of a tag or of the digest (with or without `sha256:`).
 */
import { escapeHtml, shortDigest, table, tag } from '../../../../report/html/markup.js';
import type { ImageSummary } from '../api-types.js';
import { imageLabel } from '../image-names.js';
import type { PageContext } from '../page-context.js';
import { imageHref, type Route } from '../router.js';
import { errorMarkup, showView, when } from '../view.js';

const SEARCHED_IMAGES = 1000;

export function matchesImage(image: ImageSummary, query: string): boolean {
  const needle = query.trim().toLowerCase();
  if (needle === '') return true;
  return image.digest.includes(needle.replace(/^sha256:/, '')) || image.tags.some((tagName) => tagName.toLowerCase().includes(needle));
}

export async function showImages(context: PageContext<Extract<Route, { page: 'images' }>>): Promise<void> {
  const query = context.route.query;
  const form = `<form class="inline" id="image-search" role="search">
<label for="image-query">Tag or digest <input id="image-query" name="q" type="search" value="${escapeHtml(query)}" placeholder="nginx:1.27 or sha256:…"></label>
<button type="submit" class="primary">Search</button></form>`;
  showView(`<h1>Images</h1>${form}<p>Loading…</p>`);
  try {
    const list = await context.api.get<{ images: ImageSummary[] }>(`/api/v1/images?limit=${SEARCHED_IMAGES}`);
    if (!context.current()) return;
    const found = list.images.filter((image) => matchesImage(image, query));
    const results = table(`${found.length} ${found.length === 1 ? 'image' : 'images'}${query ? ` matching “${query}”` : ''}`, [
      { header: 'Image', cell: (image: ImageSummary) => tag('a', { href: imageHref(image.digest) }, escapeHtml(imageLabel(image))) },
      { header: 'Tags', cell: (image) => escapeHtml(image.tags.join(', ')) },
      { header: 'Digest', cell: (image) => tag('code', { title: image.digest }, escapeHtml(shortDigest(image.digest))) },
      { header: 'First seen', cell: (image) => when(image.firstSeen) },
      { header: 'Last seen', cell: (image) => when(image.lastSeen) },
      { header: 'Processing', cell: (image) => (image.processing ? 'yes' : 'no') },
    ], found);
    const view = showView(`<h1>Images</h1>${form}<div id="image-results">${results}</div>`);
    const search = view.querySelector('#image-search') as HTMLFormElement;
    if (query) (view.querySelector('#image-results a') as HTMLElement | null)?.focus();
    search.addEventListener('submit', (event) => {
      event.preventDefault();
      const value = (search.querySelector('input') as HTMLInputElement).value.trim();
      location.hash = `#/images${value ? `?q=${encodeURIComponent(value)}` : ''}`;
    });
  } catch (error) {
    if (context.current()) showView(`<h1>Images</h1>${form}${errorMarkup(error)}`);
  }
}
