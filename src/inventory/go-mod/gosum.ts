/**
 * go.sum, read as data: which modules' content a build downloaded. Each line is
 * `<module> <version>[/go.mod] h1:<hash>`; a line without `/go.mod` is the checksum of the module's
 * zip, so the module's code was needed, while a `/go.mod` line only records a requirement graph
 * walked through. Of several versions of one module with a zip checksum (an untidy go.sum), the
 * highest is kept: minimal version selection builds with the highest version required.
 *
 * Never trusts the file: lines that are not a module path, a Go module version and a hash are
 * skipped with a warning (a bounded number per file).
 */
import { schemeForPackageType } from '../../ecosystems/list.js';
import { isModulePath } from '../go-binary/module-path.js';

const MAX_WARNINGS = 20;

export interface GoSumModules {
  /** Module path -> the highest version whose zip checksum is recorded. */
  modules: Map<string, string>;
  warnings: string[];
}

export function parseGoSum(text: string): GoSumModules {
  const scheme = schemeForPackageType('golang');
  const modules = new Map<string, string>();
  const warnings: string[] = [];
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const fields = line.split(/\s+/);
    const [path, version, hash] = fields;
    const goModOnly = version?.endsWith('/go.mod') ?? false;
    const moduleVersion = goModOnly ? (version as string).slice(0, -'/go.mod'.length) : version;
    if (fields.length !== 3 || !path || !moduleVersion || !hash?.startsWith('h1:') || !isModulePath(path) || !scheme.isValid(moduleVersion)) {
      if (warnings.length < MAX_WARNINGS) warnings.push(`line ${index + 1} is not "<module> <version> h1:<hash>"; skipped`);
      continue;
    }
    if (goModOnly) continue;
    const seen = modules.get(path);
    if (seen === undefined || scheme.compare(moduleVersion, seen) > 0) modules.set(path, moduleVersion);
  }
  return { modules, warnings };
}
