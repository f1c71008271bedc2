import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleScan } from '../../test/support/scan-fixtures.js';
import { baselineOf, newComparedWith } from './baseline.js';
import { evaluateImageGate } from './evaluate.js';
import { emptyGateConfig, type GateConfig } from './gate-config.js';

const TODAY = '2026-06-15';
const failOnAnything: GateConfig = { ...emptyGateConfig(), failOn: 'NEGLIGIBLE' };

describe('the baseline-aware gate', () => {
  it('fails only on findings the baseline does not have', () => {
    const scan = sampleScan();
    expect(evaluateImageGate(scan, failOnAnything, TODAY).passed).toBe(false);
    const older = { ...scan, findings: scan.findings.slice(1) };
    const verdict = evaluateImageGate(scan, { ...failOnAnything, baseline: baselineOf([older], 'previous build') }, TODAY);
    expect(verdict.passed).toBe(false);
    expect(verdict.violatingFindings.map((ref) => ref.id)).toEqual([scan.findings[0]?.id]);
    expect(evaluateImageGate(scan, { ...failOnAnything, baseline: baselineOf([scan], 'same build') }, TODAY).passed).toBe(true);
  });

  it('counts a flaw still present after a package update as known, not new', () => {
    const scan = sampleScan();
    const first = scan.findings[0];
    if (!first) throw new Error('the sample has findings');
    const updated = { ...first, package: { ...first.package, version: `${first.package.version}.1`, matchedVersion: `${first.package.version}.1` } };
    expect(newComparedWith([updated], baselineOf([scan], 'b'))).toEqual([]);
  });

  it('judges exactly the new findings: a baseline of any subset leaves the rest, and an empty baseline changes nothing', () => {
    const scan = sampleScan();
    fc.assert(
      fc.property(fc.subarray(scan.findings), (subset) => {
        const baseline = baselineOf([{ findings: subset }], 'subset');
        const fresh = newComparedWith(scan.findings, baseline);
        for (const finding of fresh) expect(subset.some((known) => known.id === finding.id && known.package.name === finding.package.name && known.package.type === finding.package.type)).toBe(false);
        expect(fresh.length + scan.findings.filter((finding) => !fresh.includes(finding)).length).toBe(scan.findings.length);
        const withEmpty = evaluateImageGate(scan, { ...failOnAnything, baseline: baselineOf([], 'empty') }, TODAY);
        expect(withEmpty).toEqual(evaluateImageGate(scan, failOnAnything, TODAY));
      }),
      { numRuns: 50 },
    );
  });
});
