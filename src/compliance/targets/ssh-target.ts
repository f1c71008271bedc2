/**
 * `ssh://user@host[:port]`: a live host over one SSH connection (ssh2) for the whole scan. Files
 * are read, listed and stat'ed over SFTP; a file only root can read (such as /etc/shadow) is read
 * through `sudo -n`, or through sudo with the record's password written to sudo's stdin — never
 * on a command line. Commands run under `timeout` on the host and are abandoned client-side when
 * they pass their limit.
 *
 * Authentication: password, private key (with passphrase) or ssh-agent, from an authentication
 * record. A refused login is an AuthenticationError (AUTH_FAILED), distinct from an unreachable
 * host (TargetUnavailableError); an unknown or changed host key is refused before any credential
 * is sent.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import type { Client, ClientChannel, ConnectConfig, SFTPWrapper, Stats } from 'ssh2';
import { UsageError } from '../../errors.js';
import { TargetReadError, type FileInfo } from '../../image/fs/fs-view.js';
import type { AuthenticationRecord } from '../../config/credentials.js';
import { verifyHostKey } from './host-keys.js';
import { parseSshAddress } from './ssh-address.js';
import { MAX_MOUNT_TABLE_BYTES, parseMountInfo, type MountTableReader, type MountedFilesystem } from './mount-table.js';
import { depthBelow, treeWalkCommand, unreadableFolders, WalkStreamParser } from './ssh-tree-walk.js';
import type { TreeWalker, TreeWalkResult, TreeWalkRoot, WalkedEntry } from './tree-walker.js';
import { AuthenticationError, CommandTimeoutError, MAX_COMMAND_OUTPUT_BYTES, TargetUnavailableError, type CommandResult, type OpenTargetOptions, type RunOptions, type Target } from './target.js';

export interface SshTargetOptions {
  host: string;
  port: number;
  record: AuthenticationRecord;
  /** A pinned `SHA256:` host key fingerprint; otherwise known_hosts decides. */
  hostKey?: string;
  knownHostsFiles?: string[];
  connectTimeoutMs: number;
}

const SFTP_NO_SUCH_FILE = 2;
const SFTP_PERMISSION_DENIED = 3;

function quote(argument: string): string {
  return `'${argument.replace(/'/g, `'\\''`)}'`;
}

function typeOfMode(mode: number): FileInfo['type'] {
  const kind = mode & 0o170000;
  if (kind === 0o100000) return 'file';
  if (kind === 0o040000) return 'directory';
  if (kind === 0o120000) return 'symlink';
  return 'other';
}

export class SshTarget implements Target, TreeWalker, MountTableReader {
  readonly kind = 'ssh' as const;
  readonly live = true;

  private constructor(
    readonly name: string,
    private readonly client: Client,
    private readonly sftp: SFTPWrapper,
    private readonly record: AuthenticationRecord,
  ) {}

  /** Opens `ssh://[user@]host[:port]` with the authentication record of `options`. */
  static async open(spec: string, options: OpenTargetOptions): Promise<SshTarget> {
    const address = parseSshAddress(spec);
    const record = options.record;
    if (!record) throw new UsageError(`target ${spec} needs credentials: --credentials <file> --auth <record name>`);
    const username = address.user ?? record.username;
    if (address.user && address.user !== record.username) throw new UsageError(`target ${spec} names user ${address.user} but authentication record "${record.name}" is for ${record.username}`);
    return SshTarget.connect({
      host: address.host,
      port: address.port,
      record: { ...record, username },
      connectTimeoutMs: options.connectTimeoutMs ?? 20_000,
      ...(options.sshHostKey ? { hostKey: options.sshHostKey } : {}),
      ...(options.knownHostsFiles ? { knownHostsFiles: options.knownHostsFiles } : {}),
    });
  }

  static async connect(options: SshTargetOptions): Promise<SshTarget> {
    const { Client: SshClient } = await import('ssh2');
    const client = new SshClient();
    const name = `ssh://${options.record.username}@${options.host}${options.port === 22 ? '' : `:${options.port}`}`;
    const knownHostsFiles = options.knownHostsFiles ?? [path.join(homedir(), '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'];
    let hostKeyRefusal: string | undefined;
    const config: ConnectConfig = {
      host: options.host,
      port: options.port,
      username: options.record.username,
      readyTimeout: options.connectTimeoutMs,
      keepaliveInterval: 15_000,
      hostVerifier: (key: Buffer) => {
        const verdict = verifyHostKey(key, { host: options.host, port: options.port, knownHostsFiles, ...(options.hostKey ? { pinned: options.hostKey } : {}) });
        if (!verdict.accepted) hostKeyRefusal = verdict.reason;
        return verdict.accepted;
      },
    };
    const { password, privateKey, passphrase, agent } = options.record;
    if (password) config.password = password.reveal().toString();
    if (privateKey) config.privateKey = privateKey.reveal();
    if (passphrase) config.passphrase = passphrase.reveal().toString();
    if (agent) config.agent = agent;
    if (!password && !privateKey && !agent) throw new UsageError(`authentication record "${options.record.name}" has no password, private key or agent`);
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        client.end();
        reject(error);
      };
      client.once('ready', () => {
        settled = true;
        resolve();
      });
      // Kept for the whole connection: ssh2 can report more than one error (a protocol error after
      // a timeout), and an 'error' event without a listener would end the process.
      client.on('error', (error: Error & { level?: string; code?: string }) => {
        if (hostKeyRefusal) fail(new TargetUnavailableError(`${name}: ${hostKeyRefusal}`));
        else if (error.level === 'client-authentication') fail(new AuthenticationError(`${name}: authentication failed for user ${options.record.username} with record "${options.record.name}" (the server refused every offered method)`));
        else if (error.level === 'client-timeout') fail(new TargetUnavailableError(`${name}: no SSH handshake within ${options.connectTimeoutMs / 1000} s`));
        else if (/private key|passphrase|Unsupported key format/i.test(error.message)) fail(new UsageError(`authentication record "${options.record.name}": cannot use the private key (${error.message.replace(/[^\w\s.,:()-]/g, '')})`));
        else fail(new TargetUnavailableError(`${name}: cannot connect (${error.code ?? error.message})`));
      });
      try {
        client.connect(config);
      } catch (error) {
        fail(new UsageError(`authentication record "${options.record.name}": ${(error as Error).message}`));
      }
    });
    const sftp = await new Promise<SFTPWrapper>((resolve, reject) => client.sftp((error, wrapper) => (error ? reject(new TargetUnavailableError(`${name}: the SFTP subsystem is not available (${error.message})`)) : resolve(wrapper))));
    return new SshTarget(name, client, sftp, options.record);
  }

  private sftpError(error: Error & { code?: number }, targetPath: string): TargetReadError {
    if (error.code === SFTP_NO_SUCH_FILE) return new TargetReadError(targetPath, 'not-found', 'no such file');
    if (error.code === SFTP_PERMISSION_DENIED) return new TargetReadError(targetPath, 'permission-denied', 'permission denied');
    return new TargetReadError(targetPath, 'failed', error.message);
  }

  async stat(targetPath: string): Promise<FileInfo | undefined> {
    try {
      const stats = await new Promise<Stats>((resolve, reject) => this.sftp.lstat(targetPath, (error, result) => (error ? reject(error) : resolve(result))));
      return { type: typeOfMode(stats.mode), mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid, size: stats.size, mtime: stats.mtime };
    } catch (error) {
      const failure = this.sftpError(error as Error & { code?: number }, targetPath);
      if (failure.failure === 'not-found') return undefined;
      if (failure.failure === 'permission-denied') return this.privilegedStat(targetPath);
      throw failure;
    }
  }

  private async privilegedStat(targetPath: string): Promise<FileInfo | undefined> {
    const result = await this.runBinary(`stat -c '%f %u %g %s %Y' -- ${quote(targetPath)}`, { timeoutMs: 30_000, privileged: true });
    if (result.exitCode !== 0) {
      if (/No such file/.test(result.stderr)) return undefined;
      throw new TargetReadError(targetPath, 'permission-denied', `permission denied, and sudo could not read it (${result.stderr.trim().slice(0, 200)})`);
    }
    const [mode, uid, gid, size, mtime] = result.stdout.toString('utf8').trim().split(' ');
    const numeric = parseInt(mode ?? '0', 16);
    return { type: typeOfMode(numeric), mode: numeric & 0o7777, uid: Number(uid), gid: Number(gid), size: Number(size), mtime: Number(mtime) };
  }

  async readFile(targetPath: string, maxBytes: number): Promise<Buffer> {
    try {
      const stats = await new Promise<Stats>((resolve, reject) => this.sftp.stat(targetPath, (error, result) => (error ? reject(error) : resolve(result))));
      if (typeOfMode(stats.mode) !== 'file') throw new TargetReadError(targetPath, 'not-a-file', `is a ${typeOfMode(stats.mode)}, not a regular file`);
      if (stats.size > maxBytes) throw new TargetReadError(targetPath, 'too-large', `is ${stats.size} bytes, over the ${maxBytes}-byte limit for checked files`);
      return await this.readOpen(targetPath, maxBytes);
    } catch (error) {
      if (error instanceof TargetReadError && error.failure !== 'permission-denied') throw error;
      const failure = error instanceof TargetReadError ? error : this.sftpError(error as Error & { code?: number }, targetPath);
      if (failure.failure !== 'permission-denied') throw failure;
      return this.privilegedRead(targetPath, maxBytes);
    }
  }

  /** Reads with a bound even when the size lies (files under /proc report 0). */
  private readOpen(targetPath: string, maxBytes: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const stream = this.sftp.createReadStream(targetPath, { highWaterMark: 64 * 1024 });
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          stream.destroy();
          reject(new TargetReadError(targetPath, 'too-large', `is over the ${maxBytes}-byte limit for checked files`));
          return;
        }
        chunks.push(chunk);
      });
      stream.on('error', (error: Error & { code?: number }) => reject(error));
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  }

  private async privilegedRead(targetPath: string, maxBytes: number): Promise<Buffer> {
    if (!this.record.sudo && this.record.username !== 'root') throw new TargetReadError(targetPath, 'permission-denied', `permission denied for ${this.record.username}, and the authentication record allows no sudo`);
    const result = await this.runBinary(`head -c ${maxBytes + 1} -- ${quote(targetPath)}`, { timeoutMs: 30_000, privileged: true }, maxBytes + 1);
    if (result.exitCode !== 0) throw new TargetReadError(targetPath, 'permission-denied', `permission denied, and sudo could not read it (${result.stderr.trim().slice(0, 200)})`);
    if (result.stdout.length > maxBytes) throw new TargetReadError(targetPath, 'too-large', `is over the ${maxBytes}-byte limit for checked files`);
    return result.stdout;
  }

  /** The host's mounts, from its kernel's table (read as any other file: nothing runs for it). */
  async mountTable(): Promise<MountedFilesystem[]> {
    return parseMountInfo((await this.readFile('/proc/self/mountinfo', MAX_MOUNT_TABLE_BYTES)).toString('utf8'));
  }

  async readLink(targetPath: string): Promise<string | undefined> {
    const info = await this.stat(targetPath);
    if (info?.type !== 'symlink') return undefined;
    return new Promise((resolve, reject) => this.sftp.readlink(targetPath, (error, target) => (error ? reject(this.sftpError(error as Error & { code?: number }, targetPath)) : resolve(target))));
  }

  async listDir(targetPath: string): Promise<string[] | undefined> {
    try {
      const entries = await new Promise<{ filename: string }[]>((resolve, reject) => this.sftp.readdir(targetPath, (error, list) => (error ? reject(error) : resolve(list))));
      return entries.map((entry) => entry.filename).sort();
    } catch (error) {
      const failure = this.sftpError(error as Error & { code?: number }, targetPath);
      if (failure.failure === 'not-found') return undefined;
      if (failure.failure === 'permission-denied' && (this.record.sudo || this.record.username === 'root')) {
        const result = await this.runBinary(`ls -1A -- ${quote(targetPath)}`, { timeoutMs: 30_000, privileged: true });
        if (result.exitCode === 0) return result.stdout.toString('utf8').split('\n').filter(Boolean).sort();
      }
      throw failure;
    }
  }

  async run(command: string, options: RunOptions): Promise<CommandResult> {
    const result = await this.runBinary(command, options);
    return { stdout: result.stdout.toString('utf8'), stderr: result.stderr, exitCode: result.exitCode };
  }

  /** The command as the host runs it: under `timeout`, in the C locale, through sudo when privileged. */
  private wrap(command: string, options: RunOptions): { wrapped: string; sudoPassword: AuthenticationRecord['password'] | undefined } {
    const seconds = Math.max(1, Math.ceil(options.timeoutMs / 1000));
    const inner = `LC_ALL=C timeout -s KILL ${seconds} /bin/sh -c ${quote(command)}`;
    const privileged = options.privileged === true && this.record.username !== 'root';
    const sudoPassword = privileged && this.record.sudo && this.record.sudo !== true ? this.record.sudo : undefined;
    const wrapped = !privileged ? inner : sudoPassword ? `sudo -S -p '' -- /bin/sh -c ${quote(inner)}` : `sudo -n -- /bin/sh -c ${quote(inner)}`;
    return { wrapped, sudoPassword };
  }

  /** Runs a command; output past `maxOutputBytes` is an error, never a silently shortened result. */
  private async runBinary(command: string, options: RunOptions, maxOutputBytes = MAX_COMMAND_OUTPUT_BYTES): Promise<{ stdout: Buffer; stderr: string; exitCode: number }> {
    const stdout: Buffer[] = [];
    let size = 0;
    const result = await this.streamCommand(command, options, (chunk) => {
      size += chunk.length;
      if (size <= maxOutputBytes) stdout.push(chunk);
    });
    if (size > maxOutputBytes) throw new TargetReadError(command, 'too-large', `printed more than ${maxOutputBytes} bytes`);
    return { stdout: Buffer.concat(stdout), ...result };
  }

  /**
   * Runs a command, handing its output to `onData` as it arrives; `stop` (returned through
   * `onData`'s caller closing the channel) ends it early. Standard error is kept up to 1 MiB.
   */
  private streamCommand(command: string, options: RunOptions & { signal?: AbortSignal }, onData: (chunk: Buffer, stop: (error: Error) => void) => void): Promise<{ stderr: string; exitCode: number }> {
    const { wrapped, sudoPassword } = this.wrap(command, options);
    return new Promise((resolve, reject) => {
      this.client.exec(wrapped, (error: Error | undefined, channel: ClientChannel) => {
        if (error) {
          reject(new TargetReadError(command, 'failed', `cannot start a command over SSH (${error.message})`));
          return;
        }
        const stderr: Buffer[] = [];
        let stderrSize = 0;
        let stopped: Error | undefined;
        const stop = (reason: Error): void => {
          if (stopped) return;
          stopped = reason;
          channel.close();
        };
        const onAbort = (): void => stop(options.signal?.reason instanceof Error ? options.signal.reason : new Error('aborted'));
        options.signal?.addEventListener('abort', onAbort, { once: true });
        const timer = setTimeout(() => stop(new CommandTimeoutError(command, options.timeoutMs)), options.timeoutMs + 2000);
        channel.on('data', (chunk: Buffer) => {
          if (!stopped) onData(chunk, stop);
        });
        channel.stderr.on('data', (chunk: Buffer) => {
          stderrSize += chunk.length;
          if (stderrSize <= 1024 * 1024) stderr.push(chunk);
        });
        let code: number | null = null;
        let signal: string | undefined;
        channel.on('exit', (exitCode: number | null, exitSignal?: string) => {
          code = exitCode;
          signal = exitSignal;
        });
        channel.on('close', () => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          // `timeout -s KILL` ends by the same signal (some builds exit 137 instead) when it had to kill the command.
          if (stopped) reject(stopped);
          else if (code === 137 || signal === 'KILL' || signal === 'SIGKILL') reject(new CommandTimeoutError(command, options.timeoutMs));
          else resolve({ stderr: Buffer.concat(stderr).toString('utf8'), exitCode: code ?? 1 });
        });
        if (sudoPassword) channel.write(`${sudoPassword.reveal().toString()}\n`);
        channel.end();
      });
    });
  }

  /**
   * One remote `find` for every root (ssh-tree-walk.ts), streamed: each entry goes to `visit` as
   * its record arrives, and past `maxEntries` the walk stops with an error. Runs unprivileged, as
   * SFTP listing does: a folder it cannot read is left out of `listed`, so the caller lists it
   * through the privileged path.
   */
  async walkTrees(roots: readonly TreeWalkRoot[], prune: readonly string[], visit: (entry: WalkedEntry) => void, options: { maxEntries: number; signal?: AbortSignal }): Promise<TreeWalkResult | undefined> {
    if (roots.length === 0) return { listed: new Set(), entries: 0 };
    const folders: { path: string; root: number; depth: number }[] = [];
    let current = 0;
    let entries = 0;
    let malformed = 0;
    const parser = new WalkStreamParser((entry) => {
      if (!entry) {
        malformed++;
        return;
      }
      for (let next = current + 1; next < roots.length; next++) if (entry.path === roots[next]?.root) current = next;
      entries++;
      if (entry.info.type === 'directory') folders.push({ path: entry.path, root: current, depth: depthBelow((roots[current] as TreeWalkRoot).root, entry.path) });
      visit(entry);
    });
    const command = treeWalkCommand(roots, prune);
    const { stderr, exitCode } = await this.streamCommand(command, { timeoutMs: 600_000, ...(options.signal ? { signal: options.signal } : {}) }, (chunk, stop) => {
      parser.push(chunk);
      if (entries > options.maxEntries) stop(new TargetReadError(roots.map((root) => root.root).join(' '), 'too-large', `more than ${options.maxEntries} entries`));
    });
    // A find without -printf (BusyBox) prints nothing and fails: no walk, the caller lists folders.
    if (entries === 0 && exitCode !== 0 && /printf|unrecognized|unknown/i.test(stderr)) return undefined;
    const unreadable = exitCode === 0 ? new Set<string>() : unreadableFolders(stderr);
    const listed = new Set<string>();
    if (unreadable !== undefined && malformed === 0 && parser.leftover === 0) {
      for (const folder of folders) {
        const { root, maxDepth } = roots[folder.root] as TreeWalkRoot;
        if (maxDepth >= 0 && folder.depth >= maxDepth) continue;
        if (folder.path !== root && prune.includes(folder.path)) continue;
        if (!unreadable.has(folder.path)) listed.add(folder.path);
      }
    }
    return { listed, entries };
  }

  async close(): Promise<void> {
    this.sftp.end();
    this.client.end();
  }
}
