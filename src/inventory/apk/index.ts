/**
 * Alpine packages from `lib/apk/db/installed`: records separated by blank lines, each line
 * `X:value` with a one-letter key (P name, V version, A architecture, o origin, L license).
 * The origin is the source package Alpine advisories are written against.
 *
 * The files each package installed are its `R:` lines, each in the folder of the `F:` line before
 * it (`F:usr/lib` then `R:libz.so.1` is `/usr/lib/libz.so.1`; an `R:` before any `F:` is at the
 * root). Folders themselves are not listed as owned: only files are package locations.
 */
import type { Analyzer, AnalyzerResult, OwnedFiles } from '../analyzer.js';
import type { PackageRecord } from '../../model/package.js';
import { WarningTally } from '../../util/bounded-warnings.js';
import { MAX_IDENTIFIER_CHARS } from '../analyzer.js';
import { detached, forEachLine } from '../text/control-fields.js';

/** `path` without leading and trailing slashes; by index, as a regular expression would take quadratic time on a line of slashes. */
function trimSlashes(path: string): string {
  let start = 0;
  let end = path.length;
  while (start < end && path.charCodeAt(start) === 47) start++;
  while (end > start && path.charCodeAt(end - 1) === 47) end--;
  return path.slice(start, end);
}

export function parseApkInstalled(text: string, location: string): AnalyzerResult {
  const packages: PackageRecord[] = [];
  const ownedFiles: OwnedFiles[] = [];
  const warnings = new WarningTally();
  let fields = new Map<string, string>();
  let folder = '';
  let files: string[] = [];
  let startLine = 1;
  const flush = (): void => {
    if (fields.size === 0) return;
    const name = fields.get('P');
    const version = fields.get('V');
    if (!name || !version) {
      warnings.add(`record at line ${startLine}: no P (name) or V (version); skipped`);
    } else if (['P', 'V', 'A', 'o', 'L'].some((key) => (fields.get(key)?.length ?? 0) > MAX_IDENTIFIER_CHARS)) {
      warnings.add(`record at line ${startLine}: a name, version, architecture, origin or license longer than ${MAX_IDENTIFIER_CHARS} characters; skipped`);
    } else {
      // Copies: a slice would keep the whole database text alive as long as the package.
      const record: PackageRecord = { type: 'apk', name: detached(name), version: detached(version), location };
      const architecture = fields.get('A');
      if (architecture) record.architecture = detached(architecture);
      const origin = fields.get('o');
      if (origin) record.source = { name: detached(origin) };
      const license = fields.get('L');
      if (license) record.licenses = [detached(license)];
      packages.push(record);
      if (files.length > 0) ownedFiles.push({ package: record.name, paths: files.join('\n') });
    }
    fields = new Map();
    folder = '';
    files = [];
  };
  forEachLine(text, (line, index) => {
    if (line.trim() === '') {
      flush();
      startLine = index + 2;
      return;
    }
    if (line.length < 2 || line[1] !== ':') return;
    const key = line[0] as string;
    if (key === 'F') folder = trimSlashes(line.slice(2));
    else if (key === 'R') files.push(folder ? `/${folder}/${line.slice(2)}` : `/${line.slice(2)}`);
    // Repeated keys (F, R, Z per file) describe files; the package fields appear once.
    if (!fields.has(key)) fields.set(key, line.slice(2));
  });
  flush();
  const problems = warnings.list('records like these');
  return { packages, ...(ownedFiles.length ? { ownedFiles } : {}), ...(problems.length ? { warnings: problems } : {}) };
}

export const apkAnalyzer: Analyzer = {
  id: 'apk',
  version: 2,
  packageKind: 'os',
  patterns: ['lib/apk/db/installed'],
  analyze: ({ path, content }) => parseApkInstalled(content.toString('utf8'), path),
};
