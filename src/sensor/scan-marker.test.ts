import { describe, expect, it } from 'vitest';
import { isMarker, isMarkerDigest, markedSha } from './scan-marker.js';

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

  it("has repo digests under its repository (Podman's), which are the marker's too", () => {
    expect(isMarkerDigest(`docker.io/library/tollgate_scan_target@sha256:${SHA}`)).toBe(true);
    expect(isMarkerDigest(`tollgate_scan_target@sha256:${SHA}`)).toBe(true);
    expect(isMarkerDigest(`docker.io/tollgate-test/bookworm@sha256:${SHA}`)).toBe(false);
    expect(isMarkerDigest(`evil.example/tollgate_scan_target@sha256:${SHA}`)).toBe(false);
  });
});
