/**
 * The documents a task attaches to the build (`##vso[task.addattachment]`) and the results tab
 * reads: one per scanned image, one per compliance scan, each the engine's own result and verdict
 * with the job and the task instance that produced it inside, so the tab never has to take them
 * out of an attachment's URL. Pure: splitting the CLI's JSON report by image is packaging, not
 * judging; no field of a result or verdict is changed.
 */
import type { ComplianceJsonDocument, ComplianceResult, ComplianceVerdict, ImageVerdict, ScanResult } from '../../../../src/model/index.js';
import { safeName } from './safe-name.js';

export const IMAGE_ATTACHMENT_TYPE = 'tollgate-image-scan';
export const COMPLIANCE_ATTACHMENT_TYPE = 'tollgate-compliance-scan';
export const ATTACHMENT_SCHEMA_VERSION = 1;

/** Where in the pipeline a document was produced (System.* variables of the run). */
export interface PipelineContext {
  jobId: string;
  taskInstanceId: string;
  timelineId?: string;
  buildId?: string;
  jobName?: string;
  taskName?: string;
}

export interface ImageScanAttachment {
  kind: typeof IMAGE_ATTACHMENT_TYPE;
  schemaVersion: typeof ATTACHMENT_SCHEMA_VERSION;
  context: PipelineContext;
  scan: ScanResult;
  verdict?: ImageVerdict;
}

export interface ComplianceScanAttachment {
  kind: typeof COMPLIANCE_ATTACHMENT_TYPE;
  schemaVersion: typeof ATTACHMENT_SCHEMA_VERSION;
  context: PipelineContext;
  result: ComplianceResult;
  verdict: ComplianceVerdict;
}

export type TollgateAttachment = ImageScanAttachment | ComplianceScanAttachment;

export interface NamedAttachment<T> {
  name: string;
  document: T;
}

export class ReportShapeError extends Error {
  override readonly name = 'ReportShapeError';
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The image report of `tollgate image scan --format json` (one image: its result with `verdict`;
 * several: `{ verdict, results }`) as one document per image, each named for the task instance,
 * its position and its image id.
 */
export function imageAttachments(report: unknown, context: PipelineContext): NamedAttachment<ImageScanAttachment>[] {
  if (!isObject(report)) throw new ReportShapeError('the image report is not a JSON object');
  let pairs: { scan: ScanResult; verdict?: ImageVerdict }[];
  if (Array.isArray(report.results)) {
    const verdicts = isObject(report.verdict) && Array.isArray(report.verdict.images) ? (report.verdict.images as ImageVerdict[]) : [];
    pairs = (report.results as ScanResult[]).map((scan, index) => ({ scan, ...(verdicts[index] ? { verdict: verdicts[index] } : {}) }));
  } else if (isObject(report.image)) {
    const { verdict, ...scan } = report as unknown as ScanResult & { verdict?: ImageVerdict };
    pairs = [{ scan: scan as ScanResult, ...(verdict ? { verdict } : {}) }];
  } else {
    throw new ReportShapeError('the image report has neither "results" nor "image"');
  }
  return pairs.map(({ scan, verdict }, index) => {
    if (!isObject(scan) || !isObject(scan.image)) throw new ReportShapeError(`result ${index + 1} of the image report has no "image"`);
    const digest = typeof scan.image.id === 'string' ? scan.image.id.replace(/^sha256:/, '').slice(0, 12) : 'image';
    return {
      name: `${safeName(context.taskInstanceId)}.${index + 1}.${safeName(digest)}`,
      document: { kind: IMAGE_ATTACHMENT_TYPE, schemaVersion: ATTACHMENT_SCHEMA_VERSION, context, scan, ...(verdict ? { verdict } : {}) },
    };
  });
}

/** The compliance report of `tollgate compliance scan --format json` as its one document. */
export function complianceAttachment(report: unknown, context: PipelineContext): NamedAttachment<ComplianceScanAttachment> {
  if (!isObject(report) || report.kind !== 'compliance' || !isObject(report.verdict)) throw new ReportShapeError('the compliance report is not a compliance result with a verdict');
  const { verdict, ...result } = report as unknown as ComplianceJsonDocument;
  return {
    name: `${safeName(context.taskInstanceId)}.compliance`,
    document: { kind: COMPLIANCE_ATTACHMENT_TYPE, schemaVersion: ATTACHMENT_SCHEMA_VERSION, context, result: result as ComplianceResult, verdict },
  };
}
