/**
 * The renderer contract. A renderer is a pure function from result data to text: it never decides
 * pass or fail and never reads anything but its input. Each format is one folder under
 * src/report/ registered in src/report/list.ts; a format renders the kinds of report it
 * supports (image scans, compliance scans).
 */
import type { ScanResult } from '../model/image-scan.js';
import type { AggregateVerdict, ImageVerdict } from '../model/image-verdict.js';
import type { Severity } from '../model/severity.js';
import type { ComplianceResult } from '../model/compliance-result.js';
import type { ComplianceVerdict } from '../model/compliance-verdict.js';

export type ReportKind = 'image' | 'compliance';

/** What a compliance report renders: the scan result and the compliance gate's verdict. */
export interface ComplianceReport {
  result: ComplianceResult;
  verdict: ComplianceVerdict;
}

/** What an image report renders: one scan result per image and, when a gate ran, its verdict. */
export interface ImageReport {
  scans: ScanResult[];
  /** `verdict.images[i]` is the verdict of `scans[i]`. */
  verdict?: AggregateVerdict;
}

/** The verdict of the i-th scan, when the report has one. */
export function verdictOf(report: ImageReport, index: number): ImageVerdict | undefined {
  return report.verdict?.images[index];
}

export interface RenderOptions {
  /** Use ANSI colours (a terminal that wants them). */
  color: boolean;
  /** Terminal width in columns, for formats that lay out text. */
  width?: number;
  /**
   * A format's own severity filter (SARIF's `--sarif-severity`): what the report shows, never what
   * the gate decides.
   */
  severities?: readonly Severity[];
}

export interface Renderer {
  /** The `--format` name. */
  readonly id: string;
  readonly description: string;
  /** File extension for written reports, without the dot. */
  readonly extension: string;
  renderImage?(report: ImageReport, options: RenderOptions): string;
  renderCompliance?(report: ComplianceReport, options: RenderOptions): string;
}
