import { COMPLIANCE_CSS, REPORT_CSS } from './enhancements.js';
import { escapeHtml } from './markup.js';

/** The document shell shared by image and compliance reports: inline style and script are enhancements only. */
export function htmlPage(title: string, header: string, main: string, script: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${REPORT_CSS}${COMPLIANCE_CSS}</style>`,
    '</head>',
    '<body>',
    header,
    '<main>',
    main,
    '</main>',
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
