/**
 * The reports inside the UI: the report renderer's own markup (src/report/html), placed with a
 * layout that yields a fragment instead of a document, its tab links turned into UI routes, and
 * its enhancement script (sorting, filters, pages) loaded as a file from /ui, since the UI's
 * Content-Security-Policy runs no inline script.
 */
import type { HtmlLayout } from '../../../report/html/layout.js';

/** Charts stay inline SVG (presentation attributes only); the page is just header + content. */
export const UI_LAYOUT: HtmlLayout = {
  chart: (svg) => svg,
  page: (_title, header, main) => `${header}\n${main}`,
};

/** Points each tab link of the report at `hrefOf(sectionId)` and returns the section ids in order. */
export function routeTabs(container: HTMLElement, hrefOf: (sectionId: string) => string): string[] {
  const ids: string[] = [];
  container.querySelectorAll<HTMLAnchorElement>('nav.tabs a').forEach((link) => {
    const id = (link.getAttribute('href') ?? '').replace(/^#/, '');
    ids.push(id);
    link.dataset.tab = id;
    link.setAttribute('href', hrefOf(id));
  });
  return ids;
}

/** Shows one section of the report (the first when `tab` is not one of them). */
export function activateTab(container: HTMLElement, tab: string | undefined): void {
  const sections = [...container.querySelectorAll<HTMLElement>('.panels > section')];
  const active = sections.find((section) => section.id === tab) ?? sections[0];
  for (const section of sections) section.classList.toggle('active', section === active);
  container.querySelectorAll<HTMLAnchorElement>('nav.tabs a').forEach((link) => {
    if (link.dataset.tab === active?.id) link.setAttribute('aria-current', 'true');
    else link.removeAttribute('aria-current');
  });
}

/** Runs the report's enhancement scripts (files from /ui) over what is on screen now. */
export function enhance(scripts: readonly string[]): Promise<void> {
  document.querySelectorAll('script[data-enhancement]').forEach((old) => old.remove());
  return scripts.reduce(
    (previous, src) =>
      previous.then(
        () =>
          new Promise<void>((resolve) => {
            const script = document.createElement('script');
            script.src = src;
            script.dataset.enhancement = 'report';
            script.addEventListener('load', () => resolve());
            script.addEventListener('error', () => resolve());
            document.body.append(script);
          }),
      ),
    Promise.resolve(),
  );
}
