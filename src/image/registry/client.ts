/**
 * An OCI distribution (registry API v2) client for pulling: manifests and blobs, on undici's fetch
 * with proxies from the environment. Authentication follows the registry's `WWW-Authenticate`
 * challenge: anonymous first, then Basic with the user's credentials, or a Bearer token fetched from
 * the challenge's realm (with those credentials when there are any). `insecure` accepts a
 * self-signed certificate and falls back to plain HTTP. Credentials and tokens never appear in
 * errors.
 */
import type { Readable } from 'node:stream';
import { ImageError, ScanError, messageOf } from '../../errors.js';
import { bodyStream, httpClient, type HttpClient } from '../../util/http.js';
import { credentialsFor, type RegistryCredentials } from './credentials.js';
import type { RegistryReference } from './reference.js';

export interface RegistryClientOptions {
  insecure?: boolean;
  /** Credentials to use instead of the Docker config's. */
  credentials?: RegistryCredentials;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** The access a token is asked for: `pull` by default, `pull,push` to publish. */
  actions?: 'pull' | 'pull,push';
}

/** The registry answered with an HTTP status that is not success, 401/403 or 404 (429, 5xx). */
export class RegistryStatusError extends ScanError {
  constructor(message: string, readonly status: number, options?: { hint?: string }) {
    super(message, options);
  }
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="...",service="...",scope="..."` (quoted or bare values). */
export function parseChallenge(header: string): Challenge | undefined {
  const match = /^\s*(\w+)\s*(.*)$/.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const pattern = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (let item = pattern.exec(match[2] ?? ''); item; item = pattern.exec(match[2] ?? '')) params[(item[1] as string).toLowerCase()] = (item[2] ?? item[3] ?? '').replace(/\\(.)/g, '$1');
  return { scheme: (match[1] as string).toLowerCase(), params };
}

const TLS_REFUSAL = /certificate|self.signed|unable to verify|CERT_/i;
const NOT_TLS = /wrong version number|packet length|EPROTO|ECONNRESET|socket hang up|other side closed/i;

export class RegistryClient {
  private http: HttpClient | undefined;
  private insecureTls = false;
  private scheme: 'https' | 'http' = 'https';
  private authorization: string | undefined;
  private credentials: RegistryCredentials | undefined | null = null;

  constructor(private readonly reference: RegistryReference, private readonly options: RegistryClientOptions = {}) {
    if (options.credentials) this.credentials = options.credentials;
  }

  private get base(): string {
    return `${this.scheme}://${this.reference.apiHost}/v2/${this.reference.repository}`;
  }

  private async userCredentials(): Promise<RegistryCredentials | undefined> {
    if (this.credentials === null) this.credentials = await credentialsFor(this.reference.registry, this.options.env);
    return this.credentials;
  }

  private async client(): Promise<HttpClient> {
    this.http ??= await httpClient({ insecureTls: this.insecureTls });
    return this.http;
  }

  private async send(url: string, headers: Record<string, string>, init: { method?: string; body?: Blob | Buffer } = {}): Promise<Response> {
    // Credentials go only to the registry itself, never to another host an upload is sent to.
    const sameOrigin = new URL(url).host === this.reference.apiHost;
    try {
      return await (await this.client()).fetch(url, {
        ...(init.method ? { method: init.method } : {}),
        ...(init.body ? { body: init.body } : {}),
        headers: { ...headers, ...(this.authorization && sameOrigin ? { authorization: this.authorization } : {}), 'user-agent': 'tollgate' },
        redirect: 'follow',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 300_000),
      });
    } catch (error) {
      const cause = messageOf((error as { cause?: unknown }).cause ?? error);
      if (this.scheme === 'https' && this.options.insecure) {
        // Insecure: a certificate nobody vouches for is accepted; a server that does not speak TLS at
        // all is asked again over plain HTTP.
        if (TLS_REFUSAL.test(cause) && !this.insecureTls) {
          this.insecureTls = true;
          await this.http?.close();
          this.http = undefined;
          return this.send(url, headers, init);
        }
        if (NOT_TLS.test(cause) || !this.insecureTls) {
          this.scheme = 'http';
          return this.send(url.replace(/^https:/, 'http:'), headers, init);
        }
      }
      if (/certificate|self.signed|unable to verify|SSL|TLS|wrong version number|packet length/i.test(cause)) {
        throw new ScanError(`cannot reach registry ${this.reference.registry} over TLS: ${cause}`, { hint: 'for a registry with a self-signed certificate or plain HTTP, add --registry-insecure' });
      }
      throw new ScanError(`cannot reach registry ${this.reference.registry}: ${cause}`);
    }
  }

  /** Answers a 401 challenge; returns false when there is nothing more to try. */
  private async authenticate(response: Response): Promise<boolean> {
    const challenge = parseChallenge(response.headers.get('www-authenticate') ?? '');
    await response.body?.cancel();
    if (!challenge) return false;
    const credentials = await this.userCredentials();
    const basic = credentials ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` : undefined;
    if (challenge.scheme === 'basic') {
      if (!basic || this.authorization === basic) return false;
      this.authorization = basic;
      return true;
    }
    if (challenge.scheme !== 'bearer' || !challenge.params.realm) return false;
    const realm = new URL(challenge.params.realm);
    if (challenge.params.service) realm.searchParams.set('service', challenge.params.service);
    realm.searchParams.set('scope', this.options.actions === 'pull,push' ? `repository:${this.reference.repository}:pull,push` : (challenge.params.scope ?? `repository:${this.reference.repository}:pull`));
    let answer: Response;
    try {
      answer = await (await this.client()).fetch(realm, { headers: basic ? { authorization: basic } : {}, signal: AbortSignal.timeout(60_000) });
    } catch (error) {
      throw new ScanError(`cannot reach the token service of ${this.reference.registry} at ${realm.origin}: ${messageOf((error as { cause?: unknown }).cause ?? error)}`);
    }
    if (!answer.ok) {
      await answer.body?.cancel();
      throw new ScanError(`the token service of ${this.reference.registry} refused ${credentials ? 'the credentials' : 'anonymous access'} (HTTP ${answer.status})`, { hint: credentials ? 'check the credentials in your Docker config' : 'log in: docker login' });
    }
    const body = (await answer.json().catch(() => ({}))) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new ScanError(`the token service of ${this.reference.registry} answered without a token`);
    const bearer = `Bearer ${token}`;
    if (this.authorization === bearer) return false;
    this.authorization = bearer;
    return true;
  }

  /** GET with authentication; throws on anything but 2xx. */
  private get(path: string, headers: Record<string, string>, what: string): Promise<Response> {
    return this.request(() => `${this.base}${path}`, headers, what);
  }

  /**
   * A request with authentication (a body must be re-sendable: a Blob or a Buffer); throws on
   * anything but 2xx. `url` is asked again for every attempt: the first may have switched an
   * insecure registry to plain HTTP.
   */
  private async request(url: () => string, headers: Record<string, string>, what: string, init: { method?: string; body?: Blob | Buffer } = {}): Promise<Response> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const response = await this.send(url(), headers, init);
      if (response.status === 401 && (await this.authenticate(response))) continue;
      if (response.ok) return response;
      await response.body?.cancel();
      if (response.status === 401 || response.status === 403) {
        const credentials = await this.userCredentials();
        throw new ScanError(`registry ${this.reference.registry} refused access to ${this.reference.repository} (HTTP ${response.status})`, { hint: credentials ? 'check the credentials in your Docker config' : 'log in: docker login, or add credentials to your Docker config' });
      }
      if (response.status === 404) throw new ImageError(`registry ${this.reference.registry} has no ${what} in ${this.reference.repository}`);
      if (response.status === 429) throw new RegistryStatusError(`registry ${this.reference.registry} is rate limiting (HTTP 429 TOOMANYREQUESTS) for ${what}`, 429, { hint: 'log in for a higher limit, wait, or use a mirror' });
      throw new RegistryStatusError(`registry ${this.reference.registry} answered HTTP ${response.status} for ${what}`, response.status);
    }
    throw new ScanError(`registry ${this.reference.registry} kept asking for authentication`);
  }

  /** A manifest or index, with its media type (from the body, else the Content-Type header). */
  async manifest(reference: string, accept: readonly string[], maxBytes: number): Promise<{ bytes: Buffer; mediaType: string | undefined; digestHeader: string | undefined }> {
    const response = await this.get(`/manifests/${reference}`, { accept: accept.join(', ') }, `manifest ${reference}`);
    const length = Number(response.headers.get('content-length') ?? 0);
    if (length > maxBytes) throw new ImageError(`registry ${this.reference.registry}: manifest ${reference} is ${length} bytes, over the limit`);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > maxBytes) throw new ImageError(`registry ${this.reference.registry}: manifest ${reference} is over the size limit`);
    const contentType = response.headers.get('content-type')?.split(';')[0]?.trim();
    return { bytes, mediaType: contentType, digestHeader: response.headers.get('docker-content-digest') ?? undefined };
  }

  async blobBytes(digest: string, maxBytes: number): Promise<Buffer> {
    const response = await this.get(`/blobs/${digest}`, {}, `blob ${digest}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > maxBytes) throw new ImageError(`registry ${this.reference.registry}: blob ${digest} is over the size limit for metadata`);
    return bytes;
  }

  async blobStream(digest: string): Promise<Readable> {
    const response = await this.get(`/blobs/${digest}`, {}, `blob ${digest}`);
    if (!response.body) throw new ImageError(`registry ${this.reference.registry}: blob ${digest} has no body`);
    return bodyStream(response.body);
  }

  /** True when the repository already holds this blob (an upload can be skipped). */
  async hasBlob(digest: string): Promise<boolean> {
    try {
      const response = await this.request(() => `${this.base}/blobs/${digest}`, {}, `blob ${digest}`, { method: 'HEAD' });
      await response.body?.cancel();
      return true;
    } catch (error) {
      if (error instanceof ImageError) return false;
      throw error;
    }
  }

  /** Uploads a blob in one request (the distribution spec's monolithic upload: POST, then PUT with the digest). */
  async pushBlob(digest: string, body: Blob | Buffer): Promise<void> {
    const start = await this.request(() => `${this.base}/blobs/uploads/`, { 'content-length': '0' }, 'a blob upload', { method: 'POST' });
    await start.body?.cancel();
    const location = start.headers.get('location');
    if (!location) throw new ScanError(`registry ${this.reference.registry} started an upload without a location`);
    const target = new URL(location, `${this.base}/`);
    target.searchParams.set('digest', digest);
    const done = await this.request(() => target.toString(), { 'content-type': 'application/octet-stream' }, `blob ${digest}`, { method: 'PUT', body });
    await done.body?.cancel();
  }

  /** Stores a manifest under a tag; returns the digest the registry computed, where it says. */
  async pushManifest(reference: string, mediaType: string, bytes: Buffer): Promise<string | undefined> {
    const response = await this.request(() => `${this.base}/manifests/${reference}`, { 'content-type': mediaType }, `manifest ${reference}`, { method: 'PUT', body: bytes });
    await response.body?.cancel();
    return response.headers.get('docker-content-digest') ?? undefined;
  }

  /** The repository's tags (`/tags/list`), at most `max` (a registry sensor's listing). */
  async tags(max = 10_000): Promise<string[]> {
    const response = await this.get(`/tags/list?n=${max}`, { accept: 'application/json' }, 'tag list');
    const body = (await response.json().catch(() => ({}))) as { tags?: unknown };
    return Array.isArray(body.tags) ? body.tags.filter((tag): tag is string => typeof tag === 'string').slice(0, max) : [];
  }

  /** The registry's repositories (`/v2/_catalog`), at most `max`; registries that do not offer the catalog refuse it. */
  async catalog(max = 10_000): Promise<string[]> {
    const response = await this.request(() => `${this.scheme}://${this.reference.apiHost}/v2/_catalog?n=${max}`, { accept: 'application/json' }, 'catalog');
    const body = (await response.json().catch(() => ({}))) as { repositories?: unknown };
    return Array.isArray(body.repositories) ? body.repositories.filter((name): name is string => typeof name === 'string').slice(0, max) : [];
  }

  async close(): Promise<void> {
    await this.http?.close();
  }
}
