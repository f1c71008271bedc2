import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempRoot, type TempRoot } from '../../test/support/temp-root.js';
import { ScanError } from '../errors.js';
import { parsePolicy } from '../compliance/policy/load-policy.js';
import { openTarget } from '../compliance/targets/open-target.js';
import type * as OpenTargetModule from '../compliance/targets/open-target.js';
import { AuthenticationError, type Target } from '../compliance/targets/target.js';
import { DEFAULT_COMPLIANCE_GATE } from '../gate/compliance-gate.js';
import { ComplianceCancelledError, ComplianceTimeoutError, runComplianceJob, type ComplianceJobProgress } from './compliance-job.js';

// The real openTarget, observable: tests count its calls and stand in for a refused login.
vi.mock('../compliance/targets/open-target.js', async (importOriginal) => {
  const real = await importOriginal<typeof OpenTargetModule>();
  return { ...real, openTarget: vi.fn(real.openTarget) };
});
const opened = vi.mocked(openTarget);

let root: TempRoot | undefined;
beforeEach(() => {
  opened.mockClear();
});
afterEach(async () => {
  await root?.remove();
  root = undefined;
  delete process.env.TOLLGATE_JOB_TEST_TARGET;
});

const policy = (id: string, checks: { cid: string; criticality: string; check: string }[]) =>
  parsePolicy(`schemaVersion: 1\nid: ${id}\ntitle: ${id}\nversion: "1"\ncontrols:\n${checks.map((c) => `  - cid: ${c.cid}\n    title: ${c.cid}\n    statement: s\n    criticality: ${c.criticality}\n    check: ${c.check}\n`).join('')}`, `${id}.yaml`);

const files = policy('files', [
  { cid: 'F-1', criticality: 'MEDIUM', check: '{ type: file, path: /etc/motd, exists: true }' },
  { cid: 'F-2', criticality: 'CRITICAL', check: '{ type: file, path: /etc/forbidden, exists: false }' },
]);
const slow = policy('slow', [{ cid: 'S-1', criticality: 'MINIMAL', check: '{ type: command, run: "sleep 3", timeoutSeconds: 10 }' }]);

/** `local`, with its close observed. */
function observedLocal(): { closed: () => boolean } {
  let closed = false;
  opened.mockImplementationOnce(async (spec, options) => {
    const real = await vi.importActual<typeof OpenTargetModule>('../compliance/targets/open-target.js');
    const target = await real.openTarget(spec, options);
    return Object.assign(Object.create(target) as Target, { close: async () => { closed = true; await target.close(); } });
  });
  return { closed: () => closed };
}

describe('the compliance job', () => {
  it('scans a root filesystem and judges it with the gate it is given', async () => {
    root = await tempRoot({ 'etc/motd': 'hello\n', 'etc/forbidden': 'x\n' });
    const progress: ComplianceJobProgress[] = [];
    const { result, verdict } = await runComplianceJob(`dir:${root.dir}`, [files], { scanName: 'nightly', onProgress: (event) => progress.push(event) });
    expect(result.scan.name).toBe('nightly');
    expect(result.target).toMatchObject({ name: `dir:${root.dir}`, kind: 'dir' });
    expect(result.authentication).toEqual({ status: 'not-required' });
    expect(result.policies[0]?.controls.map((control) => [control.cid, control.state])).toEqual([
      ['F-1', 'PASS'],
      ['F-2', 'FAIL'],
    ]);
    expect(verdict).toMatchObject({ passed: false, config: DEFAULT_COMPLIANCE_GATE, controlsCausingFailure: [expect.objectContaining({ cid: 'F-2' })] });
    expect(progress).toEqual([
      { phase: 'connecting', target: `dir:${root.dir}` },
      { phase: 'control', target: `dir:${root.dir}`, policy: 'files', done: 1, total: 2 },
      { phase: 'control', target: `dir:${root.dir}`, policy: 'files', done: 2, total: 2 },
    ]);

    const urgentOnly = await runComplianceJob(`dir:${root.dir}`, [files], { gate: { ...DEFAULT_COMPLIANCE_GATE, failOnCriticalities: ['URGENT'] } });
    expect(urgentOnly.verdict.passed).toBe(true);
    expect(urgentOnly.result.scan.name).toMatch(/^tollgate /);
  });

  it('ends the scan at its time limit at once, inside a long command, and closes the target', async () => {
    const local = observedLocal();
    const started = Date.now();
    const failure = await runComplianceJob('local', [slow], { timeoutMs: 200 }).catch((error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(failure).toBeInstanceOf(ComplianceTimeoutError);
    expect(failure).toBeInstanceOf(ScanError);
    expect((failure as Error).message).toBe('the compliance scan of local did not finish within 0.2 s');
    expect(local.closed()).toBe(true);
  });

  it("ends the scan at once when the caller aborts, and closes the target", async () => {
    const local = observedLocal();
    const caller = new AbortController();
    setTimeout(() => caller.abort('shutting down'), 100);
    const started = Date.now();
    const failure = await runComplianceJob('local', [slow], { signal: caller.signal }).catch((error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(failure).toBeInstanceOf(ComplianceCancelledError);
    expect((failure as Error).cause).toBe('shutting down');
    expect(local.closed()).toBe(true);
  });

  it('does not open the target when the caller has already aborted', async () => {
    await expect(runComplianceJob('local', [slow], { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(ComplianceCancelledError);
    expect(opened).not.toHaveBeenCalled();
  });

  it('stops waiting for a slow connection at the time limit, and closes the target once it opens', async () => {
    let closed = false;
    opened.mockImplementationOnce(
      () =>
        new Promise<Target>((resolve) => {
          setTimeout(() => resolve({ kind: 'ssh', name: 'ssh://u@slow', live: true, stat: async () => undefined, readFile: async () => Buffer.alloc(0), readLink: async () => undefined, listDir: async () => undefined, close: async () => { closed = true; } }), 400);
        }),
    );
    const started = Date.now();
    await expect(runComplianceJob('ssh://u@slow', [slow], { timeoutMs: 50 })).rejects.toBeInstanceOf(ComplianceTimeoutError);
    expect(Date.now() - started).toBeLessThan(350);
    expect(closed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(closed).toBe(true);
  });

  it('turns a refused login into the versioned authentication-failure result, with the kind the spec names', async () => {
    process.env.TOLLGATE_JOB_TEST_TARGET = 'ssh://deploy@build-host';
    opened.mockRejectedValueOnce(new AuthenticationError('ssh://deploy@build-host: authentication failed for user deploy with record "ci"'));
    const record = { name: 'ci', username: 'deploy' };
    const passing = await runComplianceJob('env.TOLLGATE_JOB_TEST_TARGET', [files], { record, scanName: 'refused' });
    expect(passing.result).toMatchObject({
      schemaVersion: 1,
      kind: 'compliance',
      scan: { name: 'refused' },
      target: { name: 'env.TOLLGATE_JOB_TEST_TARGET', kind: 'ssh' },
      authentication: { status: 'failed', record: 'ci', message: 'ssh://deploy@build-host: authentication failed for user deploy with record "ci"' },
      policies: [],
    });
    expect(passing.verdict).toMatchObject({ passed: true, authentication: 'failed', warnings: [expect.stringMatching(/^authentication to env\.TOLLGATE_JOB_TEST_TARGET failed/)] });

    opened.mockRejectedValueOnce(new AuthenticationError('registry refused the login'));
    const failing = await runComplianceJob('image:registry:example.test/app:1', [files], { gate: { ...DEFAULT_COMPLIANCE_GATE, failOnAuthFailure: true } });
    expect(failing.result.target).toEqual({ name: 'image:registry:example.test/app:1', kind: 'image' });
    expect(failing.verdict).toMatchObject({ passed: false, reasons: ['authentication to image:registry:example.test/app:1 failed: registry refused the login'] });
  });

  it('passes every other failure to open the target through unchanged', async () => {
    await expect(runComplianceJob('dir:/nonexistent/rootfs', [files])).rejects.toThrow('target dir:/nonexistent/rootfs: /nonexistent/rootfs is not a readable folder');
  });
});
