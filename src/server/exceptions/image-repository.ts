/**
 * The repository of an image reference as registries name it, so that an exception scoped to
 * `nginx` covers an image tagged `docker.io/library/nginx:1.27` and the other way round: the tag
 * or digest is dropped, Docker Hub's implicit registry and `library/` namespace are made explicit.
 */
const DOCKER_HUB = 'docker.io';

export function repositoryOf(reference: string): string {
  const withoutDigest = reference.split('@')[0] ?? reference;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastColon = withoutDigest.lastIndexOf(':');
  const name = lastColon > lastSlash ? withoutDigest.slice(0, lastColon) : withoutDigest;
  const parts = name.split('/');
  const first = parts[0] ?? '';
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return first === 'index.docker.io' || first === 'registry-1.docker.io' ? [DOCKER_HUB, ...parts.slice(1)].join('/').toLowerCase() : name.toLowerCase();
  return [DOCKER_HUB, ...(parts.length === 1 ? ['library'] : []), ...parts].join('/').toLowerCase();
}
