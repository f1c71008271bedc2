/**
 * A Harbor scan request, checked field by field before anything is queued: untrusted JSON in,
 * a typed request (or a `ScanRequestError` naming the field, 400 for the wrong shape, 422 for a
 * field that is well-typed but unusable, 501 for a capability this scanner lacks) out. The
 * registry credentials are decoded here into a `Secret`-like holder that never prints; they are
 * never logged and never echoed in an error.
 */
import { CONSUMED_ARTIFACT_MIMES, type HarborArtifact } from './spec.js';
import type { RegistryCredentials } from '../image/registry/credentials.js';

export class ScanRequestError extends Error {
  constructor(message: string, readonly statusCode: 400 | 422 | 501) {
    super(message);
  }
}

export interface ScanRequest {
  artifact: HarborArtifact;
  /** `host[:port]` of the registry to pull from. */
  registryHost: string;
  /** The registry speaks plain HTTP (its URL was `http://`). */
  insecure: boolean;
  /** `registry:<host>/<repository>@<digest>`, the reference the scan opens. */
  reference: string;
  /** Robot-account credentials from `registry.authorization`; hidden from logs and JSON. */
  credentials?: RegistryCredentials;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
// The distribution spec's repository name grammar: path components of lower-case alphanumerics and separators.
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const MAX_FIELD = 4096;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(record: Record<string, unknown>, key: string, where: string): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ScanRequestError(`${where}.${key} must be a string`, 400);
  if (value.length > MAX_FIELD) throw new ScanRequestError(`${where}.${key} is longer than ${MAX_FIELD} characters`, 422);
  return value;
}

/** Credentials that print as `[redacted]` however they are logged or serialised. */
function hiddenCredentials(username: string, password: string): RegistryCredentials {
  const credentials = { username, password };
  Object.defineProperty(credentials, 'toJSON', { value: () => '[redacted]', enumerable: false });
  Object.defineProperty(credentials, Symbol.for('nodejs.util.inspect.custom'), { value: () => '[redacted]', enumerable: false });
  return credentials;
}

function parseAuthorization(value: string | undefined): RegistryCredentials | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(value);
  if (!match) {
    // Never quote the value: it is a credential.
    throw new ScanRequestError(/^Bearer\s/i.test(value) ? 'registry.authorization: only Basic credentials (a robot account) are supported' : 'registry.authorization must be "Basic <base64 of user:password>"', 422);
  }
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw new ScanRequestError('registry.authorization does not decode to user:password', 422);
  return hiddenCredentials(decoded.slice(0, colon), decoded.slice(colon + 1));
}

function parseRegistryUrl(value: string | undefined): { host: string; insecure: boolean } {
  if (!value) throw new ScanRequestError('registry.url is required', 422);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ScanRequestError('registry.url is not a URL', 422);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ScanRequestError('registry.url must be an http:// or https:// URL', 422);
  if (url.username || url.password) throw new ScanRequestError('registry.url must not carry credentials (send them in registry.authorization)', 422);
  if (url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) throw new ScanRequestError('registry.url must be the registry base URL, without a path', 422);
  return { host: url.host, insecure: url.protocol === 'http:' };
}

export function parseScanRequest(body: unknown): ScanRequest {
  if (!isRecord(body)) throw new ScanRequestError('the scan request must be a JSON object', 400);
  const registry = body.registry;
  const artifact = body.artifact;
  if (!isRecord(registry)) throw new ScanRequestError('registry must be an object', 400);
  if (!isRecord(artifact)) throw new ScanRequestError('artifact must be an object', 400);
  const capabilities = body.enabled_capabilities;
  if (capabilities !== undefined && capabilities !== null) {
    if (!Array.isArray(capabilities) || !capabilities.every((entry) => isRecord(entry) && typeof entry.type === 'string')) throw new ScanRequestError('enabled_capabilities must be a list of objects with a type', 400);
    if (!capabilities.some((entry) => (entry as { type: string }).type === 'vulnerability')) throw new ScanRequestError('this scanner offers the vulnerability capability only', 501);
  }
  const { host, insecure } = parseRegistryUrl(optionalString(registry, 'url', 'registry'));
  const credentials = parseAuthorization(optionalString(registry, 'authorization', 'registry'));
  const repository = optionalString(artifact, 'repository', 'artifact');
  const digest = optionalString(artifact, 'digest', 'artifact');
  const tag = optionalString(artifact, 'tag', 'artifact');
  const mimeType = optionalString(artifact, 'mime_type', 'artifact');
  if (!repository || !REPOSITORY.test(repository) || repository.length > 255) throw new ScanRequestError('artifact.repository must be a repository name (library/mongo)', 422);
  if (!digest || !DIGEST.test(digest)) throw new ScanRequestError('artifact.digest must be a sha256 digest (sha256:<64 hex>)', 422);
  if (tag !== undefined && !TAG.test(tag)) throw new ScanRequestError('artifact.tag is not a valid tag', 422);
  if (mimeType !== undefined && !(CONSUMED_ARTIFACT_MIMES as readonly string[]).includes(mimeType)) throw new ScanRequestError(`artifact.mime_type ${JSON.stringify(mimeType.slice(0, 100))} is not scanned (scanned: ${CONSUMED_ARTIFACT_MIMES.join(', ')})`, 501);
  return {
    artifact: { repository, digest, ...(tag !== undefined ? { tag } : {}), ...(mimeType !== undefined ? { mime_type: mimeType } : {}) },
    registryHost: host,
    insecure,
    reference: `registry:${host}/${repository}@${digest}`,
    ...(credentials ? { credentials } : {}),
  };
}
