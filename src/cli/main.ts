#!/usr/bin/env node
/**
 * The `tollgate` command. Thin: each command parses its options, calls the engine, renders and
 * exits with a code from DESIGN.md. Commands are registered in cli/commands/index.ts.
 */
import { runCli } from './program.js';

// A reader that goes away (`tollgate ... | head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  throw error;
});

// No top-level await: the bundled CLI is a CommonJS file (see scripts/bundle.mjs).
void runCli(process.argv).then((code) => {
  process.exitCode = code;
});
