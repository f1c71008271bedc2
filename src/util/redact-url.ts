/**
 * URLs as they may be shown: in an error, a warning, a log line or a report. A URL can carry a
 * secret in its user information (`https://user:token@host/`) or in its query string
 * (`?access_token=…`, a presigned `X-Amz-Signature=…`); both are replaced by `[redacted]`, and the
 * rest (scheme, host, path, the names of the parameters) stays so the user can still tell which
 * URL it was. The one place every printed URL (webhook, registry, proxy, database download) passes.
 */

const REDACTED = '[redacted]';

/** Query parameter names that carry credentials in the wild (OAuth, AWS/GCS/Azure presigning, API keys). */
const SECRET_PARAMETER = /token|secret|passw|pwd|key|sig|credential|auth|session|code|jwt|bearer|private/i;

/** A URL without its secrets. Text that does not parse as a URL still loses anything between `//` and `@`. */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return redactUrlsIn(String(url));
  }
  if (parsed.username || parsed.password) {
    parsed.username = REDACTED;
    parsed.password = '';
  }
  let redactedQuery = false;
  for (const name of new Set(parsed.searchParams.keys())) {
    if (!SECRET_PARAMETER.test(name)) continue;
    parsed.searchParams.set(name, REDACTED);
    redactedQuery = true;
  }
  const text = parsed.href;
  // URLSearchParams re-encodes the brackets; the placeholder reads better as written.
  return redactedQuery || parsed.username ? text.replaceAll(encodeURIComponent(REDACTED), REDACTED) : text;
}

const USER_INFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi;
const SECRET_QUERY_VALUE = /([?&;])([^=&#\s]*)=([^&#\s]*)/g;

/**
 * Any text (an error message from a transport, which often quotes the URL it failed on) with the
 * secrets of the URLs in it redacted: user information after `scheme://`, and the values of
 * credential-like query parameters.
 */
export function redactUrlsIn(text: string): string {
  return text
    .replace(USER_INFO, (_match, scheme: string) => `${scheme}${REDACTED}@`)
    .replace(SECRET_QUERY_VALUE, (match, separator: string, name: string) => (SECRET_PARAMETER.test(name) ? `${separator}${name}=${REDACTED}` : match));
}
