import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScanRequest, ScanRequestError } from './scan-request.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const valid = (overrides: { registry?: object; artifact?: object } = {}) => ({
  registry: { url: 'http://127.0.0.1:5000', authorization: basic('robot$scanner', 'p4ss:word'), ...overrides.registry },
  artifact: { repository: 'library/mongo', digest: DIGEST, tag: '3.14-xenial', mime_type: 'application/vnd.docker.distribution.manifest.v2+json', ...overrides.artifact },
});

function statusOf(body: unknown): number | 'ok' {
  try {
    parseScanRequest(body);
    return 'ok';
  } catch (error) {
    if (error instanceof ScanRequestError) return error.statusCode;
    throw error;
  }
}

describe('a Harbor scan request', () => {
  it('becomes a registry reference by digest, with the robot credentials decoded', () => {
    const request = parseScanRequest(valid());
    expect(request.reference).toBe(`registry:127.0.0.1:5000/library/mongo@${DIGEST}`);
    expect(request.insecure).toBe(true);
    expect(request.credentials).toEqual({ username: 'robot$scanner', password: 'p4ss:word' });
    expect(request.artifact).toEqual(valid().artifact);
    expect(parseScanRequest(valid({ registry: { url: 'https://core.harbor.domain' } })).insecure).toBe(false);
  });

  it('never shows the credentials when logged or serialised', () => {
    const request = parseScanRequest(valid());
    expect(JSON.stringify(request)).not.toContain('p4ss');
    expect(inspect(request, { depth: 5 })).not.toContain('p4ss');
  });

  it('is anonymous without an authorization', () => {
    expect(parseScanRequest(valid({ registry: { authorization: '' } })).credentials).toBeUndefined();
    expect(parseScanRequest({ registry: { url: 'http://r:1' }, artifact: { repository: 'a/b', digest: DIGEST } }).credentials).toBeUndefined();
  });

  it.each([
    ['not an object', [], 400],
    ['a registry that is a string', { registry: 'x', artifact: {} }, 400],
    ['a digest that is a number', valid({ artifact: { digest: 5 } }), 400],
    ['a missing digest', valid({ artifact: { digest: undefined } }), 422],
    ['a tag digest', valid({ artifact: { digest: 'latest' } }), 422],
    ['a repository with ..', valid({ artifact: { repository: '../etc' } }), 422],
    ['an upper-case repository', valid({ artifact: { repository: 'Library/Mongo' } }), 422],
    ['a URL with credentials', valid({ registry: { url: 'http://u:p@r:5000' } }), 422],
    ['a URL with a path', valid({ registry: { url: 'http://r:5000/v2/' } }), 422],
    ['a file URL', valid({ registry: { url: 'file:///etc/passwd' } }), 422],
    ['a bearer authorization', valid({ registry: { authorization: 'Bearer abc' } }), 422],
    ['an authorization without a colon', valid({ registry: { authorization: `Basic ${Buffer.from('nocolon').toString('base64')}` } }), 422],
    ['an image index', valid({ artifact: { mime_type: 'application/vnd.oci.image.index.v1+json' } }), 501],
    ['only the sbom capability', { ...valid(), enabled_capabilities: [{ type: 'sbom' }] }, 501],
  ])('refuses %s with %i', (_name, body, status) => {
    expect(statusOf(body)).toBe(status);
  });

  it('never echoes a rejected authorization in its message', () => {
    for (const authorization of ['Bearer s3cr3t-token', 'Token s3cr3t-token', `Basic ${Buffer.from('s3cr3t-token').toString('base64')}`]) {
      try {
        parseScanRequest(valid({ registry: { authorization } }));
        expect.unreachable();
      } catch (error) {
        expect((error as Error).message).not.toMatch(/s3cr3t|czNjcjN0/);
      }
    }
  });

  it('answers any JSON value with a request or a 4xx/501 error, never anything else', () => {
    const field = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant(DIGEST), fc.constant('library/mongo'), fc.constant('http://127.0.0.1:5000'), fc.constant(basic('a', 'b')), fc.jsonValue());
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record({ registry: fc.record({ url: field, authorization: field }, { requiredKeys: [] }), artifact: fc.record({ repository: field, digest: field, tag: field, mime_type: field }, { requiredKeys: [] }), enabled_capabilities: fc.jsonValue() }, { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(body, (value) => {
        const status = statusOf(value);
        expect([400, 422, 501, 'ok']).toContain(status);
      }),
      { numRuns: 2000 },
    );
  });
});
