/**
 * Python distributions installed in site-packages or dist-packages: `*.dist-info/METADATA`,
 * `*.egg-info/PKG-INFO`, and egg-info written as a single file. The core metadata header gives
 * Name, Version and License; names are normalised per PEP 503 (lower case, runs of `-`, `_`, `.`
 * become one `-`), which is how advisories name them.
 */
import { MAX_IDENTIFIER_CHARS, type Analyzer, type AnalyzerResult } from '../analyzer.js';
import { detached, parseControlRecords } from '../text/control-fields.js';
import { pep503Name } from '../../ecosystems/pypi/index.js';

export function parsePythonMetadata(text: string, location: string): AnalyzerResult {
  const { records } = parseControlRecords(text, { headerOnly: true });
  const header = records[0]?.fields;
  const name = header?.get('name');
  const version = header?.get('version');
  if (!name || !version) return { warnings: ['no Name or Version in the metadata header; skipped'] };
  if (name.length > MAX_IDENTIFIER_CHARS || version.length > MAX_IDENTIFIER_CHARS) return { warnings: [`a Name or Version longer than ${MAX_IDENTIFIER_CHARS} characters; skipped`] };
  const license = header?.get('license');
  const usable = license && license !== 'UNKNOWN' && !license.includes('\n') && license.length <= MAX_IDENTIFIER_CHARS ? detached(license) : undefined;
  // Copies: a slice would keep the whole metadata text alive as long as the package.
  return { packages: [{ type: 'pypi', name: detached(pep503Name(name)), version: detached(version), location, ...(usable ? { licenses: [usable] } : {}) }] };
}

export const pythonAnalyzer: Analyzer = {
  id: 'python',
  version: 1,
  patterns: [
    '**/site-packages/*.dist-info/METADATA',
    '**/dist-packages/*.dist-info/METADATA',
    '**/site-packages/*.egg-info/PKG-INFO',
    '**/dist-packages/*.egg-info/PKG-INFO',
    '**/site-packages/*.egg-info',
    '**/dist-packages/*.egg-info',
  ],
  maxFileSize: 8 * 1024 * 1024,
  analyze: ({ path, content }) => parsePythonMetadata(content.toString('utf8'), path),
};
