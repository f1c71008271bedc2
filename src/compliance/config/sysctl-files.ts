/**
 * The kernel parameters a root filesystem configures, with the precedence of `sysctl --system`:
 * `*.conf` files of /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d, /usr/lib/sysctl.d and
 * /lib/sysctl.d, a file name in an earlier folder hiding the same name in a later one, applied in
 * order of file name, then /etc/sysctl.conf; the last assignment of a key wins.
 */
import type { Target } from '../targets/target.js';
import type { ConfigSetting } from './sshd-config.js';
import { readLinesIfPresent, withoutComment } from './text-files.js';

export const SYSCTL_DIRS = ['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d'];

/** `net/ipv4/ip_forward` and `net.ipv4.ip_forward` are one key. */
export function normalizeSysctlKey(key: string): string {
  return key.trim().replace(/\//g, '.');
}

export async function configuredSysctl(target: Target): Promise<Map<string, ConfigSetting>> {
  const byName = new Map<string, string>();
  for (const dir of SYSCTL_DIRS) {
    for (const name of (await target.listDir(dir)) ?? []) {
      if (name.endsWith('.conf') && !byName.has(name)) byName.set(name, `${dir}/${name}`);
    }
  }
  const files = [...byName.keys()].sort().map((name) => byName.get(name) as string);
  files.push('/etc/sysctl.conf');
  const settings = new Map<string, ConfigSetting>();
  for (const file of files) {
    for (const line of (await readLinesIfPresent(target, file)) ?? []) {
      const text = withoutComment(line.text.replace(/^\s*;.*$/, ''));
      const match = /^-?([^=\s]+)\s*=\s*(.*)$/.exec(text);
      if (!match) continue;
      settings.set(normalizeSysctlKey(match[1] as string), { value: (match[2] as string).trim(), file, line: line.line });
    }
  }
  return settings;
}
