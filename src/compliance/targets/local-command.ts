/**
 * Commands of checks on this host: run by `/bin/sh -c` in their own process group, killed as a
 * group when they pass their time limit, with bounded output.
 */
import { spawn } from 'node:child_process';
import { CommandTimeoutError, type CommandResult, type RunOptions } from './target.js';

const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

export function runLocalCommand(command: string, options: RunOptions): Promise<CommandResult> {
  const privileged = options.privileged === true && process.getuid?.() !== 0;
  const argv = privileged ? ['sudo', '-n', '/bin/sh', '-c', command] : ['/bin/sh', '-c', command];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_OUTPUT_BYTES) into.push(chunk);
    };
    child.stdout.on('data', collect(stdout));
    child.stderr.on('data', collect(stderr));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new CommandTimeoutError(command, options.timeoutMs));
        return;
      }
      resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), exitCode: code ?? (signal ? 128 : 1) });
    });
  });
}
