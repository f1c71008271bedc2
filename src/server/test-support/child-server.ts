/**
 * Starting serve-process.ts as a child (through tsx, so tests need no build) and waiting until it
 * listens. TOLLGATE_SERVER_CPU_PROF_DIR=<dir> profiles the child (node --cpu-prof, one profile per
 * thread, written when it exits): NODE_OPTIONS refuses --cpu-prof.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerOptions } from '../start-server.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export interface ChildServer {
  url: string;
  process: ChildProcess;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startChildServer(options: Omit<ServerOptions, 'announce' | 'log'>): Promise<ChildServer> {
  const profileDir = process.env.TOLLGATE_SERVER_CPU_PROF_DIR;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(HERE, 'serve-process.ts'), JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening: ${output}`));
    });
  });
  return {
    url,
    process: child,
    output: () => output,
    kill: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
