/**
 * Registry image references: `host[:port]/repository[:tag][@digest]`, with Docker Hub's
 * conventions for names without a host (`alpine` is `docker.io/library/alpine:latest`).
 */
import { UsageError } from '../../errors.js';
import { assertDigest } from '../oci-types.js';

export const DOCKER_HUB = 'docker.io';
export const DOCKER_HUB_API = 'registry-1.docker.io';

export interface RegistryReference {
  /** The registry as written (`127.0.0.1:5000`, `ghcr.io`, `docker.io`). */
  registry: string;
  /** The host to talk to (`registry-1.docker.io` for Docker Hub). */
  apiHost: string;
  repository: string;
  tag?: string;
  digest?: string;
}

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

export function parseRegistryReference(text: string): RegistryReference {
  let rest = text.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = assertDigest(rest.slice(at + 1), `image reference "${text}"`);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new UsageError(`invalid tag "${tag}" in image reference "${text}"`);
  }
  const firstSlash = rest.indexOf('/');
  const first = firstSlash === -1 ? '' : rest.slice(0, firstSlash);
  const hasHost = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasHost ? first : DOCKER_HUB;
  let repository = hasHost ? rest.slice(firstSlash + 1) : rest;
  if (registry === 'index.docker.io' || registry === DOCKER_HUB_API) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  if (!REPOSITORY.test(repository)) throw new UsageError(`invalid repository "${repository}" in image reference "${text}"`);
  return { registry, apiHost: registry === DOCKER_HUB ? DOCKER_HUB_API : registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}), ...(!tag && !digest ? { tag: 'latest' } : {}) };
}

export function formatReference(reference: RegistryReference): string {
  return `${reference.registry}/${reference.repository}${reference.tag ? `:${reference.tag}` : ''}${reference.digest ? `@${reference.digest}` : ''}`;
}
