/**
 * A webhook receiver on loopback for tests: records each delivery; the first `failFirst` answers
 * are 500, to prove the sender retries.
 */
import { createServer, type Server } from 'node:http';
import type { JsonBody } from './harness.js';

export interface WebhookReceiver {
  url: string;
  deliveries: { body: JsonBody; signature?: string }[];
  attempts: number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(failFirst = 0): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = { url: '', deliveries: [], attempts: 0, close: () => Promise.resolve() };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      receiver.attempts += 1;
      if (receiver.attempts <= failFirst) {
        response.writeHead(500).end();
        return;
      }
      const signature = request.headers['x-tollgate-signature'];
      receiver.deliveries.push({ body: JSON.parse(body), ...(typeof signature === 'string' ? { signature } : {}) });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  receiver.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}
