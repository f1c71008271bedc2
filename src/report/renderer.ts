/**
 * The renderer contract. A renderer is a pure function from result data to text: it never decides
 * pass or fail and never reads anything but its input. Each format is one folder under
 * src/report/ registered in src/report/list.ts; a format renders the kinds of report it
 * supports (image scans, compliance scans), and declares the options of its own it accepts
 * (SARIF's severity filter), which it alone receives.
 */
import type { ScanResult } from '../model/image-scan.js';
import type { AggregateVerdict, ImageVerdict } from '../model/image-verdict.js';
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

/** What every renderer is told about where its text goes. */
export interface RenderOptions {
  /** Use ANSI colours (a terminal that wants them). */
  color: boolean;
  /** Terminal width in columns, for formats that lay out text. */
  width?: number;
  /**
   * Where a format that writes files beside its report (`html-files`) hands them: given only when
   * the report goes to a file. Without it such a format still renders its main text.
   */
  siblingFiles?: SiblingFiles;
}

/**
 * Files written beside a report, in one folder named `folder` next to the report file (the page
 * refers to them as `folder/name`). `add` takes a plain file name (letters, digits, `.`, `-`, `_`).
 */
export interface SiblingFiles {
  readonly folder: string;
  add(name: string, content: string): void;
}

/**
 * An option of one format's own, as a command-line flag: the CLI offers the flag on every command
 * whose reports the format writes and hands the parsed value to that format alone, under the
 * option's key in its render options. An option changes what a report shows, never what the gate
 * decides.
 */
export interface RendererOption<Value> {
  /** The flag and its argument: `--sarif-severity <levels>`. */
  readonly flag: string;
  /** The flag's help text. */
  readonly description: string;
  /** Parses one occurrence of the flag; `previous` is what the earlier ones gave. Throws UsageError. */
  parse(text: string, previous: Value | undefined): Value;
}

/**
 * A format's declared options, keyed by the name the renderer reads them under: exactly one per
 * key of its own render options, each parsing to that key's type.
 */
export type RendererOptions<Own extends object> = { readonly [Key in keyof Own]-?: RendererOption<NonNullable<Own[Key]>> } & { readonly [key: string]: RendererOption<unknown> };

/**
 * A renderer. `Own` is the type of the options of its own (none for most formats); each is
 * absent when the user did not give it.
 */
export interface Renderer<Own extends object = object> {
  /** The `--format` name. */
  readonly id: string;
  readonly description: string;
  /** File extension for written reports, without the dot. */
  readonly extension: string;
  renderImage?(report: ImageReport, options: RenderOptions & Partial<Own>): string;
  renderCompliance?(report: ComplianceReport, options: RenderOptions & Partial<Own>): string;
}
