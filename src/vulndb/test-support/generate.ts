/**
 * Generates large, realistic-shaped vulnerability databases for benchmarks: npm and Debian
 * advisories with ranges, aliases and CVSS vectors over a pool of package names.
 */
import { VulnDbWriter } from '../writer.js';
import type { OsvRecord } from '../osv.js';

/** A small deterministic PRNG (mulberry32), so generated data is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function packageName(index: number): string {
  return `pkg-${index.toString(36)}`;
}

/** Writes `advisories` records spread over `packages` npm package names into a new database file. */
export function generateDatabase(file: string, advisories: number, packages: number, seed = 1): void {
  const random = seededRandom(seed);
  const writer = new VulnDbWriter(file);
  const vectors = ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H', 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N'];
  for (let i = 0; i < advisories; i++) {
    const name = packageName(Math.floor(random() * packages));
    const major = Math.floor(random() * 5);
    const record: OsvRecord = {
      id: `GHSA-gen-${i.toString(36)}`,
      modified: '2024-01-01T00:00:00Z',
      aliases: [`CVE-2024-${100000 + i}`],
      summary: `Generated advisory ${i}`,
      severity: [{ type: 'CVSS_V3', score: vectors[i % vectors.length] as string }],
      references: [],
      affected: [
        {
          package: { ecosystem: 'npm', name },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: `${major}.0.0` }, { fixed: `${major}.${1 + Math.floor(random() * 9)}.${Math.floor(random() * 10)}` }] }],
          versions: [],
          severity: [],
        },
      ],
    };
    writer.put(record, 'generated');
  }
  writer.recordSource({ name: 'generated', fetchedAt: new Date().toISOString(), records: advisories });
  writer.finish();
}
