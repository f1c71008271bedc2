/**
 * A compliance target: what the checks read. One interface for this host, a root filesystem, a
 * container image and a host over SSH: read a file, stat a path, list a folder, and, on live
 * systems, run a command. Paths are absolute paths of the target, never of the scanning host.
 */
import { ScanError, TollgateError, ExitCode } from '../../errors.js';

export type FileType = 'file' | 'directory' | 'symlink' | 'other';

export interface FileInfo {
  type: FileType;
  /** Permission bits including setuid/setgid/sticky (`mode & 0o7777`). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface RunOptions {
  timeoutMs: number;
  /** Run with root privileges (`sudo -n`, or the sudo password of the credentials on stdin). */
  privileged?: boolean;
}

export type TargetKind = 'local' | 'ssh' | 'dir' | 'image';

export interface Target {
  readonly kind: TargetKind;
  /** How the target is named in results and messages (never with a secret). */
  readonly name: string;
  /** A running system: runtime state (`/proc`, services, commands) can be asked for. */
  readonly live: boolean;
  /** Facts about the path itself (a symlink is reported as one); undefined when it does not exist. */
  stat(path: string): Promise<FileInfo | undefined>;
  /** A file's bytes, following symlinks inside the target; throws TargetReadError. */
  readFile(path: string, maxBytes: number): Promise<Buffer>;
  /** A symlink's raw target; undefined when the path is not a symlink or does not exist. */
  readLink(path: string): Promise<string | undefined>;
  /** Names in a folder; undefined when the folder does not exist. */
  listDir(path: string): Promise<string[] | undefined>;
  /** Present only on live targets. */
  run?(command: string, options: RunOptions): Promise<CommandResult>;
  close(): Promise<void>;
}

export type ReadFailure = 'not-found' | 'permission-denied' | 'too-large' | 'not-a-file' | 'symlink-loop' | 'outside-root' | 'failed';

/** One path could not be read: the control that needed it is ERROR with this reason. */
export class TargetReadError extends Error {
  constructor(
    readonly path: string,
    readonly failure: ReadFailure,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'TargetReadError';
  }
}

/** The target cannot be reached or opened at all: exit 3. */
export class TargetUnavailableError extends ScanError {}

/**
 * The target refused the credentials: its own outcome (AUTH_FAILED), distinct from an unreachable
 * host and from a failed control. The gate decides whether it fails the build.
 */
export class AuthenticationError extends TollgateError {
  readonly exitCode = ExitCode.ScanIncomplete;
}

/** A command on the target ran past its time limit. */
export class CommandTimeoutError extends Error {
  constructor(readonly command: string, readonly timeoutMs: number) {
    super(`command timed out after ${timeoutMs / 1000} s: ${command}`);
    this.name = 'CommandTimeoutError';
  }
}

/** Largest file any check reads; a bigger one is an ERROR, never a silent partial read. */
export const MAX_CHECKED_FILE_BYTES = 4 * 1024 * 1024;
/** Most output a check's command may print; more is an ERROR, never a silently shortened result. */
export const MAX_COMMAND_OUTPUT_BYTES = 8 * 1024 * 1024;
/** Largest package database (dpkg status, apk installed) read for package checks. */
export const MAX_PACKAGE_DATABASE_BYTES = 64 * 1024 * 1024;
