import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { makeTar, sha256, type TestEntry } from '../../../test/support/image-builder.js';
import type { LayerEntries } from '../layer-entry.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { readImageExport } from './export-stream.js';

const hex = (digest: string) => digest.slice('sha256:'.length);

/** The paths of a layer's files: what an analysis would see. */
async function pathsOf(entries: LayerEntries): Promise<string[]> {
  const paths: string[] = [];
  for await (const entry of entries) paths.push(entry.path);
  return paths;
}

async function fixture() {
  const layers = [await makeTar([{ type: 'file', name: 'etc/os-release', content: 'ID=debian\n' }]), await makeTar([{ type: 'file', name: 'app/package.json', content: '{}' }])];
  const diffIds = layers.map((layer) => sha256(layer));
  const config = Buffer.from(JSON.stringify({ rootfs: { type: 'layers', diff_ids: diffIds } }));
  return { layers, diffIds, config, id: sha256(config) };
}

type Fixture = Awaited<ReturnType<typeof fixture>>;

/** Podman's: `<digest>.tar` at the top, `<id>/layer.tar` a link to it. */
const podmanLayout = (f: Fixture): TestEntry[] => [
  ...f.layers.map((layer, i): TestEntry => ({ type: 'file', name: `${hex(f.diffIds[i] as string)}.tar`, content: layer })),
  { type: 'file', name: `${hex(f.id)}.json`, content: f.config },
  ...f.diffIds.map((diffId, i): TestEntry => ({ type: 'symlink', name: `${'cd'.repeat(31)}0${i}/layer.tar`, target: `../${hex(diffId)}.tar` })),
  { type: 'file', name: 'manifest.json', content: '[]' },
];

/** The three shapes of `docker save` output that real engines write. */
const LAYOUTS: Record<string, (f: Fixture) => TestEntry[]> = {
  'legacy Docker (<id>/layer.tar)': (f) => [
    ...f.layers.map((layer, i): TestEntry => ({ type: 'file', name: `${'ab'.repeat(31)}0${i}/layer.tar`, content: layer })),
    { type: 'file', name: `${hex(f.id)}.json`, content: f.config },
    { type: 'file', name: 'manifest.json', content: '[]' },
  ],
  'OCI-style Docker (blobs/sha256/<digest>)': (f) => [
    { type: 'file', name: `blobs/sha256/${hex(f.id)}`, content: f.config },
    ...f.layers.map((layer, i): TestEntry => ({ type: 'file', name: `blobs/sha256/${hex(f.diffIds[i] as string)}`, content: layer })),
    { type: 'file', name: 'index.json', content: '{}' },
  ],
  'Podman (<digest>.tar at the top, <id>/layer.tar a link)': podmanLayout,
};

describe('reading an image export in one pass', () => {
  for (const [layout, entries] of Object.entries(LAYOUTS)) {
    it(`finds every layer and the config in a ${layout} export`, async () => {
      const f = await fixture();
      const tar = await makeTar(entries(f));
      const result = await readImageExport(Readable.from([tar]), { id: f.id, diffIds: f.diffIds }, new Set(f.diffIds), DEFAULT_LIMITS, pathsOf);
      expect(result.config?.equals(f.config)).toBe(true);
      expect(result.layers.get(f.diffIds[0] as string)).toEqual(['/etc/os-release']);
      expect(result.layers.get(f.diffIds[1] as string)).toEqual(['/app/package.json']);
    });
  }

  it('reads only the layers asked for', async () => {
    const f = await fixture();
    const tar = await makeTar(podmanLayout(f));
    const result = await readImageExport(Readable.from([tar]), { id: f.id, diffIds: f.diffIds }, new Set([f.diffIds[1] as string]), DEFAULT_LIMITS, pathsOf);
    expect([...result.layers.keys()]).toEqual([f.diffIds[1]]);
  });

  it('refuses a layer whose bytes are not the digest its name claims', async () => {
    const f = await fixture();
    const forged: TestEntry[] = [
      { type: 'file', name: `${hex(f.diffIds[0] as string)}.tar`, content: f.layers[1] as Buffer },
      { type: 'file', name: `${hex(f.id)}.json`, content: f.config },
    ];
    const reading = readImageExport(Readable.from([await makeTar(forged)]), { id: f.id, diffIds: f.diffIds }, new Set(f.diffIds), DEFAULT_LIMITS, pathsOf);
    await expect(reading).rejects.toThrow(/digest mismatch/);
  });

  it('names a layer the export lacks', async () => {
    const f = await fixture();
    const partial: TestEntry[] = [{ type: 'file', name: `${hex(f.diffIds[0] as string)}.tar`, content: f.layers[0] as Buffer }];
    const reading = readImageExport(Readable.from([await makeTar(partial)]), { id: f.id, diffIds: f.diffIds }, new Set(f.diffIds), DEFAULT_LIMITS, pathsOf);
    await expect(reading).rejects.toThrow(`layer ${f.diffIds[1]} of ${f.id} was not in the export`);
  });
});
