import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../test/support/http-server.js';
import { checkWebhookUrl, guardedLookup, isLinkLocalAddress, postWebhook } from './webhook.js';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function server(routes: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const started = await startServer(routes);
  servers.push(started);
  return started;
}

describe('--webhook goes only where it was told', () => {
  it('delivers to an http receiver on loopback', async () => {
    const bodies: string[] = [];
    const receiver = await server({
      '/hook': (request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          bodies.push(Buffer.concat(chunks).toString());
          response.writeHead(204).end();
        });
      },
    });
    expect(await postWebhook(`${receiver.url}/hook`, '{"passed":true}', { retries: 0 })).toEqual({ delivered: true, attempts: 1 });
    expect(bodies).toEqual(['{"passed":true}']);
  });

  it.each([302, 307, 308])('does not follow a %i redirect to a second server, and says where it pointed', async (status) => {
    const metadata = await server({ '/latest/meta-data/': 'ami-id' });
    const redirector = await server({ '/hook': (_request, response) => response.writeHead(status, { location: `${metadata.url.replace('//', '//user:pw@')}/latest/meta-data/` }).end() });
    const delivery = await postWebhook(`${redirector.url}/hook`, '{"passed":false}', { retries: 2 });
    expect(delivery.delivered).toBe(false);
    expect(delivery.attempts).toBe(1);
    expect(delivery.error).toBe(`HTTP ${status} redirect to ${metadata.url.replace('//', '//[redacted]@')}/latest/meta-data/; redirects are not followed`);
    expect(metadata.requests).toEqual([]);
    expect(redirector.requests).toEqual(['/hook']);
  });

  it('refuses schemes other than http and https before anything is sent', () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.com/x', 'gopher://127.0.0.1:70/', 'data:,x', 'javascript:alert(1)']) {
      expect(() => checkWebhookUrl(url)).toThrow(/only http and https URLs are accepted/);
    }
    expect(() => checkWebhookUrl('not a url')).toThrow(/not a URL/);
  });

  it('refuses link-local and cloud-metadata destinations unless allowed', () => {
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/', 'http://[fe80::1]/', 'http://metadata.google.internal/computeMetadata/v1/', 'http://METADATA.google.internal./', 'http://[::ffff:169.254.169.254]/', 'http://100.100.100.200/']) {
      expect(() => checkWebhookUrl(url), url).toThrow(/link-local or cloud-metadata address/);
      expect(checkWebhookUrl(url, { allowLinkLocal: true }).href).toBeTruthy();
    }
    expect(checkWebhookUrl('http://127.0.0.1:9/').hostname).toBe('127.0.0.1');
  });

  it('checks the address each connection resolves to, so a name cannot lead there either', async () => {
    const resolve = (host: string, all: boolean) => new Promise<unknown>((done) => guardedLookup(host, { all }, (error, address) => done(error ? error.message : address)));
    expect(await resolve('169.254.169.254', false)).toMatch(/resolves to 169\.254\.169\.254, a link-local or cloud-metadata address/);
    expect(await resolve('127.0.0.1', false)).toBe('127.0.0.1');
    expect(await resolve('127.0.0.1', true)).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });

  it('tells link-local and metadata addresses from others', () => {
    expect(['169.254.0.1', '169.254.169.254', 'fe80::abcd', 'fd00:ec2::254', '::ffff:169.254.1.1'].every(isLinkLocalAddress)).toBe(true);
    expect(['127.0.0.1', '10.0.0.1', '::1', 'fd00:ec2::253', '169.255.0.1', 'example.com'].some(isLinkLocalAddress)).toBe(false);
  });

  it('never puts the credentials of the URL in its error', async () => {
    const receiver = await server({});
    await receiver.close();
    servers.pop();
    const delivery = await postWebhook(receiver.url.replace('//', '//u:s3cr3t-pw@') + '/hook?token=t0k3n', '{}', { retries: 0, timeoutMs: 2_000 });
    expect(delivery.delivered).toBe(false);
    expect(delivery.error).not.toMatch(/s3cr3t-pw|t0k3n/);
  });
});
