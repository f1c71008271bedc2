import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImageError } from '../errors.js';
import { makeTar } from '../../test/support/image-builder.js';
import { indexTarFile } from './tar-index.js';

async function indexOf(bytes: Buffer) {
  const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-tarindex-'));
  const file = path.join(dir, 'a.tar');
  await writeFile(file, bytes);
  const handle = await open(file);
  try {
    return await indexTarFile(handle, bytes.length, file, 1000);
  } finally {
    await handle.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('indexing a tar file for random access', () => {
  it('finds every member with offsets that point at its content', async () => {
    const long = `${'x'.repeat(120)}/layer.tar`;
    const tar = await makeTar([
      { type: 'file', name: 'manifest.json', content: '[1]' },
      { type: 'directory', name: 'abc' },
      { type: 'file', name: long, content: 'LAYER-BYTES' },
      { type: 'symlink', name: 'abc/layer.tar', target: `../${long}` },
    ]);
    const index = await indexOf(tar);
    expect([...index.keys()]).toEqual(['manifest.json', 'abc', long, 'abc/layer.tar']);
    const layer = index.get(long);
    expect(layer?.type).toBe('file');
    expect(tar.subarray(layer?.offset, (layer?.offset ?? 0) + (layer?.size ?? 0)).toString()).toBe('LAYER-BYTES');
    expect(index.get('abc/layer.tar')).toMatchObject({ type: 'symlink', linkname: `../${long}` });
  });

  it('refuses a header with a bad checksum', async () => {
    const tar = await makeTar([{ type: 'file', name: 'a', content: 'x' }]);
    tar[0] = 0x7a;
    await expect(indexOf(tar)).rejects.toThrow(/bad checksum/);
  });

  it('refuses a member that runs past the end of the file', async () => {
    const tar = await makeTar([{ type: 'file', name: 'a', content: Buffer.alloc(4000, 1) }]);
    await expect(indexOf(tar.subarray(0, 1536))).rejects.toBeInstanceOf(ImageError);
  });

  it('refuses a partial header at the end', async () => {
    const tar = await makeTar([{ type: 'file', name: 'a', content: 'x' }]);
    await expect(indexOf(tar.subarray(0, 1024 + 100))).rejects.toThrow(/truncated/);
  });
});
