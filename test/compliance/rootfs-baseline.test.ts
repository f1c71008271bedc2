/**
 * The built-in Debian baseline and SSH server policy against a real debootstrap'd Debian 12 root
 * filesystem (`dir:`): the expected state of every control on the pristine system, every control
 * passing once the test hardens it, and deliberate misconfigurations that flip one control each,
 * with the evidence pointing at the file and line. Hostile trees (huge, binary, looping, escaping,
 * FIFO files) end as ERROR with the reason, never a crash or a hang.
 */
import { execFileSync } from 'node:child_process';
import { appendFile, chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePolicies } from '../../src/compliance/policy/load-policy.js';
import type { ComplianceResult, ControlResult } from '../../src/model/compliance-result.js';
import { scanCompliance } from '../../src/compliance/scan-compliance.js';
import { openTarget } from '../../src/compliance/targets/open-target.js';
import { copyComplianceRootfs } from '../support/compliance-rootfs.js';

const range = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
const PRISTINE: Record<string, string[]> = {
  PASS: [...'1001 1002 1003 1004 1005 1008 1010 1016 1017 1019'.split(' '), ...range(2001, 2007), '2014', '2015', '2016', '2017', '3020', '3021', ...range(5001, 5014), '6008', '6009', '6010', '7001', '7002', '7006', '7007', '8002', '8003', '8004'],
  FAIL: ['1006', '1007', '1009', '1011', '1012', '1013', '1014', '1015', '1018', '1020', ...range(2008, 2013), ...range(3001, 3019), ...range(4001, 4011), '5015', ...range(6001, 6007), '7003', '7004', '7005', '8001'],
  ERROR: ['9001'],
};
const SSH_PRISTINE_FAIL = ['001', '003', '005', '008', '009', '012', '014', '015', '019'];

let work: string;
let root: string;

async function scan(policies = ['linux-baseline-debian', 'ssh-server']): Promise<ComplianceResult> {
  const target = await openTarget(`dir:${root}`);
  try {
    return await scanCompliance(target, resolvePolicies(policies), { scanName: 'test', today: '2026-06-01' });
  } finally {
    await target.close();
  }
}

function control(result: ComplianceResult, cid: string): ControlResult {
  const found = result.policies.flatMap((policy) => policy.controls).find((candidate) => candidate.cid === cid && candidate.state !== 'NOT_APPLICABLE');
  if (!found) throw new Error(`no result for ${cid}`);
  return found;
}

const file = (relative: string): string => path.join(root, relative);

/** Applies a change for the duration of `run`, then restores every touched file. */
async function withChange(paths: string[], change: () => Promise<void>, run: () => Promise<void>): Promise<void> {
  const saved = await Promise.all(paths.map(async (relative) => readFile(file(relative)).catch(() => undefined)));
  try {
    await change();
    await run();
  } finally {
    for (const [index, relative] of paths.entries()) {
      const content = saved[index];
      await rm(file(relative), { force: true, recursive: true });
      if (content !== undefined) await writeFile(file(relative), content);
    }
  }
}

const SYSCTL = {
  'net.ipv4.ip_forward': 0, 'net.ipv4.conf.all.send_redirects': 0, 'net.ipv4.conf.default.send_redirects': 0, 'net.ipv4.conf.all.accept_redirects': 0,
  'net.ipv4.conf.default.accept_redirects': 0, 'net.ipv4.conf.all.secure_redirects': 0, 'net.ipv4.conf.all.accept_source_route': 0, 'net.ipv4.conf.all.log_martians': 1,
  'net.ipv4.icmp_echo_ignore_broadcasts': 1, 'net.ipv4.icmp_ignore_bogus_error_responses': 1, 'net.ipv4.conf.all.rp_filter': 1, 'net.ipv4.tcp_syncookies': 1,
  'net.ipv6.conf.all.accept_ra': 0, 'net.ipv6.conf.all.accept_redirects': 0, 'kernel.randomize_va_space': 2, 'fs.suid_dumpable': 0, 'kernel.kptr_restrict': 2,
  'kernel.dmesg_restrict': 1, 'kernel.yama.ptrace_scope': 1,
};
const MODULES = ['cramfs', 'freevxfs', 'hfs', 'hfsplus', 'jffs2', 'udf', 'usb-storage', 'dccp', 'sctp', 'rds', 'tipc'];
const INSTALLED = ['chrony', 'auditd', 'aide', 'unattended-upgrades', 'apparmor'];

/** What an administrator following the remediations would do; package installs are recorded in the dpkg database. */
async function harden(): Promise<void> {
  const loginDefs = (await readFile(file('etc/login.defs'), 'utf8')).replace(/^PASS_MAX_DAYS.*$/m, 'PASS_MAX_DAYS\t365').replace(/^PASS_MIN_DAYS.*$/m, 'PASS_MIN_DAYS\t1').replace(/^UMASK.*$/m, 'UMASK\t\t027');
  await writeFile(file('etc/login.defs'), loginDefs);
  await appendFile(file('etc/pam.d/common-password'), 'password requisite pam_pwquality.so retry=3\npassword required pam_pwhistory.so remember=5 use_authtok\n');
  await appendFile(file('etc/pam.d/common-auth'), 'auth required pam_faillock.so preauth\n');
  await writeFile(file('etc/pam.d/su'), (await readFile(file('etc/pam.d/su'), 'utf8')).replace('# auth       required   pam_wheel.so\n', 'auth       required   pam_wheel.so\n'));
  await mkdir(file('etc/security'), { recursive: true });
  await writeFile(file('etc/security/pwquality.conf'), 'minlen = 14\n');
  await writeFile(file('etc/sudoers.d/logging'), 'Defaults logfile="/var/log/sudo.log"\n');
  await writeFile(file('etc/profile.d/tmout.sh'), 'readonly TMOUT=900\nexport TMOUT\n');
  await chmod(file('etc/crontab'), 0o600);
  for (const dir of ['cron.d', 'cron.daily', 'cron.hourly', 'cron.weekly', 'cron.monthly']) await chmod(file(`etc/${dir}`), 0o700);
  await writeFile(file('etc/sysctl.d/60-hardening.conf'), Object.entries(SYSCTL).map(([key, value]) => `${key} = ${value}`).join('\n'));
  await mkdir(file('etc/modprobe.d'), { recursive: true });
  await writeFile(file('etc/modprobe.d/hardening.conf'), MODULES.map((name) => `install ${name} /bin/false\nblacklist ${name}\n`).join(''));
  await appendFile(file('var/lib/dpkg/status'), INSTALLED.map((name) => `\nPackage: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-1\nDescription: test\n`).join(''));
  await mkdir(file('etc/audit/rules.d'), { recursive: true });
  await writeFile(file('etc/audit/rules.d/identity.rules'), ['/etc/passwd', '/etc/shadow', '/etc/sudoers', '/etc/group'].map((watched) => `-w ${watched} -p wa -k identity`).join('\n'));
  await writeFile(file('etc/audit/auditd.conf'), 'max_log_file_action = keep_logs\n');
  await writeFile(file('lib/systemd/system/auditd.service'), '[Unit]\nDescription=audit\n[Install]\nWantedBy=multi-user.target\n');
  await mkdir(file('etc/systemd/system/multi-user.target.wants'), { recursive: true });
  await symlink('/lib/systemd/system/auditd.service', file('etc/systemd/system/multi-user.target.wants/auditd.service'));
  await writeFile(file('etc/fstab'), 'tmpfs /tmp tmpfs defaults,nodev,nosuid,noexec 0 0\n');
  await writeFile(file('etc/ssh/sshd_config.d/00-hardening.conf'), ['PermitRootLogin no', 'PasswordAuthentication no', 'X11Forwarding no', 'MaxAuthTries 4', 'ClientAliveInterval 300', 'LoginGraceTime 60', 'Banner /etc/issue.net', 'AllowTcpForwarding no', ''].join('\n'));
  await chmod(file('etc/ssh/sshd_config'), 0o600);
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-rootfs-'));
  root = await copyComplianceRootfs(work);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('a pristine Debian 12 root filesystem', () => {
  it('has the expected state for every control of the Debian baseline and the SSH server policy', async () => {
    const result = await scan();
    const baseline = result.policies.find((policy) => policy.id === 'linux-baseline-debian');
    const states: Record<string, string[]> = {};
    for (const entry of baseline?.controls ?? []) (states[entry.state] ??= []).push(entry.cid.replace('TG-LNX-', ''));
    expect(states).toEqual(PRISTINE);
    const ssh = result.policies.find((policy) => policy.id === 'ssh-server');
    expect(ssh?.controls.filter((entry) => entry.state === 'FAIL').map((entry) => entry.cid.replace('TG-SSH-', ''))).toEqual(SSH_PRISTINE_FAIL);
    expect(ssh?.controls.filter((entry) => entry.state !== 'FAIL').every((entry) => entry.state === 'PASS')).toBe(true);
    // Evidence names what was found and where.
    expect(control(result, 'TG-LNX-1006').unexpected).toEqual([{ value: 'PASS_MAX_DAYS 99999', file: '/etc/login.defs', line: expect.any(Number) }]);
    expect(control(result, 'TG-SSH-003')).toMatchObject({ unexpected: [{ value: 'PermitRootLogin prohibit-password (built-in default)' }], missing: [{ value: 'PermitRootLogin no' }] });
    expect(control(result, 'TG-LNX-9001').message).toMatch(/needs a live system/);
  });
});

describe('the RHEL-family baseline', () => {
  it('applies to a RHEL-family os-release and evaluates every control without an internal error', async () => {
    await withChange(['etc/os-release'], async () => {
      await rm(file('etc/os-release'), { force: true });
      await writeFile(file('etc/os-release'), 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\nPRETTY_NAME="Rocky Linux 9.4"\n');
    }, async () => {
      const result = await scan(['linux-baseline-rhel']);
      expect(result.policies[0]?.applicable).toBe(true);
      const controls = result.policies[0]?.controls ?? [];
      expect(controls.length).toBeGreaterThanOrEqual(60);
      expect(controls.filter((entry) => entry.message.startsWith('check failed'))).toEqual([]);
      // Files the RHEL family keeps elsewhere are read there: a Debian tree has no /etc/pam.d/system-auth.
      expect(control(result, 'TG-LNX-1011')).toMatchObject({ state: 'ERROR', message: '/etc/pam.d/system-auth: no such file' });
    });
  });
});

describe('a hardened Debian 12 root filesystem', () => {
  beforeAll(harden);

  it('passes every control that a root filesystem can answer', async () => {
    const result = await scan();
    const notPassing = result.policies.filter((policy) => policy.applicable).flatMap((policy) => policy.controls).filter((entry) => entry.state !== 'PASS').map((entry) => `${entry.cid} ${entry.state} ${entry.message}`);
    expect(notPassing).toEqual(['TG-LNX-9001 ERROR the command "find /etc -xdev -type f -perm -0002 -print" needs a live system (local or ssh); this target is a filesystem']);
  });

  it.each([
    ['a second UID 0 account', 'TG-LNX-1001', ['etc/passwd'], async () => appendFile(file('etc/passwd'), 'toor:x:0:0::/root:/bin/bash\n'), { unexpected: [{ value: 'toor has UID 0', file: '/etc/passwd' }] }, ['TG-LNX-1003', 'TG-LNX-1004']],
    ['an empty password hash (the hash itself never shown)', 'TG-LNX-1002', ['etc/shadow'], async () => appendFile(file('etc/shadow'), 'nopass::19000:0:99999:7:::\n'), { unexpected: [{ value: 'nopass has an empty password', file: '/etc/shadow' }] }],
    ['a service account with a shell', 'TG-LNX-1003', ['etc/passwd'], async () => appendFile(file('etc/passwd'), 'svc:x:150:150::/srv:/bin/sh\n'), { unexpected: [{ value: 'svc (UID 150) has shell /bin/sh' }] }],
    ['PermitRootLogin yes under a Match block', 'TG-SSH-003', ['etc/ssh/sshd_config.d/50-match.conf'], async () => writeFile(file('etc/ssh/sshd_config.d/50-match.conf'), 'Match User admin\n  PermitRootLogin yes\n'), { unexpected: [{ value: 'PermitRootLogin yes (Match User admin)', file: '/etc/ssh/sshd_config.d/50-match.conf', line: 2 }] }],
    ['a weak cipher', 'TG-SSH-016', ['etc/ssh/sshd_config.d/01-ciphers.conf'], async () => writeFile(file('etc/ssh/sshd_config.d/01-ciphers.conf'), 'Ciphers aes128-cbc,aes256-ctr\n'), { unexpected: [{ value: 'Ciphers aes128-cbc,aes256-ctr', file: '/etc/ssh/sshd_config.d/01-ciphers.conf', line: 1 }] }],
    ['ip_forward re-enabled in /etc/sysctl.conf (read last)', 'TG-LNX-3001', ['etc/sysctl.conf'], async () => appendFile(file('etc/sysctl.conf'), '\nnet.ipv4.ip_forward=1\n'), { unexpected: [{ value: 'net.ipv4.ip_forward = 1', file: '/etc/sysctl.conf' }] }],
    ['/etc/shadow readable by all', 'TG-LNX-2002', [], async () => chmod(file('etc/shadow'), 0o644), { unexpected: [{ value: 'mode 0644', file: '/etc/shadow' }], missing: [{ value: 'mode 0640 or stricter', file: '/etc/shadow' }] }],
    ['a module rule removed', 'TG-LNX-4009', ['etc/modprobe.d/hardening.conf'], async () => writeFile(file('etc/modprobe.d/hardening.conf'), MODULES.filter((name) => name !== 'sctp').map((name) => `install ${name} /bin/false\n`).join('')), { missing: [{ value: 'install sctp /bin/false' }] }],
    ['a telnet server installed', 'TG-LNX-5001', ['var/lib/dpkg/status'], async () => appendFile(file('var/lib/dpkg/status'), '\nPackage: telnetd\nStatus: install ok installed\nArchitecture: amd64\nVersion: 0.17+2.4-2\nDescription: x\n'), { unexpected: [{ value: 'telnetd 0.17+2.4-2', file: '/var/lib/dpkg/status' }] }],
    ['avahi enabled at boot', 'TG-LNX-5008', ['lib/systemd/system/avahi-daemon.service', 'etc/systemd/system/multi-user.target.wants/avahi-daemon.service'], async () => {
      await writeFile(file('lib/systemd/system/avahi-daemon.service'), '[Unit]\n');
      await symlink('/lib/systemd/system/avahi-daemon.service', file('etc/systemd/system/multi-user.target.wants/avahi-daemon.service'));
    }, { unexpected: [{ value: 'avahi-daemon.service enabled', file: '/etc/systemd/system/multi-user.target.wants/avahi-daemon.service' }] }],
    ['/tmp mounted without noexec', 'TG-LNX-8001', ['etc/fstab'], async () => writeFile(file('etc/fstab'), '# static\ntmpfs /tmp tmpfs defaults,nodev,nosuid 0 0\n'), { missing: [{ value: '/tmp noexec', file: '/etc/fstab', line: 2 }] }],
    ['a password history of 3', 'TG-LNX-1014', ['etc/pam.d/common-password'], async () => writeFile(file('etc/pam.d/common-password'), (await readFile(file('etc/pam.d/common-password'), 'utf8')).replace('remember=5', 'remember=3')), { unexpected: [{ value: 'remember=3', file: '/etc/pam.d/common-password' }] }],
    ['NOPASSWD in a sudoers.d file', 'TG-LNX-1019', ['etc/sudoers.d/ci'], async () => writeFile(file('etc/sudoers.d/ci'), '# CI\nci ALL=(ALL) NOPASSWD: ALL\n'), { unexpected: [{ value: 'ci ALL=(ALL) NOPASSWD: ALL', file: '/etc/sudoers.d/ci', line: 2 }] }],
  ] as [string, string, string[], () => Promise<unknown>, object, string[]?][])('%s fails %s with evidence', async (_name, cid, touched, change, evidence, alsoFailing = []) => {
    await withChange(touched, async () => {
      await change();
    }, async () => {
      const result = await scan();
      const entry = control(result, cid);
      expect(entry.state).toBe('FAIL');
      expect(entry).toMatchObject(evidence);
      expect(JSON.stringify(result)).not.toMatch(/\$6\$|\$y\$/);
      const others = result.policies.flatMap((policy) => policy.controls).filter((other) => other.cid !== cid && other.state === 'FAIL');
      // The change fails this control, and only the others it must (a UID 0 login is also a duplicate UID).
      expect(others.map((other) => other.cid)).toEqual(alsoFailing);
    });
    await chmod(file('etc/shadow'), 0o640);
  });

  it('keeps the first sshd value: a weaker setting later in the files does not count', async () => {
    await withChange(['etc/ssh/sshd_config.d/99-late.conf'], () => writeFile(file('etc/ssh/sshd_config.d/99-late.conf'), 'PermitRootLogin yes\n'), async () => {
      expect(control(await scan(['ssh-server']), 'TG-SSH-003')).toMatchObject({ state: 'PASS', observed: [{ value: 'PermitRootLogin no', file: '/etc/ssh/sshd_config.d/00-hardening.conf', line: 1 }] });
    });
  });

  it.each([
    ['a 5 MB login.defs', 'TG-LNX-1006', ['etc/login.defs'], async () => writeFile(file('etc/login.defs'), Buffer.alloc(5 * 1024 * 1024, 'A')), /over the 4194304-byte limit/],
    ['a binary sudoers.d file', 'TG-LNX-1019', ['etc/sudoers.d/blob'], async () => writeFile(file('etc/sudoers.d/blob'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2])), /holds binary data/],
    ['a symlink loop as sshd_config', 'TG-SSH-003', ['etc/ssh/sshd_config', 'etc/ssh/loop-a', 'etc/ssh/loop-b'], async () => {
      await rm(file('etc/ssh/sshd_config'));
      await symlink('loop-a', file('etc/ssh/sshd_config'));
      await symlink('loop-b', file('etc/ssh/loop-a'));
      await symlink('loop-a', file('etc/ssh/loop-b'));
    }, /too many levels of symbolic links/],
    ['a symlink climbing out of the root', 'TG-LNX-1012', ['etc/security/pwquality.conf'], async () => {
      await rm(file('etc/security/pwquality.conf'));
      await symlink('../../../../../../../../../etc/hostname', file('etc/security/pwquality.conf'));
    }, /points outside the scanned root/],
    ['a FIFO as login.defs', 'TG-LNX-1007', ['etc/login.defs'], async () => {
      await rm(file('etc/login.defs'));
      execFileSync('mkfifo', [file('etc/login.defs')]);
    }, /is a other, not a regular file|not a regular file/],
  ])('%s makes %s an ERROR with the reason', async (_name, cid, touched, change, reason) => {
    await withChange(touched, change, async () => {
      const entry = control(await scan(), cid);
      expect(entry.state).toBe('ERROR');
      expect(entry.message).toMatch(reason);
    });
  });
});
