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
