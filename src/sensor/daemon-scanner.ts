/**
 * How a sensor scans an image in its daemon: the engine's `docker:` source and `scanSource`, with
 * the sensor's own layer cache, and no vulnerability database: the result is the inventory (package
 * facts per layer) that the server matches. Marker tags (and Podman's repo digests under the
 * marker's name) are left out of the result.
 */
import type { LayerCache } from '../engine/layer-cache.js';
import type { DockerConnectionOptions } from '../image/docker/connection.js';
import type { ScanLimits } from '../image/limits.js';
import { openImage } from '../image/sources.js';
import type { ScanResult } from '../model/image-scan.js';
import { scanSource } from '../jobs/scan-image.js';
import { isMarker, isMarkerDigest } from './scan-marker.js';

export interface ImageScannerOptions {
  docker: DockerConnectionOptions;
  layerCache?: LayerCache;
  limits?: Partial<ScanLimits>;
}

export type ImageScanner = (reference: string) => Promise<ScanResult>;

/** A scanner of `docker:` (or `registry:`) references with the sensor's cache and limits. */
export function imageScanner(options: ImageScannerOptions & { registry?: { insecure?: boolean } }): ImageScanner {
  return async (reference) => {
    const source = await openImage(reference, {
      docker: options.docker,
      ...(options.registry ? { registry: options.registry } : {}),
      ...(options.layerCache ? { metadata: options.layerCache } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
    });
    try {
      const result = await scanSource(source, { ...(options.layerCache ? { layerCache: options.layerCache } : {}), ...(options.limits ? { limits: options.limits } : {}) });
      return { ...result, image: { ...result.image, repoTags: result.image.repoTags.filter((tag) => !isMarker(tag)), repoDigests: result.image.repoDigests.filter((digest) => !isMarkerDigest(digest)) } };
    } finally {
      await source.close();
    }
  };
}
