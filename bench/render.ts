/**
 * Rendering benchmark: every image report format for one scan with 10,000 findings over 2,000
 * packages, with a gate verdict (the gate's evaluation is timed too). Targets: all formats
 * together under 1 s, the HTML under 5 MB.
 * Baseline in the same run: JSON.stringify of the same scan result, the least work any report does.
 */
import { aggregateVerdicts, evaluateImageGate } from '../src/gate/evaluate.js';
import { emptyGateConfig } from '../src/gate/gate-config.js';
import { SEVERITIES } from '../src/model/severity.js';
import { RENDERERS } from '../src/report/list.js';
import { cvss, finding, pkg, scanOf } from '../test/support/scan-fixtures.js';
import type { Rows } from './compliance.js';
import type { ScanResult } from '../src/model/image-scan.js';

/** One scan with 10,000 findings over 2,000 packages, five severities, CVSS scores and some fixes. */
export function syntheticScan(): ScanResult {
  const packages = Array.from({ length: 2000 }, (_, i) => pkg({ name: `package-${i}`, version: `1.${i % 10}.${i % 7}`, location: `/app/node_modules/package-${i}/package.json` }));
  const findings = Array.from({ length: 10_000 }, (_, i) => {
    const severity = SEVERITIES[i % 5] ?? 'LOW';
    return finding(`CVE-2024-${String(10_000 + i)}`, packages[i % packages.length] as (typeof packages)[number], { severity, title: `A flaw number ${i} in a parser that trusts its input`, cvss: cvss('3.1', (i % 100) / 10), fixedVersions: i % 3 === 0 ? [] : ['9.9.9'] });
  });
  return scanOf(packages, findings);
}

export async function benchRender(rows: Rows, results: Record<string, unknown>): Promise<void> {
  const scan = syntheticScan();
  const gateStart = process.hrtime.bigint();
  const verdict = aggregateVerdicts([evaluateImageGate(scan, { ...emptyGateConfig(), failOn: 'HIGH', severityLimits: { MEDIUM: 100 } }, '2026-01-01')]);
  const gateSeconds = Number(process.hrtime.bigint() - gateStart) / 1e9;
  const report = { scans: [scan], verdict };
  const baselineStart = process.hrtime.bigint();
  JSON.stringify(scan);
  const baseline = Number(process.hrtime.bigint() - baselineStart) / 1e9;
  const perFormat: Record<string, { seconds: number; bytes: number }> = {};
  let total = 0;
  for (const entry of RENDERERS.filter((candidate) => candidate.kinds.includes('image'))) {
    const renderer = await entry.load();
    const start = process.hrtime.bigint();
    const text = renderer.renderImage?.(report, { color: false, width: 160 }) ?? '';
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    total += seconds;
    perFormat[entry.id] = { seconds, bytes: Buffer.byteLength(text) };
  }
  results.render = { findings: 10_000, packages: 2000, totalSeconds: total, jsonStringifySeconds: baseline, gateSeconds, perFormat };
  rows.push(['gate: evaluate 10,000 findings (fail-on HIGH, a MEDIUM limit)', `${(gateSeconds * 1000).toFixed(0)} ms`, '']);
  rows.push([`render: all ${Object.keys(perFormat).length} image formats, 10,000 findings (modules loaded first)`, `${total.toFixed(2)} s`, `target < 1 s; JSON.stringify of the scan alone ${(baseline * 1000).toFixed(0)} ms`]);
  for (const [id, figures] of Object.entries(perFormat)) rows.push([`render: ${id}`, `${(figures.seconds * 1000).toFixed(0)} ms`, `${(figures.bytes / 1e6).toFixed(2)} MB${id === 'html' ? ' (target < 5 MB)' : ''}`]);
}
