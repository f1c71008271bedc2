/**
 * Tollgate as a library: the typed entry points that the CLI, the server, the sensor and the CI
 * tasks all call.
 */
export * from './errors.js';
export * from './model/index.js';
export { scanCompliance } from './compliance/scan-compliance.js';
export { evaluateComplianceGate, DEFAULT_COMPLIANCE_GATE } from './gate/compliance-gate.js';
