/**
 * Debian packages from the dpkg database: `var/lib/dpkg/status`, and the one-file-per-package
 * `var/lib/dpkg/status.d/*` that distroless images use instead.
 *
 * A package counts when its Status says it is installed: the want flag `install` or `hold`, the
 * error flag `ok`, and the status `installed` (files unpacked and configured). Packages that left
 * only configuration files, or are half-installed, are not in the inventory. Files in status.d
 * carry no Status field: they describe installed packages. The `Source:` field gives the source
 * package (Debian advisories are by source package), in its two forms: `Source: name` and
 * `Source: name (version)`; without it, the source is the binary package itself.
 *
 * The files each package installed come from `var/lib/dpkg/info/<package>[:<arch>].list`, one
 * absolute path per line (folders included). Distroless status.d images ship no lists: their
 * `status.d/<package>.md5sums` name the package's files instead. (`info/*.md5sums` is not read:
 * wherever it exists, the package's `.list` names the same files and its folders.)
 *
 * `Origin:`, where a package has one, is its vendor: a vendor other than the distribution's marks
 * a third-party package (the engine then keeps language packages read from its files).
 */
import { MAX_IDENTIFIER_CHARS, type Analyzer, type AnalyzerResult } from '../analyzer.js';
import type { PackageRecord } from '../../model/package.js';
import { detached, forEachLine, parseControlRecords } from '../text/control-fields.js';
import { WarningTally } from '../../util/bounded-warnings.js';

const SOURCE_FIELD = /^(\S+)(?:\s+\((\S+)\))?$/;

export function parseDpkgStatus(text: string, location: string, requireStatus: boolean): AnalyzerResult {
  const { records, problems } = parseControlRecords(text);
  const warnings = new WarningTally();
  const packages: PackageRecord[] = [];
  for (const { fields, line } of records) {
    const name = fields.get('package');
    const version = fields.get('version');
    if (!name || !version) {
      warnings.add(`stanza at line ${line}: no Package or Version; skipped`);
      continue;
    }
    const architecture = fields.get('architecture');
    const source = fields.get('source');
    if ([name, version, architecture ?? '', source ?? ''].some((value) => value.length > MAX_IDENTIFIER_CHARS)) {
      warnings.add(`stanza at line ${line}: a Package, Version, Architecture or Source longer than ${MAX_IDENTIFIER_CHARS} characters; skipped`);
      continue;
    }
    const status = fields.get('status');
    if (status !== undefined || requireStatus) {
      const [want, flag, state] = (status ?? '').split(/\s+/);
      if (!(want === 'install' || want === 'hold') || flag !== 'ok' || state !== 'installed') continue;
    }
    // Copies: a slice would keep the whole database text alive as long as the package.
    const record: PackageRecord = { type: 'deb', name: detached(name), version: detached(version), location };
    if (architecture) record.architecture = detached(architecture);
    const origin = fields.get('origin');
    if (origin) record.vendor = detached(origin);
    if (source) {
      const match = SOURCE_FIELD.exec(source);
      if (match) {
        record.source = { name: detached(match[1] as string), ...(match[2] ? { version: detached(match[2]) } : {}) };
      } else {
        warnings.add(`${record.name}: unreadable Source field "${source}"; using the binary package name`);
      }
    }
    packages.push(record);
  }
  const all = [...problems, ...warnings.list('stanzas like these')];
  return { packages, ...(all.length ? { warnings: all } : {}) };
}

const LIST_FOLDER = '/var/lib/dpkg/info/';
const LIST_SUFFIX = '.list';
const MD5SUMS_SUFFIX = '.md5sums';

/**
 * A package's file list (`/var/lib/dpkg/info/python3-yaml.list`): the files it installed. The root
 * is written `/.`; lines that are not absolute paths are dropped with a warning.
 */
export function parseDpkgFileList(text: string, location: string): AnalyzerResult {
  const name = location.slice(location.lastIndexOf('/') + 1);
  const packageName = name.endsWith(LIST_SUFFIX) ? name.slice(0, -LIST_SUFFIX.length) : name;
  const paths: string[] = [];
  let dropped = 0;
  forEachLine(text, (line) => {
    if (line === '') return;
    if (line === '/.') paths.push('/');
    else if (line.startsWith('/')) paths.push(line);
    else dropped += 1;
  });
  return {
    ...(paths.length > 0 ? { ownedFiles: [{ package: packageName, paths: paths.join('\n') }] } : {}),
    ...(dropped > 0 ? { warnings: [`${dropped} line(s) that are not absolute paths; ignored`] } : {}),
  };
}

/**
 * A distroless package's checksums (`/var/lib/dpkg/status.d/base-files.md5sums`): `<md5>  <path>`
 * per line, the path relative to the root. They are the only list of its files such an image has.
 */
export function parseDpkgMd5sums(text: string, location: string): AnalyzerResult {
  const name = location.slice(location.lastIndexOf('/') + 1);
  const packageName = name.endsWith(MD5SUMS_SUFFIX) ? name.slice(0, -MD5SUMS_SUFFIX.length) : name;
  const paths: string[] = [];
  let dropped = 0;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') continue;
    const match = /^[0-9a-fA-F]{32} [ *]?(.+)$/.exec(line);
    const file = match?.[1];
    if (!file || file.startsWith('/') || file.split('/').includes('..')) {
      dropped += 1;
      continue;
    }
    paths.push(`/${file.replace(/^\.\//, '')}`);
  }
  return {
    ...(paths.length > 0 ? { ownedFiles: [{ package: packageName, paths: paths.join('\n') }] } : {}),
    ...(dropped > 0 ? { warnings: [`${dropped} line(s) that are not "<md5>  <relative path>"; ignored`] } : {}),
  };
}

export const dpkgAnalyzer: Analyzer = {
  id: 'dpkg',
  version: 3,
  packageKind: 'os',
  patterns: ['var/lib/dpkg/status', 'var/lib/dpkg/status.d/*'],
  // The file lists by rule, not by pattern: they feed only owned files, and a reader of the package
  // database alone (compliance facts, src/inventory/analyze-view.ts) reads the patterns and never
  // needs the hundreds of lists.
  select: { path: (path) => path.startsWith(LIST_FOLDER) && path.endsWith(LIST_SUFFIX) && path.indexOf('/', LIST_FOLDER.length) < 0 },
  analyze({ path, content }) {
    if (path.startsWith(LIST_FOLDER) && path.endsWith(LIST_SUFFIX)) return parseDpkgFileList(content.toString('utf8'), path);
    if (path.endsWith(MD5SUMS_SUFFIX)) return parseDpkgMd5sums(content.toString('utf8'), path);
    const distroless = path.includes('/status.d/');
    return parseDpkgStatus(content.toString('utf8'), path, !distroless);
  },
};
