/**
 * The root filesystem SCAP evaluation is compared on: the compliance fixture (debootstrap'd
 * bookworm with OpenSSH, sudo, cron, rsyslog, logrotate) plus linux-base (the content's "system with
 * kernel" platform; without it most rules are notapplicable), with deliberate misconfigurations that
 * Debian's SCAP content checks, and OpenSCAP installed inside it, so `oscap` can run in the tree
 * with `chroot` (its offline mode, OSCAP_PROBE_ROOT, cannot read the tree's dpkg database and
 * calls package-dependent rules "notapplicable"). Built once and cached; tests never change it.
 */
import { execFile } from 'node:child_process';
import { chmod, chown, copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureComplianceRootfs } from './compliance-rootfs.js';
import { buildOnce } from './fixture-cache.js';

const run = promisify(execFile);

/** What is wrong in the tree, on purpose (each one a rule of the content fails on it). */
export const SCAP_MISCONFIGURATIONS = [
  '/etc/shadow readable by everyone (0644)',
  '/etc/passwd group-owned by daemon',
  'sshd: PermitRootLogin yes, PermitEmptyPasswords yes',
  'sysctl: fs.suid_dumpable = 1, kernel.randomize_va_space = 0 in /etc/sysctl.d',
  '/etc/gshadow owned by uid 1',
];

export async function ensureScapRootfs(): Promise<string> {
  const source = await ensureComplianceRootfs();
  const dir = await buildOnce('scap-rootfs', 2, async (work) => {
    const root = path.join(work, 'rootfs');
    await run('cp', ['-a', source, root]);
    await chmod(path.join(root, 'etc/shadow'), 0o644);
    await chown(path.join(root, 'etc/passwd'), 0, 1);
    await chown(path.join(root, 'etc/gshadow'), 1, 42);
    await writeFile(path.join(root, 'etc/ssh/sshd_config.d/90-weak.conf'), 'PermitRootLogin yes\nPermitEmptyPasswords yes\n');
    await mkdir(path.join(root, 'etc/sysctl.d'), { recursive: true });
    await writeFile(path.join(root, 'etc/sysctl.d/90-weak.conf'), 'fs.suid_dumpable = 1\nkernel.randomize_va_space = 0\n');
    // OpenSCAP inside the tree, for the chroot run (Debian's archive is reachable; nothing else is needed).
    await copyFile('/etc/resolv.conf', path.join(root, 'etc/resolv.conf'));
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
    await run('chroot', [root, 'apt-get', 'update', '-qq'], { env, maxBuffer: 64 * 1024 * 1024 });
    await run('chroot', [root, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'openscap-scanner', 'linux-base'], { env, maxBuffer: 64 * 1024 * 1024 });
    await run('chroot', [root, 'apt-get', 'clean'], { env });
  });
  return path.join(dir, 'rootfs');
}
