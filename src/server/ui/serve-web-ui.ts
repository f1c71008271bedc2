/**
 * Serves the web UI from the same Fastify app as the API: the page at `/`, its stylesheets and the
 * report's enhancement scripts from the report renderer's own constants, and the client bundle
 * (dist/ui/app.js, built by scripts/build-web-ui.mjs) as a file. Every UI response carries the
 * UI's strict Content-Security-Policy. It never serves anything but this fixed list of files, so
 * no request path can reach the file system.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { COMPLIANCE_CSS, COMPLIANCE_SCRIPT, REPORT_CSS, REPORT_SCRIPT } from '../../report/html/enhancements.js';
import { packagePath } from '../../package-root.js';
import { errorBody } from '../api/api-error.js';
import { WEB_UI_CSP } from './web-ui-policy.js';
import { WEB_UI_ASSETS, WEB_UI_ICON, webUiPage } from './web-ui-page.js';
import { WEB_UI_CSS } from './web-ui-styles.js';

export interface WebUiOptions {
  /** The folder holding the built client (app.js); default: the package's dist/ui. */
  bundleDir?: string;
}

function send(reply: FastifyReply, contentType: string, body: string | Buffer, cache = 'no-cache'): FastifyReply {
  return reply.header('content-security-policy', WEB_UI_CSP).header('cache-control', cache).type(contentType).send(body);
}

export function registerWebUi(app: FastifyInstance, options: WebUiOptions = {}): void {
  const bundleDir = options.bundleDir ?? packagePath('dist', 'ui');
  const page = webUiPage();
  const fixed: Record<string, { type: string; body: string }> = {
    [WEB_UI_ASSETS.reportStyles]: { type: 'text/css; charset=utf-8', body: `${REPORT_CSS}${COMPLIANCE_CSS}` },
    [WEB_UI_ASSETS.uiStyles]: { type: 'text/css; charset=utf-8', body: WEB_UI_CSS },
    [WEB_UI_ASSETS.reportScript]: { type: 'text/javascript; charset=utf-8', body: REPORT_SCRIPT },
    [WEB_UI_ASSETS.complianceScript]: { type: 'text/javascript; charset=utf-8', body: COMPLIANCE_SCRIPT },
    [WEB_UI_ASSETS.icon]: { type: 'image/svg+xml', body: WEB_UI_ICON },
  };
  app.get('/', async (_request, reply) => send(reply, 'text/html; charset=utf-8', page, 'no-store'));
  for (const [url, asset] of Object.entries(fixed)) app.get(url, async (_request, reply) => send(reply, asset.type, asset.body));
  // Read on each request: a rebuilt bundle is served without a restart, and a missing one is a
  // clear 404 naming the fix rather than a failed start.
  for (const [url, file, type] of [
    [WEB_UI_ASSETS.script, 'app.js', 'text/javascript; charset=utf-8'],
    [`${WEB_UI_ASSETS.script}.map`, 'app.js.map', 'application/json; charset=utf-8'],
  ] as const) {
    app.get(url, async (_request, reply) => {
      const path = `${bundleDir}/${file}`;
      if (!existsSync(path)) return reply.code(404).send(errorBody('not_built', `the web UI's client is not built (${file}): run npm run build`, 'url'));
      return send(reply, type, readFileSync(path));
    });
  }
}
