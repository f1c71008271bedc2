/**
 * The analyzer contract. An analyzer turns the files it declares into packages, OS facts and, for
 * an OS package manager, the files each package installed.
 *
 * Three kinds, told apart by `kind`:
 * - `content` (the default, `Analyzer`): a pure function of one file's bytes, held in memory up to
 *   `maxFileSize`. Package databases in one file, manifests, lock files.
 * - `seekable` (`SeekableFileAnalyzer`): one file of any size, read through a seekable reader
 *   (binaries, archives). Files over SPILL_THRESHOLD are spilled to the scan's temporary folder
 *   rather than held in memory.
 * - `post-walk` (`PostWalkAnalyzer`): runs once after the layers are merged, over the files it
 *   declared as the merged image presents them (databases spread over several files). Its files
 *   are captured during the one walk; no layer is read twice for it.
 *
 * Files are chosen by glob `patterns`, by a `select` rule (a cheap test of the path and the entry's
 * size and mode, then magic bytes), or both. An analyzer never reads the filesystem, never follows
 * links, never knows about advisories or layers. Its `version` is part of the layer-cache key: bump
 * it whenever the output for the same input changes.
 */
import { ScanError, isTollgateError, messageOf } from '../errors.js';
import type { OsInfo, PackageRecord } from '../model/package.js';
import type { MagicBytes } from './magic.js';

/** One file handed to a content analyzer. */
export interface AnalyzerInput {
  /** Absolute, normalised path inside the image root: `/var/lib/dpkg/status`. */
  path: string;
  content: Buffer;
}

/** A file read by position, whatever its size, without holding it in memory. */
export interface SeekableFile {
  readonly size: number;
  /**
   * `length` bytes from `position`; fewer only where the file ends (none past its end). At most
   * 64 MiB per read (a RangeError beyond): positions and lengths read from the file itself are
   * untrusted. The buffer may be shared with other readers: never modify it.
   */
  read(position: number, length: number): Promise<Buffer>;
}

/** One file handed to a seekable analyzer, or one of a post-walk analyzer's files. */
export interface SeekableFileInput {
  /** Absolute, normalised path inside the image root. */
  path: string;
  file: SeekableFile;
  /** The whole content, when the file is held in memory: always for files up to SPILL_THRESHOLD bytes. */
  content?: Buffer;
  /**
   * The scan's temporary files, for bytes an analyzer derives and must read by position (a deflated
   * jar inside a war): written on the host, in the scan's own folder, within the scan's bound.
   * Absent where the caller has none (compliance facts): the analyzer then holds them in memory.
   */
  scratch?: ScratchFiles;
}

/** A temporary file an analyzer wrote, readable by position until released. */
export interface ScratchFile extends SeekableFile {
  release(): Promise<void>;
}

/** A temporary file being written: chunks in order, then finish() (to read it) or discard(). */
export interface ScratchWriter {
  write(chunk: Buffer): Promise<void>;
  finish(): Promise<ScratchFile>;
  discard(): Promise<void>;
}

export interface ScratchFiles {
  create(): Promise<ScratchWriter>;
}

/** The files a post-walk analyzer declared, as the merged image presents them. */
export interface DeclaredFiles {
  /** Sorted by path. */
  readonly files: readonly SeekableFileInput[];
  get(path: string): SeekableFileInput | undefined;
}

/**
 * The files one OS package installed. The paths are one string, newline-separated, because there
 * are tens of thousands of them per image: one string per package keeps them compact in memory and
 * in the layer cache, where one object per path would not be.
 */
export interface OwnedFiles {
  /** The package as its database names it: `python3-yaml`, `libc6:amd64`, `musl`. */
  package: string;
  /** Absolute paths inside the image root, one per line, as the package database lists them. */
  paths: string;
}

/** What an analyzer learnt. Empty arrays and absent fields mean "nothing". */
export interface AnalyzerResult {
  packages?: PackageRecord[];
  os?: OsInfo;
  /**
   * OS package analyzers: the files their packages installed. The scan uses them to leave out
   * language packages read from those files; they are never part of the scan result.
   */
  ownedFiles?: OwnedFiles[];
  /** Problems that did not stop the analysis (a malformed stanza skipped), for the log. */
  warnings?: string[];
}

/** What the walk knows of an entry before reading it. */
export interface EntryInfo {
  size: number;
  /** Permission bits and file type bits as the archive or filesystem records them, when known. */
  mode: number | undefined;
}

/**
 * A selection by file information and content, for files no glob describes: "executable and over
 * 1 MiB, starting with the ELF magic", "name ends in .jar". Each step runs only for the files that
 * passed the one before, so the magic bytes are read for few files, never for every file.
 */
export interface FileRule {
  /**
   * A test of the path alone. It runs for every regular file of every layer: keep it to string
   * comparisons (`path.endsWith('.jar')`), no allocation. Absent: every path passes.
   */
  path?(path: string): boolean;
  /** A test of size and mode, for files whose path passed. Absent: every file passes. */
  info?(info: EntryInfo): boolean;
  /** The file must start with one of these (see magic.ts). Absent: no content test. */
  magic?: readonly MagicBytes[];
}

interface AnalyzerDeclaration {
  /** Short stable id: `dpkg`, `apk`, `npm`, `python`, `os-release`. */
  readonly id: string;
  /** Bumped when the analyzer's output for the same input changes (cache invalidation). */
  readonly version: number;
  /**
   * The files this analyzer reads, as globs over the path inside the image root without the
   * leading slash (picomatch syntax, `dot: true`): `var/lib/dpkg/status`, `**\/node_modules/**\/package.json`.
   * A link at a matching path is followed inside the image root.
   */
  readonly patterns?: readonly string[];
  /**
   * Files chosen by information and content, beside or instead of `patterns`. Only regular files
   * are tested: a link's target is found under its own name, so following links would count it twice.
   */
  readonly select?: FileRule;
  /**
   * `os` for an OS package manager's database (dpkg, apk, rpm): its packages own the files they
   * installed, and language packages read from those files are not reported again (unless the scan
   * is asked to). Default `language`.
   */
  readonly packageKind?: 'os' | 'language';
}

/** A content analyzer: one file's bytes, in memory. */
export interface Analyzer extends AnalyzerDeclaration {
  readonly kind?: 'content';
  /**
   * Files larger than this are refused with a clear error rather than read into memory: an honest
   * file of this kind is never that large. Defaults to DEFAULT_MAX_ANALYZED_FILE_SIZE.
   */
  readonly maxFileSize?: number;
  /** Parse one file. Throw only for input no honest image contains; report the rest as warnings. */
  analyze(input: AnalyzerInput): AnalyzerResult;
}

/** A seekable analyzer: one file of any size, read by position. */
export interface SeekableFileAnalyzer extends AnalyzerDeclaration {
  readonly kind: 'seekable';
  /** Larger files are refused with a clear error. Default: only the layer's own size limit. */
  readonly maxFileSize?: number;
  /** Read one file. Throw only for input no honest image contains; report the rest as warnings. */
  analyzeFile(input: SeekableFileInput): Promise<AnalyzerResult>;
}

/** A post-walk analyzer: the files it declared, in the merged image, at once. */
export interface PostWalkAnalyzer extends AnalyzerDeclaration {
  readonly kind: 'post-walk';
  /** Each declared file larger than this is refused with a clear error. Default: the layer's limit. */
  readonly maxFileSize?: number;
  /**
   * Runs once per scan, when at least one declared file is in the merged image. Packages should
   * give as `location` the declared file they were read from: that file's layer is theirs.
   */
  analyzeFiles(files: DeclaredFiles): Promise<AnalyzerResult>;
}

/** Any analyzer an inventory can run. */
export type InventoryAnalyzer = Analyzer | SeekableFileAnalyzer | PostWalkAnalyzer;

export function isContentAnalyzer(analyzer: InventoryAnalyzer): analyzer is Analyzer {
  return analyzer.kind === undefined || analyzer.kind === 'content';
}

/** 64 MiB: larger than any real package database file, small enough to hold in memory. */
export const DEFAULT_MAX_ANALYZED_FILE_SIZE = 64 * 1024 * 1024;

/**
 * Longest package name, version, architecture or source an honest package database holds, with
 * room to spare: a record with a longer one is skipped with a warning, never carried into
 * matching and every report.
 */
export const MAX_IDENTIFIER_CHARS = 512;

/**
 * 16 MiB: seekable and post-walk analyzers get files up to this size from memory (with `content`);
 * larger ones are spilled to the scan's temporary folder and read from there.
 */
export const SPILL_THRESHOLD = 16 * 1024 * 1024;

/** The largest file an analyzer accepts, or undefined when only the layer's limit applies. */
export function fileSizeLimitOf(analyzer: Analyzer): number;
export function fileSizeLimitOf(analyzer: InventoryAnalyzer): number | undefined;
export function fileSizeLimitOf(analyzer: InventoryAnalyzer): number | undefined {
  return isContentAnalyzer(analyzer) ? (analyzer.maxFileSize ?? DEFAULT_MAX_ANALYZED_FILE_SIZE) : analyzer.maxFileSize;
}

/**
 * What the scan reports when an analyzer throws on a file: the file and the analyzer named, so the
 * user knows which file of which image to look at. Tollgate's own errors already say that and pass.
 */
export function analyzerFailure(path: string, analyzer: InventoryAnalyzer, error: unknown): Error {
  return isTollgateError(error) ? error : new ScanError(`${path}: the ${analyzer.id} analyzer could not read this file: ${messageOf(error)}`, { cause: error });
}
