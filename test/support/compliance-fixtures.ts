/**
 * Compliance results for renderer tests: one policy (`p`, "Baseline") on the dir target `web-01`
 * holding the given controls, its totals counted from their states, judged by the default gate.
 */
import { evaluateComplianceGate } from '../../src/gate/compliance-gate.js';
import type { ComplianceResult, ControlResult } from '../../src/model/compliance-result.js';
import type { ComplianceReport } from '../../src/report/renderer.js';

/** A FAIL control of policy `p` titled after its CID, with `fields` on top. */
export function controlResult(cid: string, fields: Partial<ControlResult> = {}): ControlResult {
  return { cid, title: `Title ${cid}`, policy: 'p', criticality: 'SERIOUS', statement: '', state: 'FAIL', message: 'failed', unexpected: [], missing: [], observed: [], ...fields };
}

export function complianceReportOf(controls: ControlResult[]): ComplianceReport {
  const count = (state: ControlResult['state']): number => controls.filter((control) => control.state === state).length;
  const result: ComplianceResult = {
    schemaVersion: 1,
    kind: 'compliance',
    scan: { id: 's', name: 'n', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1, tool: { name: 'tollgate', version: 't' } },
    target: { name: 'web-01', kind: 'dir' },
    authentication: { status: 'not-required' },
    policies: [{ id: 'p', title: 'Baseline', version: '1', origin: 'test', applicable: true, totals: { passed: count('PASS'), failed: count('FAIL'), error: count('ERROR'), exception: count('EXCEPTION'), notApplicable: count('NOT_APPLICABLE') }, controls }],
    expiredExceptions: [],
    warnings: [],
  };
  return { result, verdict: evaluateComplianceGate(result) };
}
