import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SPILL_THRESHOLD, type SeekableFileAnalyzer } from '../inventory/analyzer.js';
import { FileSelector } from '../inventory/file-selector.js';
import type { LayerEntry } from '../image/layer-entry.js';
import { analyzeLayer } from './layer-analysis.js';
import { ScratchSpace } from './scratch-space.js';

/** An entry that can only be streamed, in 64 KiB chunks: reading it whole fails. */
function streamedOnly(entryPath: string, content: Buffer): LayerEntry {
  return {
    path: entryPath,
    kind: 'file',
    size: content.length,
    mode: 0o644,
    read: () => Promise.reject(new Error(`${entryPath} was read whole`)),
    async readChunks(limit, onChunk) {
      if (content.length > limit) throw new Error(`${entryPath} is over ${limit} bytes`);
      for (let offset = 0; offset < content.length; offset += 65536) {
        if ((await onChunk(content.subarray(offset, offset + 65536))) === false) return;
      }
    },
  };
}

async function* entriesOf(...entries: LayerEntry[]): AsyncGenerator<LayerEntry> {
  yield* entries;
}

let savedTmp: string | undefined;
let privateTmp: string;
beforeEach(async () => {
  savedTmp = process.env.TMPDIR;
  privateTmp = await mkdtemp(path.join(tmpdir(), 'tollgate-layer-analysis-'));
  process.env.TMPDIR = privateTmp;
});
afterEach(async () => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  await rm(privateTmp, { recursive: true, force: true });
});

describe('files read by position', () => {
  it('every entry can be streamed: one without readChunks is no LayerEntry', () => {
    // @ts-expect-error readChunks is required: a file larger than memory may hold is always streamed to the scratch space
    const readWholeOnly: LayerEntry = { path: '/data/x.bin', kind: 'file', size: 0, read: () => Promise.resolve(Buffer.alloc(0)) };
    expect(readWholeOnly.kind).toBe('file');
  });

  it('a wanted file over the spill threshold is streamed to the scratch space, never read whole', async () => {
    const content = Buffer.alloc(SPILL_THRESHOLD + 65536 + 17);
    for (let index = 0; index < content.length; index++) content[index] = index % 253;
    const seen: { size: number; inMemory: boolean; tail: Buffer }[] = [];
    const reader: SeekableFileAnalyzer = {
      id: 'test-only-positional',
      version: 1,
      kind: 'seekable',
      patterns: ['data/*.bin'],
      async analyzeFile({ file, content: held }) {
        seen.push({ size: file.size, inMemory: held !== undefined, tail: await file.read(file.size - 4, 4) });
        return {};
      },
    };
    const scratch = new ScratchSpace(1 << 30);
    try {
      const analysis = await analyzeLayer(entriesOf(streamedOnly('/data/big.bin', content)), new FileSelector([reader]), { whiteouts: true, scratch });
      expect(analysis.files.map((file) => file.path)).toEqual(['/data/big.bin']);
    } finally {
      await scratch.dispose();
    }
    expect(seen).toEqual([{ size: content.length, inMemory: false, tail: content.subarray(content.length - 4) }]);
  });
});
