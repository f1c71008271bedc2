import { describe, expect, it } from 'vitest';
import { sampleScan } from '../../../../test/support/scan-fixtures.js';
import { complianceAttachment, imageAttachments, ReportShapeError } from './attachments.js';
import { complianceResult } from '../../test/support/documents.js';
import { evaluateComplianceGate } from '../../../../src/gate/compliance-gate.js';

const context = { jobId: 'j', taskInstanceId: 'task/../1', buildId: '9' };

describe('attachments from the CLI reports', () => {
  it('one image: its result and verdict, named by task instance, position and image id', () => {
    const scan = sampleScan();
    const verdict = { passed: true } as never;
    const [only, ...rest] = imageAttachments({ ...scan, verdict }, context);
    expect(rest).toEqual([]);
    expect(only?.name).toBe('task-.-1.1.cccccccccccc');
    expect(only?.document).toEqual({ kind: 'tollgate-image-scan', schemaVersion: 1, context, scan, verdict });
  });

  it('several images: each result with the verdict at its position', () => {
    const first = sampleScan();
    const second = { ...sampleScan(), image: { ...sampleScan().image, id: `sha256:${'e'.repeat(64)}` } };
    const attachments = imageAttachments({ schemaVersion: 1, verdict: { images: [{ passed: true }, { passed: false }] }, results: [first, second] }, context);
    expect(attachments.map((a) => [a.name, a.document.verdict?.passed])).toEqual([
      ['task-.-1.1.cccccccccccc', true],
      ['task-.-1.2.eeeeeeeeeeee', false],
    ]);
  });

  it('refuses a report of another shape', () => {
    expect(() => imageAttachments([], context)).toThrow(ReportShapeError);
    expect(() => imageAttachments({ results: [{}] }, context)).toThrow('result 1 of the image report has no "image"');
    expect(() => complianceAttachment({ kind: 'compliance' }, context)).toThrow(ReportShapeError);
  });

  it('a compliance report: the result without its verdict field, and the verdict beside it', () => {
    const result = complianceResult();
    const verdict = evaluateComplianceGate(result);
    const attachment = complianceAttachment({ ...result, verdict }, context);
    expect(attachment.name).toBe('task-.-1.compliance');
    expect(attachment.document).toEqual({ kind: 'tollgate-compliance-scan', schemaVersion: 1, context, result, verdict });
  });
});
