import { mkdtemp, readdir, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HostileInputError, ScanError } from '../errors.js';
import { MAX_READ_LENGTH, ScratchSpace, heldInMemory } from './scratch-space.js';

let work: string;
let savedTmp: string | undefined;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-scratch-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});
beforeEach(async () => {
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = await mkdtemp(path.join(work, 'tmp-'));
});
afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
});

const bytes = Buffer.from(Array.from({ length: 300 }, (_, index) => index % 256));

async function spilled(scratch: ScratchSpace, content: Buffer, chunk = 7) {
  const writer = await scratch.spill();
  for (let offset = 0; offset < content.length; offset += chunk) await writer.write(content.subarray(offset, offset + chunk));
  return writer.finish();
}

describe('files read by position', () => {
  it('from memory and from a spill, the same bytes for the same ranges, none past the end', async () => {
    const scratch = new ScratchSpace(1 << 20);
    try {
      for (const file of [heldInMemory(bytes), await spilled(scratch, bytes)]) {
        expect(file.size).toBe(300);
        expect(await file.read(0, 4)).toEqual(bytes.subarray(0, 4));
        expect(await file.read(290, 100)).toEqual(bytes.subarray(290));
        expect(await file.read(300, 10)).toHaveLength(0);
        expect(await file.read(5000, 10)).toHaveLength(0);
        expect(await file.read(10, 0)).toHaveLength(0);
      }
    } finally {
      await scratch.dispose();
    }
  });

  it('refuse negative, fractional and oversized requests with a RangeError', async () => {
    const scratch = new ScratchSpace(1 << 20);
    try {
      for (const file of [heldInMemory(bytes), await spilled(scratch, bytes)]) {
        await expect(file.read(-1, 4)).rejects.toThrow(RangeError);
        await expect(file.read(1.5, 4)).rejects.toThrow(RangeError);
        await expect(file.read(0, MAX_READ_LENGTH + 1)).rejects.toThrow(/at most 64\.0 MiB per read/);
      }
    } finally {
      await scratch.dispose();
    }
  });
});

describe('the scan’s temporary folder', () => {
  it('is created only when a file is spilled, under TMPDIR, private to the user, with names that are counters', async () => {
    const scratch = new ScratchSpace(1 << 20);
    expect(scratch.location).toBeUndefined();
    await scratch.dispose();
    expect(await readdir(tmpdir())).toEqual([]);

    const used = new ScratchSpace(1 << 20);
    await spilled(used, bytes);
    await spilled(used, bytes);
    const folder = used.location as string;
    expect(path.dirname(folder)).toBe(tmpdir());
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    expect((await readdir(folder)).sort()).toEqual(['spill-0', 'spill-1']);
    await used.dispose();
    await used.dispose();
    expect(await readdir(tmpdir())).toEqual([]);
  });

  it('frees a released file at once, and refuses to read it after', async () => {
    const scratch = new ScratchSpace(1 << 20);
    try {
      const file = await spilled(scratch, bytes);
      await file.release();
      expect(await readdir(scratch.location as string)).toEqual([]);
      await expect(file.read(0, 1)).rejects.toThrow(/after its release/);
    } finally {
      await scratch.dispose();
    }
  });

  it('holds at most its bound at once: a spill beyond it is a HostileInputError, a released file makes room', async () => {
    const scratch = new ScratchSpace(500);
    try {
      const first = await spilled(scratch, bytes);
      await expect(spilled(scratch, bytes)).rejects.toThrow(HostileInputError);
      await first.release();
      await expect(spilled(scratch, bytes)).resolves.toMatchObject({ size: 300 });
    } finally {
      await scratch.dispose();
    }
  });

  it('after the scan ended, refuses a new spill rather than create the folder again', async () => {
    const scratch = new ScratchSpace(1 << 20);
    await spilled(scratch, bytes);
    await scratch.dispose();
    await expect(scratch.spill()).rejects.toThrow(ScanError);
    expect(await readdir(tmpdir())).toEqual([]);
  });

  it.skipIf(process.platform !== 'linux')('closes the handles still open on its files before it removes them: a spill being written, a spilled file being read', async () => {
    const scratch = new ScratchSpace(1 << 20);
    const read = await spilled(scratch, bytes);
    expect(await read.read(0, 4)).toEqual(bytes.subarray(0, 4));
    const writing = await scratch.spill();
    await writing.write(bytes);
    const folder = scratch.location as string;
    expect(await handlesInto(folder)).toHaveLength(2);
    await scratch.dispose();
    expect(await handlesInto(folder)).toEqual([]);
    await expect(read.read(0, 1)).rejects.toThrow(/after its release/);
    expect(await readdir(tmpdir())).toEqual([]);
  });
});

/** The files this process holds open under `folder`, as Linux shows them (a deleted one too). */
async function handlesInto(folder: string): Promise<string[]> {
  const found: string[] = [];
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(path.join('/proc/self/fd', fd)).catch(() => '');
    if (target.startsWith(`${folder}/`)) found.push(target);
  }
  return found;
}
