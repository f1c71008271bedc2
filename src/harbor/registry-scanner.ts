/**
 * How the adapter scans what Harbor asks for: the image at `registry:<host>/<repository>@<digest>`,
 * pulled with the robot credentials of the request only — never the adapter host's Docker config,
 * which must not be offered to a registry a request names — through the same image job code every
 * front door uses (`scanImage`), then turned into Harbor's report.
 */
import type { LayerAnalysisCache } from '../engine/inventory-image.js';
import type { ImageMetadataStore } from '../image/source.js';
import { scanImage } from '../jobs/scan-image.js';
import type { VulnDatabase } from '../vulndb/database.js';
import { harborReport } from './harbor-report.js';
import type { ScanRequest } from './scan-request.js';
import type { HarborVulnerabilityReport } from './spec.js';

/** A Docker config location that cannot exist: the registry client then has no stored credentials to offer. */
const NO_DOCKER_CONFIG = '/nonexistent/tollgate-harbor-adapter-uses-request-credentials-only';

export interface RegistryScannerOptions {
  database: VulnDatabase;
  layerCache?: LayerAnalysisCache & ImageMetadataStore;
  /** Per-request registry timeout, milliseconds. */
  timeoutMs?: number;
}

export function registryScanner(options: RegistryScannerOptions): (request: ScanRequest) => Promise<HarborVulnerabilityReport> {
  return async (request) => {
    const scan = await scanImage(request.reference, {
      database: options.database,
      ...(options.layerCache ? { layerCache: options.layerCache, metadata: options.layerCache } : {}),
      registry: {
        insecure: request.insecure,
        env: { ...process.env, DOCKER_CONFIG: NO_DOCKER_CONFIG },
        ...(request.credentials ? { credentials: request.credentials } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      },
    });
    return harborReport(scan, request.artifact);
  };
}
