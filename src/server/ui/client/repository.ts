/** The repository of an image reference: `registry:5000/team/app:1.2` -> `registry:5000/team/app`. */
export function repositoryOf(reference: string): string {
  const withoutDigest = reference.split('@')[0] as string;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}
