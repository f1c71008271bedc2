import { PassThrough } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDraining } from './close-draining.js';

/** A server whose one route sends a first chunk, then the rest when `finish` is called (or never). */
async function slowServer(): Promise<{ app: FastifyInstance; url: string; finish: () => void }> {
  const app = Fastify();
  let body: PassThrough | undefined;
  app.get('/slow', (_request, reply) => {
    body = new PassThrough();
    body.write('first;');
    return reply.type('text/plain').send(body);
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url, finish: () => body?.end('rest') };
}

function settledWithin<T>(promise: Promise<T>, ms: number): Promise<'settled' | 'still waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<'still waiting'>((resolve) => (timer = setTimeout(() => resolve('still waiting'), ms)));
  return Promise.race([promise.then(() => 'settled' as const), waited]).finally(() => clearTimeout(timer));
}

describe('closing a server with a request in flight', () => {
  const opened: FastifyInstance[] = [];
  afterEach(async () => {
    for (const app of opened.splice(0)) app.server.closeAllConnections();
  });

  it('lets the response finish and closes its keep-alive connection then, not at the keep-alive timeout', async () => {
    const { app, url, finish } = await slowServer();
    opened.push(app);
    const response = await fetch(`${url}/slow`);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value, { stream: true });
    const closing = closeDraining(app, 60_000);
    finish();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toBe('first;rest');
    // Fastify keeps a connection alive for 72 s; Node's close waited that long for this one.
    expect(await settledWithin(closing, 10_000)).toBe('settled');
  });

  it('cuts a response that does not finish within the grace period', async () => {
    const { app, url } = await slowServer();
    opened.push(app);
    const response = await fetch(`${url}/slow`);
    const reading = response.text().then(
      () => 'ended',
      () => 'cut',
    );
    expect(await settledWithin(closeDraining(app, 300), 10_000)).toBe('settled');
    expect(await reading).toBe('cut');
  });
});
