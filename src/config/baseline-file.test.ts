import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleScan } from '../../test/support/scan-fixtures.js';
import { baselineKey } from '../gate/baseline.js';
import { loadBaselineFile, parseBaseline } from './baseline-file.js';
import { buildGateConfig } from './gate-file.js';

describe('the baseline file', () => {
  it('reads one result or several, and the gate flags carry it', () => {
    const scan = sampleScan();
    const dir = mkdtempSync(path.join(tmpdir(), 'baseline-'));
    const one = path.join(dir, 'one.json');
    writeFileSync(one, JSON.stringify(scan));
    expect([...loadBaselineFile(one).keys].sort()).toEqual([...new Set(scan.findings.map(baselineKey))].sort());
    const many = parseBaseline(JSON.stringify({ schemaVersion: 1, results: [scan, { ...scan, findings: [] }] }), 'many.json');
    expect(many.keys.size).toBe(new Set(scan.findings.map(baselineKey)).size);
    expect(buildGateConfig({ baseline: one }).baseline?.label).toBe(one);
  });

  it.each([
    ['{', '(document): not JSON'],
    ['[]', 'findings: expected the findings list'],
    ['{"findings": [{"id": 5}]}', 'findings[0].id: expected a string'],
    ['{"findings": [{"id": "CVE-1", "package": {"name": "x"}}]}', 'findings[0].package: expected an object with type and name'],
    ['{"results": [{"findings": []}, {}]}', 'results[1].findings: expected the findings list'],
  ])('refuses %s naming the field', (text, message) => {
    expect(() => parseBaseline(text, 'b.json')).toThrow(`baseline b.json: ${message}`);
  });

  it('refuses a file it cannot read with a usage error naming the flag', () => {
    expect(() => loadBaselineFile('/nonexistent/result.json')).toThrow(/baseline/);
  });
});
