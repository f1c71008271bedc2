/**
 * The marker a pipeline sets on an image it wants scanned: `tollgate_scan_target:<image sha>`.
 * Podman's Docker-compatible service names the same tag `docker.io/library/tollgate_scan_target:<sha>`
 * (and its own `localhost/...` for images tagged locally); all three are the marker. A tag under any
 * other registry or repository path is not.
 */
export const MARKER_REPOSITORY = 'tollgate_scan_target';

const MARKER = /^(?:docker\.io\/library\/|localhost\/)?tollgate_scan_target:([0-9a-f]{64})$/;

/** The image sha a tag marks, or undefined when the tag is not a marker. */
export function markedSha(tag: string): string | undefined {
  return MARKER.exec(tag)?.[1];
}

export function isMarker(tag: string): boolean {
  return markedSha(tag) !== undefined;
}

const MARKER_DIGEST = /^(?:docker\.io\/library\/|localhost\/)?tollgate_scan_target@sha256:[0-9a-f]{64}$/;

/** A repo digest under the marker's repository (Podman lists one while the mark is set): a protocol artefact. */
export function isMarkerDigest(repoDigest: string): boolean {
  return MARKER_DIGEST.test(repoDigest);
}
