/**
 * Tollgate as a library: the typed entry points that the CLI, the server, the sensor and the CI
 * tasks all call.
 */
export * from './errors.js';
export type * from './inventory/types.js';
export type * from './match/finding.js';
export * from './match/severity.js';
export type * from './engine/scan-result.js';
export { scanCompliance } from './compliance/scan-compliance.js';
export type * from './compliance/result.js';
export { evaluateComplianceGate } from './gate/compliance-gate.js';
export type * from './gate/compliance-gate.js';
