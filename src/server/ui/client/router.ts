/**
 * The UI's routes live in the address's fragment (`#/images/sha256:…/layers`), so the server
 * serves one page at `/` and every view can be bookmarked, reloaded and reached with Back.
 */
export type Route =
  | { page: 'login' }
  | { page: 'dashboard' }
  | { page: 'images'; query: string }
  | { page: 'image'; digest: string; tab: string | undefined }
  | { page: 'exceptions'; state: string }
  | { page: 'tokens' }
  | { page: 'scanners' }
  | { page: 'hosts' }
  | { page: 'host'; name: string; tab: string | undefined }
  | { page: 'not-found'; path: string };

function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?', 2);
  const query = new URLSearchParams(search);
  const parts = path.split('/').filter((part) => part !== '').map(decoded);
  const [first, second, third] = parts;
  if (first === undefined) return { page: 'dashboard' };
  if (first === 'login' && parts.length === 1) return { page: 'login' };
  if (first === 'images' && second === undefined) return { page: 'images', query: query.get('q') ?? '' };
  if (first === 'images' && second !== undefined && parts.length <= 3) return { page: 'image', digest: second, tab: third };
  if (first === 'exceptions' && parts.length === 1) return { page: 'exceptions', state: query.get('state') ?? 'requested' };
  if (first === 'tokens' && parts.length === 1) return { page: 'tokens' };
  if (first === 'scanners' && parts.length === 1) return { page: 'scanners' };
  if (first === 'hosts' && second === undefined) return { page: 'hosts' };
  if (first === 'hosts' && second !== undefined && parts.length <= 3) return { page: 'host', name: second, tab: third };
  return { page: 'not-found', path };
}

export function imageHref(digest: string, tab?: string): string {
  return `#/images/${encodeURIComponent(digest)}${tab ? `/${tab}` : ''}`;
}

export function hostHref(name: string, tab?: string): string {
  return `#/hosts/${encodeURIComponent(name)}${tab ? `/${tab}` : ''}`;
}
