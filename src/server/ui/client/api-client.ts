/**
 * The UI's only way to the server: /api/v1 with the bearer token. Errors arrive as ApiFailure
 * with the API's code, message and field, so a page can say what went wrong; a 401 means the
 * token is no longer accepted and the session ends.
 */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface ApiAnswer<T> {
  status: number;
  body: T | undefined;
}

export type Unauthorized = () => void;

export class ApiClient {
  constructor(
    private readonly token: string,
    private readonly onUnauthorized: Unauthorized,
  ) {}

  /** The raw answer (for endpoints whose 204 or 404 carries meaning). */
  async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<ApiAnswer<T>> {
    if (!path.startsWith('/api/v1/')) throw new Error(`the UI calls only /api/v1, not ${path}`);
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), cache: 'no-store' });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.status === 401) {
      this.onUnauthorized();
      throw new ApiFailure(401, 'unauthorized', 'the token is not accepted (revoked or wrong); log in again');
    }
    if (response.status >= 400) {
      const error = (parsed as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
      throw new ApiFailure(response.status, error?.code ?? 'error', error?.message ?? `the server answered ${response.status}`, error?.field);
    }
    return { status: response.status, body: parsed as T | undefined };
  }

  async get<T>(path: string): Promise<T> {
    return (await this.call<T>('GET', path)).body as T;
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return (await this.call<T>('POST', path, body)).body as T;
  }

  async delete(path: string): Promise<void> {
    await this.call('DELETE', path);
  }
}

/** A path segment from a value (a digest, a name): never able to add a segment or a query. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
