/**
 * Tree queries (tree-query.ts) of a target backed by a folder of this machine, answered by GNU
 * `find` beside the scan: every query over the same root and depth goes into one `find` run, each
 * as its own expression with its own tagged `-printf` (joined by `,`, so each entry is tested by
 * all), and only the entries that pass come back. The walk is the tree walk's (local-find-walk.ts):
 * `-P`, the root resolved inside the view, a root with a few folders (`/`) split into one run per
 * folder, on one lane more than there are cores. A query over a folder another run reads anyway
 * rides along in that run (mergeRuns), so no folder is read twice.
 *
 * `find`'s expression is a superset of the test (what it cannot say exactly, such as a text in the
 * target's path once a root link moved the host path, it lets through); every entry that comes back
 * is checked against the test here. Any message from `find` (a folder it could not read, an entry
 * that vanished) makes the answer undefined: the caller walks the usual way and reports what it sees.
 */
import { realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { FORMAT, FindUnavailableError, MAX_SPLIT_FOLDERS, RecordParser, childOf, hostPrunes, isFolder, listHere, literalGlob, spawnFind } from './local-find-walk.js';
import type { LocalTreeView } from './local-tree-walk.js';
import { entryPasses, mayPassBelow, type EntryTest, type TreeQuery } from './tree-query.js';
import type { WalkedEntry } from './tree-walker.js';

/** Past this many ids a `-uid` list is left to the check here (find tests each in turn). */
const MAX_FIND_IDS = 1000;

const FIND_TYPES: Record<string, string> = { file: 'f', directory: 'd', symlink: 'l' };

/**
 * `find`'s expression for a test: a superset of the entries that pass when `positive`, a subset
 * when not (under a `!`). `hostPrefix`: what the host path has before the target's path (undefined
 * when a root link makes them differ), so a text in the one is in the other.
 */
export function findExpression(test: EntryTest, positive: boolean, hostPrefix: string | undefined): string[] {
  const loose = positive ? ['-true'] : ['-false'];
  const joined = (parts: readonly EntryTest[], operator: string): string[] => ['(', ...parts.flatMap((part, index) => [...(index > 0 ? [operator] : []), ...findExpression(part, positive, hostPrefix)]), ')'];
  switch (test.kind) {
    case 'all':
      return ['-true'];
    case 'none':
      return ['-false'];
    case 'and':
      return joined(test.tests, '-a');
    case 'or':
      return joined(test.tests, '-o');
    case 'not':
      return ['!', '(', ...findExpression(test.test, !positive, hostPrefix), ')'];
    case 'type': {
      const letter = FIND_TYPES[test.type];
      return letter ? ['-type', letter] : ['!', '(', '-type', 'f', '-o', '-type', 'd', '-o', '-type', 'l', ')'];
    }
    case 'uid':
    case 'gid': {
      if (test.ids.length === 0) return ['-false'];
      if (test.ids.length > MAX_FIND_IDS) return loose;
      return ['(', ...test.ids.flatMap((id, index) => [...(index > 0 ? ['-o'] : []), `-${test.kind}`, String(id)]), ')'];
    }
    case 'mode':
      return ['-perm', `-${test.bits.toString(8).padStart(4, '0')}`];
    case 'pathContains':
      // The host path holds the text wherever the target's path does, not the other way round.
      return positive && hostPrefix !== undefined ? ['-path', `*${literalGlob(test.text)}*`] : loose;
    case 'pathStartsWith':
      return positive && hostPrefix !== undefined ? ['-path', `${literalGlob(hostPrefix + test.text)}*`] : loose;
  }
}

/** A query one `find` run answers: its index, and where its root is in the run's tree. */
interface Member {
  index: number;
  /** The query's root resolved inside the view (its folder of the target). */
  view: string;
  /** The host folder of that root: the run's own, or one below it (a query riding along, mergeRuns). */
  host: string;
}

/** One `find` run: the entries below `view` (host folder `host`) to `maxDepth`, for its members. */
interface QueryJob {
  view: string;
  host: string;
  maxDepth: number;
  members: Member[];
}

/** The answers so far, and the bound on how many entries they may hold. */
class Answers {
  readonly entries: WalkedEntry[][];
  private count = 0;

  constructor(
    readonly queries: readonly TreeQuery[],
    private readonly maxEntries: number,
  ) {
    this.entries = queries.map(() => []);
  }

  /** Adds the entry to each member query it passes; false once past the bound. */
  offer(members: readonly number[], path: string, info: WalkedEntry['info']): boolean {
    for (const index of members) {
      if (!entryPasses((this.queries[index] as TreeQuery).test, path, info)) continue;
      if (++this.count > this.maxEntries) return false;
      (this.entries[index] as WalkedEntry[]).push({ path, info });
    }
    return true;
  }
}

/** What the host path has before the target's path below `view` (undefined when a root link makes them differ). */
function hostPrefixOf(view: string, host: string): string | undefined {
  if (view === '/') return host === '/' ? '' : host;
  return host.endsWith(view) ? host.slice(0, host.length - view.length) : undefined;
}

/** Whether every entry that passes is a folder, or none is, as far as the test's own conjuncts say. */
function folderness(test: EntryTest): 'folder' | 'not-folder' | undefined {
  const says = (part: EntryTest): 'folder' | 'not-folder' | undefined => {
    if (part.kind === 'type') return part.type === 'directory' ? 'folder' : 'not-folder';
    if (part.kind === 'not' && part.test.kind === 'type' && part.test.type === 'directory') return 'not-folder';
    return undefined;
  };
  if (test.kind !== 'and') return says(test);
  for (const part of test.tests) {
    const said = says(part);
    if (said) return said;
  }
  return undefined;
}

/**
 * The run's arguments, and for each `-printf` tag the members it answers: members with the same
 * expression share one (a /lib and a /usr/lib query are one folder on a merged-/usr system).
 * Expressions only folders (or only other entries) can pass are asked under one `-type d` (or
 * `! -type d`): most entries are files, and each is then tested once instead of once per query
 * (~10 % of a host-wide run's time).
 */
function findArguments(job: QueryJob, queries: readonly TreeQuery[], prune: readonly string[]): { args: string[]; tags: Member[][] } {
  const pruned = hostPrunes(job.view, job.host, prune);
  const depth = job.maxDepth >= 0 ? ['-maxdepth', String(job.maxDepth)] : [];
  const pruning = pruned.length > 0 ? ['(', ...pruned.flatMap((path, index) => [...(index > 0 ? ['-o'] : []), '-path', path]), ')', '-prune', ','] : [];
  const byExpression = new Map<string, { expression: string[]; members: Member[]; folderness: ReturnType<typeof folderness> }>();
  for (const member of job.members) {
    const query = (queries[member.index] as TreeQuery).test;
    const test = findExpression(query, true, hostPrefixOf(member.view, member.host));
    // A member below the run's folder only sees the entries below its own.
    const expression = member.host === job.host ? test : ['-path', `${literalGlob(member.host)}/*`, '-a', ...test];
    const key = expression.join('\0');
    const shared = byExpression.get(key);
    if (!shared) byExpression.set(key, { expression, members: [member], folderness: folderness(query) });
    else {
      shared.members.push(member);
      // The guard must hold for every member sharing the expression.
      if (shared.folderness !== folderness(query)) shared.folderness = undefined;
    }
  }
  const groups = [...byExpression.values()];
  const printed = (indexes: readonly number[]): string[] =>
    indexes.flatMap((tag, position) => [...(position > 0 ? [','] : []), '(', ...(groups[tag] as (typeof groups)[number]).expression, ')', '-printf', `${tag} ${FORMAT}`]);
  const tagsOf = (kind: ReturnType<typeof folderness>): number[] => groups.flatMap((group, tag) => (group.folderness === kind ? [tag] : []));
  const sections = [
    ...(tagsOf('folder').length > 0 ? [['(', '-type', 'd', '(', ...printed(tagsOf('folder')), ')', ')']] : []),
    ...(tagsOf('not-folder').length > 0 ? [['(', '!', '-type', 'd', '(', ...printed(tagsOf('not-folder')), ')', ')']] : []),
    ...(tagsOf(undefined).length > 0 ? [printed(tagsOf(undefined))] : []),
  ];
  const tests = sections.flatMap((section, index) => [...(index > 0 ? [','] : []), ...section]);
  return { args: ['-P', job.host, '-mindepth', '1', ...depth, ...pruning, ...tests], tags: groups.map((group) => group.members) };
}

/** A path below `job.host` relative to `member.host` instead; undefined when it is not below it. */
function relativeTo(job: QueryJob, member: Member, relative: string): string | undefined {
  if (member.host === job.host) return relative;
  const offset = `${job.host === '/' ? member.host.slice(1) : member.host.slice(job.host.length + 1)}/`;
  return relative.startsWith(offset) && relative.length > offset.length ? relative.slice(offset.length) : undefined;
}

/** Runs one job; false when its answer may be incomplete (find said anything, or the bound was passed). */
function runQueryFind(job: QueryJob, queries: readonly TreeQuery[], prune: readonly string[], answers: Answers, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let complete = true;
    let failed: Error | undefined;
    const { args, tags } = findArguments(job, queries, prune);
    const child = spawnFind(args);
    const stop = (error: Error): void => {
      failed ??= error;
      child.kill('SIGKILL');
    };
    const onAbort = (): void => stop(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    const parser = new RecordParser((_type, info, relative, tag) => {
      if (!complete || failed) return;
      const members = tags[tag];
      if (!members) complete = false;
      for (const member of members ?? []) {
        const below = relativeTo(job, member, relative);
        if (below === undefined) continue;
        if (!answers.offer([member.index], childOf(member.view, below), info)) complete = false;
      }
      if (!complete) child.kill('SIGKILL');
    }, true);
    let said = false;
    child.stdout.on('data', (chunk: Buffer) => parser.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => void (said ||= chunk.length > 0));
    child.on('error', (error: NodeJS.ErrnoException) => stop(error.code === 'ENOENT' ? new FindUnavailableError('find is not installed') : error));
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (failed) return reject(failed);
      resolve(complete && code === 0 && !said && parser.malformed === 0 && parser.leftover === 0);
    });
  });
}

/** The queries of one root and depth, and how its answer is coming along. */
interface Group {
  members: number[];
  /** Runs still going. */
  pending: number;
  complete: boolean;
}

/** One `find` run and the groups whose answers wait for it. */
interface Run {
  job: QueryJob;
  groups: Group[];
}

function within(host: string, folder: string): boolean {
  return host === folder || host.startsWith(folder === '/' ? '/' : `${folder}/`);
}

/** Whether `run` prunes, below `job`'s folder, exactly what `job` would (so it may take `job`'s members). */
function samePrunes(job: QueryJob, run: QueryJob, prune: readonly string[]): boolean {
  const mine = hostPrunes(job.view, job.host, prune);
  const below = `${literalGlob(job.host)}/`;
  const theirs = hostPrunes(run.view, run.host, prune).filter((path) => path.startsWith(below));
  return mine.length === theirs.length && mine.every((path) => theirs.includes(path));
}

/**
 * Fewer runs over the same folders: a query over a whole folder that one of the whole tree's runs
 * walks anyway (/usr/lib, in /usr's) rides along in that run, its entries told apart by their path,
 * and runs of one host folder and depth (/lib and /usr/lib on a merged-/usr system) become one.
 * Each folder is then read once, at the cost of the smaller query waiting for the larger run.
 */
function mergeRuns(small: readonly Run[], large: readonly Run[], prune: readonly string[]): Run[] {
  const kept: Run[] = [];
  const byFolder = new Map<string, Run>();
  for (const run of small) {
    const { job } = run;
    const key = `${job.maxDepth} ${job.host}`;
    const ride = job.maxDepth < 0 ? large.find((other) => other.job.maxDepth < 0 && within(job.host, other.job.host)) : undefined;
    const into = [ride, byFolder.get(key)].find((other) => other !== undefined && samePrunes(job, other.job, prune));
    if (into) {
      into.job.members.push(...job.members);
      into.groups.push(...run.groups);
      continue;
    }
    byFolder.set(key, run);
    kept.push(run);
  }
  return kept;
}

/**
 * Answers every query through `find`, each as soon as the runs of its root and depth are done
 * (a query of /etc/apt does not wait for one of /, unless it rides along in one of its runs);
 * undefined where an answer may be incomplete. The whole tree's largest runs start first, the
 * small trees on a lane of their own. Rejects with FindUnavailableError when `find` cannot run at all.
 */
export function findLocalQueries(view: LocalTreeView, queries: readonly TreeQuery[], prune: readonly string[], options: { maxEntries: number; signal?: AbortSignal }): Promise<WalkedEntry[] | undefined>[] {
  const answers = new Answers(queries, options.maxEntries);
  const settle: ((entries: WalkedEntry[] | undefined) => void)[] = [];
  const fail: ((error: unknown) => void)[] = [];
  const promises = queries.map(
    () =>
      new Promise<WalkedEntry[] | undefined>((resolve, reject) => {
        settle.push(resolve);
        fail.push(reject);
      }),
  );
  const finish = (group: Group): void => {
    for (const index of group.members) settle[index]?.(group.complete ? answers.entries[index] : undefined);
  };
  const run = async (): Promise<void> => {
    const byKey = new Map<string, Group>();
    queries.forEach((query, index) => {
      const key = `${query.maxDepth} ${query.root}`;
      const group = byKey.get(key) ?? { members: [], pending: 0, complete: true };
      group.members.push(index);
      byKey.set(key, group);
    });
    const small: Run[] = [];
    const large: Run[] = [];
    // Every root is resolved at once: the scan goes on beside this, and the runs wait for the slowest.
    options.signal?.throwIfAborted();
    const groups = [...byKey.values()];
    const jobLists = await Promise.all(
      groups.map((group) => {
        const { root, maxDepth } = queries[group.members[0] as number] as TreeQuery;
        return jobsOf(view, root, maxDepth, group, prune, answers);
      }),
    );
    for (const [index, group] of groups.entries()) {
      const { root } = queries[group.members[0] as number] as TreeQuery;
      const jobs = jobLists[index];
      if (jobs === undefined) group.complete = false;
      group.pending = jobs?.length ?? 0;
      if (group.pending === 0) finish(group);
      // The whole tree's runs (one per folder) and the other roots' are scheduled apart, below.
      for (const job of jobs ?? []) (root === '/' ? large : small).push({ job, groups: [group] });
    }
    const others = mergeRuns(small, large, prune);
    // Every lane but the last starts on the whole tree at once (its answer is the one most objects
    // wait for; its folders likely to be large first), the last on the small trees; a lane whose
    // queue is empty helps with the other.
    const lane = async (first: Run[], second: Run[]): Promise<void> => {
      for (let item = first.shift() ?? second.shift(); item; item = first.shift() ?? second.shift()) {
        options.signal?.throwIfAborted();
        const complete = item.groups.some((group) => group.complete) && (await runQueryFind(item.job, queries, prune, answers, options.signal));
        for (const group of item.groups) {
          group.complete &&= complete;
          if (--group.pending === 0) finish(group);
        }
      }
    };
    // One lane more than there are cores: the runs' sizes are not known beforehand, and a third run
    // keeps both cores busy while the largest finishes (all-rules host scan: ~0.15 s less on 2 cores).
    const lanes = Math.min(others.length + large.length, Math.max(1, availableParallelism()) + 1);
    await Promise.all(Array.from({ length: lanes }, (_, index) => (index < lanes - 1 || others.length === 0 ? lane(large, others) : lane(others, large))));
  };
  run().catch((error: unknown) => {
    for (const reject of fail) reject(error);
  });
  return promises;
}

/**
 * The folders of / that hold most of a system's files, largest first, as far as can be said
 * without walking them: their runs start first, so that the longest run does not start last.
 */
const LIKELY_LARGE = ['usr', 'home', 'root', 'var', 'opt', 'nix', 'snap', 'srv'];

function likelyLarge(name: string): number {
  const rank = LIKELY_LARGE.indexOf(name);
  return rank < 0 ? LIKELY_LARGE.length : rank;
}

/**
 * The `find` runs of one root and depth; a root walked to any depth with a few folders (/) is
 * split: its own entries are judged here and each folder is one run. Undefined when the root
 * cannot be resolved inside the view; none when there is nothing below it.
 */
async function jobsOf(view: LocalTreeView, root: string, maxDepth: number, group: Group, prune: readonly string[], answers: Answers): Promise<QueryJob[] | undefined> {
  const rootInfo = await view.stat(root).catch(() => undefined);
  if (!rootInfo || maxDepth === 0 || (rootInfo.type !== 'directory' && rootInfo.type !== 'symlink')) return [];
  let host: string;
  try {
    // As the tree walk: the folder a root link leads to inside the view, without a trailing slash.
    host = realpathSync(view.hostFolder(root));
  } catch {
    return undefined;
  }
  if (!isFolder(host)) return [];
  // Only the whole tree (/) is split: a smaller root's split costs more process starts than it shares.
  const own = maxDepth < 0 && root === '/' ? listHere(host) : undefined;
  const folders = own?.filter((entry) => entry.info.type === 'directory') ?? [];
  const member = (index: number, folder: string, host: string): Member => ({ index, view: folder, host });
  if (!own || folders.length > MAX_SPLIT_FOLDERS) return [{ view: root, host, maxDepth, members: group.members.map((index) => member(index, root, host)) }];
  for (const entry of own) if (!answers.offer(group.members, childOf(root, entry.name), entry.info)) return undefined;
  // A folder is walked for the queries that may pass below it (`^/usr/…` does not enter /root), if any.
  return [...folders]
    .sort((a, b) => likelyLarge(a.name) - likelyLarge(b.name))
    .map((folder) => {
      const view = childOf(root, folder.name);
      const folderHost = childOf(host, folder.name);
      return { view, host: folderHost, maxDepth: -1, members: group.members.filter((index) => mayPassBelow((answers.queries[index] as TreeQuery).test, view)).map((index) => member(index, view, folderHost)) };
    })
    .filter((job) => job.members.length > 0 && !prune.includes(job.view));
}
