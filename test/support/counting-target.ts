/**
 * A target wrapped to count the requests a scan makes of it (stat, listDir, readFile, readLink,
 * run, walkTrees): over SSH each is a round trip. `walks: false` hides the target's tree walk, so
 * the same target can be measured listing folder by folder (the baseline).
 */
import type { CommandResult, RunOptions, Target } from '../../src/compliance/targets/target.js';
import { canWalkTrees, type TreeWalker } from '../../src/compliance/targets/tree-walker.js';

export interface RequestCounts {
  stat: number;
  listDir: number;
  readFile: number;
  readLink: number;
  run: number;
  walkTrees: number;
}

export function totalRequests(counts: RequestCounts): number {
  return counts.stat + counts.listDir + counts.readFile + counts.readLink + counts.run + counts.walkTrees;
}

export function countingTarget(inner: Target, options: { walks: boolean }): { target: Target; counts: RequestCounts } {
  const counts: RequestCounts = { stat: 0, listDir: 0, readFile: 0, readLink: 0, run: 0, walkTrees: 0 };
  const target: Target & Partial<TreeWalker> = {
    kind: inner.kind,
    name: inner.name,
    live: inner.live,
    stat: (path) => (counts.stat++, inner.stat(path)),
    listDir: (path) => (counts.listDir++, inner.listDir(path)),
    readFile: (path, maxBytes) => (counts.readFile++, inner.readFile(path, maxBytes)),
    readLink: (path) => (counts.readLink++, inner.readLink(path)),
    close: () => inner.close(),
  };
  const run = inner.run?.bind(inner);
  if (run) target.run = (command: string, runOptions: RunOptions): Promise<CommandResult> => (counts.run++, run(command, runOptions));
  if (options.walks && canWalkTrees(inner)) target.walkTrees = (...args) => (counts.walkTrees++, inner.walkTrees(...args));
  return { target, counts };
}
