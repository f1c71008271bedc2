import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildDockerArchive, writeOciLayout, type TestLayer } from '../../test/support/image-builder.js';
import { LayerCache } from '../engine/layer-cache.js';
import { emptyGateConfig, type GateConfig } from '../gate/gate-config.js';
import { ImageError } from '../errors.js';
import { openVulnDatabase, type VulnDatabase } from '../vulndb/database.js';
import { importOsv } from '../vulndb/import.js';
import { osvRecord } from '../vulndb/test-support/osv-records.js';
import type * as ImageSourcesModule from '../image/sources.js';
import type * as InventoryImageModule from '../engine/inventory-image.js';
import { runImageJob } from './image-job.js';

// Every image the job opens is recorded, and so is every close, to prove the job closes its own.
const sources = vi.hoisted(() => ({ opened: [] as string[], closed: [] as string[] }));
vi.mock('../image/sources.js', async (importOriginal) => {
  const real = await importOriginal<typeof ImageSourcesModule>();
  return {
    ...real,
    openImage: async (reference: string, options: Parameters<typeof real.openImage>[1]) => {
      const source = await real.openImage(reference, options);
      sources.opened.push(reference);
      const close = source.close.bind(source);
      source.close = async () => {
        sources.closed.push(reference);
        await close();
      };
      return source;
    },
  };
});

// The limits each inventory was given: they bound the scan's temporary folder.
const inventories = vi.hoisted(() => ({ limits: [] as unknown[] }));
vi.mock('../engine/inventory-image.js', async (importOriginal) => {
  const real = await importOriginal<typeof InventoryImageModule>();
  return {
    ...real,
    inventoryImage: (source: Parameters<typeof real.inventoryImage>[0], options: Parameters<typeof real.inventoryImage>[1]) => {
      inventories.limits.push(options?.limits);
      return real.inventoryImage(source, options);
    },
  };
});

const APP_LAYERS: TestLayer[] = [
  { entries: [{ type: 'file', name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' }] },
  { entries: [{ type: 'file', name: 'app/node_modules/lodash/package.json', content: '{"name":"lodash","version":"4.17.15"}' }, { type: 'file', name: 'app/node_modules/minimist/package.json', content: '{"name":"minimist","version":"1.2.5"}' }] },
];

let work: string;
let database: VulnDatabase;
let app: string;
let clean: string;
let archive: string;
let broken: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-image-job-'));
  const layout = path.join(work, 'layout');
  await writeOciLayout(layout, [
    { tag: 'app', layers: APP_LAYERS },
    { tag: 'clean', layers: [{ entries: [{ type: 'file', name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' }] }] },
  ]);
  app = `oci:${layout}:app`;
  clean = `oci:${layout}:clean`;
  // The same image stored another way: its image id (config digest) is the same.
  archive = path.join(work, 'app.tar');
  await writeFile(archive, await buildDockerArchive([{ layers: APP_LAYERS, repoTags: ['example/app:1'] }]));
  // An image whose layer blob is not what its digest names: the image opens, its scan fails.
  const brokenLayout = path.join(work, 'broken');
  await writeOciLayout(brokenLayout, [{ tag: 'broken', layers: [{ entries: [{ type: 'file', name: 'etc/os-release', content: 'ID=alpine\n' }] }] }]);
  const blobs = path.join(brokenLayout, 'blobs', 'sha256');
  for (const name of await readdir(blobs)) {
    const blob = path.join(blobs, name);
    const isGzip = (await readFile(blob))[0] === 0x1f;
    if (isGzip) await writeFile(blob, Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]));
  }
  broken = `oci:${brokenLayout}:broken`;

  const records = path.join(work, 'records.json');
  await writeFile(
    records,
    JSON.stringify([
      osvRecord({ id: 'GHSA-lodash', ecosystem: 'npm', name: 'lodash', fixed: '4.17.21', cvss: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H' }),
      osvRecord({ id: 'GHSA-minimist', ecosystem: 'npm', name: 'minimist', cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }),
    ]),
  );
  await importOsv(path.join(work, 'vuln.db'), [records]);
  database = openVulnDatabase(path.join(work, 'vuln.db'));
});

afterAll(async () => {
  database.close();
  await rm(work, { recursive: true, force: true });
});

beforeEach(() => {
  sources.opened.length = 0;
  sources.closed.length = 0;
  inventories.limits.length = 0;
});

const failOn = (severity: GateConfig['failOn']): GateConfig => ({ ...emptyGateConfig(), failOn: severity });

describe('the image job', () => {
  it('scans an image named twice once, records the second name as a duplicate, and fails when any image fails', async () => {
    const { scans, verdict } = await runImageJob([app, `docker-archive:${archive}`, clean], { database, gate: failOn('CRITICAL') });
    expect(scans.map((scan) => scan.image.reference)).toEqual([app, clean]);
    expect(scans[0]?.findings.map((finding) => [finding.id, finding.severity])).toEqual([
      ['GHSA-minimist', 'CRITICAL'],
      ['GHSA-lodash', 'HIGH'],
    ]);
    expect(verdict.duplicates).toEqual([{ reference: `docker-archive:${archive}`, sameAs: app }]);
    expect(verdict.images.map((image) => [image.image.reference, image.passed])).toEqual([
      [app, false],
      [clean, true],
    ]);
    expect(verdict.passed).toBe(false);
    expect(verdict.reasons).toEqual(['app: 1 finding at CRITICAL or above: GHSA-minimist (minimist 1.2.5)']);
  });

  it('applies the result filters before the gate, so the gate judges what the reports show', async () => {
    const unfixed = await runImageJob([app], { database, gate: failOn('CRITICAL'), filters: { ignoreUnfixed: true } });
    expect(unfixed.scans[0]?.findings.map((finding) => finding.id)).toEqual(['GHSA-lodash']);
    expect(unfixed.scans[0]?.summary).toMatchObject({ packages: 2, findings: 1, fixable: 1 });
    expect(unfixed.verdict.passed).toBe(true);

    const high = await runImageJob([app], { database, gate: failOn('HIGH'), filters: { severities: ['CRITICAL'] } });
    expect(high.scans[0]?.findings.map((finding) => finding.id)).toEqual(['GHSA-minimist']);
    expect(high.verdict.images[0]?.counts).toMatchObject({ total: 1, considered: 1 });
  });

  it('judges ignore entries against the day it is given', async () => {
    const gate: GateConfig = { ...failOn('CRITICAL'), ignoreEntries: [{ id: 'GHSA-minimist', reason: 'flags are ours', expires: '2025-01-01', origin: 'ignore.yaml:2' }] };
    const before = await runImageJob([app], { database, gate, today: '2024-12-31' });
    expect(before.verdict.passed).toBe(true);
    expect(before.verdict.images[0]?.exclusions.map((exclusion) => exclusion.finding.id)).toEqual(['GHSA-minimist']);
    const after = await runImageJob([app], { database, gate, today: '2025-01-02' });
    expect(after.verdict.passed).toBe(false);
    expect(after.verdict.images[0]?.expiredIgnores.map((entry) => entry.id)).toEqual(['GHSA-minimist']);
  });

  it('reports the inventory progress of each image it scans under that image reference', async () => {
    const seen: string[] = [];
    await runImageJob([app, clean, app], { database, gate: emptyGateConfig(), onProgress: (reference, event) => seen.push(`${reference} ${event.phase}`) });
    expect([...new Set(seen)]).toEqual([`${app} layer-start`, `${app} layer-done`, `${clean} layer-start`, `${clean} layer-done`]);
  });

  it('closes every image it opened, duplicates and failures included, and never the database or layer cache it was given', async () => {
    const cache = LayerCache.open(path.join(work, 'cache'));
    await expect(runImageJob([app, app, broken, clean], { database, layerCache: cache, gate: emptyGateConfig() })).rejects.toBeInstanceOf(ImageError);
    expect(sources.opened).toEqual([app, app, broken]);
    expect(sources.closed).toEqual(sources.opened);
    expect(database.status().sources.length).toBeGreaterThan(0);
    expect(cache.status().layers).toBeGreaterThan(0);
    cache.close();
  });

  it('bounds each scan with the limits it is given, as it bounds opening the image', async () => {
    const limits = { maxLayerBytes: 64 * 1024 * 1024, maxLayerEntries: 1000 };
    await runImageJob([app, clean], { database, gate: emptyGateConfig(), limits });
    expect(inventories.limits).toEqual([limits, limits]);
    await runImageJob([clean], { database, gate: emptyGateConfig() });
    expect(inventories.limits).toEqual([limits, limits, undefined]);
  });
});
