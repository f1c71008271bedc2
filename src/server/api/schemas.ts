/**
 * The model's published JSON schemas (docs/schema/) as the API uses them: the request validator
 * and the OpenAPI document both read them from here.
 */
import { readFileSync } from 'node:fs';
import { packagePath } from '../../package-root.js';

export const SCAN_RESULT_ID = 'https://tollgate.dev/schema/scan-result.v1.json';
export const SCAN_RESULT_REF = SCAN_RESULT_ID;

let scanResult: Record<string, unknown> | undefined;

/** docs/schema/scan-result.schema.json, read once (shipped with the package, not user input). */
export function scanResultSchema(): Record<string, unknown> {
  scanResult ??= JSON.parse(readFileSync(packagePath('docs', 'schema', 'scan-result.schema.json'), 'utf8')) as Record<string, unknown>;
  return scanResult;
}
