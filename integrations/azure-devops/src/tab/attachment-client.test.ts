import { describe, expect, it } from 'vitest';
import { attachmentListUrl, listAttachments, readAttachment, type Fetch } from './attachment-client.js';

const build = { collectionUrl: 'https://dev.azure.com/acme', project: 'Shop Web', buildId: 42 };

/** Answers by URL, recording each request's headers. */
function answering(answers: Record<string, { status: number; body?: string }>, seen: { url: string; headers: Record<string, string> }[]): Fetch {
  return async (url, init) => {
    seen.push({ url, headers: init.headers });
    const answer = answers[url] ?? { status: 404 };
    return { ok: answer.status >= 200 && answer.status < 300, status: answer.status, text: async () => answer.body ?? '' };
  };
}

describe('the Build REST API calls of the tab', () => {
  it('lists a type of attachment and follows each link as given, with the token', async () => {
    const url = attachmentListUrl(build, 'tollgate-image-scan');
    expect(url).toBe('https://dev.azure.com/acme/Shop%20Web/_apis/build/builds/42/attachments/tollgate-image-scan?api-version=7.1');
    const href = 'https://dev.azure.com/acme/0a1b/_apis/build/builds/42/t1/r1/attachments/tollgate-image-scan/task-1.1.abc';
    const seen: { url: string; headers: Record<string, string> }[] = [];
    const fetcher = answering({ [url]: { status: 200, body: JSON.stringify({ count: 2, value: [{ name: 'task-1.1.abc', _links: { self: { href } } }, { name: 'broken' }] }) }, [href]: { status: 200, body: '{"kind":1}' } }, seen);
    const links = await listAttachments(build, 'tollgate-image-scan', 'tok', fetcher);
    expect(links).toEqual([{ name: 'task-1.1.abc', href }]);
    expect(await readAttachment(links[0]!, 'tok', fetcher)).toBe('{"kind":1}');
    expect(seen.map((request) => request.headers.Authorization)).toEqual(['Bearer tok', 'Bearer tok']);
  });

  it('a 404 on an attachment means none; other errors are errors', async () => {
    const fetcher = answering({ 'https://x/gone': { status: 404 }, 'https://x/denied': { status: 401 } }, []);
    expect(await readAttachment({ name: 'gone', href: 'https://x/gone' }, 't', fetcher)).toBeUndefined();
    await expect(readAttachment({ name: 'denied', href: 'https://x/denied' }, 't', fetcher)).rejects.toThrow('reading attachment denied failed: HTTP 401');
    expect(await listAttachments(build, 'none', 't', fetcher)).toEqual([]);
  });
});
