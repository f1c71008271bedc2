#!/usr/bin/env node
/**
 * The `tollgate` command. Thin: each command parses its options, calls the engine, renders and
 * exits with a code from DESIGN.md. Commands are registered in cli/commands/index.ts.
 */
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv);
