import { describe, expect, it } from 'vitest';
import { sampleScan } from '../../test/support/scan-fixtures.js';
import { harborReport } from './harbor-report.js';

const ARTIFACT = { repository: 'library/app', digest: `sha256:${'ef'.repeat(32)}`, tag: '1' };

describe("a scan as Harbor's vulnerability report", () => {
  it('has one item per finding, worst first, on Harbor’s severity scale, with the worst as the report’s severity', () => {
    const scan = sampleScan();
    const report = harborReport(scan, ARTIFACT);
    expect(report.vulnerabilities).toHaveLength(scan.findings.length);
    expect(report.artifact).toEqual(ARTIFACT);
    const scale = ['Unknown', 'Negligible', 'Low', 'Medium', 'High', 'Critical'];
    const ranks = report.vulnerabilities.map((v) => scale.indexOf(v.severity));
    expect(ranks.every((rank) => rank >= 0)).toBe(true);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(report.severity).toBe(report.vulnerabilities[0]?.severity);
  });

  it('carries fix versions only for fixed findings, CVSS v3 scores and vectors, and http links only', () => {
    const scan = sampleScan();
    const report = harborReport(scan, ARTIFACT);
    for (const [index, item] of report.vulnerabilities.entries()) {
      const finding = scan.findings.find((f) => f.id === item.id && f.package.name === item.package && f.package.version === item.version);
      expect(finding, `item ${index}`).toBeDefined();
      if (!finding) continue;
      expect(item.fix_version !== undefined).toBe(finding.fixState === 'fixed' && finding.fixedVersions.length > 0);
      const v3 = finding.cvssScores.find((s) => s.version.startsWith('3'));
      if (v3) expect(item.preferred_cvss).toMatchObject({ score_v3: v3.baseScore, vector_v3: v3.vector });
      for (const link of item.links) expect(link).toMatch(/^https?:\/\//);
    }
  });

  it('reports a clean image with no items and the spec’s Unknown severity', () => {
    const report = harborReport({ ...sampleScan(), findings: [] }, ARTIFACT);
    expect(report.vulnerabilities).toEqual([]);
    expect(report.severity).toBe('Unknown');
  });
});
