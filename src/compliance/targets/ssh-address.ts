/**
 * `ssh://user@host[:port]` target specifications; the host or the user may be written `env.NAME`.
 */
import { UsageError } from '../../errors.js';
import { resolveEnvValue } from '../../util/env-values.js';

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
