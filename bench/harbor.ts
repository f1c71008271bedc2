/**
 * Harbor adapter benchmark. Harbor gives a scanner adapter a few seconds per request, so what
 * matters is that every answer is quick whatever the report's size:
 * - turning a 10,000-finding scan into Harbor's report, against JSON.stringify of the scan (the
 *   least work any report does);
 * - `POST /api/v1/scan` (accept and queue) and `GET /api/v1/scan/{id}/report` of that report over
 *   loopback, medians of many, against a bare node:http server answering the same bytes on the
 *   same loopback (the floor of any HTTP answer).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHarborAdapter } from '../src/harbor/adapter.js';
import { harborReport } from '../src/harbor/harbor-report.js';
import { HarborClient, harborRequest } from '../test/support/harbor-client.js';
import type { Rows } from './compliance.js';
import { syntheticScan } from './render.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const REQUEST = { registry: { url: 'http://127.0.0.1:5000' }, artifact: { repository: 'library/app', digest: DIGEST } };

async function median(times: number, task: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = process.hrtime.bigint();
    await task();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] as number;
}

export async function benchHarbor(rows: Rows, results: Record<string, unknown>): Promise<void> {
  const scan = syntheticScan();
  const stringifyStart = process.hrtime.bigint();
  JSON.stringify(scan);
  const stringifyMs = Number(process.hrtime.bigint() - stringifyStart) / 1e6;
  const convertStart = process.hrtime.bigint();
  const report = harborReport(scan, REQUEST.artifact);
  const convertMs = Number(process.hrtime.bigint() - convertStart) / 1e6;
  const body = Buffer.from(JSON.stringify(report));

  const app = await createHarborAdapter({ scan: async () => report, describeError: String, refreshAfterSeconds: 1 });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const accepted = Buffer.from(JSON.stringify({ id: '0'.repeat(36) }));
  const floor = createServer((request, response) => {
    request.resume();
    const answer = request.method === 'POST' ? accepted : body;
    request.on('end', () => response.writeHead(request.method === 'POST' ? 202 : 200, { 'content-type': 'application/json', 'content-length': answer.length }).end(answer));
  });
  await new Promise<void>((resolve) => floor.listen(0, '127.0.0.1', resolve));
  const floorBase = `http://127.0.0.1:${(floor.address() as AddressInfo).port}`;
  try {
    const client = new HarborClient(base);
    const { id } = (await client.scan(REQUEST)).json() as { id: string };
    await app.scanQueue.idle();
    const submitMs = await median(200, () => client.scan(REQUEST));
    const submitFloorMs = await median(200, () => harborRequest(floorBase, 'POST', '/api/v1/scan', { body: JSON.stringify(REQUEST), headers: { 'content-type': 'application/json' } }));
    const reportMs = await median(50, () => client.report(id));
    const reportFloorMs = await median(50, () => harborRequest(floorBase, 'GET', '/report'));
    results.harbor = { findings: scan.findings.length, reportBytes: body.length, convertMs, jsonStringifyScanMs: stringifyMs, submitMedianMs: submitMs, submitFloorMedianMs: submitFloorMs, reportMedianMs: reportMs, reportFloorMedianMs: reportFloorMs };
    rows.push(['harbor: scan result -> Harbor report, 10,000 findings', `${convertMs.toFixed(0)} ms`, `JSON.stringify of the scan ${stringifyMs.toFixed(0)} ms`]);
    rows.push(['harbor: POST /api/v1/scan (median of 200)', `${submitMs.toFixed(2)} ms`, `bare node:http on loopback ${submitFloorMs.toFixed(2)} ms; Harbor allows ~5 s`]);
    rows.push([`harbor: GET report, ${(body.length / 1e6).toFixed(1)} MB (median of 50)`, `${reportMs.toFixed(1)} ms`, `bare node:http, same bytes ${reportFloorMs.toFixed(1)} ms`]);
  } finally {
    await app.close();
    await new Promise((resolve) => floor.close(resolve));
  }
}
