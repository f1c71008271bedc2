import { COMPLIANCE_CSS, REPORT_CSS } from './enhancements.js';
import { escapeHtml } from './markup.js';

/**
 * The document shell of every HTML report: `head` goes into <head> after the title (an inline
 * <style>, or a <link> to a sibling stylesheet), `after` after <main> (an inline <script>, or nothing).
 */
export function htmlDocument(title: string, head: string, header: string, main: string, after?: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    head,
    '</head>',
    '<body>',
    header,
    '<main>',
    main,
    '</main>',
    ...(after === undefined ? [] : [after]),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** The self-contained page: inline style and script are enhancements only. */
export function htmlPage(title: string, header: string, main: string, script: string): string {
  return htmlDocument(title, `<style>${REPORT_CSS}${COMPLIANCE_CSS}</style>`, header, main, `<script>${script}</script>`);
}
