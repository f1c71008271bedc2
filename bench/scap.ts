/**
 * SCAP benchmarks (`npm run bench -- scap`): Debian's Debian 12 content (trixie's ssg-debian)
 * evaluated by Tollgate (`compliance scan ... --policy scap:<ds>#<profile>`, end to end through the
 * CLI) and by OpenSCAP (`oscap xccdf eval`) in the same run, on the same content and targets:
 * the misconfigured bookworm tree (Tollgate `dir:`, oscap inside it with chroot) and this host
 * (both local), for `standard` and `anssi_bp28_high`, and every rule of the content on the host
 * (a tailoring profile selecting all rules, the same file given to both tools). Also the share of
 * Tollgate's time spent reading the 10 MB data stream (parse, no evaluation). OpenSCAP's host runs
 * stop at TOLLGATE_BENCH_SCAP_LIMIT seconds (default 300) and are then reported as "more than".
 * TOLLGATE_BENCH_SCAP_ONLY=host,all runs only the host's cases (`tree`, `host`, `all`). The host's
 * file metadata is read once (one `find` over /) before the host's cases, so both tools walk it warm.
 * Tollgate's figures are medians of three runs; OpenSCAP's host runs (minutes each) run once. On
 * the host both tools' XCCDF results are compared rule by rule too (Tollgate's from one more,
 * untimed run).
 */
import { execFile } from 'node:child_process';
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadScapPolicy } from '../src/compliance/policy/load-policy.js';
import { ensureScapRootfs } from '../test/support/scap-rootfs.js';
import { ALL_RULES_PROFILE, allRulesTailoring, ensureSsgDebian12 } from '../test/support/scap-content.js';
import { readRuleResults } from '../test/support/xccdf-results.js';
import type { Rows } from './compliance.js';

const run = promisify(execFile);

/** OpenSCAP on a large host runs for many minutes per profile; past this it is stopped and reported as "more than". */
const HOST_LIMIT_SECONDS = Number(process.env.TOLLGATE_BENCH_SCAP_LIMIT ?? '300');
/** TOLLGATE_BENCH_SCAP_ONLY: the cases to run, of `tree`, `host` and `all` (comma-separated); all three by default. */
const CASES = new Set((process.env.TOLLGATE_BENCH_SCAP_ONLY ?? 'tree,host,all').split(',').map((name) => name.trim()));

async function timed(command: string, args: string[], okCodes: number[], limitSeconds = 1800): Promise<number> {
  const start = process.hrtime.bigint();
  try {
    await run(command, args, { maxBuffer: 256 * 1024 * 1024, timeout: limitSeconds * 1000, killSignal: 'SIGKILL' });
  } catch (error) {
    const failure = error as { code?: number; killed?: boolean };
    // Stopped at the limit: the figure is a lower bound.
    if (failure.killed) return Number.POSITIVE_INFINITY;
    // A failing gate (tollgate 1) or failed rules (oscap 2) are answers, not failures of the benchmark.
    if (!okCodes.includes(failure.code ?? -1)) throw error;
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** How many rules both results files report (notselected left out) and how many have the same result in both. */
async function agreement(oscapResults: string, tollgateResults: string): Promise<{ same: number; both: number }> {
  const [theirs, ours] = [await readRuleResults(oscapResults), await readRuleResults(tollgateResults)];
  const both = [...ours.keys()].filter((rule) => theirs.has(rule));
  return { same: both.filter((rule) => ours.get(rule) === theirs.get(rule)).length, both: both.length };
}

const seconds = (value: number, limit: number): string => (Number.isFinite(value) ? `${value.toFixed(2)} s` : `> ${limit} s`);
const ratio = (theirs: number, ours: number, limit: number): string => `${Number.isFinite(theirs) ? '' : '> '}${((Number.isFinite(theirs) ? theirs : limit) / ours).toFixed(2)}x oscap's speed`;

async function median3(task: () => Promise<number>): Promise<number> {
  const runs = [await task(), await task(), await task()];
  return runs.sort((a, b) => a - b)[1] as number;
}

export async function benchScap(cli: string, work: string, allRows: Rows, results: Record<string, unknown>): Promise<void> {
  // OpenSCAP on a large host takes minutes per profile: each figure is printed as soon as it is measured.
  const rows = { push: (row: Rows[number]): void => void (allRows.push(row), process.stderr.write(`${row.join('  ')}\n`)) };
  const dataStream = path.join(await ensureSsgDebian12(), 'ssg-debian12-ds.xml');
  const tree = path.join(work, 'scap-rootfs');
  await run('cp', ['-a', await ensureScapRootfs(), tree]);
  await copyFile(dataStream, path.join(tree, 'tmp', 'ds.xml'));
  const tollgate = (target: string, profile: string, extra: string[] = []): Promise<number> =>
    timed(process.execPath, [cli, 'compliance', 'scan', target, '--quiet', '--policy', `scap:${dataStream}#${profile}`, '--format', 'json', '--output', '/dev/null', ...extra], [0, 1]);
  const figures: Record<string, number> = {};
  const parseStart = process.hrtime.bigint();
  loadScapPolicy(`scap:${dataStream}#anssi_bp28_high`);
  figures.readDataStreamSeconds = Number(process.hrtime.bigint() - parseStart) / 1e9;
  rows.push(['scap: reading the Debian 12 data stream (10 MB) into a policy, anssi_bp28_high, in-process', `${figures.readDataStreamSeconds.toFixed(2)} s`, 'part of every Tollgate figure below']);
  for (const profile of CASES.has('tree') ? ['standard', 'anssi_bp28_high'] : []) {
    const ours = await median3(() => tollgate(`dir:${tree}`, profile));
    const theirs = await median3(() => timed('chroot', [tree, 'oscap', 'xccdf', 'eval', '--profile', profile, '--results', '/tmp/oscap-results.xml', '/tmp/ds.xml'], [0, 2]));
    figures[`tree_${profile}_tollgate`] = ours;
    figures[`tree_${profile}_oscap`] = theirs;
    rows.push([`scap: ${profile} on the bookworm tree, oscap in chroot (median of 3)`, `${theirs.toFixed(2)} s`, 'baseline']);
    rows.push([`scap: ${profile} on the bookworm tree, tollgate dir: (median of 3)`, `${ours.toFixed(2)} s`, `${(theirs / ours).toFixed(2)}x oscap's speed (target >= 10x on anssi_bp28_high)`]);
  }
  if (CASES.has('host') || CASES.has('all')) {
    // Every file's metadata read once first, so neither tool's first walk of / pays a cold cache
    // (it did: a cold first walk took Tollgate's host anssi_bp28_high from ~13 s to 82 s).
    await run('sh', ['-c', "find / -xdev -printf '%m %U %G\\n' > /dev/null 2>&1 || true"]);
  }
  for (const profile of CASES.has('host') ? ['standard', 'anssi_bp28_high'] : []) {
    // Tollgate first, three times (seconds each), then OpenSCAP once (minutes).
    const ours = await median3(() => tollgate('local', profile));
    const theirs = await timed('oscap', ['xccdf', 'eval', '--profile', profile, '--results', path.join(work, 'oscap-host.xml'), dataStream], [0, 2], HOST_LIMIT_SECONDS);
    figures[`host_${profile}_tollgate`] = ours;
    figures[`host_${profile}_oscap`] = Number.isFinite(theirs) ? theirs : -HOST_LIMIT_SECONDS;
    rows.push([`scap: ${profile} on this host, oscap`, seconds(theirs, HOST_LIMIT_SECONDS), 'baseline']);
    rows.push([`scap: ${profile} on this host, tollgate local (median of 3)`, `${ours.toFixed(2)} s`, ratio(theirs, ours, HOST_LIMIT_SECONDS)]);
    if (Number.isFinite(theirs)) {
      // One more run, untimed, for the rule-by-rule comparison with OpenSCAP's results.
      await tollgate('local', profile, ['--xccdf-results', path.join(work, 'tollgate-host.xml')]);
      const { same, both } = await agreement(path.join(work, 'oscap-host.xml'), path.join(work, 'tollgate-host.xml'));
      figures[`host_${profile}_agreeing_rules`] = same;
      rows.push([`scap: ${profile} on this host, rules with the same result in both tools`, `${same}/${both}`, `${((100 * same) / Math.max(1, both)).toFixed(1)} % (goal >= 99 %)`]);
    }
  }
  if (!CASES.has('all')) {
    results.scap = figures;
    return;
  }
  const tailoring = path.join(work, 'all-rules-tailoring.xml');
  const ruleCount = await allRulesTailoring(dataStream, tailoring);
  // Peak memory of that run too (GNU time's maximum resident set size): the walk of the host must stay bounded.
  // The median of three runs (the machine's noise moves a single one by ~0.5 s), the largest peak of them.
  const peakFile = path.join(work, 'tollgate-all-peak.txt');
  const scanAll = [cli, 'compliance', 'scan', 'local', '--quiet', '--policy', `scap:${dataStream}#${ALL_RULES_PROFILE}`, '--tailoring', tailoring, '--format', 'json', '--output', '/dev/null'];
  let peakKilobytes = 0;
  const oursAll = await median3(async () => {
    const seconds = await timed('/usr/bin/time', ['-f', '%M', '-o', peakFile, process.execPath, ...scanAll], [0, 1]);
    peakKilobytes = Math.max(peakKilobytes, Number((await readFile(peakFile, 'utf8')).trim().split('\n').pop()));
    return seconds;
  });
  figures.hostAllRulesTollgatePeakMegabytes = Math.round(peakKilobytes / 1024);
  const theirsAll = await timed('oscap', ['xccdf', 'eval', '--tailoring-file', tailoring, '--profile', ALL_RULES_PROFILE, '--results', path.join(work, 'oscap-all.xml'), dataStream], [0, 2], HOST_LIMIT_SECONDS);
  figures.hostAllRulesOscap = Number.isFinite(theirsAll) ? theirsAll : -HOST_LIMIT_SECONDS;
  figures.hostAllRulesTollgate = oursAll;
  rows.push([`scap: all ${ruleCount} rules on this host, oscap`, seconds(theirsAll, HOST_LIMIT_SECONDS), 'baseline']);
  rows.push([`scap: all ${ruleCount} rules on this host, tollgate local (median of 3)`, `${oursAll.toFixed(2)} s`, `${ratio(theirsAll, oursAll, HOST_LIMIT_SECONDS)} (target < 5 s)`]);
  rows.push([`scap: all ${ruleCount} rules on this host, tollgate local, peak memory (max RSS)`, `${figures.hostAllRulesTollgatePeakMegabytes} MB`, 'largest peak resident memory of the three runs']);
  if (Number.isFinite(theirsAll)) {
    const ourResults = path.join(work, 'tollgate-all.xml');
    await timed(process.execPath, [...scanAll, '--xccdf-results', ourResults], [0, 1]);
    const { same, both } = await agreement(path.join(work, 'oscap-all.xml'), ourResults);
    figures.hostAllRulesAgreeing = same;
    rows.push([`scap: all ${ruleCount} rules on this host, rules with the same result in both tools`, `${same}/${both}`, `${((100 * same) / Math.max(1, both)).toFixed(1)} % (goal >= 99 %)`]);
  }
  results.scap = { ...figures, rules: ruleCount };
}
