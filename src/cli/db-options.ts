/**
 * The flags of every command that fetches the prebuilt database (`db pull`, and `image scan` for
 * its first-use and refresh pulls), and their translation into PullOptions. Trusting another
 * signing key or none is possible only through a flag, and announced on stderr on every run: a
 * user cannot swap the trusted key silently.
 */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import type { PullOptions } from '../vulndb/artifact/pull.js';
import { DEFAULT_DB_REPOSITORY, repositoryList } from '../vulndb/artifact/repository.js';
import { publicKeyFromPem } from '../vulndb/artifact/signing.js';
import { DEFAULT_MAX_AGE, parseMaxAge } from '../vulndb/freshness.js';
import type { Progress } from './progress.js';

export interface DatabaseFetchFlags {
  dbRepository?: string[];
  dbInsecureSkipVerify?: boolean;
  dbTrustedKey?: string;
  registryInsecure?: boolean;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Adds the fetch flags; `withRegistryInsecure` for commands that do not have it already. */
export function addDatabaseFetchOptions(command: Command, options: { withRegistryInsecure?: boolean } = {}): Command {
  command
    .addOption(new Option('--db-repository <refs>', `where the prebuilt database comes from: OCI references (tag = schema version unless written) or https URLs, comma-separated or repeated, tried in order (default: ${DEFAULT_DB_REPOSITORY})`).argParser(collect).env('TOLLGATE_DB_REPOSITORY'))
    .addOption(new Option('--db-insecure-skip-verify', 'INSECURE: install a database whose signature is missing or does not verify (digests are still checked)'))
    .addOption(new Option('--db-trusted-key <file>', 'INSECURE unless you run your own mirror: trust this ed25519 public key (PEM) for database signatures instead of the keys built into tollgate'));
  if (options.withRegistryInsecure) command.addOption(new Option('--registry-insecure', 'accept a registry with a self-signed certificate or plain HTTP').env('TOLLGATE_REGISTRY_INSECURE'));
  return command;
}

/** The trusted keys from --db-trusted-key, announced loudly; undefined means the pinned keys. */
function trustedKeysOf(flags: DatabaseFetchFlags): PullOptions['trustedKeys'] {
  if (!flags.dbTrustedKey) return undefined;
  let pem: string;
  try {
    pem = readFileSync(flags.dbTrustedKey, 'utf8');
  } catch (error) {
    throw new UsageError(`--db-trusted-key ${flags.dbTrustedKey}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  const key = publicKeyFromPem(pem, `--db-trusted-key ${flags.dbTrustedKey}`);
  process.stderr.write(`tollgate: WARNING: trusting database signing key ${key.keyId} from ${flags.dbTrustedKey} instead of the keys built into tollgate (--db-trusted-key)\n`);
  return [key];
}

export function pullOptionsOf(flags: DatabaseFetchFlags, progress: Progress): PullOptions {
  const trustedKeys = trustedKeysOf(flags);
  if (flags.dbInsecureSkipVerify) process.stderr.write('tollgate: WARNING: database signatures are NOT verified (--db-insecure-skip-verify); a tampered mirror can feed this scan a database that hides vulnerabilities\n');
  return {
    repositories: repositoryList(flags.dbRepository),
    ...(flags.registryInsecure ? { insecureRegistry: true } : {}),
    ...(trustedKeys ? { trustedKeys } : {}),
    ...(flags.dbInsecureSkipVerify ? { skipSignature: true } : {}),
    ...(process.env.TOLLGATE_DB_STALL_TIMEOUT ? { stallTimeoutMs: stallTimeoutOf(process.env.TOLLGATE_DB_STALL_TIMEOUT) } : {}),
    onProgress: (message) => progress.update(message),
    onFallback: (repository, error) => process.stderr.write(`tollgate: ${repository} failed (${error.message.split('\n')[0]}); trying the next repository\n`),
  };
}

function stallTimeoutOf(text: string): number {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) throw new UsageError(`TOLLGATE_DB_STALL_TIMEOUT="${text}" is not a number of seconds between 0 and 86400`);
  return seconds * 1000;
}

export interface ScanDatabaseFlags extends DatabaseFetchFlags {
  dbMaxAge: number;
  skipDbUpdate?: boolean;
  dbAutoUpdate: boolean;
}

/** The database flags of a scan: freshness, air-gapped use, and where a refresh comes from. */
export function addScanDatabaseOptions(command: Command): Command {
  command
    .addOption(new Option('--db-max-age <duration>', 'refresh a database older than this before scanning, and fail when that is impossible (e.g. 48h, 7d)').default(parseMaxAge(DEFAULT_MAX_AGE), DEFAULT_MAX_AGE).argParser((text) => parseMaxAge(text)).env('TOLLGATE_DB_MAX_AGE'))
    .addOption(new Option('--skip-db-update', 'never download the database (air-gapped): scan with the one there is, however old; fail if there is none').env('TOLLGATE_SKIP_DB_UPDATE'))
    .addOption(new Option('--no-db-auto-update', 'the same as --skip-db-update').hideHelp());
  return addDatabaseFetchOptions(command);
}
