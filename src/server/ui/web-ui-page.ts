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
  icon: '/ui/icon.svg',
} as const;

/** The tab's icon: a gate bar in the report's pass colour (and no request for /favicon.ico). */
export const WEB_UI_ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="1" y="2" width="3" height="12" fill="#1d1d1f"/><rect x="12" y="2" width="3" height="12" fill="#1d1d1f"/><rect x="4" y="6" width="8" height="3" fill="#1e7e34"/></svg>';

export function webUiPage(): string {
  const head = [
    `<link rel="icon" href="${WEB_UI_ASSETS.icon}" type="image/svg+xml">`,
    `<link rel="stylesheet" href="${WEB_UI_ASSETS.reportStyles}">`,
    `<link rel="stylesheet" href="${WEB_UI_ASSETS.uiStyles}">`,
    `<script src="${WEB_UI_ASSETS.script}" defer></script>`,
  ].join('\n');
  const header = '<header class="ui-bar"><a class="brand" href="#/">Tollgate</a><nav id="ui-nav" aria-label="Main"></nav></header>';
  const main = '<div id="ui-status" role="status" aria-live="polite"></div><div id="ui-view"><p>Loading the Tollgate web UI… (it needs JavaScript; if this stays, the UI bundle was not built: <code>npm run build</code>)</p></div>';
  return htmlDocument('Tollgate', head, header, main);
}
