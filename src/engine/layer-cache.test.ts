import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isContentAnalyzer, type Analyzer } from '../inventory/analyzer.js';
import { dpkgAnalyzer } from '../inventory/dpkg/index.js';
import { ANALYZERS } from '../inventory/list.js';
import { openImage } from '../image/sources.js';
import type { ImageSource } from '../image/source.js';
import { runTollgate } from '../../test/support/cli.js';
import { writeOciLayout } from '../../test/support/image-builder.js';
import { inventoryImage } from './inventory-image.js';
import { LayerCache } from './layer-cache.js';

let work: string;
let layout: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-cache-'));
  layout = path.join(work, 'layout');
  await writeOciLayout(layout, [
    {
      tag: 't',
      layers: [
        { entries: [{ type: 'file', name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' }, { type: 'file', name: 'var/lib/dpkg/status', content: 'Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2\nArchitecture: amd64\n' }] },
        { entries: [{ type: 'file', name: 'app/node_modules/lodash/package.json', content: '{"name":"lodash","version":"4.17.15"}' }] },
        { entries: [{ type: 'file', name: 'app/node_modules/.wh.lodash', content: '' }, { type: 'file', name: 'app/node_modules/minimist/package.json', content: '{"name":"minimist","version":"1.2.5"}' }] },
      ],
    },
  ]);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** An image source that counts how often layers are opened. */
async function countingSource(): Promise<{ source: ImageSource; opened: number[] }> {
  const source = await openImage(`oci:${layout}:t`);
  const opened: number[] = [];
  const openLayer = source.openLayer.bind(source);
  return { source: Object.assign(Object.create(source) as ImageSource, { openLayer: (index: number) => (opened.push(index), openLayer(index)) }), opened };
}

/** The content analyzers of the list, counting their calls, one of them at a chosen version. */
function countingAnalyzers(bumped?: string): { analyzers: Analyzer[]; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const analyzers = ANALYZERS.filter(isContentAnalyzer).map((analyzer) => ({
    ...analyzer,
    version: analyzer.id === bumped ? analyzer.version + 1 : analyzer.version,
    analyze: (input: Parameters<Analyzer['analyze']>[0]) => {
      calls.set(analyzer.id, (calls.get(analyzer.id) ?? 0) + 1);
      return analyzer.analyze(input);
    },
  }));
  return { analyzers, calls };
}

let database: string | undefined;
/** A one-record vulnerability database for CLI scans of the test layout. */
async function scanDatabase(): Promise<string> {
  if (database) return database;
  const db = path.join(work, 'scan.db');
  await writeFile(path.join(work, 'rec.json'), JSON.stringify({ id: 'GHSA-x', affected: [{ package: { ecosystem: 'npm', name: 'minimist' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2.6' }] }] }] }));
  expect((await runTollgate(['db', 'import', path.join(work, 'rec.json'), '--db', db, '--quiet'])).code).toBe(0);
  database = db;
  return db;
}

const summary = (packages: { name: string; version: string; layer?: { index: number } }[]) => packages.map((p) => `${p.name}@${p.version}#${p.layer?.index}`).sort();

describe('the layer cache', () => {
  it('a warm scan reads no layer at all and gives the same inventory', async () => {
    const cache = LayerCache.open(path.join(work, 'warm'));
    const cold = await countingSource();
    const first = await inventoryImage(cold.source, { layerCache: cache });
    expect(cold.opened.sort()).toEqual([0, 1, 2]);
    const warm = await countingSource();
    const second = await inventoryImage(warm.source, { layerCache: cache });
    expect(warm.opened).toEqual([]);
    expect(summary(second.packages)).toEqual(summary(first.packages));
    expect(summary(second.packages)).toEqual(['bash@5.2.15-2#0', 'minimist@1.2.5#2']);
    expect(second.os).toEqual(first.os);
    expect(cache.status()).toMatchObject({ layers: 3, pieces: 3 * ANALYZERS.length });
    cache.close();
  });

  it('a new analyzer version re-reads the layers for that analyzer only', async () => {
    const cache = LayerCache.open(path.join(work, 'versions'));
    await inventoryImage((await countingSource()).source, { layerCache: cache, analyzers: countingAnalyzers().analyzers });
    const { analyzers, calls } = countingAnalyzers('npm');
    const rescan = await countingSource();
    const result = await inventoryImage(rescan.source, { layerCache: cache, analyzers });
    expect(rescan.opened.sort()).toEqual([0, 1, 2]);
    expect([...calls.keys()]).toEqual(['npm']);
    expect(summary(result.packages)).toEqual(['bash@5.2.15-2#0', 'minimist@1.2.5#2']);
    const again = await countingSource();
    await inventoryImage(again.source, { layerCache: cache, analyzers });
    expect(again.opened).toEqual([]);
    cache.close();
  });

  it('keeps the files each OS package owns, one string per package, so a warm scan leaves out the same packages', async () => {
    const ownedLayout = path.join(work, 'owned-layout');
    const list = await readFile(new URL('../inventory/dpkg/testdata/python3-yaml.list', import.meta.url));
    const [layers] = await writeOciLayout(ownedLayout, [
      {
        tag: 't',
        layers: [
          // The deb's file comes with its list, as dpkg installs it (a later layer's copy would be reported).
          {
            entries: [
              { type: 'file', name: 'var/lib/dpkg/status', content: await readFile(new URL('../inventory/dpkg/testdata/python3-yaml.status', import.meta.url)) },
              { type: 'file', name: 'var/lib/dpkg/info/python3-yaml.list', content: list },
              { type: 'file', name: 'usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA', content: 'Metadata-Version: 2.1\nName: PyYAML\nVersion: 6.0\n' },
            ],
          },
        ],
      },
    ]);
    const cache = LayerCache.open(path.join(work, 'owned'));
    const scan = async () => {
      const source = await openImage(`oci:${ownedLayout}:t`);
      const opened: number[] = [];
      const openLayer = source.openLayer.bind(source);
      const counted = Object.assign(Object.create(source) as ImageSource, { openLayer: (index: number) => (opened.push(index), openLayer(index)) });
      return { result: await inventoryImage(counted, { layerCache: cache }), opened };
    };
    const cold = await scan();
    const warm = await scan();
    expect(warm.opened).toEqual([]);
    expect(summary(cold.result.packages)).toEqual(['python3-yaml@6.0-3+b2#0']);
    expect(summary(warm.result.packages)).toEqual(summary(cold.result.packages));
    const piece = cache.load(layers?.[0]?.diffId as string, [dpkgAnalyzer]).pieces.get('dpkg');
    const owned = piece?.files.find((file) => file.path === '/var/lib/dpkg/info/python3-yaml.list')?.result.ownedFiles;
    expect(owned).toEqual([{ package: 'python3-yaml', paths: expect.any(String) as string }]);
    expect(owned?.[0]?.paths.split('\n')).toHaveLength(46);
    cache.close();
  });

  it('evicts the least recently used layers beyond its size limit', async () => {
    const cache = LayerCache.open(path.join(work, 'small'), 600);
    await inventoryImage((await countingSource()).source, { layerCache: cache });
    const status = cache.status();
    expect(status.bytes).toBeLessThanOrEqual(600);
    expect(status.layers).toBeLessThan(3);
    cache.close();
  });

  it('is shared safely by concurrent scans in several processes', async () => {
    const dir = path.join(work, 'shared');
    const db = await scanDatabase();
    const runs = await Promise.all(Array.from({ length: 4 }, () => runTollgate(['image', 'scan', `oci:${layout}:t`, '--cache-dir', dir, '--db', db, '--format', 'json'])));
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
    }
    const packages = runs.map((run) => JSON.stringify(summary((JSON.parse(run.stdout) as { packages: { name: string; version: string; layer?: { index: number } }[] }).packages)));
    expect(new Set(packages).size).toBe(1);
    const cache = LayerCache.open(dir);
    expect(cache.status().layers).toBe(3);
    cache.close();
  });

  it('an unusable cache file is a warning, never a failed scan', async () => {
    const dir = path.join(work, 'corrupt');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
    await writeFile(path.join(dir, 'layers.db'), Buffer.alloc(4096, 0x42));
    const db = await scanDatabase();
    const run = await runTollgate(['image', 'scan', `oci:${layout}:t`, '--cache-dir', dir, '--db', db, '--format', 'json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/warning: the layer cache is not usable/);
    expect((JSON.parse(run.stdout) as { findings: unknown[] }).findings).toHaveLength(1);
  });
});
