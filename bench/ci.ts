/**
 * CI integration benchmark (`npm run bench -- ci`): what the GitHub Action adds to a scan, and
 * what SARIF's code-scanning limits cost.
 * - The bundled action (integrations/github/dist/index.cjs, with the built CLI as its `cli` input)
 *   scanning the bookworm fixture, against the same scan run by the CLI directly with the same
 *   reports (table, JSON, Markdown, SARIF, verdict): the baseline, in the same run. Median of 5.
 * - SARIF of 30,000 findings (over the 25,000-result limit, so the most severe are chosen),
 *   against SARIF of the same findings with no limit: the cost of keeping within the limits.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { renderSarif } from '../src/report/sarif/index.js';
import { cvss, finding, pkg, scanOf } from '../test/support/scan-fixtures.js';
import { REPO_ROOT } from '../test/support/fixture-cache.js';
import type { Severity } from '../src/model/severity.js';
import type { Rows } from './compliance.js';

const run = promisify(execFile);
const ACTION = path.join(REPO_ROOT, 'integrations', 'github', 'dist', 'index.cjs');

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function medianOf5(work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i += 1) times.push(await timed(work));
  return [...times].sort((a, b) => a - b)[2] as number;
}

export async function benchCi(cli: string, db: string, reference: string, work: string, rows: Rows, results: Record<string, unknown>): Promise<void> {
  const folder = path.join(work, 'ci');
  await mkdir(folder, { recursive: true });
  const direct = () =>
    run(process.execPath, [cli, 'image', 'scan', '--db', db, '--skip-db-update', '-q', '--format', 'table', '--format', `json=${folder}/d.json`, '--format', `markdown=${folder}/d.md`, '--format', `sarif=${folder}/d.sarif`, '--summary-output', `${folder}/d-verdict.json`, '--', reference], { maxBuffer: 64 * 1024 * 1024 });
  const output = path.join(folder, 'github-output');
  const summary = path.join(folder, 'step-summary');
  const action = async () => {
    await writeFile(output, '');
    await writeFile(summary, '');
    await run(process.execPath, [ACTION], { env: { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_ACTIONS: 'true', RUNNER_TEMP: folder, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, INPUT_CLI: cli, INPUT_IMAGES: reference, INPUT_DB: db, 'INPUT_SKIP-DB-UPDATE': 'true', INPUT_QUIET: 'true', 'INPUT_OUTPUT-DIR': folder }, maxBuffer: 64 * 1024 * 1024 });
  };
  await direct();
  await action();
  const directSeconds = await medianOf5(direct);
  const actionSeconds = await medianOf5(action);
  rows.push(['ci: tollgate image scan, 4 reports (bookworm, median of 5)', `${(directSeconds * 1000).toFixed(0)} ms`, 'baseline']);
  rows.push(['ci: the GitHub Action running the same scan (median of 5)', `${(actionSeconds * 1000).toFixed(0)} ms`, `+${((actionSeconds - directSeconds) * 1000).toFixed(0)} ms for the action`]);

  const severities: Severity[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
  const lib = pkg({ name: 'lib', version: '1.0.0' });
  const findings = Array.from({ length: 30_000 }, (_, index) => {
    const severity = severities[index % 4] ?? 'LOW';
    return finding(`CVE-2026-${String(index).padStart(5, '0')}`, lib, { severity, cvssScores: [cvss('3.1', 2 + (index % 4) * 2.5)] });
  });
  const report = { scans: [scanOf([lib], findings)] };
  const unlimited = { maxResults: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER };
  renderSarif(report, {}, unlimited);
  renderSarif(report, {});
  const baseline = await medianOf5(async () => renderSarif(report, {}, unlimited));
  const limited = await medianOf5(async () => renderSarif(report, {}));
  rows.push(['ci: SARIF of 30,000 findings, no limits (median of 5)', `${(baseline * 1000).toFixed(0)} ms`, 'baseline']);
  rows.push(['ci: SARIF of 30,000 findings within code scanning limits', `${(limited * 1000).toFixed(0)} ms`, `${(limited / baseline).toFixed(2)}x`]);
  results.ci = { directScanSeconds: directSeconds, actionScanSeconds: actionSeconds, sarifUnlimitedSeconds: baseline, sarifWithinLimitsSeconds: limited };
}
