/**
 * A real Docker Engine for tests: Debian's dockerd with the vfs storage driver and no networking
 * (image operations only), listening on a unix socket and on 127.0.0.1 with TLS verification. The
 * test setup generates a CA, server and client certificates with openssl, plus a client
 * certificate from a foreign CA that the daemon must refuse.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestDockerd {
  root: string;
  socket: string;
  /** tcp://127.0.0.1:<port>, TLS with client verification. */
  tcp: string;
  /** Folder with ca.pem, cert.pem, key.pem the daemon trusts. */
  certs: string;
  /** Folder with a client certificate from another CA. */
  foreignCerts: string;
  docker(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function openssl(args: string[], cwd: string): Promise<void> {
  await run('openssl', args, { cwd });
}

/** A CA and a certificate signed by it, in `folder` as ca.pem, cert.pem, key.pem (+ the CA key). */
async function certificateAuthority(folder: string, name: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '2', '-subj', `/CN=${name} CA`], folder);
}

async function signedCertificate(folder: string, caFolder: string, prefix: string, subject: string, extensions: string): Promise<void> {
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${prefix}key.pem`, '-out', `${prefix}.csr`, '-subj', subject], folder);
  await writeFile(path.join(folder, `${prefix}.ext`), extensions);
  await openssl(['x509', '-req', '-in', `${prefix}.csr`, '-CA', path.join(caFolder, 'ca.pem'), '-CAkey', path.join(caFolder, 'ca-key.pem'), '-CAcreateserial', '-out', `${prefix}cert.pem`, '-days', '2', '-extfile', `${prefix}.ext`], folder);
}

async function waitForSocket(docker: (args: string[]) => Promise<string>, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await docker(['version']);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`dockerd did not start: ${(error as Error).message}\n${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}

export async function startDockerd(): Promise<TestDockerd> {
  const root = await mkdtemp(path.join(tmpdir(), 'tollgate-dockerd-'));
  const certs = path.join(root, 'certs');
  const foreign = path.join(root, 'foreign');
  await certificateAuthority(certs, 'tollgate test');
  await signedCertificate(certs, certs, 'server-', '/CN=127.0.0.1', 'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n');
  await signedCertificate(certs, certs, '', '/CN=client', 'extendedKeyUsage = clientAuth\n');
  await certificateAuthority(foreign, 'foreign');
  await signedCertificate(foreign, foreign, '', '/CN=intruder', 'extendedKeyUsage = clientAuth\n');
  // The intruder's folder holds the daemon's real CA (so the server is trusted) but its own client pair.
  await run('cp', [path.join(certs, 'ca.pem'), path.join(foreign, 'ca.pem')]);

  const port = await freePort();
  const socket = path.join(root, 'docker.sock');
  let output = '';
  const daemon: ChildProcess = spawn('dockerd', [
    '--storage-driver=vfs', '--iptables=false', '--ip6tables=false', '--bridge=none', '--ip-masq=false',
    '--data-root', path.join(root, 'data'), '--exec-root', path.join(root, 'exec'), '--pidfile', path.join(root, 'docker.pid'),
    '-H', `unix://${socket}`, '-H', `tcp://127.0.0.1:${port}`,
    '--tlsverify', '--tlscacert', path.join(certs, 'ca.pem'), '--tlscert', path.join(certs, 'server-cert.pem'), '--tlskey', path.join(certs, 'server-key.pem'),
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  daemon.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  daemon.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const docker = async (args: string[]): Promise<string> => (await run('/usr/bin/docker', ['-H', `unix://${socket}`, ...args], { maxBuffer: 64 * 1024 * 1024 })).stdout;
  await waitForSocket(docker, () => output.slice(-3000));
  return {
    root,
    socket,
    tcp: `tcp://127.0.0.1:${port}`,
    certs,
    foreignCerts: foreign,
    docker,
    stop: async () => {
      daemon.kill('SIGTERM');
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          daemon.kill('SIGKILL');
          resolve(undefined);
        }, 15_000);
        daemon.on('exit', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
      await rm(root, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}
