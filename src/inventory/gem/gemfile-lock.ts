/**
 * `Gemfile.lock`, as Bundler writes it: sections at column 0 (`GEM`, `GIT`, `PATH`, `PLATFORMS`,
 * `DEPENDENCIES`, `BUNDLED WITH`, ...), and in the source sections (`GEM`, `GIT`, `PATH`) a
 * `specs:` list whose entries at four spaces are the resolved gems, `name (version)` or
 * `name (version-platform)` (Bundler splits at the first `-`, as its lock-file parser does); their
 * own dependencies, at six spaces, are requirements, not packages. Other sections are skipped.
 *
 * A line that breaks this shape is a warning, never a guess; the file size is bounded by the analyzer,
 * and a file listing more gems than any honest one is refused (../package-count-limit.ts).
 */
import type { AnalyzerResult } from '../analyzer.js';
import type { PackageRecord } from '../../model/package.js';
import { schemeForPackageType } from '../../ecosystems/list.js';
import { checkPackageCount } from '../package-count-limit.js';
import { GEM_NAME } from './gemspec.js';

const gemScheme = schemeForPackageType('gem');

const SOURCE_SECTIONS = new Set(['GEM', 'GIT', 'PATH', 'PLUGIN SOURCE']);
/** `    name (version)` or `    name (version-platform)`, four spaces in. */
const SPEC = /^ {4}(?! )(\S+) \(([^-()\s]*)(?:-([^()\s]+))?\)$/;
const MAX_WARNINGS = 20;
const MAX_LINE = 4096;

export function parseGemfileLock(text: string, location: string): AnalyzerResult {
  const packages: PackageRecord[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  let section = '';
  let inSpecs = false;
  let sawSection = false;
  let lineNumber = 0;
  let start = 0;
  const warn = (message: string): void => {
    if (warnings.length < MAX_WARNINGS) warnings.push(`line ${lineNumber}: ${message}`);
  };
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    lineNumber += 1;
    let line = text.slice(start, Math.min(stop, start + MAX_LINE + 1));
    if (line.endsWith('\r')) line = line.slice(0, -1);
    start = stop + 1;
    if (line.length > MAX_LINE) {
      warn('line too long; skipped');
      continue;
    }
    // Dependency lines (six spaces in) are the most common: leave them first.
    if (line.startsWith('      ')) continue;
    if (line.trim() === '') continue;
    if (!line.startsWith(' ')) {
      section = line.trim();
      sawSection = true;
      inSpecs = false;
      continue;
    }
    if (!SOURCE_SECTIONS.has(section)) continue;
    if (line.startsWith('  ') && !line.startsWith('   ')) {
      inSpecs = line.trim() === 'specs:';
      continue;
    }
    if (!inSpecs || !line.startsWith('    ') || line.startsWith('     ')) continue;
    const spec = SPEC.exec(line);
    if (!spec) {
      warn(`not a "name (version)" spec: ${JSON.stringify(line.trim().slice(0, 100))}; skipped`);
      continue;
    }
    const [, name, version, platform] = spec as unknown as [string, string, string, string | undefined];
    if (!GEM_NAME.test(name) || !gemScheme.isValid(version) || version === '') {
      warn(`${JSON.stringify(name.slice(0, 100))} (${JSON.stringify(version.slice(0, 100))}) is not a gem name and version; skipped`);
      continue;
    }
    const key = `${name}\u0000${version}\u0000${platform ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    checkPackageCount(packages.length + 1, 'gem specs');
    packages.push({ type: 'gem', name, version, location, ...(platform && platform !== 'ruby' ? { architecture: platform } : {}) });
  }
  if (!sawSection) return { warnings: ['not a Gemfile.lock (no sections); skipped'] };
  if (warnings.length === MAX_WARNINGS) warnings.push('more malformed lines not listed');
  return { packages, ...(warnings.length ? { warnings } : {}) };
}
