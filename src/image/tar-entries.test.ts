import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { HostileInputError, ImageError } from '../errors.js';
import { compress, makeTar, sha256 } from '../../test/support/image-builder.js';
import { resolveLimits } from './limits.js';
import { readLayerBlob } from './tar-entries.js';
import type { LayerDigests } from './layer-decoder.js';

async function collectEntries(blob: Buffer, expect: { diffId?: string; digest?: string } = {}, limits = resolveLimits()) {
  const seen: { path: string; kind: string; content?: string; linkTarget?: string }[] = [];
  let digests: LayerDigests | undefined;
  for await (const entry of readLayerBlob(Readable.from([blob]), { label: 'layer 0', ...expect }, limits, (d) => (digests = d))) {
    seen.push({
      path: entry.path,
      kind: entry.kind,
      ...(entry.kind === 'file' ? { content: (await entry.read(1 << 20)).toString() } : {}),
      ...(entry.linkTarget === undefined ? {} : { linkTarget: entry.linkTarget }),
    });
  }
  return { seen, digests };
}

const sample = [
  { type: 'directory' as const, name: './etc/' },
  { type: 'file' as const, name: './etc/os-release', content: 'ID=debian\n' },
  { type: 'symlink' as const, name: 'usr/bin/sh', target: '/bin/dash' },
  { type: 'link' as const, name: 'etc/hard', target: './etc/os-release' },
];

describe('reading layer blobs', () => {
  it.each(['gzip', 'zstd', 'none'] as const)('reads a %s layer, normalises names and verifies both digests', async (compression) => {
    const tar = await makeTar(sample);
    const blob = compress(tar, compression);
    const { seen, digests } = await collectEntries(blob, { diffId: sha256(tar), digest: sha256(blob) });
    expect(seen).toEqual([
      { path: '/etc', kind: 'directory' },
      { path: '/etc/os-release', kind: 'file', content: 'ID=debian\n' },
      { path: '/usr/bin/sh', kind: 'symlink', linkTarget: '/bin/dash' },
      { path: '/etc/hard', kind: 'hardlink', linkTarget: '/etc/os-release' },
    ]);
    expect(digests).toMatchObject({ compression, diffId: sha256(tar), digest: sha256(blob), uncompressedBytes: tar.length });
  });

  it('skips content nobody reads and still verifies the diff id', async () => {
    const tar = await makeTar([{ type: 'file', name: 'big', content: Buffer.alloc(300_000, 7) }, { type: 'file', name: 'small', content: 'x' }]);
    const paths: string[] = [];
    for await (const entry of readLayerBlob(Readable.from([gzipSync(tar)]), { label: 'l', diffId: sha256(tar) }, resolveLimits())) paths.push(entry.path);
    expect(paths).toEqual(['/big', '/small']);
  });

  it('refuses a diff id mismatch after the last entry', async () => {
    const tar = await makeTar(sample);
    await expect(collectEntries(gzipSync(tar), { diffId: sha256('something else') })).rejects.toThrow(/diff id mismatch/);
  });

  it('refuses a blob digest mismatch', async () => {
    const tar = await makeTar(sample);
    await expect(collectEntries(gzipSync(tar), { digest: sha256('x') })).rejects.toThrow(/blob digest mismatch/);
  });

  it('refuses an entry that climbs out of the root with ..', async () => {
    const tar = await makeTar([{ type: 'file', name: '../../etc/cron.d/evil', content: 'x' }]);
    await expect(collectEntries(gzipSync(tar))).rejects.toBeInstanceOf(HostileInputError);
    await expect(collectEntries(gzipSync(tar))).rejects.toThrow(/climbs out of the image root/);
  });

  it('refuses a hard link that climbs out of the root', async () => {
    const tar = await makeTar([{ type: 'link', name: 'etc/shadow', target: '../../../etc/shadow' }]);
    await expect(collectEntries(tar)).rejects.toBeInstanceOf(HostileInputError);
  });

  it('keeps absolute and climbing symlink targets as data: they are resolved inside the root later', async () => {
    const tar = await makeTar([{ type: 'symlink', name: 'a/b', target: '../../../../etc/shadow' }]);
    const { seen } = await collectEntries(tar);
    expect(seen).toEqual([{ path: '/a/b', kind: 'symlink', linkTarget: '../../../../etc/shadow' }]);
  });

  it('reports a truncated gzip layer clearly', async () => {
    const blob = gzipSync(await makeTar(sample));
    const error = await collectEntries(blob.subarray(0, blob.length - 20)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageError);
    expect((error as Error).message).toMatch(/layer 0: .*(truncated|corrupt|unexpected end)/i);
  });

  it('reports a truncated uncompressed tar clearly', async () => {
    const tar = await makeTar([{ type: 'file', name: 'f', content: Buffer.alloc(5000, 1) }]);
    const error = await collectEntries(tar.subarray(0, 2048)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageError);
  });

  it('reports a corrupt tar header clearly', async () => {
    const tar = await makeTar(sample);
    tar.fill(0x41, 0, 100);
    const error = await collectEntries(gzipSync(tar)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageError);
    expect((error as Error).message).toMatch(/layer 0: not a readable tar/);
  });

  it('refuses garbage that is neither tar nor a known compression', async () => {
    await expect(collectEntries(Buffer.from('this is not an archive at all, just text'.repeat(20)))).rejects.toBeInstanceOf(ImageError);
  });

  it('stops a decompression bomb by ratio', async () => {
    const bomb = await makeTar([{ type: 'file', name: 'zeros', content: Buffer.alloc(8 * 1024 * 1024) }]);
    const limits = resolveLimits({ bombRatioFloorBytes: 1024 * 1024, maxCompressionRatio: 50 });
    const walk = async () => {
      for await (const entry of readLayerBlob(Readable.from([gzipSync(bomb)]), { label: 'layer 0' }, limits)) void entry;
    };
    const error = await walk().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostileInputError);
    expect((error as Error).message).toMatch(/decompression bomb/);
  });

  it('stops a layer past the size limit', async () => {
    const tar = await makeTar([{ type: 'file', name: 'f', content: Buffer.alloc(200_000, 3) }]);
    await expect(collectEntries(gzipSync(tar), {}, resolveLimits({ maxLayerBytes: 100_000 }))).rejects.toThrow(/more than 97\.7 KiB uncompressed/);
  });

  it('stops a layer past the entry count limit', async () => {
    const entries = Array.from({ length: 50 }, (_, i) => ({ type: 'file' as const, name: `f${i}`, content: 'x' }));
    await expect(collectEntries(await makeTar(entries), {}, resolveLimits({ maxLayerEntries: 10 }))).rejects.toThrow(/more than 10 entries/);
  });

  it('refuses to read a file above the caller limit', async () => {
    const tar = await makeTar([{ type: 'file', name: 'var/lib/dpkg/status', content: Buffer.alloc(4096, 65) }]);
    const read = async () => {
      for await (const entry of readLayerBlob(Readable.from([tar]), { label: 'layer 0' }, resolveLimits())) await entry.read(1024);
    };
    await expect(read()).rejects.toThrow(/\/var\/lib\/dpkg\/status is 4\.0 KiB, over the 1\.0 KiB limit/);
  });

  it('reads long names written as pax headers', async () => {
    const long = `${'deep/'.repeat(40)}package.json`;
    const { seen } = await collectEntries(await makeTar([{ type: 'file', name: long, content: '{}' }]));
    expect(seen[0]?.path).toBe(`/${long}`);
  });
});
