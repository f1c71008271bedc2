/**
 * The Content-Security-Policy of every web UI response: scripts, styles and data only from the
 * server itself, nothing inline, no eval, no frames, no plugins, no form posts elsewhere. The API's
 * own responses keep helmet's stricter `default-src 'none'`.
 */
export const WEB_UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');
