/**
 * The web UI's one HTML document, served at `/`: the report's own document shell (htmlDocument)
 * with the report stylesheet, the UI stylesheet and the client bundle linked as files. It carries
 * no inline script or style; everything it shows is built by /ui/app.js from /api/v1 answers.
 */
import { htmlDocument } from '../../report/html/page.js';

export const WEB_UI_ASSETS = {
  script: '/ui/app.js',
  reportStyles: '/ui/report.css',
  uiStyles: '/ui/app.css',
  reportScript: '/ui/report.js',
  complianceScript: '/ui/compliance.js',
} as const;

export function webUiPage(): string {
  const head = [
    `<link rel="stylesheet" href="${WEB_UI_ASSETS.reportStyles}">`,
    `<link rel="stylesheet" href="${WEB_UI_ASSETS.uiStyles}">`,
    `<script src="${WEB_UI_ASSETS.script}" defer></script>`,
  ].join('\n');
  const header = '<header class="ui-bar"><a class="brand" href="#/">Tollgate</a><nav id="ui-nav" aria-label="Main"></nav></header>';
  const main = '<div id="ui-status" role="status" aria-live="polite"></div><div id="ui-view"><p>Loading the Tollgate web UI… (it needs JavaScript; if this stays, the UI bundle was not built: <code>npm run build</code>)</p></div>';
  return htmlDocument('Tollgate', head, header, main);
}
