import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactUrl, redactUrlsIn } from './redact-url.js';

describe('URLs as they may be shown', () => {
  it('drops the user information of a URL', () => {
    expect(redactUrl('http://u:secret@127.0.0.1:8080/hook')).toBe('http://[redacted]@127.0.0.1:8080/hook');
    expect(redactUrl('https://ghp_token123@github.com/x')).toBe('https://[redacted]@github.com/x');
  });

  it('redacts the values of credential-like query parameters and keeps the rest', () => {
    const shown = redactUrl('https://db.example/vuln.db?access_token=abc123&X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA1&version=2');
    expect(shown).not.toMatch(/abc123|deadbeef|AKIA1/);
    expect(shown).toContain('version=2');
    expect(shown).toContain('access_token=[redacted]');
  });

  it('leaves a URL without secrets as it was', () => {
    expect(redactUrl('https://registry.example:5000/v2/app/manifests/1.0')).toBe('https://registry.example:5000/v2/app/manifests/1.0');
  });

  it('redacts URLs inside any message, and text that does not parse as a URL', () => {
    expect(redactUrlsIn('request to http://alice:pw@proxy.local:3128/ failed, then https://x.example/?token=t0k failed')).toBe('request to http://[redacted]@proxy.local:3128/ failed, then https://x.example/?token=[redacted] failed');
    expect(redactUrl('not a url://user:pw@x')).toBe('not a url://[redacted]@x');
  });

  it('never shows the password or a token of any URL (property)', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{8,20}$/).map((text) => `Z9${text}`);
    fc.assert(
      fc.property(secret, secret, fc.constantFrom('http', 'https'), fc.constantFrom('token', 'api_key', 'sig', 'password', 'Signature'), (user, password, scheme, parameter) => {
        const url = `${scheme}://${user}:${password}@host.example/p?${parameter}=${password}&page=1`;
        for (const shown of [redactUrl(url), redactUrlsIn(`failed: ${url} (retrying)`)]) {
          expect(shown).not.toContain(password);
          expect(shown).not.toContain(user);
          expect(shown).toContain('host.example/p');
        }
      }),
      { numRuns: 200 },
    );
  });
});
