/**
 * SARIF within code scanning's limits (25,000 results per run, 10 MB per upload): past either,
 * GitHub rejects the whole upload, so the report keeps the most severe results, drops the rules
 * no kept result uses, stays valid SARIF and says in the run's notifications what it left out.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../model/finding.js';
import type { Severity } from '../../model/severity.js';
import { cvss, finding, pkg, scanOf } from '../../../test/support/scan-fixtures.js';
import { CODE_SCANNING_LIMITS, renderSarif } from './index.js';

interface Log {
  runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string }[]; invocations: { toolExecutionNotifications: { level: string; message: { text: string } }[] }[]; properties: { resultsLeftOut?: number } }[];
}

const SEVERITIES: Severity[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const SCORES: Record<string, number> = { LOW: 2.5, MEDIUM: 5.5, HIGH: 7.5, CRITICAL: 9.8 };

/** `count` findings of one package, cycling through the severities, each its own advisory. */
function findings(count: number, description = ''): Finding[] {
  const lib = pkg({ name: 'lib', version: '1.0.0' });
  return Array.from({ length: count }, (_, index) => {
    const severity = SEVERITIES[index % SEVERITIES.length] ?? 'LOW';
    return finding(`CVE-2026-${String(index).padStart(5, '0')}`, lib, { severity, cvssScores: [cvss('3.1', SCORES[severity] ?? 1)], ...(description ? { description } : {}) });
  });
}

function validator(): (log: unknown) => boolean {
  const schemaFile = createRequire(import.meta.url).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats.default(ajv as unknown as Parameters<typeof addFormats.default>[0]);
  return ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
}

describe('SARIF within code scanning limits', () => {
  it('keeps at most 25,000 results, the most severe, and says how many it left out', () => {
    const all = findings(CODE_SCANNING_LIMITS.maxResults + 40);
    // The count limit alone (25,000 results of this size would also pass 10 MB, tested below).
    const text = renderSarif({ scans: [scanOf([], all)] }, {}, { ...CODE_SCANNING_LIMITS, maxBytes: Number.MAX_SAFE_INTEGER });
    const run = (JSON.parse(text) as Log).runs[0];
    expect(run?.results).toHaveLength(25_000);
    expect(run?.properties.resultsLeftOut).toBe(40);
    // The 40 left out are all LOW (the least severe): every CRITICAL, HIGH and MEDIUM is there.
    const kept = new Set(run?.results.map((result) => result.ruleId));
    expect(all.filter((f) => !kept.has(f.id)).every((f) => f.severity === 'LOW')).toBe(true);
    expect(all.filter((f) => f.severity !== 'LOW').every((f) => kept.has(f.id))).toBe(true);
    expect(run?.invocations[0]?.toolExecutionNotifications.at(-1)?.message.text).toMatch(/^40 of 25,040 results were left out: code scanning accepts at most 25,000 results/);
    // Rules are only those the kept results use, and each result points at its own rule.
    expect(run?.tool.driver.rules).toHaveLength(25_000);
    expect(run?.results.every((result) => run.tool.driver.rules[result.ruleIndex]?.id === result.ruleId)).toBe(true);
  });

  it('stays under 10 MB by dropping the least severe results, and remains valid SARIF', () => {
    const all = findings(2400, 'x'.repeat(4000));
    const untruncated = renderSarif({ scans: [scanOf([], all)] }, {}, { maxResults: 25_000, maxBytes: Number.MAX_SAFE_INTEGER });
    expect(untruncated.length).toBeGreaterThan(CODE_SCANNING_LIMITS.maxBytes);
    const text = renderSarif({ scans: [scanOf([], all)] }, {});
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(CODE_SCANNING_LIMITS.maxBytes);
    const log = JSON.parse(text) as Log;
    expect(validator()(log)).toBe(true);
    const run = log.runs[0];
    const left = run?.properties.resultsLeftOut ?? 0;
    expect(left).toBeGreaterThan(0);
    expect((run?.results.length ?? 0) + left).toBe(2400);
    const levels = new Set(run?.results.map((r) => r.level));
    expect(levels.has('error')).toBe(true);
    const keptCritical = run?.results.filter((r) => r.level === 'error').length;
    expect(keptCritical).toBe(1200);
    expect(run?.invocations[0]?.toolExecutionNotifications.at(-1)?.message.text).toContain('the JSON report has every finding, and the gate saw them all');
  });

  it('leaves a report within the limits as it is, with no note', () => {
    const all = findings(12);
    const log = JSON.parse(renderSarif({ scans: [scanOf([], all)] }, {})) as Log;
    expect(log.runs[0]?.results.map((r) => r.ruleId)).toEqual(all.map((f) => f.id));
    expect(log.runs[0]?.properties.resultsLeftOut).toBeUndefined();
    expect(log.runs[0]?.invocations[0]?.toolExecutionNotifications).toEqual([]);
  });
});
