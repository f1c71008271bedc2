/**
 * `--webhook <url>`: POSTs the aggregate verdict as JSON after the run, with a timeout and bounded
 * retries. Failing to deliver is a warning on stderr; it never changes the verdict or the exit code.
 *
 * The request goes only where it was told: http and https only (anything else is a usage error
 * before the scan starts), no redirect is followed (a 3xx is a failed delivery naming where it
 * pointed), and link-local and cloud-metadata addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254,
 * `metadata.google.internal` …) are refused — by name before the scan, and by the address every
 * connection actually resolves to, so a name that resolves there later is refused too — unless
 * `--webhook-allow-link-local` says that is intended. The URL is printed only redacted.
 */
import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { messageOf, UsageError } from '../errors.js';
import { redactUrl, redactUrlsIn } from '../util/redact-url.js';

export interface WebhookOptions {
  timeoutMs?: number;
  retries?: number;
  /** Allow link-local and cloud-metadata destinations (`--webhook-allow-link-local`). */
  allowLinkLocal?: boolean;
}

const LINK_LOCAL = new BlockList();
LINK_LOCAL.addSubnet('169.254.0.0', 16, 'ipv4');
LINK_LOCAL.addSubnet('fe80::', 10, 'ipv6');
// AWS's instance metadata service over IPv6, and Alibaba Cloud's metadata address.
LINK_LOCAL.addAddress('fd00:ec2::254', 'ipv6');
LINK_LOCAL.addAddress('100.100.100.200', 'ipv4');

/** Names that resolve to an instance metadata service inside the clouds that define them. */
const METADATA_HOSTS = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal', 'metadata.tencentyun.com', 'metadata.platformequinix.com']);

/** True for a link-local or cloud-metadata address, IPv4-mapped IPv6 included. */
export function isLinkLocalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return LINK_LOCAL.check(mapped[1], 'ipv4');
  return LINK_LOCAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

/** The webhook URL checked before any work: a usage error for a non-http(s) URL or, unless allowed, a link-local or metadata destination. */
export function checkWebhookUrl(url: string, options: Pick<WebhookOptions, 'allowLinkLocal'> = {}): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--webhook ${redactUrl(url)}: not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--webhook ${redactUrl(url)}: only http and https URLs are accepted, not ${parsed.protocol.replace(/:$/, '')}`);
  const host = hostOf(parsed);
  if (!options.allowLinkLocal && (METADATA_HOSTS.has(host) || isLinkLocalAddress(host))) {
    throw new UsageError(`--webhook ${redactUrl(url)}: ${host} is a link-local or cloud-metadata address, where a verdict is not sent`, { hint: 'add --webhook-allow-link-local if this is the intended receiver' });
  }
  return parsed;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup that fails for link-local and metadata addresses: the check made on what the connection really uses. */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '');
    const refused = addresses.find((entry) => isLinkLocalAddress(entry.address));
    if (refused) {
      const denied: NodeJS.ErrnoException = new Error(`${hostname} resolves to ${refused.address}, a link-local or cloud-metadata address (--webhook-allow-link-local allows it)`);
      denied.code = 'EADDRNOTALLOWED';
      return callback(denied, '');
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    return first ? callback(null, first.address, first.family) : callback(Object.assign(new Error(`${hostname}: no address`), { code: 'ENOTFOUND' }), '');
  });
}

function redirectTarget(location: string | null, base: URL): string {
  if (!location) return '';
  try {
    return ` to ${redactUrl(new URL(location, base))}`;
  } catch {
    return ' to an invalid location';
  }
}

function describeFailure(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return redactUrlsIn(`${messageOf(error)}${cause}`);
}

export async function postWebhook(url: string, body: string, options: WebhookOptions = {}): Promise<{ delivered: boolean; attempts: number; error?: string }> {
  const target = checkWebhookUrl(url, options);
  const retries = options.retries ?? 2;
  // undici's own fetch, for a dispatcher whose connections resolve through the guarded lookup
  // (and honour HTTPS_PROXY / NO_PROXY as the rest of Tollgate's requests do).
  const undici = await import('undici');
  const connect = options.allowLinkLocal ? {} : { lookup: guardedLookup as never };
  const dispatcher = new undici.EnvHttpProxyAgent({ connect });
  let lastError = '';
  try {
    for (let attempt = 1; attempt <= retries + 1; attempt++) {
      try {
        const response = await undici.fetch(target, { method: 'POST', body, redirect: 'manual', dispatcher, headers: { 'content-type': 'application/json', 'user-agent': 'tollgate' }, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
        await response.body?.cancel();
        if (response.ok) return { delivered: true, attempts: attempt };
        if (response.status >= 300 && response.status < 400) {
          return { delivered: false, attempts: attempt, error: `HTTP ${response.status} redirect${redirectTarget(response.headers.get('location'), target)}; redirects are not followed` };
        }
        lastError = `HTTP ${response.status}`;
        if (response.status < 500 && response.status !== 429) return { delivered: false, attempts: attempt, error: lastError };
      } catch (error) {
        lastError = describeFailure(error);
        if (/EADDRNOTALLOWED|link-local or cloud-metadata/.test(lastError)) return { delivered: false, attempts: attempt, error: lastError };
      }
      if (attempt <= retries) await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** (attempt - 1)));
    }
  } finally {
    await dispatcher.close();
  }
  return { delivered: false, attempts: retries + 1, error: lastError };
}
