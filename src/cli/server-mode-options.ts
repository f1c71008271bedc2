/**
 * The connector flags of `image scan` (issue 14): `--server URL --token T` stores the runner's
 * scan on the platform; with `--via-sensor` the pipeline marks the image for a sensor on the
 * Docker host and polls the platform (`--poll`, `--timeout`, seconds, numbers or expressions such
 * as 2*60). The token comes from --token or TOLLGATE_TOKEN and is never printed.
 */
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { evaluateDurationExpression, timerMilliseconds } from './duration-expression.js';

export interface ServerModeFlags {
  server?: string;
  token?: string;
  viaSensor?: boolean;
  poll?: string;
  timeout?: string;
}

export interface ServerMode {
  server: string;
  token: string | undefined;
  viaSensor: boolean;
  pollIntervalMs: number;
  timeoutMs: number;
  /** --timeout as the user wrote it, for messages. */
  timeoutText: string;
}

export const DEFAULT_POLL_SECONDS = '30';
export const DEFAULT_TIMEOUT_SECONDS = '600';

export function addServerModeOptions(command: Command): Command {
  return command
    .addOption(new Option('--server <url>', 'Tollgate server: store the scan there, or with --via-sensor have a sensor scan the image').env('TOLLGATE_SERVER'))
    .addOption(new Option('--token <token>', 'API token (role ci) for --server; prefer the TOLLGATE_TOKEN variable, which stays out of the process list').env('TOLLGATE_TOKEN'))
    .addOption(new Option('--via-sensor', 'tag the image tollgate_scan_target:<id> for the CI-mode sensor of its Docker daemon and poll the server for its result').env('TOLLGATE_VIA_SENSOR'))
    .addOption(new Option('--poll <seconds>', `with --via-sensor: seconds between two polls, a number or an expression such as 2*15 (default ${DEFAULT_POLL_SECONDS})`))
    .addOption(new Option('--timeout <seconds>', `with --via-sensor: seconds to wait for the result, a number or an expression such as 10*60 (default ${DEFAULT_TIMEOUT_SECONDS}); afterwards the build fails only if failure conditions are configured`));
}

function secondsOf(text: string, flag: string): number {
  return timerMilliseconds(evaluateDurationExpression(text, flag), 1000, flag, 'seconds');
}

/** The server mode asked for, checked as usage before anything runs; undefined when standalone. */
export function serverModeOf(flags: ServerModeFlags): ServerMode | undefined {
  if (!flags.server) {
    if (flags.viaSensor) throw new UsageError('--via-sensor needs --server: the sensor delivers its result to a Tollgate server');
    if (flags.poll !== undefined || flags.timeout !== undefined) throw new UsageError('--poll and --timeout apply with --server and --via-sensor');
    return undefined;
  }
  if (!flags.viaSensor && (flags.poll !== undefined || flags.timeout !== undefined)) throw new UsageError('--poll and --timeout apply with --via-sensor (without it the runner scans and nothing is polled)');
  const timeoutText = flags.timeout ?? DEFAULT_TIMEOUT_SECONDS;
  const pollIntervalMs = secondsOf(flags.poll ?? DEFAULT_POLL_SECONDS, '--poll');
  const timeoutMs = secondsOf(timeoutText, '--timeout');
  return { server: flags.server, token: flags.token, viaSensor: Boolean(flags.viaSensor), pollIntervalMs, timeoutMs, timeoutText };
}

/** The connector flags of `compliance scan` (issue 14); its own --timeout (minutes) bounds the wait. */
export interface ComplianceServerFlags {
  server?: string;
  token?: string;
  scanner: string;
  optionProfile?: string;
  poll?: string;
  createAuthRecord?: string;
  cloudConnector?: string;
}

export const DEFAULT_COMPLIANCE_POLL_MINUTES = '1';
export const DEFAULT_COMPLIANCE_TIMEOUT_MINUTES = '2*60';

export function addComplianceServerOptions(command: Command): Command {
  return command
    .addOption(new Option('--server <url>', 'Tollgate server: a scanner worker scans the target, this command polls and applies the gate').env('TOLLGATE_SERVER'))
    .addOption(new Option('--token <token>', 'API token (role ci) for --server; prefer the TOLLGATE_TOKEN variable, which stays out of the process list').env('TOLLGATE_TOKEN'))
    .addOption(new Option('--scanner <label>', 'with --server: the scanner label whose workers run the scan').default('External').env('TOLLGATE_SCANNER'))
    .addOption(new Option('--option-profile <name>', 'with --server: the option profile (timeouts) the scan runs with'))
    .addOption(new Option('--poll <minutes>', `with --server: minutes between two polls, a number or an expression such as 0.5 (default ${DEFAULT_COMPLIANCE_POLL_MINUTES}); --timeout bounds the wait (default ${DEFAULT_COMPLIANCE_TIMEOUT_MINUTES})`))
    .addOption(new Option('--create-auth-record <type>', 'with --server: create or update the record tollgate_unix_<job name> from --credentials/--auth').choices(['unix']))
    .addOption(new Option('--cloud-connector <name>', 'with --server and an ec2:<instance-id> target: the server\'s cloud connector that resolves it'));
}

export interface ComplianceServerMode {
  server: string;
  token: string | undefined;
  pollIntervalMs: number;
  timeoutMs: number;
  timeoutText: string;
}

/** The compliance server mode asked for, checked before anything runs; undefined when standalone. */
export function complianceServerModeOf(flags: ComplianceServerFlags & { timeout?: string }): ComplianceServerMode | undefined {
  if (!flags.server) {
    for (const [flag, given] of [['--poll', flags.poll], ['--option-profile', flags.optionProfile], ['--create-auth-record', flags.createAuthRecord], ['--cloud-connector', flags.cloudConnector]] as const) {
      if (given !== undefined) throw new UsageError(`${flag} applies with --server`);
    }
    return undefined;
  }
  const timeoutText = flags.timeout ?? DEFAULT_COMPLIANCE_TIMEOUT_MINUTES;
  return {
    server: flags.server,
    token: flags.token,
    pollIntervalMs: timerMilliseconds(evaluateDurationExpression(flags.poll ?? DEFAULT_COMPLIANCE_POLL_MINUTES, '--poll'), 60_000, '--poll', 'minutes'),
    timeoutMs: timerMilliseconds(evaluateDurationExpression(timeoutText, '--timeout'), 60_000, '--timeout', 'minutes'),
    timeoutText,
  };
}
