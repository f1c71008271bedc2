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

export function parseApkInstalled(text: string, location: string): AnalyzerResult {
  const packages: PackageRecord[] = [];
  const ownedFiles: OwnedFiles[] = [];
  const warnings: string[] = [];
  let fields = new Map<string, string>();
  let folder = '';
  let files: string[] = [];
  let startLine = 1;
  const flush = (): void => {
    if (fields.size === 0) return;
    const name = fields.get('P');
    const version = fields.get('V');
    if (!name || !version) {
      warnings.push(`record at line ${startLine}: no P (name) or V (version); skipped`);
    } else {
      const record: PackageRecord = { type: 'apk', name, version, location };
      const architecture = fields.get('A');
      if (architecture) record.architecture = architecture;
      const origin = fields.get('o');
      if (origin) record.source = { name: origin };
      const license = fields.get('L');
      if (license) record.licenses = [license];
      packages.push(record);
      if (files.length > 0) ownedFiles.push({ package: name, paths: files.join('\n') });
    }
    fields = new Map();
    folder = '';
    files = [];
  };
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') {
      flush();
      startLine = index + 2;
      return;
    }
    if (line.length < 2 || line[1] !== ':') return;
    const key = line[0] as string;
    if (key === 'F') folder = line.slice(2).replace(/^\/+|\/+$/g, '');
    else if (key === 'R') files.push(folder ? `/${folder}/${line.slice(2)}` : `/${line.slice(2)}`);
    // Repeated keys (F, R, Z per file) describe files; the package fields appear once.
    if (!fields.has(key)) fields.set(key, line.slice(2));
  });
  flush();
  return { packages, ...(ownedFiles.length ? { ownedFiles } : {}), ...(warnings.length ? { warnings } : {}) };
}

export const apkAnalyzer: Analyzer = {
  id: 'apk',
  version: 2,
  packageKind: 'os',
  patterns: ['lib/apk/db/installed'],
  analyze: ({ path, content }) => parseApkInstalled(content.toString('utf8'), path),
};
