/**
 * `--format json`: the full scan result exactly as the engine produced it (schema:
 * docs/schema/scan-result.schema.json) with the gate's verdict beside it (schema:
 * docs/schema/verdict.schema.json). One image renders as its result object with a `verdict`
 * field; several render as `{ "schemaVersion", "verdict", "results": [...] }` with the aggregate.
 */
import { SCAN_RESULT_SCHEMA_VERSION } from '../../model/image-scan.js';
import { verdictOf, type Renderer } from '../renderer.js';
import { renderComplianceJson } from './compliance.js';

export const jsonRenderer: Renderer = {
  id: 'json',
  description: 'the full scan result and verdict as versioned JSON',
  extension: 'json',
  renderImage(report) {
    if (report.scans.length === 1) {
      const verdict = verdictOf(report, 0);
      return `${JSON.stringify({ ...report.scans[0], ...(verdict ? { verdict } : {}) }, null, 2)}\n`;
    }
    return `${JSON.stringify({ schemaVersion: SCAN_RESULT_SCHEMA_VERSION, ...(report.verdict ? { verdict: report.verdict } : {}), results: report.scans }, null, 2)}\n`;
  },
  renderCompliance: (report) => renderComplianceJson(report),
};
