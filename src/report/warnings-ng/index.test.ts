import { describe, expect, it } from 'vitest';
import { complianceReportOf, controlResult } from '../../../test/support/compliance-fixtures.js';
import { sampleScan } from '../../../test/support/scan-fixtures.js';
import { warningsNgRenderer } from './index.js';

interface Issue {
  severity: string;
  type: string;
  category: string;
  fingerprint: string;
  description?: string;
  message: string;
}
const parse = (text: string) => JSON.parse(text) as { issues: Issue[]; size: number };

describe('issues for Warnings NG', () => {
  it('keeps four severities apart: CRITICAL as ERROR, HIGH as HIGH, MEDIUM as NORMAL, the rest LOW', () => {
    const scan = sampleScan();
    const { issues, size } = parse(warningsNgRenderer.renderImage?.({ scans: [scan] }, { color: false }) ?? '');
    const findings = issues.filter((issue) => issue.type !== 'scan-warning');
    expect(size).toBe(issues.length);
    expect(findings).toHaveLength(scan.findings.length);
    const expected = { CRITICAL: 'ERROR', HIGH: 'HIGH', MEDIUM: 'NORMAL', LOW: 'LOW', NEGLIGIBLE: 'LOW', UNKNOWN: 'LOW' } as const;
    for (const finding of scan.findings) expect(findings.find((issue) => issue.type === finding.id)?.severity).toBe(expected[finding.severity]);
    expect(new Set(findings.map((issue) => issue.severity)).size).toBeGreaterThanOrEqual(3);
  });

  it('gives each issue a fingerprint that is the same for the same flaw in the same image, build after build', () => {
    const first = parse(warningsNgRenderer.renderImage?.({ scans: [sampleScan()] }, { color: false }) ?? '');
    const second = parse(warningsNgRenderer.renderImage?.({ scans: [{ ...sampleScan(), scannedAt: '2030-01-01T00:00:00.000Z' }] }, { color: false }) ?? '');
    expect(second.issues.map((issue) => issue.fingerprint)).toEqual(first.issues.map((issue) => issue.fingerprint));
    expect(new Set(first.issues.map((issue) => issue.fingerprint)).size).toBe(first.issues.length);
  });

  it('escapes advisory text, which Warnings NG shows as HTML', () => {
    const scan = sampleScan();
    const hostile = { ...scan, findings: scan.findings.map((finding) => ({ ...finding, title: '<img src=x onerror=alert(1)>' })) };
    const { issues } = parse(warningsNgRenderer.renderImage?.({ scans: [hostile] }, { color: false }) ?? '');
    for (const issue of issues.filter((entry) => entry.description)) expect(issue.description).toBe('&#60;img src=x onerror=alert(1)&#62;');
  });

  it('lists failed, error and exception controls by criticality, never passing ones', () => {
    const report = complianceReportOf([
      controlResult('1', { title: 'a', criticality: 'URGENT', message: 'm' }),
      controlResult('2', { title: 'b', criticality: 'MEDIUM', state: 'ERROR', message: 'm' }),
      controlResult('3', { title: 'c', criticality: 'SERIOUS', state: 'PASS', message: '' }),
    ]);
    const { issues } = parse(warningsNgRenderer.renderCompliance?.(report, { color: false }) ?? '');
    expect(issues.map((issue) => [issue.type, issue.severity, issue.category])).toEqual([['1', 'ERROR', 'FAIL'], ['2', 'NORMAL', 'ERROR']]);
  });
});
