/**
 * The built compliance task over the real CLI, on the Debian root filesystem of the compliance
 * tests (openssh-server and friends installed): fail by state AND criticality, the same target
 * passing with the criteria off, excluded CIDs, and an unknown target failing with the CLI's cause.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../../../test/support/cli.js';
import { ensureComplianceRootfs } from '../../../test/support/compliance-rootfs.js';
import type { ComplianceScanAttachment } from '../src/task/attachments.js';
import { buildExtension } from '../scripts/build.mjs';
import { JOB_ID, reportFolder, runTask, TASK_INSTANCE_ID } from './support/task-run.js';

let rootfs: string;
let built: string;
let task: string;

beforeAll(async () => {
  rootfs = await ensureComplianceRootfs();
  built = mkdtempSync(path.join(tmpdir(), 'tollgate-azure-build-'));
  await buildExtension(built);
  task = path.join(built, 'tollgate-compliance-scan');
});

afterAll(() => {
  if (built) rmSync(built, { recursive: true, force: true });
});

const scan = (inputs: Record<string, string>) => runTask(task, { inputs: { tollgatePath: CLI, target: `dir:${rootfs}`, policies: 'ssh-server', ...inputs } });

describe('the compliance task over the CLI', () => {
  it('fails by state AND criticality with the reason, and attaches the result', async () => {
    const run = await scan({});
    const folder = reportFolder(run);
    const name = `${TASK_INSTANCE_ID}.compliance`;
    expect(run.commands.slice(0, 2)).toEqual([`##vso[task.uploadsummary]${folder}/tollgate-summary.md`, `##vso[task.addattachment type=tollgate-compliance-scan;name=${name};]${folder}/${name}.json`]);
    expect(run.commands).toContain('##vso[task.setvariable variable=passed;isOutput=true;issecret=false;]false');
    expect(run.commands.at(-1)).toBe('##vso[task.complete result=Failed;]Tollgate: the gate failed: 9 of 22 controls are FAIL at any criticality');
    const document = JSON.parse(await readFile(path.join(folder, `${name}.json`), 'utf8')) as ComplianceScanAttachment;
    expect(document).toMatchObject({ kind: 'tollgate-compliance-scan', context: { jobId: JOB_ID, taskInstanceId: TASK_INSTANCE_ID }, result: { kind: 'compliance', target: { kind: 'dir' } }, verdict: { passed: false } });
    const failing = document.verdict.controlsCausingFailure.length;
    expect(run.commands).toContain(`##vso[task.setvariable variable=controlsFailing;isOutput=true;issecret=false;]${failing}`);
  });

  it('passes the same target with fail by state and criticality off, and when only criticalities nothing fails at are checked', async () => {
    const off = await scan({ failByStateAndCriticality: 'false' });
    expect(off.commands.at(-1)).toBe('##vso[task.complete result=Succeeded;]Tollgate: the gate passed');
    expect(off.commands).toContain('##vso[task.setvariable variable=controlsFailing;isOutput=true;issecret=false;]0');
    const failing = JSON.parse(await readFile(path.join(reportFolder((await scan({}))), 'tollgate-verdict.json'), 'utf8')) as { controlsCausingFailure: { criticality: string }[] };
    const criticalities = new Set(failing.controlsCausingFailure.map((control) => control.criticality));
    const boxes = { criticalityMinimal: 'MINIMAL', criticalityMedium: 'MEDIUM', criticalitySerious: 'SERIOUS', criticalityCritical: 'CRITICAL', criticalityUrgent: 'URGENT' };
    const unused = Object.entries(boxes).filter(([, value]) => !criticalities.has(value));
    if (unused.length > 0) {
      const only = await scan(Object.fromEntries(Object.keys(boxes).map((box) => [box, String(unused.some(([name]) => name === box))])));
      expect(only.commands.at(-1)).toBe('##vso[task.complete result=Succeeded;]Tollgate: the gate passed');
    }
  });

  it('takes the timeout as minutes written as an expression, and names the input\'s flag when it is not one', async () => {
    const passing = await scan({ failByStateAndCriticality: 'false', timeout: '1*60 + 0.5' });
    expect(passing.commands.at(-1)).toBe('##vso[task.complete result=Succeeded;]Tollgate: the gate passed');
    const invalid = await scan({ timeout: 'two hours' });
    expect(invalid.commands.at(-1)).toMatch(/^##vso\[task\.complete result=Failed;\]Tollgate: the configuration is not valid: --timeout "two hours": /);
  });

  it('an unknown target kind fails as a configuration error with the CLI\'s cause', async () => {
    const run = await scan({ target: 'ec2:i-0123456789abcdef0' });
    expect(run.commands.at(-1)).toMatch(/^##vso\[task\.complete result=Failed;\]Tollgate: the configuration is not valid: unknown target "ec2:i-0123456789abcdef0"/);
  });

  it('a target that is not an address is refused before the CLI runs', async () => {
    const run = await scan({ target: 'host; reboot' });
    expect(run.stdout).not.toContain('[command]');
    expect(run.commands).toEqual([
      '##vso[task.issue type=error;source=TaskInternal;]Tollgate: target "host; reboot" is not a host address, env.NAME, ec2:<instance id> or a target the CLI reads (ssh://, dir:, image:, local)',
      '##vso[task.complete result=Failed;]Tollgate: target "host; reboot" is not a host address, env.NAME, ec2:<instance id> or a target the CLI reads (ssh://, dir:, image:, local)',
    ]);
  });
});
