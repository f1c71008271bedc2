import fc from 'fast-check';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import type { Analyzer, InventoryAnalyzer, SeekableFileAnalyzer } from './analyzer.js';
import { FileSelector } from './file-selector.js';
import { ANALYZERS } from './list.js';
import { MAGIC } from './magic.js';

const analyzerWith = (id: string, patterns: string[]): Analyzer => ({ id, version: 1, patterns, analyze: () => ({}) });
const ruleAnalyzer = (id: string, select: SeekableFileAnalyzer['select']): SeekableFileAnalyzer => ({ id, version: 1, kind: 'seekable', select, analyzeFile: async () => ({}) });
const ids = (analyzers: readonly InventoryAnalyzer[]) => analyzers.map((analyzer) => analyzer.id);

describe('choosing files by glob', () => {
  it('its literal shortcuts never change what the globs match', () => {
    const patterns = ANALYZERS.flatMap((analyzer) => analyzer.patterns ?? []);
    const segment = fc.constantFrom('var', 'lib', 'dpkg', 'info', 'status', 'status.d', 'usr', 'python3', 'dist-packages', 'site-packages', 'a.dist-info', 'b.egg-info', 'METADATA', 'PKG-INFO', 'x.list', 'list', 'node_modules', '@s', 'package.json', 'package-lock.json', '.package-lock.json', 'etc', 'os-release', 'apk', 'db', 'installed', 'x');
    const selector = new FileSelector(patterns.map((pattern, index) => analyzerWith(`p${index}`, [pattern])));
    const matchers = patterns.map((pattern) => picomatch(pattern, { dot: true }));
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 8 }), (segments) => {
        const relative = segments.join('/');
        const expected = matchers.flatMap((matches, index) => (matches(relative) ? [`p${index}`] : []));
        expect(ids(selector.analyzersFor(`/${relative}`))).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('an analyzer that declares no files is a programming error, said at once', () => {
    expect(() => new FileSelector([{ id: 'nothing', version: 1, analyze: () => ({}) }])).toThrow(/declares no files/);
  });
});

describe('choosing files by rule', () => {
  const java = ruleAnalyzer('java', { path: (path) => path.endsWith('.jar') || path.endsWith('.war'), magic: [MAGIC.zip] });
  const binaries = ruleAnalyzer('binaries', { info: ({ size, mode }) => size > 1024 * 1024 && ((mode ?? 0) & 0o111) !== 0, magic: [MAGIC.elf] });
  const dpkg = analyzerWith('dpkg', ['var/lib/dpkg/status']);

  it('without rules, the walk is never asked to test any', () => {
    const selector = new FileSelector([dpkg]);
    expect(selector.hasRules).toBe(false);
    expect(selector.peekLength).toBe(0);
  });

  it('offers a file to the rule analyzers whose path test passes, in list order', () => {
    const selector = new FileSelector([dpkg, binaries, java]);
    expect(selector.hasRules).toBe(true);
    expect(ids(selector.candidatesFor('/opt/app/lib/app.jar'))).toEqual(['binaries', 'java']);
    expect(ids(selector.candidatesFor('/usr/bin/tool'))).toEqual(['binaries']);
    expect(selector.peekLength).toBe(4);
  });

  it('gives the same answer without allocating for the files no path test takes', () => {
    const selector = new FileSelector([binaries, java]);
    expect(selector.candidatesFor('/a')).toBe(selector.candidatesFor('/b'));
    expect(new FileSelector([java]).candidatesFor('/etc/passwd')).toHaveLength(0);
  });

  it('never offers rule analyzers as glob matches: links are followed for globs only', () => {
    const selector = new FileSelector([binaries, java]);
    expect(selector.analyzersFor('/opt/app/lib/app.jar')).toEqual([]);
  });
});
