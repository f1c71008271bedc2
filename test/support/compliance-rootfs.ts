/**
 * The root filesystem compliance tests scan: `debootstrap --variant=minbase bookworm` with the
 * packages the built-in policies look at (OpenSSH server, sudo, cron, rsyslog, logrotate), built
 * once and cached (fixture-cache.ts). Tests never change it: `copyComplianceRootfs` gives each
 * test file its own copy to misconfigure.
 */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildOnce } from './fixture-cache.js';
import { DEBIAN_MIRROR } from './images.js';

const run = promisify(execFile);

export const COMPLIANCE_PACKAGES = ['openssh-server', 'sudo', 'cron', 'rsyslog', 'logrotate'];

export async function ensureComplianceRootfs(): Promise<string> {
  const dir = await buildOnce('compliance-rootfs', 1, async (work) => {
    const rootfs = path.join(work, 'rootfs');
    await run('debootstrap', ['--variant=minbase', `--include=${COMPLIANCE_PACKAGES.join(',')}`, 'bookworm', rootfs, DEBIAN_MIRROR], { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    await rm(path.join(rootfs, 'var', 'cache', 'apt', 'archives'), { recursive: true, force: true });
  });
  return path.join(dir, 'rootfs');
}

/** A private copy of the fixture (ownership, modes and links kept) under `into`. */
export async function copyComplianceRootfs(into: string): Promise<string> {
  const source = await ensureComplianceRootfs();
  const target = path.join(into, 'rootfs');
  await run('cp', ['-a', source, target]);
  return target;
}
