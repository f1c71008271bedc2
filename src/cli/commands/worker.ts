/**
 * `tollgate worker`: the scanner worker (src/worker/). Thin: parses the flags, wires SIGTERM and
 * SIGINT to a clean stop, and runs the worker until then. The token comes from --token or
 * TOLLGATE_TOKEN (prefer the variable: a flag is visible in the process list); it never appears
 * in the worker's output.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import { printNotice } from '../messages.js';

interface WorkerFlags {
  server: string;
  token?: string;
  label: string;
  concurrency: number;
  heartbeat: number;
  poll: number;
  leaseSeconds: number;
  workerId?: string;
  knownHosts?: string[];
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

function wholeNumber(flag: string, min: number, max: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got "${text}")`);
    return value;
  };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run compliance scans for the server: lease queued scans of a scanner label, scan over SSH, upload the results')
    .addOption(new Option('--server <url>', 'the Tollgate server (https://host:port)').env('TOLLGATE_SERVER').makeOptionMandatory())
    .addOption(new Option('--token <token>', 'a worker token (prefer the TOLLGATE_TOKEN variable)').env('TOLLGATE_TOKEN'))
    .addOption(new Option('--label <label>', 'the scanner label whose scans this worker runs').default('External').env('TOLLGATE_SCANNER'))
    .addOption(new Option('--concurrency <n>', 'scans run at once').default(1).argParser(wholeNumber('--concurrency', 1, 64)))
    .addOption(new Option('--heartbeat <seconds>', 'how often the worker tells the server it is alive').default(30).argParser(wholeNumber('--heartbeat', 1, 3600)))
    .addOption(new Option('--poll <seconds>', 'how long to wait before asking again when no scan is queued').default(5).argParser(wholeNumber('--poll', 1, 3600)))
    .addOption(new Option('--lease-seconds <seconds>', 'lease length; renewed every third of it while scanning, and how soon a dead worker\'s scan runs again').default(60).argParser(wholeNumber('--lease-seconds', 10, 600)))
    .addOption(new Option('--worker-id <id>', 'this worker\'s name on the server (default: host name and a random suffix)'))
    .addOption(new Option('--known-hosts <file>', 'known_hosts file for the targets\' host keys, repeatable (default: ~/.ssh/known_hosts, /etc/ssh/ssh_known_hosts)').argParser(collect))
    .action(async (flags: WorkerFlags) => {
      if (!flags.token) throw new UsageError('a worker token is needed: set TOLLGATE_TOKEN (or --token)');
      if (!/^https?:\/\//.test(flags.server)) throw new UsageError(`--server must be an http:// or https:// URL (got "${flags.server}")`);
      const workerId = flags.workerId ?? `${hostname().replace(/[^A-Za-z0-9._-]/g, '-')}-${randomBytes(3).toString('hex')}`;
      if (!NAME_PATTERN.test(workerId)) throw new UsageError(`--worker-id "${workerId}": letters, digits and . _ : @ - only, up to 128 characters`);
      if (!NAME_PATTERN.test(flags.label)) throw new UsageError(`--label "${flags.label}": letters, digits and . _ : @ - only, up to 128 characters`);
      const { WorkerApi } = await import('../../worker/worker-api.js');
      const { runWorker } = await import('../../worker/worker.js');
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals): void => {
        printNotice(`${signal}: stopping`);
        stop.abort();
      };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
      try {
        await runWorker({
          api: new WorkerApi({ serverUrl: flags.server, token: flags.token }),
          label: flags.label,
          workerId,
          concurrency: flags.concurrency,
          heartbeatMs: flags.heartbeat * 1000,
          pollMs: flags.poll * 1000,
          leaseSeconds: flags.leaseSeconds,
          ...(flags.knownHosts ? { knownHostsFiles: flags.knownHosts } : {}),
          signal: stop.signal,
          log: (line) => printNotice(`${new Date().toISOString()} ${line}`),
        });
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    });
}
