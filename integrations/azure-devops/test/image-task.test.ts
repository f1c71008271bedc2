/**
 * The built image task, run as the agent runs it (INPUT_* and ENDPOINT_* variables), over the
 * real tollgate CLI and the real fixture image: the exact `##vso[...]` lines it writes for a run
 * that passes with findings, a violated condition, a scan that could not run, an invalid
 * condition and a missing CLI; and the attachment it writes. Server mode: image-task-server.test.ts.
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../../../test/support/cli.js';
import { openScanWorkspace, type ScanWorkspace } from '../../../test/support/scan-workspace.js';
import type { ImageScanAttachment } from '../src/task/attachments.js';
import { buildExtension } from '../scripts/build.mjs';
import { JOB_ID, reportFolder, runTask, TASK_INSTANCE_ID } from './support/task-run.js';

let workspace: ScanWorkspace;
let built: string;
let task: string;

beforeAll(async () => {
  workspace = await openScanWorkspace('azure-image-task');
  built = mkdtempSync(path.join(tmpdir(), 'tollgate-azure-build-'));
  await buildExtension(built);
  task = path.join(built, 'tollgate-image-scan');
});

afterAll(async () => {
  await workspace?.remove();
  if (built) rmSync(built, { recursive: true, force: true });
});

const standalone = (inputs: Record<string, string>) => ({ inputs: { mode: 'standalone', databasePath: workspace.db, skipDatabaseUpdate: 'true', tollgatePath: CLI, ...inputs } });

describe('the image task over the CLI', () => {
  it('a run with findings and no condition succeeds, and publishes summary, attachment and outputs', async () => {
    const run = await runTask(task, standalone({ images: workspace.image.ociReference }));
    const folder = reportFolder(run);
    const result = JSON.parse(await readFile(path.join(folder, 'tollgate-result.json'), 'utf8')) as { image: { id: string } };
    const attachment = `${TASK_INSTANCE_ID}.1.${result.image.id.slice('sha256:'.length, 'sha256:'.length + 12)}`;
    expect(run.commands).toEqual([
      `##vso[task.uploadsummary]${folder}/tollgate-summary.md`,
      `##vso[task.addattachment type=tollgate-image-scan;name=${attachment};]${folder}/${attachment}.json`,
      `##vso[task.setvariable variable=verdictFile;isOutput=true;issecret=false;]${folder}/tollgate-verdict.json`,
      `##vso[task.setvariable variable=resultFile;isOutput=true;issecret=false;]${folder}/tollgate-result.json`,
      `##vso[task.setvariable variable=junitFile;isOutput=true;issecret=false;]${folder}/tollgate-junit.xml`,
      '##vso[task.setvariable variable=passed;isOutput=true;issecret=false;]true',
      '##vso[task.setvariable variable=critical;isOutput=true;issecret=false;]2',
      '##vso[task.setvariable variable=high;isOutput=true;issecret=false;]2',
      '##vso[task.setvariable variable=medium;isOutput=true;issecret=false;]0',
      '##vso[task.setvariable variable=low;isOutput=true;issecret=false;]0',
      '##vso[task.setvariable variable=negligible;isOutput=true;issecret=false;]2',
      '##vso[task.setvariable variable=unknown;isOutput=true;issecret=false;]0',
      `##vso[task.setvariable variable=tollgateVerdict;isOutput=true;issecret=false;]${folder}/tollgate-verdict.json`,
      '##vso[task.complete result=Succeeded;]Tollgate: the gate passed',
    ]);
    const document = JSON.parse(await readFile(path.join(folder, `${attachment}.json`), 'utf8')) as ImageScanAttachment;
    expect(document).toMatchObject({ kind: 'tollgate-image-scan', schemaVersion: 1, context: { jobId: JOB_ID, taskInstanceId: TASK_INSTANCE_ID, buildId: '4711', jobName: 'Scan' }, verdict: { passed: true } });
    expect(document.scan.image.id).toBe(result.image.id);
    expect(document.scan.findings.length).toBeGreaterThan(0);
    expect(await readFile(path.join(folder, 'tollgate-summary.md'), 'utf8')).toMatch(/^#/);
    expect(await readFile(path.join(folder, 'tollgate-junit.xml'), 'utf8')).toMatch(/^<\?xml/);
  });

  it('a violated condition fails with the reason; the same image named twice is scanned and attached once', async () => {
    const run = await runTask(task, standalone({ images: `${workspace.image.ociReference}\ndocker-archive:${workspace.image.dockerArchive}`, failOnSeverity: 'CRITICAL' }));
    expect(run.commands.filter((line) => line.startsWith('##vso[task.addattachment'))).toHaveLength(1);
    expect(run.commands).toContain('##vso[task.setvariable variable=passed;isOutput=true;issecret=false;]false');
    expect(run.commands.at(-2)).toMatch(/^##vso\[task\.issue type=error;source=TaskInternal;\]Tollgate: the gate failed: .*2 findings at CRITICAL or above: CVE-2021-44906 \(minimist 1\.2\.5\), CVE-2021-44906 \(minimist 0\.0\.8\)$/);
    expect(run.commands.at(-1)).toMatch(/^##vso\[task\.complete result=Failed;\]Tollgate: the gate failed: /);
  });

  it('a scan that could not run fails with its cause, with a summary and no outputs', async () => {
    const missing = path.join(workspace.work, 'no-such-image.tar');
    const run = await runTask(task, standalone({ images: `docker-archive:${missing}` }));
    const folder = reportFolder(run);
    expect(run.commands[0]).toBe(`##vso[task.uploadsummary]${folder}/tollgate-summary.md`);
    expect(run.commands.filter((line) => /addattachment|setvariable/.test(line))).toEqual([]);
    expect(run.commands.at(-1)).toMatch(new RegExp(`^##vso\\[task\\.complete result=Failed;\\]Tollgate: the scan could not run: .*${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    expect(await readFile(path.join(folder, 'tollgate-summary.md'), 'utf8')).toContain('the scan could not run');
  });

  it('an invalid condition fails as a configuration error naming it', async () => {
    const run = await runTask(task, standalone({ images: workspace.image.ociReference, severityLimits: 'SEVERE=1' }));
    expect(run.commands.at(-1)).toMatch(/^##vso\[task\.complete result=Failed;\]Tollgate: the configuration is not valid: .*SEVERE/);
  });

  it('without the tollgate command on the agent, fails saying how to install it', async () => {
    const run = await runTask(task, { inputs: { mode: 'standalone', images: 'app:1' }, variables: { PATH: '/nonexistent' } });
    expect(run.commands.at(-1)).toBe('##vso[task.complete result=Failed;]Tollgate: the tollgate command is not installed on this agent: add a step that runs "npm install -g tollgate", or set tollgatePath');
  });
});
