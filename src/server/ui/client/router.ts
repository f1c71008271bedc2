/**
 * The UI's routes live in the address's fragment (`#/images/sha256:…/layers`), so the server
 * serves one page at `/` and every view can be bookmarked, reloaded and reached with Back.
 */
/** A search of the images page: any part of a tag or the start of a digest, a severity floor, a page. */
export interface ImagesRoute {
  query: string;
  /** `CRITICAL` .. `NEGLIGIBLE`, or '' for no filter. */
  severity: string;
  offset: number;
}

export type Route =
  | { page: 'login' }
  | { page: 'dashboard' }
  | ({ page: 'images' } & ImagesRoute)
  | { page: 'image'; digest: string; tab: string | undefined }
  | { page: 'exceptions'; state: string }
  | { page: 'tokens' }
  | { page: 'scanners' }
  | { page: 'hosts' }
  | { page: 'host'; name: string; tab: string | undefined }
  | { page: 'not-found'; path: string };

const SEVERITY_FILTERS = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NEGLIGIBLE'];

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
  if (first === 'images' && second === undefined) {
    const severity = query.get('severity') ?? '';
    const offset = Number(query.get('offset') ?? '0');
    return { page: 'images', query: query.get('q') ?? '', severity: SEVERITY_FILTERS.includes(severity) ? severity : '', offset: Number.isSafeInteger(offset) && offset > 0 ? offset : 0 };
  }
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

/** The images page's address for a search (what it shows, not how it was typed). */
export function imagesHref(search: ImagesRoute): string {
  const parameters = new URLSearchParams();
  if (search.query.trim() !== '') parameters.set('q', search.query.trim());
  if (search.severity !== '') parameters.set('severity', search.severity);
  if (search.offset > 0) parameters.set('offset', String(search.offset));
  const text = parameters.toString();
  return `#/images${text ? `?${text}` : ''}`;
}

export function hostHref(name: string, tab?: string): string {
  return `#/hosts/${encodeURIComponent(name)}${tab ? `/${tab}` : ''}`;
}
