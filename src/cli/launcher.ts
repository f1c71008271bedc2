#!/usr/bin/env node
/**
 * The `tollgate` executable (dist/bin/tollgate.cjs): runs the bundled CLI (tollgate-cli.cjs beside
 * it) with V8's code cache (src/cli/code-cache.ts). TOLLGATE_DEBUG_STARTUP=1 prints whether the
 * cache was used (and TOLLGATE_DEBUG_STARTUP_TIMINGS=1 how long each step of the start took).
 */
import path from 'node:path';
import { codeCacheDir, commandOf, runBundle } from './code-cache.js';

const outcome = runBundle(path.join(__dirname, 'tollgate-cli.cjs'), codeCacheDir(process.argv.slice(2)), commandOf(process.argv.slice(2)));
if (process.env.TOLLGATE_DEBUG_STARTUP === '1') {
  const phases = Object.entries(outcome.timings).map(([phase, ms]) => `${phase} ${ms.toFixed(1)} ms`);
  process.stderr.write(`tollgate: code cache ${outcome.cache}${process.env.TOLLGATE_DEBUG_STARTUP_TIMINGS === '1' ? ` (${phases.join(', ')}; ${(performance.now()).toFixed(0)} ms since the process started)` : ''}\n`);
}
