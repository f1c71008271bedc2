/**
 * The GitLab CI/CD component (integrations/gitlab/templates/tollgate.yml) run by gitlab-ci-local
 * 4.52.2 with the shell executor, offline: a project includes it with `include: local` and inputs
 * (the args come from `tollgate pipeline snippet --ci gitlab`), and the job scans a real Debian
 * image with the built CLI. Proven: the job fails exactly when the gate fails; it writes
 * gl-container-scanning-report.json, valid against GitLab's published schema and declared under
 * `artifacts: reports: container_scanning`; a scan with no condition passes.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runTollgate } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixture-cache.js';
import { ensureBookwormImage, type BookwormImage } from '../support/images.js';
import { runPipeline as runPipelineIn, snippetArgs } from './gitlab-pipeline.js';

const SCHEMA = path.join(REPO_ROOT, 'src', 'report', 'gitlab', 'testdata', 'container-scanning-report-format.json');

let image: BookwormImage;
let work: string;
let db: string;

const runPipeline = (inputs: Record<string, string>, variables: readonly string[] = []): ReturnType<typeof runPipelineIn> => runPipelineIn(work, inputs, variables);

beforeAll(async () => {
  image = await ensureBookwormImage();
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-gitlab-'));
  db = path.join(work, 'vuln.db');
  const imported = await runTollgate(['db', 'import', path.join(REPO_ROOT, 'test/data/osv/npm'), path.join(REPO_ROOT, 'test/data/osv/debian'), '--db', db]);
  expect(imported.code, imported.stderr).toBe(0);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the GitLab component under gitlab-ci-local', () => {
  it('fails the job on a violated condition and leaves a valid container-scanning report declared for GitLab', async () => {
    const args = await snippetArgs(['image', 'scan', image.ociReference, '--db', db, '--skip-db-update', '--fail-on', 'CRITICAL']);
    const pipeline = await runPipeline({ args, tollgate: `${process.execPath} ${CLI}`, 'job-name': 'scan-image' });
    expect(pipeline.code, pipeline.output).not.toBe(0);
    expect(pipeline.output).toMatch(/scan-image .*FAIL/);
    expect(pipeline.output).toContain('gate failed');
    const expanded = parse(await readFile(path.join(pipeline.project, '.gitlab-ci-local', 'expanded-gitlab-ci.yml'), 'utf8')) as Record<string, { stage: string; artifacts: { reports: Record<string, string> } }>;
    expect(expanded['scan-image']?.stage).toBe('test');
    expect(expanded['scan-image']?.artifacts.reports).toEqual({ container_scanning: 'gl-container-scanning-report.json', junit: 'tollgate-junit.xml' });
    const report = JSON.parse(await readFile(path.join(pipeline.project, '.gitlab-ci-local', 'artifacts', 'scan-image', 'gl-container-scanning-report.json'), 'utf8')) as { version: string; vulnerabilities: { severity: string; location: { image: string } }[] };
    const validate = new Ajv.default({ allErrors: true, strict: false }).compile(JSON.parse(await readFile(SCHEMA, 'utf8')) as object);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.version).toBe('15.0.7');
    const json = JSON.parse(await readFile(path.join(pipeline.project, '.gitlab-ci-local', 'artifacts', 'scan-image', 'tollgate-report.json'), 'utf8')) as { findings: unknown[] };
    expect(report.vulnerabilities).toHaveLength(json.findings.length);
    expect(report.vulnerabilities.filter((v) => v.severity === 'Critical').length).toBeGreaterThan(0);
  });

  it('runs nothing a CI variable in the args holds: a branch name with $(...) and ; stays a flag value', async () => {
    const args = `image scan --db ${db} --skip-db-update --exclude-id $HOSTILE_BRANCH -- ${image.ociReference}`;
    const pipeline = await runPipeline({ args, tollgate: `${process.execPath} ${CLI}` }, ['HOSTILE_BRANCH=x$(id>pwned-1);id>pwned-2`id>pwned-3`']);
    expect(pipeline.code, pipeline.output).toBe(0);
    const build = path.join(pipeline.project, '.gitlab-ci-local', 'builds', 'tollgate-scan');
    for (const name of (await readdir(build)).filter((entry) => entry.startsWith('pwned'))) expect.fail(`the args ran a command: ${name} was created`);
    const verdict = JSON.parse(await readFile(path.join(build, 'tollgate-report.json'), 'utf8')) as { verdict: { passed: boolean } };
    expect(verdict.verdict.passed).toBe(true);
  });

  it('passes the job when no condition is configured', async () => {
    const args = await snippetArgs(['image', 'scan', image.ociReference, '--db', db, '--skip-db-update']);
    const pipeline = await runPipeline({ args, tollgate: `${process.execPath} ${CLI}` });
    expect(pipeline.code, pipeline.output).toBe(0);
    expect(pipeline.output).toMatch(/tollgate-scan .*PASS/);
  });

  it('server mode: the server, via-sensor, poll and timeout inputs reach the CLI as its flags; the masked TOLLGATE_TOKEN variable is never printed', async () => {
    const token = 'tg_ci_masked-variable-7f3Kq';
    const args = await snippetArgs(['image', 'scan', image.ociReference, '--db', db, '--skip-db-update']);
    const pipeline = await runPipeline({ args, tollgate: `${process.execPath} ${CLI}`, server: 'http://127.0.0.1:9', 'via-sensor': true as unknown as string, poll: '0.2', timeout: 'ten minutes' }, [`TOLLGATE_TOKEN=${token}`]);
    // The CLI judged --timeout as a server-mode flag (with --server and --via-sensor), so it names it.
    expect(pipeline.code, pipeline.output).not.toBe(0);
    expect(pipeline.output).toMatch(/--timeout/);
    expect(pipeline.output).not.toMatch(/apply with --server/);
    expect(pipeline.output).not.toContain(token);
    expect(JSON.parse(await readFile(path.join(pipeline.project, '.gitlab-ci-local', 'builds', 'tollgate-scan', '.tollgate-exit-code'), 'utf8'))).toBe(2);
  });
});
