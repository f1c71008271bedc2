/**
 * `--format html-files=report.html`: the HTML report with its stylesheet and charts written as
 * sibling files in `report_files/` (the folder a browser's "save page, complete" would use), for
 * hosts that serve archived reports under a Content-Security-Policy forbidding inline styles —
 * Jenkins' default for archived artifacts is `sandbox; default-src 'none'; img-src 'self';
 * style-src 'self';`. The page links `report_files/report.css` (allowed by `style-src 'self'`) and
 * shows each chart as `<img src="report_files/chart-N.svg">` (allowed by `img-src 'self'`); it
 * carries no script, since `sandbox` without `allow-scripts` would block it anyway: tabs work
 * through CSS `:target` and every table is complete without sorting or filters.
 * The same sections, text and data as `--format html`: only where the pieces live differs.
 */
import { escapeHtml } from '../html/markup.js';
import { COMPLIANCE_CSS, REPORT_CSS } from '../html/enhancements.js';
import { renderComplianceHtml } from '../html/compliance.js';
import { renderHtml } from '../html/index.js';
import { htmlDocument } from '../html/page.js';
import type { HtmlLayout } from '../html/layout.js';
import type { ComplianceReport, ImageReport, Renderer, RenderOptions } from '../renderer.js';

export const STYLESHEET_NAME = 'report.css';

/** The folder named when the caller gives none (a library user rendering to a string). */
export const DEFAULT_SIBLING_FOLDER = 'report_files';

export interface RenderedFiles {
  /** The page. */
  html: string;
  /** The sibling files by name, in the order the page refers to them: the stylesheet, then the charts. */
  files: readonly { name: string; content: string }[];
}

/** An href to a file in the sibling folder: each path segment percent-encoded, then HTML-escaped. */
function siblingHref(folder: string, name: string): string {
  return escapeHtml([...folder.split('/'), name].map(encodeURIComponent).join('/'));
}

function svgSize(svg: string, attribute: 'width' | 'height'): string | undefined {
  return new RegExp(`^<svg[^>]*\\s${attribute}="(\\d+)"`).exec(svg)?.[1];
}

function siblingLayout(folder: string, files: { name: string; content: string }[]): HtmlLayout {
  return {
    chart(svg, title) {
      const name = `chart-${files.filter((file) => file.name.startsWith('chart-')).length + 1}.svg`;
      files.push({ name, content: `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n` });
      const width = svgSize(svg, 'width');
      const height = svgSize(svg, 'height');
      return `<img src="${siblingHref(folder, name)}" alt="${escapeHtml(title)}"${width ? ` width="${width}"` : ''}${height ? ` height="${height}"` : ''}>`;
    },
    page(title, header, main) {
      return htmlDocument(title, `<link rel="stylesheet" href="${siblingHref(folder, STYLESHEET_NAME)}">`, header, main);
    },
  };
}

function renderWith(folder: string, render: (layout: HtmlLayout) => string): RenderedFiles {
  const files: { name: string; content: string }[] = [{ name: STYLESHEET_NAME, content: `${REPORT_CSS}${COMPLIANCE_CSS}` }];
  const html = render(siblingLayout(folder, files));
  return { html, files };
}

export function renderImageFiles(report: ImageReport, folder: string = DEFAULT_SIBLING_FOLDER): RenderedFiles {
  return renderWith(folder, (layout) => renderHtml(report, layout));
}

export function renderComplianceFiles(report: ComplianceReport, folder: string = DEFAULT_SIBLING_FOLDER): RenderedFiles {
  return renderWith(folder, (layout) => renderComplianceHtml(report, layout));
}

/** Hands the sibling files to the writer the options carry (none when rendering to a string) and returns the page. */
function deliver(rendered: RenderedFiles, options: RenderOptions): string {
  for (const file of rendered.files) options.siblingFiles?.add(file.name, file.content);
  return rendered.html;
}

export const htmlFilesRenderer: Renderer = {
  id: 'html-files',
  description: 'the HTML report with its stylesheet and charts as sibling files, styled under a CSP without inline styles (Jenkins)',
  extension: 'html',
  renderImage: (report, options) => deliver(renderImageFiles(report, options.siblingFiles?.folder), options),
  renderCompliance: (report, options) => deliver(renderComplianceFiles(report, options.siblingFiles?.folder), options),
};
