/**
 * Tollgate as a library user sees it: the built package imported by its name (`tollgate`, which
 * resolves to dist/index.js through package.json `exports`), never src/. Both jobs run on the
 * real fixtures, and what they return equals what the CLI prints with `--format json` for the
 * same input, apart from timestamps and scan ids.
 *
 * Like the other end-to-end suites this reads the build in dist/: `npm test` builds first; run
 * `npm run build` before running this file alone.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Tollgate from '../../src/index.js';
import type * as Model from '../../src/model/index.js';
import type { ComplianceResult } from '../../src/model/compliance-result.js';
import type { ComplianceVerdict } from '../../src/model/compliance-verdict.js';
import type { ScanResult } from '../../src/model/image-scan.js';
import type { ImageVerdict } from '../../src/model/image-verdict.js';
import { runTollgate } from '../support/cli.js';
import { ensureComplianceRootfs } from '../support/compliance-rootfs.js';
import { REPO_ROOT } from '../support/fixture-cache.js';
import { openScanWorkspace, type ScanWorkspace } from '../support/scan-workspace.js';

const run = promisify(execFile);

// A name in a variable: the compiler must not resolve it to src/, Node resolves it as a user's would.
const PACKAGE = 'tollgate';

let tollgate: typeof Tollgate;
let workspace: ScanWorkspace;
let rootfs: string;

beforeAll(async () => {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'index.js'))) throw new Error('dist/index.js is missing: run npm run build first');
  tollgate = (await import(PACKAGE)) as typeof Tollgate;
  workspace = await openScanWorkspace('library');
  rootfs = await ensureComplianceRootfs();
});

afterAll(async () => {
  await workspace?.remove();
});

/** Plain JSON as a reader of the CLI's output gets it (no undefined fields, no class instances). */
const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('the package entry point', () => {
  it('is the build, not the sources, and offers the jobs, the gates, the loaders and the renderers', async () => {
    // Plain Node, as in a user's project: the package name resolves to the build.
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', `const lib = await import('${PACKAGE}'); console.log(import.meta.resolve('${PACKAGE}'), typeof lib.runImageJob)`], { cwd: REPO_ROOT });
    expect(stdout.trim()).toBe(`${pathToFileURL(path.join(REPO_ROOT, 'dist', 'index.js')).href} function`);
    const built = (await import(pathToFileURL(path.join(REPO_ROOT, 'dist', 'index.js')).href)) as typeof Tollgate;
    expect(tollgate.runImageJob).toBe(built.runImageJob);
    for (const name of ['scanImage', 'runImageJob', 'evaluateImageGate', 'aggregateVerdicts', 'buildGateConfig', 'openImage', 'openVulnDatabase', 'scanCompliance', 'runComplianceJob', 'evaluateComplianceGate', 'openTarget', 'resolvePolicies', 'builtinPolicies', 'getRenderer'] as const) {
      expect(typeof tollgate[name], name).toBe('function');
    }
    expect(tollgate.RENDERERS.map((renderer) => renderer.id)).toContain('json');
    expect(tollgate.DEFAULT_COMPLIANCE_GATE.failOnStates).toEqual(['FAIL']);
    expect(new tollgate.ComplianceTimeoutError('local', 1000)).toBeInstanceOf(tollgate.ScanError);
  });
});

describe('the model entry point', () => {
  it('gives the model alone: the documents\' constants and helpers, and no engine, native module or I/O library loaded', async () => {
    // What a reader of Tollgate's JSON (a CI results tab, a dashboard) imports: `tollgate/model`.
    const script = [
      `const model = await import('${PACKAGE}/model');`,
      "const { createRequire } = await import('node:module');",
      'const loaded = Object.keys(createRequire(import.meta.url).cache);',
      'console.log(JSON.stringify({ url: import.meta.resolve(\'' + PACKAGE + '/model\'), severities: model.SEVERITIES, scanVersion: model.SCAN_RESULT_SCHEMA_VERSION, criticalities: model.CRITICALITIES, required: loaded.length }));',
    ].join('\n');
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT });
    const answer = JSON.parse(stdout) as { url: string; severities: string[]; scanVersion: number; criticalities: string[]; required: number };
    expect(answer.url).toBe(pathToFileURL(path.join(REPO_ROOT, 'dist', 'model', 'index.js')).href);
    expect(answer.severities).toEqual(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NEGLIGIBLE', 'UNKNOWN']);
    expect(answer.scanVersion).toBe(1);
    expect(answer.criticalities).toEqual(['MINIMAL', 'MEDIUM', 'SERIOUS', 'CRITICAL', 'URGENT']);
    // No CommonJS module at all: better-sqlite3, ssh2, undici and the rest load through require.
    expect(answer.required).toBe(0);
  });

  it('is the same model the library exports', async () => {
    const model = (await import(`${PACKAGE}/model`)) as typeof Model;
    expect(model.SEVERITY_RANK).toBe(tollgate.SEVERITY_RANK);
  });
});

describe('the image job through the package', () => {
  it('fails the gate on a known finding and returns what the CLI prints as JSON', async () => {
    const { image, db, work } = workspace;
    const database = tollgate.openVulnDatabase(db);
    const gate = tollgate.buildGateConfig({ failId: ['CVE-2021-44906'] });
    let job: Awaited<ReturnType<typeof Tollgate.runImageJob>>;
    try {
      job = await tollgate.runImageJob([image.ociReference, `docker-archive:${image.dockerArchive}`], { database, gate });
    } finally {
      database.close();
    }
    const { scans, verdict } = job;

    expect(scans).toHaveLength(1);
    expect(verdict.duplicates).toEqual([{ reference: `docker-archive:${image.dockerArchive}`, sameAs: image.ociReference }]);
    expect(verdict.passed).toBe(false);
    expect(verdict.images[0]?.criteria.filter((criterion) => criterion.violated).map((criterion) => criterion.id)).toEqual(['vulnerability-ids']);
    expect(verdict.images[0]?.violatingFindings.map((finding) => `${finding.id} ${finding.package} ${finding.version}`).sort()).toEqual(['CVE-2021-44906 minimist 0.0.8', 'CVE-2021-44906 minimist 1.2.5']);
    expect(verdict.reasons).toEqual([expect.stringMatching(/listed vulnerabilities found: CVE-2021-44906 \(minimist/)]);
    expect(verdict.images[0]?.counts).toMatchObject({ total: scans[0]?.findings.length, excluded: 0 });
    expect(scans[0]?.summary.findings).toBeGreaterThan(0);

    const summaryFile = path.join(work, 'library-verdict.json');
    const cli = await runTollgate(['image', 'scan', image.ociReference, `docker-archive:${image.dockerArchive}`, '--db', db, '--fail-id', 'CVE-2021-44906', '--format', 'json', '--summary-output', summaryFile, '--quiet']);
    expect(cli.code).toBe(1);
    // Two references, one image: the JSON report is that image's result with its verdict beside it.
    const { verdict: printedVerdict, ...printed } = JSON.parse(cli.stdout) as ScanResult & { verdict: ImageVerdict };
    expect({ ...printed, scannedAt: '' }).toEqual(asJson({ ...scans[0], scannedAt: '' }));
    expect(printedVerdict).toEqual(asJson(verdict.images[0]));
    expect(JSON.parse(await readFile(summaryFile, 'utf8'))).toEqual(asJson(verdict));
  });

  it('scans one image with scanImage and judges it with evaluateImageGate as the job does', async () => {
    const { image, db } = workspace;
    const database = tollgate.openVulnDatabase(db);
    let scan: ScanResult;
    try {
      scan = await tollgate.scanImage(image.ociReference, { database });
    } finally {
      database.close();
    }
    const verdict: ImageVerdict = tollgate.evaluateImageGate(scan, tollgate.buildGateConfig({ failOn: 'CRITICAL' }));
    expect(verdict.passed).toBe(false);
    expect(verdict.counts.bySeverity.CRITICAL).toBeGreaterThan(0);
    expect(tollgate.aggregateVerdicts([verdict]).passed).toBe(false);

    const renderer = await tollgate.getRenderer('json', 'image');
    const rendered = JSON.parse(renderer.renderImage?.({ scans: [scan], verdict: tollgate.aggregateVerdicts([verdict]) }, { color: false }) ?? '') as ScanResult & { verdict: ImageVerdict };
    expect(rendered.verdict).toEqual(asJson(verdict));
  });
});

describe('the compliance job through the package', () => {
  const stripRun = (result: ComplianceResult) => ({ ...result, scan: { ...result.scan, id: '', startedAt: '', durationMs: 0 } });

  it('judges a root filesystem against a built-in policy and returns what the CLI prints as JSON', async () => {
    const policies = tollgate.resolvePolicies(['ssh-server']);
    const { result, verdict } = await tollgate.runComplianceJob(`dir:${rootfs}`, policies, { scanName: 'library check [timestamp]' });

    expect(result.target).toMatchObject({ name: `dir:${rootfs}`, kind: 'dir', os: { family: 'debian' } });
    expect(result.authentication.status).toBe('not-required');
    expect(result.policies.map((policy) => [policy.id, policy.applicable, policy.controls.length])).toEqual([['ssh-server', true, 22]]);
    expect(verdict.passed).toBe(false);
    expect(verdict.controlsCausingFailure.map((control) => control.cid)).toContain('TG-SSH-003');
    expect(result.policies[0]?.totals.failed).toBe(9);
    expect(verdict.controlsCausingFailure).toHaveLength(9);
    expect(verdict.reasons).toEqual(['9 of 22 controls are FAIL at any criticality']);

    const cli = await runTollgate(['compliance', 'scan', `dir:${rootfs}`, '--policy', 'ssh-server', '--scan-name', 'library check [timestamp]', '--format', 'json', '--quiet']);
    expect(cli.code).toBe(1);
    const { verdict: printedVerdict, ...printed } = JSON.parse(cli.stdout) as ComplianceResult & { verdict: ComplianceVerdict };
    expect(printed.scan.name).toMatch(/^library check \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(stripRun({ ...printed, scan: { ...printed.scan, name: '' } })).toEqual(stripRun(asJson({ ...result, scan: { ...result.scan, name: '' } })));
    expect(printedVerdict).toEqual(asJson(verdict));
  });
});
