/**
 * Python distributions installed in site-packages or dist-packages: `*.dist-info/METADATA`,
 * `*.egg-info/PKG-INFO`, and egg-info written as a single file. The core metadata header gives
 * Name, Version and License; names are normalised per PEP 503 (lower case, runs of `-`, `_`, `.`
 * become one `-`), which is how advisories name them.
 */
import type { Analyzer, AnalyzerResult } from '../analyzer.js';
import { parseControlRecords } from '../text/control-fields.js';
import { pep503Name } from '../../ecosystems/pypi/index.js';

export function parsePythonMetadata(text: string, location: string): AnalyzerResult {
  const { records } = parseControlRecords(text, { headerOnly: true });
  const header = records[0]?.fields;
  const name = header?.get('name');
  const version = header?.get('version');
  if (!name || !version) return { warnings: ['no Name or Version in the metadata header; skipped'] };
  const license = header?.get('license');
  const usable = license && license !== 'UNKNOWN' && !license.includes('\n') ? license : undefined;
  return { packages: [{ type: 'pypi', name: pep503Name(name), version, location, ...(usable ? { licenses: [usable] } : {}) }] };
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
