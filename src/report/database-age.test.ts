import { describe, expect, it } from 'vitest';
import { aggregateVerdicts, evaluateImageGate } from '../gate/evaluate.js';
import { emptyGateConfig } from '../gate/gate-config.js';
import { sampleScan } from '../../test/support/scan-fixtures.js';
import { RENDERERS, getRenderer } from './list.js';
import type { ImageReport } from './renderer.js';

function report(gated: boolean): ImageReport {
  const scan = { ...sampleScan(), database: { path: '/db', builtAt: '2026-12-01T06:00:00.000Z', ageHours: 30.5, sources: [] } };
  if (!gated) return { scans: [scan] };
  const verdict = evaluateImageGate(scan, { ...emptyGateConfig(), failOn: 'CRITICAL' as const });
  return { scans: [scan], verdict: aggregateVerdicts([verdict], []) };
}

describe('every image report says how old the vulnerability database was', () => {
  for (const renderer of RENDERERS.filter((entry) => entry.kinds.includes('image'))) {
    for (const gated of [false, true]) {
      it(`${renderer.id}${gated ? ' with a gate' : ''}`, async () => {
        const output = (await getRenderer(renderer.id, 'image')).renderImage?.(report(gated), { color: false }) ?? '';
        expect(String(output)).toContain('2026-12-01T06:00:00.000Z');
        expect(String(output)).toMatch(/30\.5/);
      });
    }
  }
});
