/**
 * A TCP forwarder on loopback that caps the bandwidth from a server to its clients, shared by all
 * connections, like a network link. Both a scanner and its baseline talk to the registry through it,
 * so the comparison includes the transfer time a real pull has.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';

export interface ThrottledLink {
  port: number;
  close(): Promise<void>;
}

export async function startThrottledLink(targetPort: number, bytesPerSecond: number): Promise<ThrottledLink> {
  let nextFree = Date.now();
  const sockets = new Set<Socket>();
  const throttle = (): Transform =>
    new Transform({
      transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
        const start = Math.max(Date.now(), nextFree);
        nextFree = start + (chunk.length / bytesPerSecond) * 1000;
        setTimeout(() => callback(null, chunk), Math.max(0, nextFree - Date.now()));
      },
    });
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.pipe(throttle()).pipe(client);
    // When the server hangs up, the pipe ends the client after the delayed bytes are delivered;
    // only errors cut both sides at once.
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', () => upstream.destroy());
    upstream.on('error', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
