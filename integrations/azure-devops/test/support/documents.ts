/**
 * Tollgate attachment documents for the tab's tests, made by the engine's own gate from the
 * hand-built scan results the renderer tests use: an image scan with a failed gate, and a
 * compliance scan with failing, erroring and not-applicable controls.
 */
import { evaluateImageGate } from '../../../../src/gate/evaluate.js';
import { evaluateComplianceGate } from '../../../../src/gate/compliance-gate.js';
import { emptyGateConfig } from '../../../../src/gate/gate-config.js';
import type { ComplianceResult } from '../../../../src/model/index.js';
import { sampleScan } from '../../../../test/support/scan-fixtures.js';
import { imageAttachments, complianceAttachment, type ComplianceScanAttachment, type ImageScanAttachment, type PipelineContext } from '../../src/task/attachments.js';

export const CONTEXT: PipelineContext = { jobId: 'job-1', taskInstanceId: 'task-1', jobName: 'Scan', taskName: 'Scan images' };

export function imageDocument(context: PipelineContext = CONTEXT): ImageScanAttachment {
  const scan = sampleScan();
  const verdict = evaluateImageGate(scan, { ...emptyGateConfig(), failOn: 'CRITICAL' }, '2026-01-01');
  const [attachment] = imageAttachments({ ...scan, verdict }, context);
  if (!attachment) throw new Error('no attachment');
  return attachment.document;
}

export function complianceResult(): ComplianceResult {
  const control = (cid: string, criticality: ComplianceResult['policies'][number]['controls'][number]['criticality'], state: ComplianceResult['policies'][number]['controls'][number]['state'], unexpected: string[] = [], missing: string[] = []) => ({
    cid,
    title: `Control ${cid}`,
    policy: 'ssh-server',
    criticality,
    statement: '',
    state,
    message: '',
    unexpected: unexpected.map((value) => ({ value, file: '/etc/ssh/sshd_config' })),
    missing: missing.map((value) => ({ value })),
    observed: [],
  });
  return {
    schemaVersion: 1,
    kind: 'compliance',
    scan: { id: 'scan-1', name: 'pipeline-42', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 10, tool: { name: 'tollgate', version: '0.0.0-test' } },
    target: { name: 'dir:/srv/rootfs', kind: 'dir', os: { family: 'debian', version: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' } },
    authentication: { status: 'not-required' },
    policies: [
      {
        id: 'ssh-server',
        title: 'OpenSSH server',
        version: '1',
        origin: 'builtin',
        applicable: true,
        totals: { passed: 2, failed: 2, error: 1, exception: 0, notApplicable: 0 },
        controls: [
          control('TG-SSH-001', 'URGENT', 'FAIL', ['PermitRootLogin yes'], ['PermitRootLogin no']),
          control('TG-SSH-002', 'SERIOUS', 'PASS'),
          control('TG-SSH-003', 'MEDIUM', 'FAIL', ['X11Forwarding yes']),
          control('TG-SSH-004', 'MEDIUM', 'PASS'),
          control('TG-SSH-005', 'CRITICAL', 'ERROR'),
        ],
      },
      { id: 'linux-baseline-rhel', title: 'RHEL baseline', version: '1', origin: 'builtin', applicable: false, notApplicableReason: 'a RHEL-family distribution not present', totals: { passed: 0, failed: 0, error: 0, exception: 0, notApplicable: 0 }, controls: [] },
    ],
    expiredExceptions: [],
    warnings: [],
  };
}

export function complianceDocument(context: PipelineContext = CONTEXT): ComplianceScanAttachment {
  const result = complianceResult();
  return complianceAttachment({ ...result, verdict: evaluateComplianceGate(result) }, context).document;
}
