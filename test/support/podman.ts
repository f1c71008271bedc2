/**
 * A real Podman service for tests: Debian's podman serving its Docker-compatible API on a unix
 * socket (`podman system service`), rootful, with vfs storage, cgroupfs and file events in a
 * private folder: image operations only, nothing of the machine's own Podman state is touched.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestPodman {
  socket: string;
  /** The podman command line on the service's own storage. */
  podman(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startPodman(): Promise<TestPodman> {
  const root = await mkdtemp(path.join(tmpdir(), 'tollgate-podman-'));
  const socket = path.join(root, 'podman.sock');
  const global = ['--root', path.join(root, 'storage'), '--runroot', path.join(root, 'run'), '--tmpdir', path.join(root, 'tmp'), '--storage-driver', 'vfs', '--cgroup-manager', 'cgroupfs', '--events-backend', 'file'];
  const podman = async (args: string[]): Promise<string> => (await run('podman', [...global, ...args], { maxBuffer: 64 * 1024 * 1024 })).stdout;
  let output = '';
  const service: ChildProcess = spawn('podman', [...global, 'system', 'service', '--time', '0', `unix://${socket}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  service.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  service.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => service.on('exit', resolve));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await run('curl', ['--silent', '--fail', '--unix-socket', socket, 'http://podman/_ping']);
      break;
    } catch (error) {
      if (Date.now() > deadline || service.exitCode !== null) {
        service.kill('SIGKILL');
        await rm(root, { recursive: true, force: true }).catch(() => undefined);
        throw new Error(`podman system service did not start: ${(error as Error).message}\n${output.slice(-3000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
  return {
    socket,
    podman,
    stop: async () => {
      service.kill('SIGTERM');
      const timer = setTimeout(() => service.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      await rm(root, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}
