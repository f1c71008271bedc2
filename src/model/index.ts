/**
 * The result model: every document Tollgate produces (image scan, image verdict, compliance result,
 * compliance verdict) and the vocabulary they share (packages, findings, severities, criticalities,
 * control states). Plain data with a `schemaVersion` each; the JSON schemas under docs/schema/
 * describe the same shapes and a test keeps the two in step.
 *
 * The bottom of the import graph: nothing here imports any other folder of src/.
 */
export * from './package.js';
export * from './severity.js';
export * from './finding.js';
export * from './image-scan.js';
export * from './image-verdict.js';
export * from './control.js';
export * from './compliance-result.js';
export * from './compliance-verdict.js';
