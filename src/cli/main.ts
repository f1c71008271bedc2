#!/usr/bin/env node
/**
 * The `tollgate` command. Thin: each command parses its options, calls the engine, renders and
 * exits with a code from DESIGN.md. Commands are registered in cli/commands/index.ts.
 */
import { isMainThread, workerData } from 'node:worker_threads';
import { runCli } from './program.js';

function startCli(): void {
  // A reader that goes away (`tollgate ... | head`) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw error;
  });

  // No top-level await: the bundled CLI is a CommonJS file (see scripts/bundle.mjs).
  void runCli(process.argv).then((code) => {
    process.exitCode = code;
  });
}

// In the bundled CLI (one file) the server's match workers start this same file
// (server/evaluation/match-pool.ts): with their role (match-worker.ts's MATCH_WORKER_ROLE, spelled
// out so a command's start loads no server module) it runs the worker, not a command.
if (!isMainThread && (workerData as { role?: unknown } | null)?.role === 'tollgate-rematch') {
  void import('../server/evaluation/match-worker.js').then(({ runMatchWorker }) => runMatchWorker());
} else {
  startCli();
}
