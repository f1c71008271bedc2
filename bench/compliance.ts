/**
 * Compliance scan benchmarks: the built-in Debian baseline and SSH server policy against this host
 * (`local`), over SSH to a real sshd on loopback, and against the debootstrap'd root filesystem
 * (`dir:`), each timed end to end through the CLI. Baseline in the same run: Lynis, the auditor
 * Debian ships, running its quick audit of the same host (when installed: apt-get install lynis).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureComplianceRootfs } from '../test/support/compliance-rootfs.js';
import { KEY_USER, startSshd } from '../test/support/sshd.js';

const run = promisify(execFile);

export type Rows = [string, string, string][];

async function timed(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  const start = process.hrtime.bigint();
  try {
    await run(command, args, { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    // The gate failing (exit 1) is an answer, not a failure of the benchmark.
    if ((error as { code?: number }).code !== 1) throw error;
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function median3(task: () => Promise<number>): Promise<number> {
  const runs = [await task(), await task(), await task()];
  return runs.sort((a, b) => a - b)[1] as number;
}

export async function benchCompliance(cli: string, work: string, rows: Rows, results: Record<string, unknown>): Promise<void> {
  const policies = ['--policy', 'linux-baseline-debian', '--policy', 'ssh-server', '--format', 'json', '--output', '/dev/null', '--quiet'];
  const local = await median3(() => timed(process.execPath, [cli, 'compliance', 'scan', 'local', ...policies]));
  const rootfs = await ensureComplianceRootfs();
  const directory = await median3(() => timed(process.execPath, [cli, 'compliance', 'scan', `dir:${rootfs}`, ...policies]));
  const sshd = await startSshd();
  let overSsh: number;
  try {
    const credentials = path.join(work, 'credentials.yaml');
    await writeFile(credentials, `records:\n  - name: bench\n    username: ${KEY_USER}\n    privateKey: { file: ${sshd.privateKeyFile} }\n    passphrase: { env: BENCH_PASSPHRASE }\n    sudo: true\n`);
    overSsh = await median3(() => timed(process.execPath, [cli, 'compliance', 'scan', `ssh://127.0.0.1:${sshd.port}`, '--credentials', credentials, '--auth', 'bench', '--ssh-host-key', sshd.hostKeyFingerprint, ...policies], { BENCH_PASSPHRASE: sshd.passphrase }));
  } finally {
    await sshd.stop();
  }
  const lynis = existsSync('/usr/sbin/lynis') ? await timed('/usr/sbin/lynis', ['audit', 'system', '--quick', '--no-colors', '--no-log', '--cronjob']) : undefined;
  results.compliance = { controls: 128, localSeconds: local, sshSeconds: overSsh, dirSeconds: directory, lynisQuickAuditSeconds: lynis };
  rows.push(['compliance: Debian baseline + SSH policy (128 controls) on this host, local (median of 3)', `${local.toFixed(2)} s`, 'target < 2 s']);
  rows.push(['compliance: the same over SSH to a loopback sshd, sudo for root-only files (median of 3)', `${overSsh.toFixed(2)} s`, 'target < 5 s']);
  rows.push(['compliance: the same on the debootstrap root filesystem, dir: (median of 3)', `${directory.toFixed(2)} s`, '']);
  rows.push(['compliance: lynis audit system --quick on this host', lynis === undefined ? 'n/a' : `${lynis.toFixed(2)} s`, lynis === undefined ? 'baseline (lynis not installed)' : 'baseline']);
}
