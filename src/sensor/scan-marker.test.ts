import { describe, expect, it } from 'vitest';
import { isMarker, markedSha } from './scan-marker.js';

const SHA = 'a'.repeat(64);

describe('the scan marker tag', () => {
  it("is the same mark under Docker's and Podman's names", () => {
    expect(markedSha(`tollgate_scan_target:${SHA}`)).toBe(SHA);
    expect(markedSha(`docker.io/library/tollgate_scan_target:${SHA}`)).toBe(SHA);
    expect(markedSha(`localhost/tollgate_scan_target:${SHA}`)).toBe(SHA);
  });

  it('is not a tag under another registry or repository, nor one without a full sha', () => {
    expect(isMarker(`evil.example/tollgate_scan_target:${SHA}`)).toBe(false);
    expect(isMarker(`docker.io/team/tollgate_scan_target:${SHA}`)).toBe(false);
    expect(isMarker('tollgate_scan_target:latest')).toBe(false);
    expect(isMarker(`tollgate_scan_target:${SHA.slice(1)}`)).toBe(false);
    expect(isMarker(`tollgate_scan_target:${SHA.toUpperCase()}`)).toBe(false);
  });
});
