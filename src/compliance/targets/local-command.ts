/**
 * Commands of checks on this host: run by `/bin/sh -c` in their own process group, killed as a
 * group when they pass their time limit, with bounded output (more is an error, not a cut).
 */
import { spawn } from 'node:child_process';
import { CommandTimeoutError, MAX_COMMAND_OUTPUT_BYTES, TargetReadError, type CommandResult, type RunOptions } from './target.js';

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
      if (size <= MAX_COMMAND_OUTPUT_BYTES) into.push(chunk);
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
      if (size > MAX_COMMAND_OUTPUT_BYTES) {
        reject(new TargetReadError(command, 'too-large', `printed more than ${MAX_COMMAND_OUTPUT_BYTES} bytes`));
        return;
      }
      resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), exitCode: code ?? (signal ? 128 : 1) });
    });
  });
}
