/**
 * The bundled GitHub Action (integrations/github/dist/index.cjs) run as a runner runs it: under
 * this Node (20), with INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, against a
 * real image built from Debian's archive, with the built CLI given as its `cli` input. Proven: a
 * violated condition fails the step with the gate's reason and still sets every output; counts
 * and SARIF agree with the JSON report; no condition passes; a bad input fails with the CLI's
 * usage error; a compliance scan reports its control counts.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/image-scan.js';
import { runTollgate } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixture-cache.js';
import { ensureBookwormImage, type BookwormImage } from '../support/images.js';
import { runAction as runActionIn, type ActionRun } from './github-action-run.js';

let image: BookwormImage;
let work: string;
let db: string;

const runAction = (inputs: Record<string, string>): Promise<ActionRun> => runActionIn(work, inputs);

beforeAll(async () => {
  image = await ensureBookwormImage();
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-action-'));
  db = path.join(work, 'vuln.db');
  const imported = await runTollgate(['db', 'import', path.join(REPO_ROOT, 'test/data/osv/npm'), path.join(REPO_ROOT, 'test/data/osv/debian'), '--db', db]);
  expect(imported.code, imported.stderr).toBe(0);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the bundled GitHub Action on a real image', () => {
  it('fails the step when a condition is violated, with the reason, and sets every output', async () => {
    const run = await runAction({ images: image.ociReference, db, 'fail-on': 'HIGH', 'exclude-id': 'CVE-1999-0001\nCVE-1999-0002' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::Tollgate: the gate failed: /m);
    expect(run.outputs.passed).toBe('false');
    expect(run.outputs['exit-code']).toBe('1');
    const report = JSON.parse(await readFile(run.outputs.json ?? '', 'utf8')) as ScanResult & { verdict: { passed: boolean } };
    expect(report.verdict.passed).toBe(false);
    const verdict = JSON.parse(await readFile(run.outputs.verdict ?? '', 'utf8')) as { images: { counts: { bySeverity: Record<string, number>; considered: number } }[] };
    expect(run.outputs.high).toBe(String(verdict.images[0]?.counts.bySeverity.HIGH));
    expect(run.outputs.critical).toBe(String(verdict.images[0]?.counts.bySeverity.CRITICAL));
    expect(Number(run.outputs.findings)).toBe(report.findings.length);
    expect(Number(run.outputs.findings)).toBeGreaterThan(0);
    // SARIF for code scanning: one result per finding, each rule with its security-severity.
    const sarif = JSON.parse(await readFile(run.outputs.sarif ?? '', 'utf8')) as { runs: { results: unknown[]; tool: { driver: { rules: { properties: Record<string, string> }[] } } }[] };
    expect(sarif.runs[0]?.results).toHaveLength(report.findings.length);
    expect(sarif.runs[0]?.tool.driver.rules.every((rule) => Number(rule.properties['security-severity']) >= 0 && Number(rule.properties['security-severity']) <= 10)).toBe(true);
    // The job summary is the CLI's Markdown report.
    expect(run.summary).toContain('❌ failed');
    expect(run.summary).toBe(await readFile(run.outputs.markdown ?? '', 'utf8'));
  });

  it('passes when no condition is configured, findings or not', async () => {
    const run = await runAction({ images: image.ociReference, db });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.passed).toBe('true');
    expect(Number(run.outputs.findings)).toBeGreaterThan(0);
    expect(run.stdout).not.toMatch(/::error::/);
  });

  it('fails with the CLI’s usage error for a bad input, naming the flag', async () => {
    const run = await runAction({ images: image.ociReference, db, 'fail-on': 'SEVERE' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::Tollgate: a usage or configuration error: .*--fail-on "SEVERE"/);
    expect(run.outputs['exit-code']).toBe('2');
    expect(run.outputs.passed).toBe('false');
  });

  it('runs a compliance scan of a root filesystem and reports its control counts', async () => {
    const run = await runAction({ command: 'compliance', target: `dir:${image.rootfsDir}`, 'fail-on-criticality': 'URGENT' });
    expect([0, 1]).toContain(run.code);
    expect(Number(run.outputs['controls-evaluated'])).toBeGreaterThan(0);
    expect(run.outputs.sarif).toBe('');
    expect(run.summary.length).toBeGreaterThan(0);
  });
});
