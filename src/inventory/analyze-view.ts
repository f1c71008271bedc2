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
import { analyzerFailure, fileSizeLimitOf, isContentAnalyzer, type Analyzer, type AnalyzerResult, type InventoryAnalyzer } from './analyzer.js';
import { ANALYZERS } from './list.js';

/** os-release(5): the two places an operating system describes itself. */
const OS_RELEASE_FILES = ['etc/os-release', 'usr/lib/os-release'];

type Place = { path: string } | { folder: string; names: string };

/** Where a pattern's files are: one fixed path, the files of one fixed folder, or anywhere (undefined). */
function placeOf(pattern: string): Place | undefined {
  const { base, glob, isGlob } = picomatch.scan(pattern);
  if (!isGlob) return { path: `/${pattern}` };
  if (glob.includes('/') || glob.includes('**')) return undefined;
  return { folder: `/${base}`, names: glob };
}

/** True when every pattern of `analyzer` names a fixed file, or the files of one fixed folder. */
export function readsFixedPaths(analyzer: InventoryAnalyzer): boolean {
  return isContentAnalyzer(analyzer) && analyzer.patterns !== undefined && analyzer.patterns.length > 0 && analyzer.patterns.every((pattern) => placeOf(pattern) !== undefined);
}

function identifiesOs(analyzer: Analyzer): boolean {
  return (analyzer.patterns ?? []).some((pattern) => OS_RELEASE_FILES.some((file) => picomatch.isMatch(file, pattern, { dot: true })));
}

export interface SystemAnalyzers {
  /** Analyzers that identify the operating system (they read os-release). */
  os: readonly Analyzer[];
  /** Analyzers of OS package databases: the other fixed-place analyzers, since a system package manager keeps its database at a fixed path. */
  packageDatabases: readonly Analyzer[];
}

/** The analyzers (by default the inventory's own list, in its order) that describe a system rather than an application. */
export function systemAnalyzers(analyzers: readonly InventoryAnalyzer[] = ANALYZERS): SystemAnalyzers {
  const fixed = analyzers.filter((analyzer): analyzer is Analyzer => readsFixedPaths(analyzer));
  return { os: fixed.filter(identifiesOs), packageDatabases: fixed.filter((analyzer) => !identifiesOs(analyzer)) };
}

/** What one analyzer made of one file of the view. */
export interface ViewFile {
  analyzer: string;
  path: string;
  /** The analyzer names this path literally (a database's own file), rather than through a glob. */
  literal: boolean;
  result: AnalyzerResult;
}

/** The paths a place names in the view: a fixed path as it is, else the matching names of its folder, sorted. */
async function pathsAt(view: FsView, place: Place): Promise<{ path: string; literal: boolean }[]> {
  if ('path' in place) return [{ path: place.path, literal: true }];
  const matches = picomatch(place.names, { dot: true });
  const names = (await view.listDir(place.folder)) ?? [];
  return names.filter((name) => matches(name)).map((name) => ({ path: joinPath(place.folder, name), literal: false }));
}

/**
 * Runs each analyzer, in order, on the files its patterns name in the view, pattern by pattern. A
 * file that does not exist is skipped; any other read failure (a file over the bound, a link out of
 * the root) is thrown, never taken for an absent file.
 */
export async function analyzeView(view: FsView, analyzers: readonly Analyzer[]): Promise<ViewFile[]> {
  const files: ViewFile[] = [];
  for (const analyzer of analyzers) {
    const patterns = analyzer.patterns ?? [];
    const places = patterns.map(placeOf);
    if (places.includes(undefined)) throw new Error(`the ${analyzer.id} analyzer finds its files anywhere (${patterns.join(', ')}): it needs a walk of the filesystem, not analyzeView`);
    for (const place of places as Place[]) {
      for (const { path, literal } of await pathsAt(view, place)) {
        const content = await readIfPresent(view, path, fileSizeLimitOf(analyzer));
        if (!content) continue;
        let result: AnalyzerResult;
        try {
          result = analyzer.analyze({ path, content });
        } catch (error) {
          throw analyzerFailure(path, analyzer, error);
        }
        files.push({ analyzer: analyzer.id, path, literal, result });
      }
    }
  }
  return files;
}
