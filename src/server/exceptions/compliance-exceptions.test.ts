import { describe, expect, it } from 'vitest';
import type { ComplianceResult, ControlResult } from '../../model/compliance-result.js';
import type { ControlState } from '../../model/control.js';
import { applyComplianceExceptions } from './compliance-exceptions.js';
import type { ExceptionRecord } from './exception-record.js';

const NOW = '2026-06-01T12:00:00.000Z';

function control(cid: string, state: ControlState): ControlResult {
  return { cid, title: cid, policy: 'ssh', criticality: 'SERIOUS', statement: '', state, message: '', unexpected: [{ value: 'yes' }], missing: [], observed: [] };
}

function result(controls: ControlResult[]): ComplianceResult {
  const count = (state: ControlState): number => controls.filter((c) => c.state === state).length;
  return {
    schemaVersion: 1,
    kind: 'compliance',
    scan: { id: 's', name: 'n', startedAt: NOW, durationMs: 1, tool: { name: 'tollgate', version: '0' } },
    target: { name: 'web-1', kind: 'ssh' },
    authentication: { status: 'succeeded' },
    policies: [{ id: 'ssh', title: 'SSH', version: '1', origin: 'builtin', applicable: true, totals: { passed: count('PASS'), failed: count('FAIL'), error: count('ERROR'), exception: count('EXCEPTION'), notApplicable: count('NOT_APPLICABLE') }, controls }],
    expiredExceptions: [],
    warnings: [],
  };
}

function exception(id: string, cid: string, scope: ExceptionRecord['scope'], expiresAt: string, state: ExceptionRecord['state'] = 'approved'): ExceptionRecord {
  return { id, kind: 'control', cid, scope, reason: `reason ${id}`, requester: 'ci-1', requestedAt: NOW, state, approver: 'security', decidedBy: 'security', expiresAt };
}

const LATER = '2026-07-01T00:00:00.000Z';
const EARLIER = '2026-05-01T00:00:00.000Z';

describe('compliance exceptions', () => {
  it('turns a failed control covered by an exception in force for its host into EXCEPTION with the reference, and recounts', () => {
    const scanned = result([control('TG-1', 'FAIL'), control('TG-2', 'FAIL'), control('TG-3', 'PASS')]);
    const applied = applyComplianceExceptions(scanned, { host: 'WEB-1', assetGroups: ['dmz'] }, [exception('a', 'TG-1', { host: 'web-1' }, LATER)], NOW);
    const [first, second] = applied.policies[0]?.controls ?? [];
    expect(first?.state).toBe('EXCEPTION');
    expect(first?.exception).toEqual({ reason: 'reason a', approver: 'security', origin: 'exception:a', expires: LATER });
    expect(second?.state).toBe('FAIL');
    expect(applied.policies[0]?.totals).toMatchObject({ passed: 1, failed: 1, exception: 1 });
    // Pure: the input is unchanged.
    expect(scanned.policies[0]?.controls[0]?.state).toBe('FAIL');
  });

  it('matches by asset group, requires every scope field given to match, and ignores other hosts, CIDs and states', () => {
    const scanned = result([control('TG-1', 'FAIL'), control('TG-2', 'FAIL'), control('TG-3', 'ERROR'), control('TG-4', 'FAIL'), control('TG-5', 'FAIL')]);
    const applied = applyComplianceExceptions(
      scanned,
      { host: 'web-1', assetGroups: ['dmz', 'linux'] },
      [
        exception('group', 'TG-1', { assetGroup: 'linux' }, LATER),
        exception('both-wrong-group', 'TG-2', { host: 'web-1', assetGroup: 'windows' }, LATER),
        exception('error-control', 'TG-3', { host: 'web-1' }, LATER),
        exception('other-host', 'TG-4', { host: 'web-2' }, LATER),
        exception('not-decided', 'TG-5', { host: 'web-1' }, LATER, 'requested'),
        exception('rejected', 'TG-5', { host: 'web-1' }, LATER, 'rejected'),
        { ...exception('advisory', 'TG-5', { host: 'web-1' }, LATER), kind: 'advisory' },
      ],
      NOW,
    );
    expect(applied.policies[0]?.controls.map((c) => c.state)).toEqual(['EXCEPTION', 'FAIL', 'ERROR', 'FAIL', 'FAIL']);
  });

  it('leaves a control FAIL once its exception has expired, with the expired reference listed; one in force wins', () => {
    const scanned = result([control('TG-1', 'FAIL'), control('TG-2', 'FAIL')]);
    const applied = applyComplianceExceptions(
      scanned,
      { host: 'web-1' },
      [exception('old', 'TG-1', { host: 'web-1' }, EARLIER, 'expired'), exception('old-2', 'TG-2', { host: 'web-1' }, EARLIER), exception('new-2', 'TG-2', { host: 'web-1' }, LATER)],
      NOW,
    );
    const [first, second] = applied.policies[0]?.controls ?? [];
    expect(first?.state).toBe('FAIL');
    expect(first?.expiredException).toMatchObject({ origin: 'exception:old', expires: EARLIER });
    expect(second?.state).toBe('EXCEPTION');
    expect(second?.exception?.origin).toBe('exception:new-2');
    expect(applied.expiredExceptions).toEqual([{ cid: 'TG-1', reason: 'reason old', approver: 'security', origin: 'exception:old', expires: EARLIER }]);
    // At a time before the expiry the same exception is in force.
    expect(applyComplianceExceptions(scanned, { host: 'web-1' }, [exception('old', 'TG-1', { host: 'web-1' }, EARLIER)], '2026-04-01T00:00:00.000Z').policies[0]?.controls[0]?.state).toBe('EXCEPTION');
  });
});
