/**
 * Host key verification for SSH targets: a pinned `SHA256:` fingerprint, or the entries of a
 * known_hosts file (plain and hashed host names, `[host]:port` for other ports). An unknown key
 * and a changed key are both refused; the messages tell which, and what to do.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

export type HostKeyVerdict = { accepted: true } | { accepted: false; reason: string };

function hostMatches(pattern: string, names: readonly string[]): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    return names.some((name) => createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash);
  }
  return pattern.split(',').some((entry) => names.includes(entry));
}

/** The names a host is recorded under: `host` for port 22, `[host]:port` otherwise. */
export function knownHostNames(host: string, port: number): string[] {
  return port === 22 ? [host, `[${host}]:22`] : [`[${host}]:${port}`];
}

export function verifyHostKey(keyBlob: Buffer, options: { host: string; port: number; pinned?: string; knownHostsFiles: readonly string[] }): HostKeyVerdict {
  const fingerprint = fingerprintOf(keyBlob);
  if (options.pinned) {
    const pinned = options.pinned.startsWith('SHA256:') ? options.pinned : `SHA256:${options.pinned}`;
    if (pinned.replace(/=+$/, '') === fingerprint) return { accepted: true };
    return { accepted: false, reason: `host key of ${options.host}:${options.port} is ${fingerprint}, not the pinned ${pinned}: refusing to connect (the key changed, or someone is in the middle)` };
  }
  const names = knownHostNames(options.host, options.port);
  const keyBase64 = keyBlob.toString('base64');
  let sawHost = false;
  for (const file of options.knownHostsFiles) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 3 || fields[0]?.startsWith('#')) continue;
      const marker = fields[0]?.startsWith('@') ? fields.shift() : undefined;
      const [hosts, , key] = fields;
      if (!hosts || !key || !hostMatches(hosts, names)) continue;
      if (marker === '@revoked' && key === keyBase64) return { accepted: false, reason: `host key of ${options.host} (${fingerprint}) is marked @revoked in ${file}` };
      if (marker) continue;
      if (key === keyBase64) return { accepted: true };
      sawHost = true;
    }
  }
  if (sawHost) return { accepted: false, reason: `host key of ${names[0]} has CHANGED (now ${fingerprint}) and does not match known_hosts: refusing to connect; if the change is expected, update known_hosts or pin the new key with --ssh-host-key ${fingerprint}` };
  return { accepted: false, reason: `host key of ${names[0]} (${fingerprint}) is not in known_hosts (${options.knownHostsFiles.join(', ')}): refusing an unknown host; add it to known_hosts or pin it with --ssh-host-key ${fingerprint}` };
}
