import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HostileInputError } from '../errors.js';
import type { Analyzer } from '../inventory/analyzer.js';
import { FileSelector } from '../inventory/file-selector.js';
import { resolveLimits } from '../image/limits.js';
import { readLayerBlob } from '../image/tar-entries.js';
import { makeTar, type TestEntry } from '../../test/support/image-builder.js';
import { analyzeLayer, type LayerAnalysis } from './layer-analysis.js';
import { collectFiles, layersToSearch, mergeLayers, packageKey } from './merge-layers.js';

/** A test analyzer: each line `name version` of a `*.pkgs` file is one package. */
const listAnalyzer: Analyzer = {
  id: 'list',
  version: 1,
  patterns: ['**/*.pkgs'],
  analyze: ({ path, content }) => ({
    packages: content
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [name = '', version = ''] = line.split(' ');
        return { type: 'npm' as const, name, version, location: path };
      }),
  }),
};
const selector = new FileSelector([listAnalyzer]);

async function analyze(entries: TestEntry[]): Promise<LayerAnalysis> {
  const tar = await makeTar(entries);
  return analyzeLayer(readLayerBlob(Readable.from([tar]), { label: 'test' }, resolveLimits()), selector, { whiteouts: true });
}

function packagesOf(layers: LayerAnalysis[]) {
  const merged = mergeLayers(layers);
  const { files, deferred, warnings } = collectFiles(merged, selector);
  const packages = files.flatMap((file) =>
    file.runs.flatMap((run) =>
      (run.result.packages ?? []).map((record) => ({ at: file.path, name: record.name, version: record.version, layer: merged.introducedAt.get(packageKey(run.analyzer, record)) })),
    ),
  );
  return { packages: packages.sort((a, b) => a.at.localeCompare(b.at) || a.name.localeCompare(b.name)), deferred, warnings };
}

describe('merging layers', () => {
  it('a later layer replaces a file; packages keep the layer that introduced their current version', async () => {
    const layers = [
      await analyze([{ type: 'file', name: 'db/a.pkgs', content: 'libc 1\nbash 5\n' }]),
      await analyze([{ type: 'file', name: 'db/a.pkgs', content: 'libc 1\nbash 5\ncurl 7\n' }]),
      await analyze([{ type: 'file', name: 'db/a.pkgs', content: 'libc 2\nbash 5\ncurl 7\n' }]),
    ];
    expect(packagesOf(layers).packages).toEqual([
      { at: '/db/a.pkgs', name: 'bash', version: '5', layer: 0 },
      { at: '/db/a.pkgs', name: 'curl', version: '7', layer: 1 },
      { at: '/db/a.pkgs', name: 'libc', version: '2', layer: 2 },
    ]);
  });

  it('a whiteout deletes a file and a whole folder from the layers below', async () => {
    const layers = [
      await analyze([
        { type: 'file', name: 'app/node_modules/x/x.pkgs', content: 'x 1\n' },
        { type: 'file', name: 'app/node_modules/y/y.pkgs', content: 'y 1\n' },
        { type: 'file', name: 'etc/z.pkgs', content: 'z 1\n' },
      ]),
      await analyze([
        { type: 'file', name: 'app/node_modules/.wh.x', content: '' },
        { type: 'file', name: 'etc/.wh.z.pkgs', content: '' },
      ]),
    ];
    expect(packagesOf(layers).packages.map((p) => p.name)).toEqual(['y']);
  });

  it('a re-added package after a whiteout counts from the layer that re-added it', async () => {
    const layers = [
      await analyze([{ type: 'file', name: 'a.pkgs', content: 'x 1\n' }]),
      await analyze([{ type: 'file', name: '.wh.a.pkgs', content: '' }]),
      await analyze([{ type: 'file', name: 'a.pkgs', content: 'x 1\n' }]),
    ];
    expect(packagesOf(layers).packages).toEqual([{ at: '/a.pkgs', name: 'x', version: '1', layer: 2 }]);
  });

  it('an opaque folder hides everything below it from lower layers but keeps its own layer', async () => {
    const layers = [
      await analyze([
        { type: 'file', name: 'opt/a/old.pkgs', content: 'old 1\n' },
        { type: 'file', name: 'opt/b.pkgs', content: 'b 1\n' },
      ]),
      await analyze([
        { type: 'file', name: 'opt/a/.wh..wh..opq', content: '' },
        { type: 'file', name: 'opt/a/new.pkgs', content: 'new 1\n' },
      ]),
    ];
    expect(packagesOf(layers).packages.map((p) => p.name)).toEqual(['new', 'b']);
  });

  it('a link whose target the analyzer already reads is not counted twice', async () => {
    const layers = [await analyze([{ type: 'file', name: 'real/a.pkgs', content: 'a 1\n' }, { type: 'symlink', name: 'b.pkgs', target: 'real/a.pkgs' }])];
    const { packages, deferred } = packagesOf(layers);
    expect(packages.map((p) => p.at)).toEqual(['/real/a.pkgs']);
    expect(deferred).toEqual([]);
  });

  it('a link to a file no analyzer reads under its own name becomes a deferred read', async () => {
    const layers = [
      await analyze([{ type: 'file', name: 'data/store', content: 'a 1\n' }]),
      await analyze([{ type: 'symlink', name: 'etc/list.pkgs', target: '/data/store' }]),
    ];
    expect(packagesOf(layers).deferred).toEqual([{ linkPath: '/etc/list.pkgs', targetPath: '/data/store', targetLayer: undefined, linkLayer: 1, analyzers: ['list'] }]);
    expect(layersToSearch('/data/store', layers)).toEqual([1, 0]);
  });

  it('a hard link in a later layer to a lower-layer file is resolved the same way', async () => {
    const layers = [await analyze([{ type: 'file', name: 'data/store', content: 'a 1\n' }]), await analyze([{ type: 'link', name: 'x.pkgs', target: 'data/store' }])];
    expect(packagesOf(layers).deferred).toMatchObject([{ linkPath: '/x.pkgs', targetPath: '/data/store' }]);
  });

  it('a link to an uncaptured path is searched for, a link above the root fails the scan', async () => {
    const dangling = [await analyze([{ type: 'symlink', name: 'a.pkgs', target: '/nowhere' }])];
    expect(packagesOf(dangling).deferred).toMatchObject([{ linkPath: '/a.pkgs', targetPath: '/nowhere', targetLayer: undefined }]);
    const escaping = [await analyze([{ type: 'symlink', name: 'a.pkgs', target: '../../../etc/passwd' }])];
    expect(() => packagesOf(escaping)).toThrow(HostileInputError);
  });

  it('the search for a link target stops at a layer that whites it out', async () => {
    const layers = [
      await analyze([{ type: 'file', name: 'data/store', content: 'a 1\n' }]),
      await analyze([{ type: 'file', name: 'data/.wh..wh..opq', content: '' }]),
      await analyze([{ type: 'file', name: 'other', content: '' }]),
    ];
    expect(layersToSearch('/data/store', layers)).toEqual([2, 1]);
    expect(layersToSearch('/elsewhere', layers)).toEqual([2, 1, 0]);
  });

  it('a symlink replacing a folder hides what the folder held', async () => {
    const layers = [
      await analyze([{ type: 'file', name: 'lib/x/x.pkgs', content: 'x 1\n' }]),
      await analyze([{ type: 'symlink', name: 'lib/x', target: '/elsewhere' }]),
    ];
    expect(packagesOf(layers).packages).toEqual([]);
  });
});
