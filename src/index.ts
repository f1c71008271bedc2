/**
 * Tollgate as a library: the typed entry points that the CLI, the server, the sensor and the CI
 * tasks all call, and the result model they return.
 *
 * Images: `runImageJob` (references -> scans, gate, aggregate verdict) or `scanImage` (one image ->
 * its ScanResult), then `evaluateImageGate` / `aggregateVerdicts` on results of one's own.
 * Compliance: `runComplianceJob` (target spec + policies -> result and verdict) or `openTarget` +
 * `scanCompliance` + `evaluateComplianceGate`. Reports: `getRenderer(id, kind)` from `RENDERERS`.
 *
 * Everything here returns data: nothing writes to stdout or stderr, sets an exit code or decides
 * how a result is shown. Heavy pieces (image sources, SSH, report formats) are loaded when first
 * used, not when the package is imported; the CLI is bundled from src/cli/main.ts, not from here.
 */
export * from './errors.js';
export * from './model/index.js';

// Jobs: what every front door calls.
export { scanImage, scanSource, type ScanImageOptions } from './jobs/scan-image.js';
export { runImageJob, type ImageJobOptions, type ImageJobResult } from './jobs/image-job.js';
export { runComplianceJob, ComplianceTimeoutError, ComplianceCancelledError, type ComplianceJobOptions, type ComplianceJobProgress, type ComplianceJobResult } from './jobs/compliance-job.js';

// Images and their inventory.
export { openImage, type OpenImageOptions } from './image/sources.js';
export type { ImageSource, ImageMetadataStore } from './image/source.js';
export { parsePlatform } from './image/platform.js';
export type { Platform } from './image/oci-types.js';
export type { ScanLimits } from './image/limits.js';
export type { InventoryProgress } from './engine/inventory-image.js';
export { applyResultFilters, type ResultFilters } from './engine/summary.js';
export { LayerCache, defaultCacheDir } from './engine/layer-cache.js';

// The vulnerability database.
export { VulnDatabase, openVulnDatabase, defaultDatabasePath } from './vulndb/database.js';

// The image gate.
export { evaluateImageGate, aggregateVerdicts } from './gate/evaluate.js';
export { buildGateConfig, type GateFlags } from './config/gate-file.js';
export { ConfigError } from './config/config-error.js';
export type { GateConfig } from './gate/gate-config.js';

// Compliance: targets, policies, exceptions, credentials, the compliance gate.
export { scanCompliance, type ComplianceScanOptions } from './compliance/scan-compliance.js';
export { openTarget, type OpenTargetOptions } from './compliance/targets/open-target.js';
export { AuthenticationError, TargetUnavailableError, TargetReadError, CommandTimeoutError, type Target, type TargetKind } from './compliance/targets/target.js';
export { builtinPolicies, resolvePolicies, loadPolicyFile, parsePolicy } from './compliance/policy/load-policy.js';
export type { Policy } from './compliance/policy/policy-types.js';
export { loadExceptions, parseExceptions, type ExceptionEntry } from './config/exceptions.js';
export { loadAuthenticationRecord, type AuthenticationRecord } from './config/credentials.js';
export { DEFAULT_SCAN_NAME, expandScanName } from './compliance/scan-name.js';
export { evaluateComplianceGate, DEFAULT_COMPLIANCE_GATE } from './gate/compliance-gate.js';

// Reports.
export { RENDERERS, getRenderer, type RendererEntry } from './report/list.js';
export type { Renderer, RenderOptions, ReportKind, ImageReport, ComplianceReport } from './report/renderer.js';
