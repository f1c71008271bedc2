/**
 * A real OpenSSH server (Debian's openssh-server) on a free loopback port, started by the test
 * with its own host key and configuration, and test accounts on this host:
 *
 *   tollgate-key   key authentication (an ed25519 key with a passphrase), `sudo -n` allowed
 *   tollgate-pw    password authentication, sudo only with its password
 *
 * Passwords are random. The accounts and their sudoers files are created when missing and left in
 * place (the test host is a disposable CI machine or a developer's sandbox). The accounts are the
 * host's, shared by every sshd the test files start at once (vitest runs files in parallel), so
 * tollgate-pw's password is one per host, made once and kept in a file only root reads: a
 * password drawn per sshd would let one file's start change the password another file is using.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const KEY_USER = 'tollgate-key';
export const PASSWORD_USER = 'tollgate-pw';

export interface TestSshd {
  port: number;
  dir: string;
  /** `[127.0.0.1]:port <type> <key>` for a known_hosts file. */
  knownHostsLine: string;
  hostKeyFingerprint: string;
  privateKeyFile: string;
  passphrase: string;
  password: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function ensureUser(name: string, password: string, sudoers: string): Promise<void> {
  try {
    await run('id', [name]);
  } catch {
    await run('useradd', ['--create-home', '--shell', '/bin/bash', name]);
  }
  await run('sh', ['-c', `echo '${name}:${password}' | chpasswd`]);
  await mkdir('/etc/sudoers.d', { recursive: true });
  await writeFile(`/etc/sudoers.d/${name}`, `${sudoers}\n`, { mode: 0o440 });
}

const PASSWORD_FILE = path.join(tmpdir(), 'tollgate-sshd-pw-password');

/** tollgate-pw's password: made by the first start on this host (exclusive create), read by every other. */
async function hostPassword(): Promise<string> {
  try {
    await writeFile(PASSWORD_FILE, randomBytes(12).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // A start racing the first one may read before its write lands: wait for the whole value.
  for (let attempt = 0; ; attempt++) {
    const password = (await readFile(PASSWORD_FILE, 'utf8')).trim();
    if (password.length === 16 || attempt > 50) return password;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function startSshd(): Promise<TestSshd> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-sshd-'));
  const password = await hostPassword();
  const passphrase = randomBytes(9).toString('base64url');
  await ensureUser(KEY_USER, randomBytes(12).toString('base64url'), `${KEY_USER} ALL=(ALL) NOPASSWD: ALL`);
  await ensureUser(PASSWORD_USER, password, `${PASSWORD_USER} ALL=(ALL) ALL`);
  const hostKey = path.join(dir, 'host_ed25519_key');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  const privateKeyFile = path.join(dir, 'client_key');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-f', privateKeyFile]);
  const authorized = path.join(dir, 'authorized_keys');
  await mkdir(authorized, { recursive: true });
  await writeFile(path.join(authorized, KEY_USER), await readFile(`${privateKeyFile}.pub`), { mode: 0o644 });
  // sshd reads authorized keys as the user: the folders on the way must be traversable.
  await chmod(dir, 0o755);
  await chmod(authorized, 0o755);
  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorized}/%u`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin no',
      'Subsystem sftp internal-sftp',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8000);
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (/Server listening/.test(log)) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`sshd did not start: ${log}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const publicKey = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(' ');
  const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`]);
  return {
    port,
    dir,
    knownHostsLine: `[127.0.0.1]:${port} ${publicKey[0]} ${publicKey[1]}`,
    hostKeyFingerprint: stdout.split(' ')[1] as string,
    privateKeyFile,
    passphrase,
    password,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
