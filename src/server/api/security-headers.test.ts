/**
 * Every API answer carries helmet's security headers (built once for the process, not per
 * request): a Content-Security-Policy that allows nothing and no framing, no sniffing, no
 * referrer, HSTS, and no X-Powered-By — on a success, an error and an unknown route alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, startTestServer, type TestServer, type TestStore } from '../test-support/harness.js';

const EXPECTED: Record<string, string> = {
  'content-security-policy': "default-src 'none';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'none';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

describe('security headers', () => {
  let store: TestStore;
  let server: TestServer;

  beforeAll(async () => {
    store = await createTestStore('sqlite');
    server = await startTestServer(store);
  });

  afterAll(async () => {
    await server?.close();
    await store?.dispose();
  });

  it.each([
    ['a success', '/api/v1/health', 200],
    ['an authentication error', '/api/v1/images', 401],
    ['an unknown route', '/api/v1/nothing-here', 404],
  ])('are on %s', async (_what, url, status) => {
    const response = await fetch(`${server.url}${url}`);
    await response.arrayBuffer();
    expect(response.status).toBe(status);
    const headers = Object.fromEntries(Object.keys(EXPECTED).map((name) => [name, response.headers.get(name)]));
    expect(headers).toEqual(EXPECTED);
    expect(response.headers.get('x-powered-by')).toBeNull();
  });
});
