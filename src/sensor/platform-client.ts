/**
 * The sensor's calls to the platform server: JSON over HTTP(S) with the sensor's bearer token.
 * A network failure, a 5xx, a 408 or a 429 is `retryable` (the server may be restarting); any
 * other 4xx is a refusal the sensor must not repeat. The token never appears in an error or a log.
 */
import { redactUrl } from '../util/redact-url.js';

export class PlatformError extends Error {
  constructor(
    message: string,
    /** HTTP status, or undefined when the server could not be reached. */
    readonly status: number | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface PlatformAnswer<T> {
  status: number;
  body: T;
}

export class PlatformClient {
  private readonly base: string;

  constructor(
    serverUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 60_000,
  ) {
    this.base = serverUrl.replace(/\/+$/, '');
  }

  /** The server's address as it may be logged. */
  get address(): string {
    return redactUrl(this.base);
  }

  /** `text` with any occurrence of the sensor's token replaced (for text that leaves the sensor). */
  withoutToken(text: string): string {
    return this.token === '' ? text : text.split(this.token).join('[redacted]');
  }

  /** Sends a request; answers 2xx and the statuses listed in `accept`, throws a PlatformError otherwise. */
  async send<T = Record<string, unknown>>(method: string, path: string, body?: unknown, accept: readonly number[] = []): Promise<PlatformAnswer<T>> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new PlatformError(`cannot reach the server at ${this.address}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, undefined, true);
    }
    const text = await response.text().catch(() => '');
    const parsed = text === '' ? undefined : safeJson(text);
    if ((response.status >= 200 && response.status < 300) || accept.includes(response.status)) return { status: response.status, body: parsed as T };
    const detail = (parsed as { error?: { message?: string; field?: string } } | undefined)?.error;
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    throw new PlatformError(`${method} ${path}: HTTP ${response.status}${detail?.message ? ` ${detail.message}` : ''}${detail?.field ? ` (${detail.field})` : ''}`, response.status, retryable);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
