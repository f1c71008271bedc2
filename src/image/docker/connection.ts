/**
 * Connecting to a Docker Engine (or Podman's Docker-compatible socket) with dockerode: the address
 * from --docker-host, DOCKER_HOST or the default socket (only unix:// and tcp://), TLS from
 * --docker-cert-path / DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem) and DOCKER_TLS_VERIFY, and the
 * API version negotiated with the daemon so that older engines (Docker 20.10 speaks up to 1.41)
 * are never sent paths they reject. Connection and TLS failures become clear ScanErrors.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import DockerModem from 'docker-modem';
import { ScanError, UsageError, messageOf } from '../../errors.js';

/** The newest Engine API version this code is written against. */
export const MAX_API_VERSION = '1.45';
export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

export type DockerAddress = { kind: 'unix'; socketPath: string; text: string } | { kind: 'tcp'; host: string; port: number; text: string };

export interface DockerConnectionOptions {
  dockerHost?: string;
  certPath?: string;
  env?: NodeJS.ProcessEnv;
}

export function parseDockerHost(text: string): DockerAddress {
  if (text.startsWith('unix://')) {
    const socketPath = text.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new UsageError(`invalid Docker host "${text}": unix:// needs an absolute socket path`);
    return { kind: 'unix', socketPath, text };
  }
  if (text.startsWith('tcp://')) {
    const match = /^tcp:\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(text);
    if (!match) throw new UsageError(`invalid Docker host "${text}": expected tcp://host:port`);
    return { kind: 'tcp', host: (match[1] as string).replace(/^\[|\]$/g, ''), port: Number(match[2] ?? 2375), text };
  }
  throw new UsageError(`unsupported Docker host "${text}": use unix:///path/to/docker.sock or tcp://host:port`);
}

function readCertFile(folder: string, name: string): Buffer {
  const file = path.join(folder, name);
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UsageError(`cannot read the Docker TLS file ${file} (${(error as NodeJS.ErrnoException).code ?? messageOf(error)})`, { hint: 'set --docker-cert-path or DOCKER_CERT_PATH to a folder with ca.pem, cert.pem and key.pem' });
  }
}

function modemOptions(address: DockerAddress, options: DockerConnectionOptions): Docker.DockerOptions {
  if (address.kind === 'unix') return { socketPath: address.socketPath };
  const env = options.env ?? process.env;
  const verify = env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '' && env.DOCKER_TLS_VERIFY !== '0';
  const certPath = options.certPath ?? env.DOCKER_CERT_PATH ?? (verify ? path.join(homedir(), '.docker') : undefined);
  if (!certPath) return { host: address.host, port: address.port, protocol: 'http' };
  return { host: address.host, port: address.port, protocol: 'https', ca: readCertFile(certPath, 'ca.pem'), cert: readCertFile(certPath, 'cert.pem'), key: readCertFile(certPath, 'key.pem') };
}

function compareApiVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** Explains a failure to talk to the daemon in the user's terms. */
export function describeDockerError(error: unknown, address: DockerAddress): ScanError {
  const code = (error as NodeJS.ErrnoException).code;
  const message = messageOf(error);
  if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES') {
    return new ScanError(`cannot reach the Docker daemon at ${address.text} (${code})`, { hint: 'is the daemon running, and is --docker-host / DOCKER_HOST right?', cause: error });
  }
  if (/certificate|ssl|tls|handshake|alert/i.test(message) || /^ERR_TLS|^ERR_SSL|EPROTO|DEPTH_ZERO|UNABLE_TO_VERIFY/.test(code ?? '')) {
    return new ScanError(`TLS with the Docker daemon at ${address.text} failed: ${message}`, { hint: 'check that ca.pem signed the daemon certificate and that the daemon trusts cert.pem', cause: error });
  }
  if (error instanceof ScanError) return error;
  return new ScanError(`the Docker daemon at ${address.text} answered with an error: ${message}`, { cause: error });
}

export interface DockerConnection {
  address: DockerAddress;
  apiVersion: string;
  /** dockerode's own transport, for the plain requests a scan makes (version, inspect, export). */
  modem: DockerModem;
  /** dockerode, loaded when a tag, a listing or an event stream needs it. */
  docker(): Promise<Docker>;
}

/** One request through the modem, as dockerode makes them. */
export function dial<T>(modem: DockerModem, options: DockerModem.DialOptions): Promise<T> {
  return new Promise((resolve, reject) => modem.dial(options, (error, result) => (error ? reject(error) : resolve(result as T))));
}

/** Connects and negotiates the API version: the lower of the daemon's and ours. */
export async function connectDocker(options: DockerConnectionOptions = {}): Promise<DockerConnection> {
  const env = options.env ?? process.env;
  const address = parseDockerHost(options.dockerHost ?? (env.DOCKER_HOST || DEFAULT_DOCKER_HOST));
  const base = modemOptions(address, options);
  let daemonVersion: string;
  try {
    const info = await dial<{ ApiVersion?: string }>(new DockerModem({ ...base, timeout: 15_000 } as DockerModem.ConstructorOptions), { path: '/version', method: 'GET', statusCodes: { 200: true, 500: 'server error' } });
    daemonVersion = info.ApiVersion ?? '1.24';
  } catch (error) {
    throw describeDockerError(error, address);
  }
  const apiVersion = compareApiVersions(daemonVersion, MAX_API_VERSION) < 0 ? daemonVersion : MAX_API_VERSION;
  const versioned = { ...base, version: `v${apiVersion}` };
  let dockerode: Docker | undefined;
  return {
    address,
    apiVersion,
    modem: new DockerModem(versioned as DockerModem.ConstructorOptions),
    docker: async () => {
      dockerode ??= new (await import('dockerode')).default(versioned);
      return dockerode;
    },
  };
}
