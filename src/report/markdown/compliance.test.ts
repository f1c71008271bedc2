import { describe, expect, it } from 'vitest';
import { evaluateComplianceGate } from '../../gate/compliance-gate.js';
import type { ComplianceResult, ControlResult } from '../../model/compliance-result.js';
import { renderComplianceMarkdown } from './compliance.js';

function reportOf(controls: ControlResult[]): Parameters<typeof renderComplianceMarkdown>[0] {
  const result: ComplianceResult = {
    schemaVersion: 1,
    kind: 'compliance',
    scan: { id: 'scan-1', name: 'nightly', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 10, tool: { name: 'tollgate', version: '0.0.0-test' } },
    target: { name: 'local', kind: 'local' },
    authentication: { status: 'not-required' },
    policies: [{ id: 'scap-debian12', title: 'Debian 12', version: '1', origin: 'test', applicable: true, totals: { passed: 0, failed: controls.length, error: 0, exception: 0, notApplicable: 0 }, controls }],
    expiredExceptions: [],
    warnings: [],
  };
  return { result, verdict: evaluateComplianceGate(result) };
}

function failing(cid: string, extra: Partial<ControlResult>): ControlResult {
  return { cid, title: cid, policy: 'scap-debian12', criticality: 'CRITICAL', statement: '', state: 'FAIL', message: 'no', unexpected: [], missing: [], observed: [], ...extra };
}

describe('the compliance Markdown report', () => {
  it('shows each failing control\'s first references, linked to their http(s) address, the rest counted', () => {
    const nist = ['AC-6(1)', 'CM-6(a)', 'AU-2', 'AU-3', 'AU-12', 'SI-4'];
    const markdown = renderComplianceMarkdown(
      reportOf([
        failing('sshd_disable_root_login', {
          references: ['CCE-80000-1', ...nist, '5.2.7', 'javascript:alert(1)', 'extra-1', 'extra-2'],
          referenceLinks: [
            { url: 'https://nvd.nist.gov/800-53', labels: nist },
            { url: 'https://www.cisecurity.org/benchmark', labels: ['5.2.7'] },
          ],
        }),
        failing('no_references', {}),
      ]),
    );
    const row = (cid: string): string => markdown.split('\n').find((line) => line.startsWith(`| \`${cid}\``)) ?? '';
    expect(markdown).toContain('| CID | Title | Criticality | State | References |');
    expect(row('sshd_disable_root_login')).toContain('| CCE-80000-1; [AC-6\\(1\\), CM-6\\(a\\), AU-2, AU-3 +2](<https://nvd.nist.gov/800-53>); [5.2.7](<https://www.cisecurity.org/benchmark>); +3 more |');
    expect(row('no_references')).toMatch(/\| FAIL \| {2}\|$/);
    expect(markdown).not.toContain('](javascript');
  });
});
