import { afterEach, describe, expect, it } from 'vitest';
import { tempRoot, type TempRoot } from '../../../test/support/temp-root.js';
import { parseKeyValue } from './key-value.js';
import { parsePamService } from './pam.js';
import { parseSshdConfig } from './sshd-config.js';
import { configuredSysctl } from './sysctl-files.js';
import { numberLines } from './text-files.js';

let root: TempRoot | undefined;
afterEach(async () => {
  await root?.remove();
  root = undefined;
});

describe('sshd_config', () => {
  it('takes the first value of a keyword, reading Include files in place', async () => {
    root = await tempRoot({
      'etc/ssh/sshd_config': 'Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\nX11Forwarding=yes\n',
      'etc/ssh/sshd_config.d/10-harden.conf': '# hardening\npermitrootlogin no\n',
      'etc/ssh/sshd_config.d/20-other.conf': 'PermitRootLogin prohibit-password\n',
    });
    const config = await parseSshdConfig(root.target);
    expect(config.global.get('permitrootlogin')).toEqual({ value: 'no', file: '/etc/ssh/sshd_config.d/10-harden.conf', line: 2 });
    expect(config.global.get('x11forwarding')?.value).toBe('yes');
    expect(config.files).toEqual(['/etc/ssh/sshd_config', '/etc/ssh/sshd_config.d/10-harden.conf', '/etc/ssh/sshd_config.d/20-other.conf']);
  });

  it('keeps lines under Match out of the global settings, and ends a Match opened in an included file with that file', async () => {
    root = await tempRoot({
      'etc/ssh/sshd_config': 'Include conf.d/match.conf\nPasswordAuthentication no\nMatch Address 10.0.0.0/8\n  PermitRootLogin yes\nMatch all\nMaxAuthTries 3\n',
      'etc/ssh/conf.d/match.conf': 'Match User deploy\n  PasswordAuthentication yes\n',
    });
    const config = await parseSshdConfig(root.target);
    expect(config.global.get('passwordauthentication')).toMatchObject({ value: 'no', line: 2 });
    expect(config.global.get('maxauthtries')?.value).toBe('3');
    expect(config.global.has('permitrootlogin')).toBe(false);
    expect(config.matched).toEqual([
      { key: 'passwordauthentication', value: 'yes', file: '/etc/ssh/conf.d/match.conf', line: 2, match: 'User deploy' },
      { key: 'permitrootlogin', value: 'yes', file: '/etc/ssh/sshd_config', line: 4, match: 'Address 10.0.0.0/8' },
    ]);
  });

  it('refuses an Include loop with a clear error instead of recursing forever', async () => {
    root = await tempRoot({ 'etc/ssh/sshd_config': 'Include /etc/ssh/sshd_config\n' });
    await expect(parseSshdConfig(root.target)).rejects.toThrow(/Include loop: \/etc\/ssh\/sshd_config includes itself/);
  });

  it('reads a file included many times once, and expands each glob once: 2,000 Include lines of 600 files stop at the bound', async () => {
    const files: Record<string, string> = { 'etc/ssh/sshd_config': `${'Include /etc/ssh/d/*.conf\n'.repeat(2000)}PermitRootLogin yes\n` };
    for (let i = 0; i < 600; i++) files[`etc/ssh/d/${String(i).padStart(4, '0')}.conf`] = `# file ${i}\n`;
    files['etc/ssh/d/0000.conf'] = 'PermitRootLogin no\n';
    root = await tempRoot(files);
    let reads = 0;
    const target = new Proxy(root.target, {
      get: (object, property) => {
        const value: unknown = Reflect.get(object, property);
        if (property !== 'readFile' || typeof value !== 'function') return value;
        return (...args: unknown[]) => (reads++, (value as (...a: unknown[]) => unknown).apply(object, args));
      },
    });
    await expect(parseSshdConfig(target)).rejects.toThrow(/Include pulls in more than 512 files/);
    expect(reads).toBeLessThanOrEqual(515);
  });

  it('stops at the bound of included files or bytes, and accepts a bounded set read once per Match context', async () => {
    const files: Record<string, string> = { 'etc/ssh/sshd_config': 'Include d/*.conf\nInclude d/*.conf\nMatch User x\nInclude d/*.conf\n' };
    for (let i = 0; i < 100; i++) files[`etc/ssh/d/${String(i).padStart(3, '0')}.conf`] = `MaxAuthTries ${i + 1}\n`;
    root = await tempRoot(files);
    const config = await parseSshdConfig(root.target);
    expect(config.global.get('maxauthtries')?.value).toBe('1');
    expect(config.matched).toHaveLength(100);
    expect(config.files).toHaveLength(201);
    const big: Record<string, string> = { 'etc/ssh/sshd_config': 'Include big/*.conf\n' };
    for (let i = 0; i < 5; i++) big[`etc/ssh/big/${i}.conf`] = 'Ciphers aes128-ctr\n'.repeat(190_000);
    root = await tempRoot(big);
    await expect(parseSshdConfig(root.target)).rejects.toThrow(/more than 16 MiB of configuration/);
  });

  it('reads a value with a trailing comment after 40,000 spaces in linear time', async () => {
    root = await tempRoot({ 'etc/ssh/sshd_config': `PermitRootLogin no${' '.repeat(40_000)}x${' '.repeat(40_000)}# why\n` });
    const started = performance.now();
    const config = await parseSshdConfig(root.target);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(config.global.get('permitrootlogin')?.value).toBe(`no${' '.repeat(40_000)}x`);
  });
});

describe('sysctl configuration', () => {
  it('applies sysctl.d files by name, an /etc file hiding its /usr/lib namesake, then /etc/sysctl.conf last', async () => {
    root = await tempRoot({
      'usr/lib/sysctl.d/50-default.conf': 'net.ipv4.ip_forward = 1\nkernel.kptr_restrict = 0\n',
      'etc/sysctl.d/50-default.conf': 'net.ipv4.ip_forward = 0\n',
      'etc/sysctl.d/99-local.conf': '; comment\nnet/ipv4/tcp_syncookies=1\n-fs.suid_dumpable = 2\n',
      'etc/sysctl.conf': 'fs.suid_dumpable = 0\n',
    });
    const settings = await configuredSysctl(root.target);
    expect(settings.get('net.ipv4.ip_forward')).toEqual({ value: '0', file: '/etc/sysctl.d/50-default.conf', line: 1 });
    expect(settings.has('kernel.kptr_restrict')).toBe(false);
    expect(settings.get('net.ipv4.tcp_syncookies')?.value).toBe('1');
    expect(settings.get('fs.suid_dumpable')).toEqual({ value: '0', file: '/etc/sysctl.conf', line: 1 });
  });
});

describe('PAM stacks', () => {
  it('follows @include and include/substack controls, keeping only the lines of the asked type', async () => {
    root = await tempRoot({
      'etc/pam.d/passwd': '@include common-password\n',
      'etc/pam.d/common-password': 'password [success=1 default=ignore] pam_unix.so obscure yescrypt\npassword requisite /lib/x86_64-linux-gnu/security/pam_pwquality.so retry=3 \\\n  minlen=14\npassword include extra\n',
      'etc/pam.d/extra': 'auth required pam_faillock.so\npassword required pam_pwhistory.so remember=5\n',
    });
    const entries = await parsePamService(root.target, '/etc/pam.d/passwd');
    expect(entries.map((entry) => [entry.type, entry.control, entry.module, entry.arguments.join(' ')])).toEqual([
      ['password', '[success=1 default=ignore]', 'pam_unix.so', 'obscure yescrypt'],
      ['password', 'requisite', 'pam_pwquality.so', 'retry=3 minlen=14'],
      ['password', 'required', 'pam_pwhistory.so', 'remember=5'],
    ]);
  });
});

describe('login.defs', () => {
  it('lets the last assignment win and ignores comments', () => {
    const settings = parseKeyValue(numberLines('/etc/login.defs', '# PASS_MAX_DAYS 1\nPASS_MAX_DAYS 99999\nPASS_MAX_DAYS\t90 # site policy\n'), { separator: 'space' });
    expect(settings.get('PASS_MAX_DAYS')).toEqual({ value: '90', file: '/etc/login.defs', line: 3 });
  });
});
