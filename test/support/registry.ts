/**
 * A real registry for tests: Debian's `docker-registry serve` on 127.0.0.1 with filesystem storage,
 * in three shapes: plain HTTP; TLS (openssl-made certificate) with htpasswd basic auth; and token
 * auth against a small token service started here, which signs RS256 JWTs with a key whose
 * certificate the registry trusts (`x5c` header). Images are pushed with skopeo.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createSign, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface RegistryShape {
  tls?: boolean;
  basicAuth?: { user: string; password: string };
  tokenAuth?: { user: string; password: string };
}

export interface TestRegistry {
  /** `127.0.0.1:<port>` */
  host: string;
  root: string;
  /** Everything the registry printed (its access log lists each request). */
  log(): string;
  push(source: string, repository: string, extra?: string[]): Promise<void>;
  stop(): Promise<void>;
  /** For token auth: how many tokens were issued. */
  tokensIssued: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createNetServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

const base64url = (value: Buffer | string): string => Buffer.from(value).toString('base64url');

function startTokenService(root: string, service: string, issuer: string, user: string, password: string, counter: { issued: number }): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = createHttpServer(async (request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      if (request.headers.authorization !== expected) {
        response.writeHead(401).end('{"errors":["bad credentials"]}');
        return;
      }
      const access = url.searchParams.getAll('scope').map((scope) => {
        const [type, name, actions] = scope.split(':');
        return { type, name, actions: (actions ?? '').split(',').filter(Boolean) };
      });
      const key = await readFile(path.join(root, 'token-key.pem'), 'utf8');
      const cert = (await readFile(path.join(root, 'token-cert.pem'), 'utf8')).replace(/-----[^-]+-----|\s/g, '');
      const now = Math.floor(Date.now() / 1000);
      const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5c: [cert] }));
      const claims = base64url(JSON.stringify({ iss: issuer, sub: user, aud: service, exp: now + 300, nbf: now - 30, iat: now, jti: randomUUID(), access }));
      const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(key);
      counter.issued += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `${header}.${claims}.${base64url(signature)}`, expires_in: 300 }));
    });
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

export async function startRegistry(shape: RegistryShape = {}): Promise<TestRegistry> {
  const root = await mkdtemp(path.join(tmpdir(), 'tollgate-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const lines = ['version: 0.1', 'log:', '  level: info', '  accesslog:', '    disabled: false', 'storage:', '  filesystem:', `    rootdirectory: ${path.join(root, 'data')}`, '  delete:', '    enabled: true', 'http:', `  addr: ${host}`, '  secret: tollgate-test-secret'];
  if (shape.tls) {
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'tls-key.pem', '-out', 'tls-cert.pem', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: root });
    lines.push('  tls:', `    certificate: ${path.join(root, 'tls-cert.pem')}`, `    key: ${path.join(root, 'tls-key.pem')}`);
  }
  if (shape.basicAuth) {
    const { stdout } = await run('htpasswd', ['-Bbn', shape.basicAuth.user, shape.basicAuth.password]);
    await writeFile(path.join(root, 'htpasswd'), stdout);
    lines.push('auth:', '  htpasswd:', '    realm: tollgate-test', `    path: ${path.join(root, 'htpasswd')}`);
  }
  const counter = { issued: 0 };
  let tokenServer: Server | undefined;
  if (shape.tokenAuth) {
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'token-key.pem', '-out', 'token-cert.pem', '-days', '2', '-subj', '/CN=tollgate token signer'], { cwd: root });
    const token = await startTokenService(root, 'tollgate-registry', 'tollgate-test-issuer', shape.tokenAuth.user, shape.tokenAuth.password, counter);
    tokenServer = token.server;
    lines.push('auth:', '  token:', `    realm: ${token.url}/token`, '    service: tollgate-registry', '    issuer: tollgate-test-issuer', `    rootcertbundle: ${path.join(root, 'token-cert.pem')}`);
  }
  await writeFile(path.join(root, 'config.yml'), `${lines.join('\n')}\n`);
  let output = '';
  const registry: ChildProcess = spawn('docker-registry', ['serve', path.join(root, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  registry.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  registry.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const scheme = shape.tls ? 'https' : 'http';
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await run('curl', ['-s', '-k', '-o', '/dev/null', `${scheme}://${host}/v2/`]);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`docker-registry did not start:\n${output.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const credentials = shape.basicAuth ?? shape.tokenAuth;
  const result: TestRegistry = {
    host,
    root,
    log: () => output,
    tokensIssued: 0,
    push: async (source, repository, extra = []) => {
      await run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', ...(credentials ? ['--dest-creds', `${credentials.user}:${credentials.password}`] : []), ...extra, source, `docker://${host}/${repository}`]);
    },
    stop: async () => {
      registry.kill('SIGTERM');
      await new Promise((resolve) => (registry.exitCode === null ? registry.on('exit', resolve) : resolve(undefined)));
      tokenServer?.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  Object.defineProperty(result, 'tokensIssued', { get: () => counter.issued });
  return result;
}
