/**
 * The worker's side of the server's compliance API (docs/server.md, "Compliance"): heartbeat,
 * lease, renew, credentials and result upload, over the bearer-authenticated connection.
 *
 * Never puts the token or a fetched secret in an error or a log line: errors carry the route, the
 * HTTP status and the server's own error code and message (the server never echoes secrets). The
 * credentials answer is turned into Secrets at once and kept only in memory.
 */
import { ScanError } from '../errors.js';
import type { AuthenticationRecord } from '../config/credentials.js';
import type { ComplianceResult } from '../model/compliance-result.js';
import { Secret } from '../util/secret.js';

/** Scan settings an option profile gives (all optional; the worker's defaults fill the rest). */
export interface LeasedSettings {
  connectTimeoutSeconds?: number;
  commandTimeoutSeconds?: number;
  timeoutMinutes?: number;
}

/** One compliance scan leased to this worker. */
export interface LeasedScan {
  scanId: string;
  leaseToken: string;
  leaseExpiresAt: string;
  /** The scan's name, when the server sends it (results carry it). */
  name?: string;
  target: { host: string; address: string; port: number };
  authRecord: string;
  policies: { name: string; yaml: string }[];
  settings: LeasedSettings;
}

export type RenewOutcome = { held: true; leaseExpiresAt: string } | { held: false; reason: 'canceled' | 'lease_lost' };

/** The scan ended without a result: what the server records as its error. */
export interface ScanFailure {
  code: string;
  message: string;
}

/** The server answered, but not as the contract says it does (a status or body this client does not expect). */
export class WorkerApiError extends ScanError {
  constructor(
    readonly route: string,
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(`${route}: ${message}`);
  }
}

interface CredentialsBody {
  user: string;
  password?: string;
  privateKey?: string;
  passphrase?: string;
  sudo?: boolean;
  sudoPassword?: string;
  port?: number;
}

export interface WorkerApiOptions {
  serverUrl: string;
  token: string;
  /** Time allowed to one request (default 30 s). */
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
}

export class WorkerApi {
  readonly #token: string;
  private readonly base: string;
  private readonly fetcher: typeof fetch;
  private readonly requestTimeoutMs: number;

  constructor(options: WorkerApiOptions) {
    this.#token = options.token;
    this.base = `${options.serverUrl.replace(/\/+$/, '')}/api/v1`;
    this.fetcher = options.fetch ?? fetch;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  async heartbeat(label: string, workerId: string, about: { hostname: string; version: string }): Promise<void> {
    await this.call('POST', `/scanners/${encodeURIComponent(label)}/workers/${encodeURIComponent(workerId)}/heartbeat`, about, [200, 204]);
  }

  /** The next queued scan for the label, or undefined when there is none. */
  async lease(label: string, workerId: string, leaseSeconds: number): Promise<LeasedScan | undefined> {
    const { status, body } = await this.call('POST', `/scanners/${encodeURIComponent(label)}/lease`, { workerId, leaseSeconds }, [200, 204]);
    if (status === 204) return undefined;
    return checkedLease(body);
  }

  async renew(scanId: string, leaseToken: string): Promise<RenewOutcome> {
    const { status, body } = await this.call('POST', `/compliance-scans/${encodeURIComponent(scanId)}/lease/renew`, { leaseToken }, [200, 409]);
    if (status === 200) return { held: true, leaseExpiresAt: String((body as { leaseExpiresAt?: unknown }).leaseExpiresAt) };
    return { held: false, reason: errorCodeOf(body) === 'canceled' ? 'canceled' : 'lease_lost' };
  }

  /** The authentication record's secrets, just in time; the answer lives in memory only, as Secrets. */
  async credentials(scanId: string, leaseToken: string, recordName: string): Promise<{ record: AuthenticationRecord; port?: number }> {
    const { body } = await this.call('POST', `/compliance-scans/${encodeURIComponent(scanId)}/credentials`, { leaseToken }, [200]);
    const answer = body as CredentialsBody;
    if (typeof answer?.user !== 'string' || answer.user === '') throw new WorkerApiError('credentials', 200, undefined, 'the server sent credentials without a user');
    const record: AuthenticationRecord = { name: recordName, username: answer.user };
    if (typeof answer.password === 'string' && answer.password !== '') record.password = new Secret(answer.password);
    if (typeof answer.privateKey === 'string' && answer.privateKey !== '') record.privateKey = new Secret(Buffer.from(answer.privateKey));
    if (typeof answer.passphrase === 'string' && answer.passphrase !== '') record.passphrase = new Secret(answer.passphrase);
    if (typeof answer.sudoPassword === 'string' && answer.sudoPassword !== '') record.sudo = new Secret(answer.sudoPassword);
    else if (answer.sudo === true) record.sudo = true;
    return { record, ...(typeof answer.port === 'number' ? { port: answer.port } : {}) };
  }

  /** Uploads the result or the error; a repeat of the same upload is accepted by the server as a no-op. */
  async upload(scanId: string, leaseToken: string, outcome: { result: ComplianceResult } | { error: ScanFailure }): Promise<string> {
    const { body } = await this.call('PUT', `/compliance-scans/${encodeURIComponent(scanId)}/result`, { leaseToken, ...outcome }, [200]);
    return String((body as { state?: unknown }).state);
  }

  private async call(method: 'POST' | 'PUT', route: string, payload: unknown, expected: readonly number[]): Promise<{ status: number; body: unknown }> {
    const name = `${method} ${route.replace(/\/compliance-scans\/[^/]+/, '/compliance-scans/{id}')}`;
    let response: Response;
    try {
      response = await this.fetcher(`${this.base}${route}`, {
        method,
        headers: { authorization: `Bearer ${this.#token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
    } catch (error) {
      const reason = (error as { cause?: { code?: string; message?: string } }).cause;
      const cause = reason?.code ?? reason?.message ?? (error as Error).message;
      throw new WorkerApiError(name, 0, 'unreachable', `the server is unreachable (${cause})`);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!expected.includes(response.status)) {
      const code = errorCodeOf(body);
      const message = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
      throw new WorkerApiError(name, response.status, code, `HTTP ${response.status}${code ? ` ${code}` : ''}${typeof message === 'string' ? `: ${message.slice(0, 300)}` : ''}`);
    }
    return { status: response.status, body };
  }
}

function errorCodeOf(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}

function checkedLease(body: unknown): LeasedScan {
  const lease = body as Partial<LeasedScan> | undefined;
  const target = lease?.target;
  const valid =
    typeof lease?.scanId === 'string' &&
    typeof lease.leaseToken === 'string' &&
    typeof lease.authRecord === 'string' &&
    typeof target?.address === 'string' &&
    target.address !== '' &&
    Number.isInteger(target.port) &&
    Array.isArray(lease.policies) &&
    lease.policies.every((policy) => typeof policy?.name === 'string' && typeof policy.yaml === 'string');
  if (!valid) throw new WorkerApiError('lease', 200, undefined, 'the server sent a lease without a scan id, lease token, target address, authentication record or policies');
  return { ...(lease as LeasedScan), settings: lease.settings ?? {} };
}
