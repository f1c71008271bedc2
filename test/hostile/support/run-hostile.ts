/**
 * Runs the built `tollgate` command on hostile input in a child process under a watchdog: the
 * child is killed when its resident memory passes `memoryMiB` or its run passes `timeoutMs`, and
 * the result says which bound it hit. An address-space limit (ulimit -v) is not used because V8
 * and WebAssembly reserve far more address space than they touch.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { CLI } from '../../support/cli.js';

export interface HostileRun {
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Resident-memory ceiling of the child; 768 MiB unless told. */
  memoryMiB?: number;
  /** Wall-clock ceiling; 30 s unless told. */
  timeoutMs?: number;
  /** Bytes written to the child's standard input, then closed (closed at once when absent). */
  stdin?: string | Buffer;
}

export interface HostileResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  peakRssMiB: number;
  /** Set when the watchdog killed the child. */
  killedFor?: 'memory' | 'time';
}

async function residentMiB(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs `command` (the CLI unless told) with `args` under the watchdog. */
export function runHostile(run: HostileRun, command: readonly string[] = [process.execPath, CLI]): Promise<HostileResult> {
  const memoryMiB = run.memoryMiB ?? 768;
  const timeoutMs = run.timeoutMs ?? 30_000;
  const started = performance.now();
  const child = spawn(command[0]!, [...command.slice(1), ...run.args], {
    env: { ...process.env, NO_COLOR: '1', ...run.env },
    cwd: run.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.on('error', () => undefined);
  child.stdin.end(run.stdin ?? '');
  let peakRssMiB = 0;
  let killedFor: HostileResult['killedFor'];
  const kill = (reason: 'memory' | 'time'): void => {
    if (killedFor) return;
    killedFor = reason;
    child.kill('SIGKILL');
  };
  const watch = setInterval(() => {
    if (child.pid === undefined) return;
    void residentMiB(child.pid).then((mib) => {
      peakRssMiB = Math.max(peakRssMiB, mib);
      if (mib > memoryMiB) kill('memory');
    });
  }, 25);
  const timer = setTimeout(() => kill('time'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(watch);
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        ms: performance.now() - started,
        peakRssMiB,
        ...(killedFor ? { killedFor } : {}),
      });
    });
  });
}

/**
 * The corpus' one verdict on a hostile case: the run ended by itself within its bounds, with a
 * usage error (2) or a refusal (3) whose message matches, and never as an internal error.
 */
export function clearFailureProblems(result: HostileResult, message: RegExp, codes: readonly number[] = [2, 3]): string[] {
  const problems: string[] = [];
  if (result.killedFor) problems.push(`killed by the watchdog for ${result.killedFor} after ${Math.round(result.ms)} ms (peak ${Math.round(result.peakRssMiB)} MiB)`);
  if (result.code === null || !codes.includes(result.code)) problems.push(`exit ${String(result.code ?? result.signal)}, expected ${codes.join(' or ')}`);
  if (/internal error/i.test(result.stderr + result.stdout)) problems.push('printed "internal error"');
  if (!message.test(result.stderr + result.stdout)) problems.push(`no message matching ${String(message)}`);
  return problems;
}
