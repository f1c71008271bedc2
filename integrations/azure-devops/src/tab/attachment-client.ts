/**
 * Reads a build's Tollgate attachments through the Build REST API: the list of attachments of a
 * type, then each one by the link the list gives (followed as it is, never taken apart: the job
 * and task are inside the document). A 404 on an attachment means "none" (listed but gone), not
 * an error. Pure of the SDK: the base URL, the token and fetch are handed in.
 */

export interface AttachmentLink {
  name: string;
  href: string;
}

export interface BuildRef {
  collectionUrl: string;
  project: string;
  buildId: number;
}

export type Fetch = (url: string, init: { headers: Record<string, string> }) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

const API_VERSION = '7.1';

export function attachmentListUrl(build: BuildRef, type: string): string {
  const base = build.collectionUrl.endsWith('/') ? build.collectionUrl : `${build.collectionUrl}/`;
  return `${base}${encodeURIComponent(build.project)}/_apis/build/builds/${build.buildId}/attachments/${encodeURIComponent(type)}?api-version=${API_VERSION}`;
}

export async function listAttachments(build: BuildRef, type: string, token: string, fetcher: Fetch): Promise<AttachmentLink[]> {
  const response = await fetcher(attachmentListUrl(build, type), { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`listing ${type} attachments failed: HTTP ${response.status}`);
  const body = JSON.parse(await response.text()) as { value?: { name?: unknown; _links?: { self?: { href?: unknown } } }[] };
  return (body.value ?? []).flatMap((entry) => (typeof entry.name === 'string' && typeof entry._links?.self?.href === 'string' ? [{ name: entry.name, href: entry._links.self.href }] : []));
}

/** The attachment's text, or undefined when the server says it is not there (404). */
export async function readAttachment(link: AttachmentLink, token: string, fetcher: Fetch): Promise<string | undefined> {
  const response = await fetcher(link.href, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/octet-stream' } });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`reading attachment ${link.name} failed: HTTP ${response.status}`);
  return response.text();
}
