/**
 * A compliance target: what the checks read. One interface for this host, a root filesystem, a
 * container image and a host over SSH: a read-only filesystem view (src/image/fs/fs-view.ts) plus
 * what a check needs to know about the target itself (its kind, its name, whether it is a running
 * system) and, on live systems, a way to run a command. Paths are absolute paths of the target,
 * never of the scanning host.
 */
import { ScanError, TollgateError, ExitCode } from '../../errors.js';
import type { FsView } from '../../image/fs/fs-view.js';
import type { OpenImageOptions } from '../../image/sources.js';
import type { AuthenticationRecord } from '../../config/credentials.js';
import type { TargetKind } from '../../model/compliance-result.js';

// A target's read errors are its filesystem view's; named here too for code that only knows targets.
export { TargetReadError, listWithInfo, type FileInfo, type FileType, type FolderListing, type ReadFailure } from '../../image/fs/fs-view.js';

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

/** The kinds of target, as compliance results name them (the model holds the closed set). */
export type { TargetKind };

export interface Target extends FsView {
  readonly kind: TargetKind;
  /** How the target is named in results and messages (never with a secret). */
  readonly name: string;
  /** A running system: runtime state (`/proc`, services, commands) can be asked for. */
  readonly live: boolean;
  /** Present only on live targets. */
  run?(command: string, options: RunOptions): Promise<CommandResult>;
  close(): Promise<void>;
}

/** What opening a target may need besides its specification. */
export interface OpenTargetOptions {
  /** The authentication record for SSH targets. */
  record?: AuthenticationRecord;
  sshHostKey?: string;
  knownHostsFiles?: string[];
  connectTimeoutMs?: number;
  /** How `image:` targets open their image: platform, Docker daemon, registry, metadata store (as `image scan`). */
  image?: OpenImageOptions;
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
