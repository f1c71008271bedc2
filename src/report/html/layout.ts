/**
 * Where the HTML report puts what a page may not be allowed to carry inline: its charts and its
 * document shell. The default layout inlines both (one self-contained file); the `html-files`
 * format supplies a layout that links a stylesheet and charts written as sibling files, so that a
 * Content-Security-Policy forbidding inline styles (Jenkins' for archived artifacts) still styles
 * the page. A layout never changes what the report says, only where its pieces live.
 */
import { htmlPage } from './page.js';

export interface HtmlLayout {
  /** Places one chart, given as a standalone SVG document with its accessible title. */
  chart(svg: string, title: string): string;
  /** The document shell around the header and the main content; `script` is an enhancement only. */
  page(title: string, header: string, main: string, script: string): string;
}

export const INLINE_LAYOUT: HtmlLayout = { chart: (svg) => svg, page: htmlPage };
