import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDockerArchive, writeOciLayout, type TestLayer } from '../../test/support/image-builder.js';
import { storedSize, summarizeImage } from './image-summary.js';
import { openImage } from './sources.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-summary-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const layer: TestLayer = { entries: [{ type: 'file', name: 'etc/os-release', content: 'ID=debian\n' }], createdBy: 'ADD rootfs /' };

async function summaryOf(reference: string): Promise<Record<string, unknown>> {
  const source = await openImage(reference);
  try {
    return JSON.parse(JSON.stringify(source.image)) as Record<string, unknown>;
  } finally {
    await source.close();
  }
}

describe('the image summary', () => {
  it('has one shape: fields in a fixed order, and what the source does not know left out', () => {
    const full = summarizeImage({
      reference: 'oci:/x:v1',
      source: 'oci',
      id: 'sha256:c',
      manifestDigest: 'sha256:m',
      repoTags: ['v1'],
      repoDigests: ['r@sha256:m'],
      config: { os: 'linux', architecture: 'arm64', variant: 'v8', created: '2024-01-01T00:00:00Z' },
      size: 30,
      layers: [
        { index: 0, diffId: 'sha256:d0', digest: 'sha256:b0', mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 10, createdBy: 'ADD /' },
        { index: 1, diffId: 'sha256:d1', size: 20 },
      ],
    });
    expect(JSON.stringify(full)).toBe(
      '{"reference":"oci:/x:v1","source":"oci","id":"sha256:c","manifestDigest":"sha256:m","repoTags":["v1"],"repoDigests":["r@sha256:m"],"os":"linux","architecture":"arm64","variant":"v8","created":"2024-01-01T00:00:00Z","size":30,' +
        '"layers":[{"index":0,"diffId":"sha256:d0","digest":"sha256:b0","size":10,"createdBy":"ADD /"},{"index":1,"diffId":"sha256:d1","size":20}]}',
    );
    const bare = summarizeImage({ reference: 'dir:/r', source: 'dir', config: { os: '', created: '' }, layers: [{ index: 0, diffId: '', createdBy: '' }] });
    expect(JSON.stringify(bare)).toBe('{"reference":"dir:/r","source":"dir","repoTags":[],"repoDigests":[],"layers":[{"index":0}]}');
  });

  it('counts a stored size of 0 as known, and a layer of unknown size as nothing', () => {
    expect(storedSize([{ index: 0, size: 0 }, { index: 1 }, { index: 2, size: 5 }])).toBe(5);
    expect(summarizeImage({ reference: 'oci:/x', source: 'oci', size: 0, layers: [] })).toHaveProperty('size', 0);
  });

  it('is the same shape from an OCI layout, both docker-archive layouts and a folder', async () => {
    const layout = path.join(work, 'oci');
    const [built] = await writeOciLayout(layout, [{ tag: 'v1', layers: [layer] }]);
    const expectedLayer = { index: 0, diffId: built?.[0]?.diffId, digest: built?.[0]?.digest, size: built?.[0]?.blob.length, createdBy: 'ADD rootfs /' };
    const oci = await summaryOf(`oci:${layout}:v1`);
    expect(Object.keys(oci)).toEqual(['reference', 'source', 'id', 'manifestDigest', 'repoTags', 'repoDigests', 'os', 'architecture', 'created', 'size', 'layers']);
    expect(oci).toMatchObject({ source: 'oci', repoTags: ['v1'], repoDigests: [], size: expectedLayer.size, layers: [expectedLayer] });
    expect(Object.keys((oci.layers as object[])[0] ?? {})).toEqual(['index', 'diffId', 'digest', 'size', 'createdBy']);

    for (const style of ['legacy', 'oci'] as const) {
      const archive = path.join(work, `${style}.tar`);
      await writeFile(archive, await buildDockerArchive([{ layers: [layer], repoTags: ['app:1'], style }]));
      const summary = await summaryOf(`docker-archive:${archive}`);
      expect(Object.keys(summary)).toEqual(['reference', 'source', 'id', 'repoTags', 'repoDigests', 'os', 'architecture', 'created', 'size', 'layers']);
      expect(summary).toMatchObject({ source: 'docker-archive', id: oci.id, repoTags: ['app:1'], repoDigests: [] });
      // A legacy archive stores layers by diff id, so they have no blob digest.
      expect(Object.keys((summary.layers as object[])[0] ?? {})).toEqual(style === 'oci' ? ['index', 'diffId', 'digest', 'size', 'createdBy'] : ['index', 'diffId', 'size', 'createdBy']);
    }

    const rootfs = path.join(work, 'rootfs');
    await mkdir(path.join(rootfs, 'etc'), { recursive: true });
    expect(JSON.stringify(await summaryOf(`dir:${rootfs}`))).toBe(`{"reference":"dir:${rootfs}","source":"dir","repoTags":[],"repoDigests":[],"layers":[{"index":0}]}`);
  });
});
