/**
 * Typed errors of the engine, each mapped to one of the exit codes of DESIGN.md.
 *
 * Every error message says what the user needs to act on (the file, the flag, the fix) and
 * never carries a secret: callers pass paths and names, never credentials.
 */

/** Exit codes of the CLI contract (DESIGN.md, "Exit codes"). */
export const ExitCode = {
  Passed: 0,
  GateFailed: 1,
  Usage: 2,
  ScanIncomplete: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export abstract class TollgateError extends Error {
  abstract readonly exitCode: ExitCode;
  /** A hint shown under the message: the command or flag that fixes the problem. */
  readonly hint: string | undefined;

  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** A bad flag, an unreadable or invalid configuration, policy or condition: exit 2. */
export class UsageError extends TollgateError {
  readonly exitCode = ExitCode.Usage;
}

/** The scan could not be completed (image unreadable, target unreachable, DB missing): exit 3. */
export class ScanError extends TollgateError {
  readonly exitCode = ExitCode.ScanIncomplete;
}

/** An image (archive, layout, layer, manifest) is unreadable or malformed. */
export class ImageError extends ScanError {}

/**
 * The input tried something an honest image never does: a path that leaves the root, a symlink
 * that must be followed out of it, a decompression bomb, a limit exceeded.
 */
export class HostileInputError extends ImageError {}

/** The vulnerability database is missing, unreadable or of an unknown schema. */
export class DatabaseError extends ScanError {}

export function isTollgateError(error: unknown): error is TollgateError {
  return error instanceof TollgateError;
}

/** The message of any thrown value, for wrapping into a typed error. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
