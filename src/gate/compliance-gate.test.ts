import { describe, expect, it } from 'vitest';
import type { ControlState, Criticality } from '../model/control.js';
import type { ComplianceResult, ControlResult } from '../model/compliance-result.js';
import type { ComplianceGateConfig } from '../model/compliance-verdict.js';
import { DEFAULT_COMPLIANCE_GATE, evaluateComplianceGate } from './compliance-gate.js';

function control(cid: string, state: ControlState, criticality: Criticality): ControlResult {
  return { cid, title: cid, policy: 'p', criticality, statement: '', state, message: '', unexpected: [], missing: [], observed: [] };
}

function result(controls: ControlResult[], overrides: Partial<ComplianceResult> = {}): ComplianceResult {
  return {
    schemaVersion: 1,
    kind: 'compliance',
    scan: { id: 'x', name: 'n', startedAt: '2026-01-01T00:00:00Z', durationMs: 1, tool: { name: 'tollgate', version: '0' } },
    target: { name: 'dir:/x', kind: 'dir' },
    authentication: { status: 'not-required' },
    policies: [{ id: 'p', title: 'P', version: '1', origin: 'test', applicable: true, totals: { passed: 0, failed: 0, error: 0, exception: 0, notApplicable: 0 }, controls }],
    expiredExceptions: [],
    warnings: [],
    ...overrides,
  };
}

const CONTROLS = [control('C-1', 'FAIL', 'MINIMAL'), control('C-2', 'ERROR', 'URGENT'), control('C-3', 'EXCEPTION', 'CRITICAL'), control('C-4', 'PASS', 'URGENT'), control('C-5', 'NOT_APPLICABLE', 'URGENT'), control('C-6', 'FAIL', 'SERIOUS')];

describe('the compliance gate', () => {
  it.each<[string, Partial<ComplianceGateConfig>, boolean, string[]]>([
    ['fails on FAIL at any criticality by default', {}, false, ['C-1', 'C-6']],
    ['fails by state AND criticality', { failOnCriticalities: ['SERIOUS', 'CRITICAL', 'URGENT'] }, false, ['C-6']],
    ['passes when no failing state meets a failing criticality', { failOnCriticalities: ['URGENT'] }, true, []],
    ['counts ERROR when asked', { failOnStates: ['ERROR'], failOnCriticalities: ['URGENT'] }, false, ['C-2']],
    ['counts EXCEPTION when asked', { failOnStates: ['EXCEPTION'] }, false, ['C-3']],
    ['excludes control ids first, by exact match', { excludeCids: ['C-1', 'C-6 ', 'c-6'] }, false, ['C-6']],
    ['passes when every failing control is excluded', { excludeCids: ['C-1', 'C-6'] }, true, []],
  ])('%s', (_name, config, passed, failing) => {
    const verdict = evaluateComplianceGate(result(CONTROLS), { ...DEFAULT_COMPLIANCE_GATE, ...config });
    expect(verdict.passed).toBe(passed);
    expect(verdict.controlsCausingFailure.map((entry) => entry.cid)).toEqual(failing);
  });

  it('fills the FAIL / ERROR / EXCEPTION matrix by criticality, leaving out excluded, passing and not applicable controls', () => {
    const verdict = evaluateComplianceGate(result(CONTROLS), { ...DEFAULT_COMPLIANCE_GATE, excludeCids: ['C-6'] });
    expect(verdict.matrix.FAIL).toEqual({ MINIMAL: 1, MEDIUM: 0, SERIOUS: 0, CRITICAL: 0, URGENT: 0 });
    expect(verdict.matrix.ERROR.URGENT).toBe(1);
    expect(verdict.matrix.EXCEPTION.CRITICAL).toBe(1);
    expect(verdict.controlsEvaluated).toBe(4);
    expect(verdict.excludedCids).toEqual(['C-6']);
  });

  it('passes an authentication failure with a warning unless --fail-on-auth-failure', () => {
    const failed = result([], { authentication: { status: 'failed', message: 'refused' }, policies: [] });
    const lenient = evaluateComplianceGate(failed);
    expect(lenient).toMatchObject({ passed: true, authentication: 'failed' });
    expect(lenient.warnings[0]).toMatch(/authentication to dir:\/x failed: refused; the build passes/);
    const strict = evaluateComplianceGate(failed, { ...DEFAULT_COMPLIANCE_GATE, failOnAuthFailure: true });
    expect(strict).toMatchObject({ passed: false, reasons: ['authentication to dir:/x failed: refused'] });
  });

  it('fails on a policy without data only with --fail-on-no-data', () => {
    const noData = result([], { policies: [{ id: 'ssh-server', title: 'SSH', version: '1', origin: 't', applicable: false, notApplicableReason: 'no data for policy ssh-server on dir:/x: OpenSSH server not present', totals: { passed: 0, failed: 0, error: 0, exception: 0, notApplicable: 3 }, controls: [] }] });
    expect(evaluateComplianceGate(noData)).toMatchObject({ passed: true, policiesWithoutData: ['ssh-server'], warnings: ['no data for policy ssh-server on dir:/x: OpenSSH server not present'] });
    expect(evaluateComplianceGate(noData, { ...DEFAULT_COMPLIANCE_GATE, failOnNoData: true })).toMatchObject({ passed: false, reasons: ['no data for policy ssh-server on dir:/x: OpenSSH server not present'] });
  });
});
