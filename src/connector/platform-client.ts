/**
 * The CLI's connection to a Tollgate server (`--server URL --token T`): JSON requests under
 * /api/v1 with the bearer token. The token goes into the Authorization header and nowhere else:
 * never into a URL, a message, an error or a log line.
 */
import { ScanError, UsageError, messageOf } from '../errors.js';
import { httpClient, type HttpClient } from '../util/http.js';
import { redactUrl } from '../util/redact-url.js';

/** How long one request may take before it counts as a network error (polling goes on after one). */
const REQUEST_TIMEOUT_MS = 30_000;

export interface PlatformAnswer {
  status: number;
  /** The parsed JSON body, or undefined for an empty or non-JSON body. */
  body: unknown;
}

/** The request did not get an HTTP answer: refused, reset, timed out, or a TLS failure. */
export class PlatformUnreachableError extends ScanError {}

export interface PlatformClient {
  /** The server's address as it may be printed (secrets of the URL redacted). */
  readonly shown: string;
  request(method: string, path: string, body?: unknown): Promise<PlatformAnswer>;
  close(): Promise<void>;
}

/** Checks the address and the token before anything is touched: both are usage errors. */
export function checkPlatformSettings(server: string, token: string | undefined): URL {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError(`--server "${redactUrl(server)}" is not a URL`, { hint: 'write the server address as https://host[:port]' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--server ${redactUrl(server)}: use http:// or https://`);
  if (url.username || url.password) throw new UsageError(`--server ${redactUrl(server)}: put no credentials in the address; pass the token with --token or TOLLGATE_TOKEN`);
  if (!token) throw new UsageError('--server needs a token: --token or the TOLLGATE_TOKEN environment variable (a ci token from `tollgate server token create --role ci`)');
  if (/[\r\n]/.test(token)) throw new UsageError('the token holds a line break; pass the token alone');
  return url;
}

export async function connectPlatform(server: string, token: string | undefined): Promise<PlatformClient> {
  const base = checkPlatformSettings(server, token);
  const root = base.href.replace(/\/+$/, '');
  const shown = redactUrl(root);
  const http: HttpClient = await httpClient();
  return {
    shown,
    async request(method, path, body) {
      let response: Response;
      try {
        response = await http.fetch(`${root}${path}`, {
          method,
          headers: { authorization: `Bearer ${token as string}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          redirect: 'error',
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? messageOf(error);
        throw new PlatformUnreachableError(`the Tollgate server at ${shown} did not answer ${method} ${path.split('?')[0]} (${cause})`, { cause: error });
      }
      const text = await response.text().catch(() => '');
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: response.status, body: parsed };
    },
    close: () => http.close(),
  };
}

/** The server's own explanation of an error answer (`{error:{code,message}}`), for a message. */
export function describeAnswer(answer: PlatformAnswer): string {
  const error = (answer.body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const message = typeof error?.message === 'string' ? `: ${error.message}` : '';
  return `HTTP ${answer.status}${message}`;
}

/** 401 and 403 are the pipeline's configuration, not a passing outage: fail at once, exit 2. */
export function refuseBadCredentials(answer: PlatformAnswer, shown: string): void {
  if (answer.status === 401) throw new UsageError(`the Tollgate server at ${shown} refused the token (HTTP 401)`, { hint: 'check --token / TOLLGATE_TOKEN: a ci token from `tollgate server token create --role ci`' });
  if (answer.status === 403) throw new UsageError(`the Tollgate server at ${shown} does not allow this token to do that (${describeAnswer(answer)})`, { hint: 'the connector needs a token with the ci role' });
}
