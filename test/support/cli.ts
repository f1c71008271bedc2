/**
 * Runs the built `tollgate` command (the bundled dist/bin/tollgate.cjs, as installed) in a child process.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './fixture-cache.js';

export const CLI = path.join(REPO_ROOT, 'dist', 'bin', 'tollgate.cjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runTollgate(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...options.env }, cwd: options.cwd, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
