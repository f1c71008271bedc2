import { open } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { MAGIC, hasAnyMagic, hasMagic, prefixLength } from './magic.js';

/** The first bytes of a real file on this machine. */
async function prefixOf(file: string, length: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

describe('magic bytes', () => {
  it('recognise the ELF executable running this test, and nothing else in it', async () => {
    const node = await prefixOf(process.execPath, 64);
    expect(hasMagic(node, MAGIC.elf)).toBe(true);
    expect(hasAnyMagic(node, [MAGIC.zip, MAGIC.gzip, MAGIC.sqlite, MAGIC.machO64])).toBe(false);
  });

  it('recognise a gzip stream as Node writes it', async () => {
    const { gzipSync } = await import('node:zlib');
    expect(hasMagic(gzipSync('x'), MAGIC.gzip)).toBe(true);
  });

  it('look at their offset: a Berkeley DB hash database carries its magic at byte 12', () => {
    const header = Buffer.alloc(512);
    header.writeUInt32LE(0x00061561, 12);
    expect(hasMagic(header, MAGIC.berkeleyDbHash)).toBe(true);
    expect(hasMagic(header.subarray(4), MAGIC.berkeleyDbHash)).toBe(false);
  });

  it('never match a prefix too short to hold them', () => {
    expect(hasMagic(Buffer.from([0x7f, 0x45, 0x4c]), MAGIC.elf)).toBe(false);
    expect(hasMagic(Buffer.alloc(0), MAGIC.portableExecutable)).toBe(false);
  });

  it('say how many bytes a walk must peek to decide them all', () => {
    expect(prefixLength([MAGIC.elf, MAGIC.zip])).toBe(4);
    expect(prefixLength([MAGIC.elf, MAGIC.berkeleyDbHash])).toBe(16);
    expect(prefixLength([MAGIC.sqlite])).toBe(16);
    expect(prefixLength([])).toBe(0);
  });
});
