/**
 * A client that talks to a scanner adapter the way Harbor's does: every request with a 5 s
 * timeout, redirects never followed (a 302 on the report is read as "not ready, retry after
 * Refresh-After seconds"), the spec's media types in Content-Type and Accept, and polling that
 * stops at 200 or 500 (or after a bounded number of attempts).
 */
import { request as httpRequest } from 'node:http';

export const HARBOR_TIMEOUT_MS = 5000;

export interface HarborAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): unknown;
}

export function harborRequest(base: string, method: string, path: string, options: { body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<HarborAnswer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const req = httpRequest(url, { method, headers: { ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}), ...options.headers }, timeout: HARBOR_TIMEOUT_MS }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body, json: () => JSON.parse(body) as unknown });
      });
      response.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${HARBOR_TIMEOUT_MS} ms (Harbor gives up here)`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

export class HarborClient {
  constructor(
    readonly base: string,
    private readonly authorization?: string,
  ) {}

  private headers(extra: Record<string, string>): Record<string, string> {
    return { ...(this.authorization ? { authorization: this.authorization } : {}), ...extra };
  }

  metadata(): Promise<HarborAnswer> {
    return harborRequest(this.base, 'GET', '/api/v1/metadata', { headers: this.headers({ accept: 'application/vnd.scanner.adapter.metadata+json; version=1.1' }) });
  }

  scan(body: unknown, contentType = 'application/vnd.scanner.adapter.scan.request+json; version=1.1'): Promise<HarborAnswer> {
    return harborRequest(this.base, 'POST', '/api/v1/scan', { body: typeof body === 'string' ? body : JSON.stringify(body), headers: this.headers({ 'content-type': contentType, accept: 'application/vnd.scanner.adapter.scan.response+json; version=1.0' }) });
  }

  report(id: string, accept = 'application/vnd.security.vulnerability.report; version=1.1'): Promise<HarborAnswer> {
    return harborRequest(this.base, 'GET', `/api/v1/scan/${encodeURIComponent(id)}/report`, { headers: this.headers({ accept }) });
  }

  /** Polls as Harbor does until 200 or 500, waiting Refresh-After seconds (scaled by `speedup`) between attempts. */
  async poll(id: string, options: { maxAttempts?: number; speedup?: number; seen?: number[] } = {}): Promise<HarborAnswer> {
    const maxAttempts = options.maxAttempts ?? 120;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const answer = await this.report(id);
      options.seen?.push(answer.status);
      if (answer.status !== 302) return answer;
      const refresh = Number(answer.headers['refresh-after']);
      if (!Number.isInteger(refresh) || refresh < 1 || refresh > 127) throw new Error(`a 302 without a valid Refresh-After: ${String(answer.headers['refresh-after'])}`);
      await new Promise((resolve) => setTimeout(resolve, (refresh * 1000) / (options.speedup ?? 1)));
    }
    throw new Error(`the report of ${id} was still pending after ${maxAttempts} attempts`);
  }
}
