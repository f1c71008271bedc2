/**
 * Runs analyzers over a filesystem view (src/image/fs/fs-view.ts) instead of a layer walk, for the
 * analyzers whose files sit at fixed places: OS identification and OS package databases. Their
 * patterns are expanded against the view without walking it: a literal path is read as it is, a
 * pattern whose last segment is a glob (`var/lib/dpkg/status.d/*`) by listing that one folder.
 * Analyzers that find their files anywhere (`**\/site-packages/...`) need the walk and are refused.
 *
 * Reads only through the view, each file bounded by its analyzer's maxFileSize; never the host.
 */
import picomatch from 'picomatch';
import { readIfPresent, type FsView } from '../image/fs/fs-view.js';
import { joinPath } from '../image/paths.js';
import { DEFAULT_MAX_ANALYZED_FILE_SIZE, type Analyzer, type AnalyzerResult } from './analyzer.js';
import { ANALYZERS } from './list.js';

const GLOB_CHARS = /[*?[\]{}()!+@]/;

/** os-release(5): the two places an operating system describes itself. */
const OS_RELEASE_FILES = ['etc/os-release', 'usr/lib/os-release'];

/** True when every pattern of `analyzer` names a fixed file, or the files of one fixed folder. */
export function readsFixedPaths(analyzer: Analyzer): boolean {
  return analyzer.patterns.every((pattern) => {
    const segments = pattern.split('/');
    const last = segments.pop() as string;
    return !last.includes('**') && segments.every((segment) => !GLOB_CHARS.test(segment));
  });
}

function identifiesOs(analyzer: Analyzer): boolean {
  return analyzer.patterns.some((pattern) => OS_RELEASE_FILES.some((file) => picomatch.isMatch(file, pattern, { dot: true })));
}

export interface SystemAnalyzers {
  /** Analyzers that identify the operating system (they read os-release). */
  os: readonly Analyzer[];
  /** Analyzers of OS package databases: the other fixed-place analyzers, since a system package manager keeps its database at a fixed path. */
  packageDatabases: readonly Analyzer[];
}

/** The analyzers (by default the inventory's own list, in its order) that describe a system rather than an application. */
export function systemAnalyzers(analyzers: readonly Analyzer[] = ANALYZERS): SystemAnalyzers {
  const fixed = analyzers.filter(readsFixedPaths);
  return { os: fixed.filter(identifiesOs), packageDatabases: fixed.filter((analyzer) => !identifiesOs(analyzer)) };
}

export function maxFileSizeOf(analyzer: Analyzer): number {
  return analyzer.maxFileSize ?? DEFAULT_MAX_ANALYZED_FILE_SIZE;
}

/** What one analyzer made of one file of the view. */
export interface ViewFile {
  analyzer: string;
  path: string;
  /** The analyzer names this path literally (a database's own file), rather than through a glob. */
  literal: boolean;
  result: AnalyzerResult;
}

/** The paths a pattern names in the view: itself when literal, else the matching names of its folder. */
async function expandPattern(view: FsView, pattern: string): Promise<{ path: string; literal: boolean }[]> {
  const slash = pattern.lastIndexOf('/');
  const last = pattern.slice(slash + 1);
  if (!GLOB_CHARS.test(last)) return [{ path: `/${pattern}`, literal: true }];
  const folder = `/${slash < 0 ? '' : pattern.slice(0, slash)}`;
  const matches = picomatch(last, { dot: true });
  const names = (await view.listDir(folder)) ?? [];
  return names.filter((name) => matches(name)).map((name) => ({ path: joinPath(folder, name), literal: false }));
}

/**
 * Runs each analyzer, in order, on the files its patterns name in the view, pattern by pattern. A
 * file that does not exist is skipped; any other read failure (a file over the bound, a link out of
 * the root) is thrown, never taken for an absent file.
 */
export async function analyzeView(view: FsView, analyzers: readonly Analyzer[]): Promise<ViewFile[]> {
  const files: ViewFile[] = [];
  for (const analyzer of analyzers) {
    if (!readsFixedPaths(analyzer)) throw new Error(`the ${analyzer.id} analyzer finds its files anywhere (${analyzer.patterns.join(', ')}): it needs a walk of the filesystem, not analyzeView`);
    for (const pattern of analyzer.patterns) {
      for (const { path, literal } of await expandPattern(view, pattern)) {
        const content = await readIfPresent(view, path, maxFileSizeOf(analyzer));
        if (content) files.push({ analyzer: analyzer.id, path, literal, result: analyzer.analyze({ path, content }) });
      }
    }
  }
  return files;
}
