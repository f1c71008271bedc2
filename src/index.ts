/**
 * Tollgate as a library: the typed entry points that the CLI, the server, the sensor and the CI
 * tasks all call.
 */
export * from './errors.js';
export type * from './inventory/types.js';
export type * from './match/finding.js';
export * from './match/severity.js';
export type * from './engine/scan-result.js';
