/**
 * Target specifications: `local`, `dir:<path>`, `ssh://user@host[:port]`, `image:<ref>`; any of
 * them, or a host or user inside them, may be written `env.NAME`.
 */
import { realpath, stat } from 'node:fs/promises';
import { UsageError } from '../../errors.js';
import type { AuthenticationRecord } from '../credentials.js';
import { resolveEnvValue } from '../env-values.js';
import { FilesystemTarget } from './filesystem-target.js';
import { TargetUnavailableError, type Target } from './target.js';

export interface OpenTargetOptions {
  /** The authentication record for SSH targets. */
  record?: AuthenticationRecord;
  sshHostKey?: string;
  knownHostsFiles?: string[];
  connectTimeoutMs?: number;
}

export interface SshAddress {
  user?: string;
  host: string;
  port: number;
}

export function parseSshAddress(spec: string): SshAddress {
  const match = /^ssh:\/\/(?:([^@/]+)@)?(\[[^\]]+\]|[^:/@]+)(?::(\d+))?\/?$/.exec(spec);
  if (!match) throw new UsageError(`target "${spec}": expected ssh://user@host[:port]`);
  const port = match[3] === undefined ? 22 : Number(match[3]);
  if (!(port > 0 && port < 65536)) throw new UsageError(`target "${spec}": port ${match[3]} is not a TCP port`);
  const user = match[1] === undefined ? undefined : resolveEnvValue(decodeURIComponent(match[1]), `target ${spec}, user`);
  const host = resolveEnvValue((match[2] as string).replace(/^\[(.*)\]$/, '$1'), `target ${spec}, host`);
  return { ...(user ? { user } : {}), host, port };
}

export async function openTarget(rawSpec: string, options: OpenTargetOptions = {}): Promise<Target> {
  const spec = resolveEnvValue(rawSpec, 'target');
  if (spec === 'local') return new FilesystemTarget('local', 'local', '/', true);
  if (spec.startsWith('dir:')) {
    const dir = spec.slice(4);
    let root: string;
    try {
      root = await realpath(dir);
      if (!(await stat(root)).isDirectory()) throw new Error('not a folder');
    } catch {
      throw new TargetUnavailableError(`target ${spec}: ${dir} is not a readable folder`);
    }
    return new FilesystemTarget('dir', `dir:${root}`, root, false);
  }
  if (spec.startsWith('ssh://')) {
    const address = parseSshAddress(spec);
    const record = options.record;
    if (!record) throw new UsageError(`target ${spec} needs credentials: --credentials <file> --auth <record name>`);
    const username = address.user ?? record.username;
    if (address.user && address.user !== record.username) throw new UsageError(`target ${spec} names user ${address.user} but authentication record "${record.name}" is for ${record.username}`);
    const { SshTarget } = await import('./ssh-target.js');
    return SshTarget.connect({
      host: address.host,
      port: address.port,
      record: { ...record, username },
      connectTimeoutMs: options.connectTimeoutMs ?? 20_000,
      ...(options.sshHostKey ? { hostKey: options.sshHostKey } : {}),
      ...(options.knownHostsFiles ? { knownHostsFiles: options.knownHostsFiles } : {}),
    });
  }
  if (spec.startsWith('image:')) {
    const { ImageTarget } = await import('./image-target.js');
    return ImageTarget.open(spec.slice(6));
  }
  throw new UsageError(`unknown target "${spec}": use local, dir:<path>, ssh://user@host[:port] or image:<ref>`);
}
