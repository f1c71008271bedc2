/**
 * A fault on the way to a real Docker daemon: a unix-socket relay in front of the daemon's socket
 * that passes every request through and cuts off the next N image exports (`GET …/images/<id>/get`)
 * after their first bytes, as a daemon restart or a dropped connection does. Everything else (info,
 * inspect, events, tags) reaches the daemon unchanged. Test support: never used by Tollgate itself.
 */
import { connect, createServer, type Socket } from 'node:net';
import path from 'node:path';

/** Bytes of an export's answer let through before the connection is cut. */
const CUT_AFTER_BYTES = 1024 * 1024;
const EXPORT_REQUEST = /^GET \S*\/images\/[^\s/]+\/get[\s?]/m;

export interface ExportCutter {
  /** `unix://…` to give a client instead of the daemon's own address. */
  dockerHost: string;
  /** Cuts off the next `count` exports (Infinity: every one until told otherwise; 0: none). */
  cutNext(count: number): void;
  /** Exports cut off so far. */
  readonly cuts: number;
  close(): Promise<void>;
}

export async function startExportCutter(daemonSocket: string, folder: string): Promise<ExportCutter> {
  const socketPath = path.join(folder, `export-cutter-${process.pid}.sock`);
  let remaining = 0;
  let cuts = 0;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const daemon = connect(daemonSocket);
    open.add(client).add(daemon);
    let cutting = false;
    let passed = 0;
    const end = (): void => {
      client.destroy();
      daemon.destroy();
      open.delete(client);
      open.delete(daemon);
    };
    client.on('data', (chunk: Buffer) => {
      // Requests on one connection come one after another: an export's request is followed by its answer only.
      if (!cutting && remaining > 0 && EXPORT_REQUEST.test(chunk.toString('latin1'))) {
        remaining -= 1;
        cutting = true;
        passed = 0;
      }
      daemon.write(chunk);
    });
    daemon.on('data', (chunk: Buffer) => {
      if (!cutting) {
        client.write(chunk);
        return;
      }
      const room = CUT_AFTER_BYTES - passed;
      client.write(chunk.subarray(0, Math.max(0, room)));
      passed += chunk.length;
      if (passed >= CUT_AFTER_BYTES) {
        cuts += 1;
        end();
      }
    });
    client.on('error', end).on('close', end);
    daemon.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  return {
    dockerHost: `unix://${socketPath}`,
    cutNext(count) {
      remaining = count;
    },
    get cuts() {
      return cuts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
