/**
 * Hostile corpus, outbound class: the requests Tollgate makes go only where they were told, and
 * the secrets in the URLs it was told never reach the output. Two real HTTP servers on loopback:
 * a webhook receiver that redirects to a second one standing in for a cloud metadata service.
 */
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/http-server.js';
import { clearFailureProblems, runHostile } from './support/run-hostile.js';
import { hostileWorkspace, npmAdvisory, type HostileWorkspace } from './support/workspace.js';

let work: HostileWorkspace;
let db: string;
let metadata: TestServer;
let receiver: TestServer;
const metadataBodies: string[] = [];

function collect(request: IncomingMessage, into: string[]): Promise<void> {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => request.on('end', () => resolve(void into.push(Buffer.concat(chunks).toString()))));
}

beforeAll(async () => {
  work = await hostileWorkspace('outbound');
  await work.write({ 'root/etc/os-release': 'ID=debian\nVERSION_ID=12\n' });
  db = await work.database([npmAdvisory('GHSA-none-0001', 'not-installed')]);
  metadata = await startServer({ '/latest/meta-data/': (request, response) => void collect(request, metadataBodies).then(() => response.writeHead(200).end('ami-123')) });
  receiver = await startServer({
    '/302': (_request, response) => response.writeHead(302, { location: `${metadata.url}/latest/meta-data/` }).end(),
    '/307': (_request, response) => response.writeHead(307, { location: `${metadata.url}/latest/meta-data/` }).end(),
  });
});
afterAll(async () => {
  await receiver.close();
  await metadata.close();
  await work.remove();
});

const scan = (...args: string[]): string[] => ['image', 'scan', `dir:${path.join(work.dir, 'root')}`, '--no-db-auto-update', '--db', db, ...args];

describe('outbound requests', () => {
  it.each(['302', '307'])('a webhook answered with %s is not followed to the second server', async (status) => {
    const run = await runHostile({ args: scan('--webhook', `${receiver.url}/${status}`) });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`warning: the webhook was not delivered after 1 attempt (HTTP ${status} redirect to ${metadata.url}/latest/meta-data/; redirects are not followed)`);
    expect(metadata.requests).toEqual([]);
    expect(metadataBodies).toEqual([]);
  });

  it.each([
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a link-local or cloud-metadata address/],
    ["AWS's IPv6 metadata address", 'http://[fd00:ec2::254]/', /fd00:ec2::254 is a link-local or cloud-metadata address/],
    ["Google's metadata name", 'http://metadata.google.internal/computeMetadata/v1/', /metadata\.google\.internal is a link-local or cloud-metadata address/],
    ['a file: URL', 'file:///etc/passwd', /only http and https URLs are accepted, not file/],
    ['a gopher: URL', 'gopher://127.0.0.1:70/_x', /only http and https URLs are accepted, not gopher/],
  ])('a webhook to %s is a usage error before the scan', async (_name, url, message) => {
    const run = await runHostile({ args: scan('--webhook', url) });
    expect(clearFailureProblems(run, message, [2])).toEqual([]);
  });

  it('the credentials of a webhook URL never reach the output', async () => {
    const run = await runHostile({ args: scan('--webhook', `http://alice:s3cr3t-pw@127.0.0.1:9/hook?token=t0k3n-value`) });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/warning: the webhook was not delivered/);
    expect(run.stderr + run.stdout).not.toMatch(/s3cr3t-pw|t0k3n-value|alice/);
  });

  it('the credentials of a database URL and of a proxy never reach the output', async () => {
    const run = await runHostile({
      args: ['db', 'import', `http://bob:db-pass-123@127.0.0.1:9/all.zip?X-Amz-Signature=sig-value-456`, '--db', path.join(work.dir, 'x.db')],
      env: { HTTP_PROXY: 'http://carol:proxy-pass-789@127.0.0.1:9', http_proxy: 'http://carol:proxy-pass-789@127.0.0.1:9' },
    });
    expect([2, 3]).toContain(run.code);
    expect(run.stderr + run.stdout).not.toMatch(/db-pass-123|sig-value-456|proxy-pass-789|bob:|carol:/);
    expect(run.stderr + run.stdout).not.toMatch(/internal error/);
  });
});
