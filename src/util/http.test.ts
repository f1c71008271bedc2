import { describe, expect, it } from 'vitest';
import { bodyStream } from './http.js';

function webStream(chunks: string[], options: { failAfter?: number; onCancel?: (reason: unknown) => void } = {}): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (options.failAfter !== undefined && index === options.failAfter) {
        controller.error(new Error('connection reset'));
        return;
      }
      const chunk = chunks[index++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(new TextEncoder().encode(chunk));
    },
    cancel: (reason) => options.onCancel?.(reason),
  });
}

async function text(stream: AsyncIterable<unknown>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString();
}

describe('a response body as a Node stream', () => {
  it('passes every byte in order and ends', async () => {
    expect(await text(bodyStream(webStream(['a', 'bc', '', 'def'])))).toBe('abcdef');
  });

  it('fails when the body fails', async () => {
    await expect(text(bodyStream(webStream(['a', 'b'], { failAfter: 1 })))).rejects.toThrow('connection reset');
  });

  it('cancels the body when the consumer gives up', async () => {
    let cancelled: unknown;
    const stream = bodyStream(webStream(['a', 'b', 'c'], { onCancel: (reason) => (cancelled = reason) }));
    const failed = new Promise((resolve) => stream.on('error', resolve));
    stream.destroy(new Error('digest mismatch'));
    expect(await failed).toEqual(new Error('digest mismatch'));
    expect(cancelled).toEqual(new Error('digest mismatch'));
  });
});
