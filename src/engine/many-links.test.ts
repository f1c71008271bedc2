/**
 * No recursion or argument spread whose size the input controls: 200,000 links once ended a scan
 * as "Maximum call stack size exceeded". Run on an in-memory layer (no tar, no gzip) so the case
 * stays fast; the CLI path is the same engine.
 */
import { describe, expect, it } from 'vitest';
import type { LayerEntry } from '../image/layer-entry.js';
import type { ImageSource } from '../image/source.js';
import { inventoryImage } from './inventory-image.js';

function link(path: string, target: string): LayerEntry {
  return {
    path,
    kind: 'symlink',
    size: 0,
    linkTarget: target,
    read: () => Promise.reject(new Error('a link has no content')),
    readChunks: () => Promise.reject(new Error('a link has no content')),
  };
}

function file(path: string, content: string): LayerEntry {
  const bytes = Buffer.from(content);
  return { path, kind: 'file', size: bytes.length, read: async () => bytes, readChunks: async (_limit, onChunk) => void (await onChunk(bytes)) };
}

function sourceOf(entries: () => Iterable<LayerEntry>): ImageSource {
  return {
    image: {} as ImageSource['image'],
    layers: [{ index: 0 }],
    layersHaveWhiteouts: true,
    openLayer: () =>
      (async function* () {
        yield* entries();
      })(),
    close: async () => undefined,
  };
}

describe('an image of many links', () => {
  it('200,000 links to a missing package.json give 200 warnings and a count, not a stack overflow', async () => {
    const source = sourceOf(function* () {
      for (let i = 0; i < 200_000; i++) yield link(`/app/node_modules/p${i}/package.json`, '/app/node_modules/gone/package.json');
    });
    const inventory = await inventoryImage(source);
    expect(inventory.packages).toEqual([]);
    expect(inventory.warnings).toHaveLength(201);
    expect(inventory.warnings.at(-1)).toBe('199,800 more warnings not shown (the first 200 are above)');
  }, 60_000);

  it('3,000 links to one file read its layer once more, not once per link', async () => {
    let opened = 0;
    const source = sourceOf(function* () {
      opened += 1;
      yield file('/srv/real/package.json', '{"name":"minimist","version":"1.2.5"}');
      for (let i = 0; i < 3000; i++) yield link(`/app/node_modules/p${i}/package.json`, '/srv/real/package.json');
    });
    const inventory = await inventoryImage(source);
    expect(inventory.packages).toHaveLength(3000);
    expect(new Set(inventory.packages.map((p) => p.location)).size).toBe(3000);
    expect(opened).toBe(2);
  });
});
