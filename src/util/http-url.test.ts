import { describe, expect, it } from 'vitest';
import { httpUrl } from './http-url.js';

describe('httpUrl', () => {
  it('gives http and https URLs back normalised', () => {
    expect(httpUrl('https://example.org/a b')).toBe('https://example.org/a%20b');
    expect(httpUrl('HTTP://Example.org')).toBe('http://example.org/');
  });

  it('refuses every other scheme and text that is no URL', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'vbscript:x', 'ftp://example.org/', '//example.org/', 'example.org', '']) expect(httpUrl(text), text).toBeUndefined();
  });
});
