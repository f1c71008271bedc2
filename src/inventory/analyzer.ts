/**
 * The analyzer contract. An analyzer turns the files it declares into packages or OS facts.
 *
 * An analyzer is a pure function of one file's bytes: it never reads the filesystem, never
 * follows links, never knows about advisories or layers. The scanner walks each layer once and
 * hands a file only to the analyzers whose patterns match it; the analyzer's `version` is part
 * of the layer-cache key, so bump it whenever the output for the same input changes.
 */
import type { OsInfo, PackageRecord } from '../model/package.js';

/** One file handed to an analyzer. */
export interface AnalyzerInput {
  /** Absolute, normalised path inside the image root: `/var/lib/dpkg/status`. */
  path: string;
  content: Buffer;
}

/** What an analyzer learnt from one file. Empty arrays and absent fields mean "nothing". */
export interface AnalyzerResult {
  packages?: PackageRecord[];
  os?: OsInfo;
  /** Problems that did not stop the analysis (a malformed stanza skipped), for the log. */
  warnings?: string[];
}

export interface Analyzer {
  /** Short stable id: `dpkg`, `apk`, `npm`, `python`, `os-release`. */
  readonly id: string;
  /** Bumped when the analyzer's output for the same input changes (cache invalidation). */
  readonly version: number;
  /**
   * The files this analyzer reads, as globs over the path inside the image root without the
   * leading slash (picomatch syntax, `dot: true`): `var/lib/dpkg/status`, `**\/node_modules/**\/package.json`.
   */
  readonly patterns: readonly string[];
  /**
   * Files larger than this are refused with a clear error rather than read into memory: an honest
   * file of this kind is never that large. Defaults to DEFAULT_MAX_ANALYZED_FILE_SIZE.
   */
  readonly maxFileSize?: number;
  /** Parse one file. Throw only for input no honest image contains; report the rest as warnings. */
  analyze(input: AnalyzerInput): AnalyzerResult;
}

/** 64 MiB: larger than any real package database file, small enough to hold in memory. */
export const DEFAULT_MAX_ANALYZED_FILE_SIZE = 64 * 1024 * 1024;
