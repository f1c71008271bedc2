/**
 * Conformance of the analyzer list: every analyzer folder is listed and every listed analyzer has
 * its folder and its readme.md, ids are unique, and versions are positive integers (a version is
 * part of the layer-cache key, so 0 or a fraction would be a key that cannot be bumped cleanly).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { duplicateProblems, files, folderProblems, subfolders } from '../../test/support/plugin-lists.js';
import { systemAnalyzers } from './analyze-view.js';
import type { PostWalkAnalyzer, SeekableFileAnalyzer } from './analyzer.js';
import { FileSelector } from './file-selector.js';
import { ANALYZERS } from './list.js';

const INVENTORY_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Folders of shared code, not analyzers: control-file parsing used by dpkg and apk. */
const HELPER_FOLDERS = ['text'];

interface AnalyzerFacts {
  id: string;
  version: number;
}

export function analyzerListProblems(analyzers: readonly AnalyzerFacts[], folders: readonly string[], filesIn: (folder: string) => readonly string[]): string[] {
  const ids = analyzers.map((analyzer) => analyzer.id);
  return [
    ...folderProblems('analyzer', folders, ids, HELPER_FOLDERS),
    ...duplicateProblems('analyzer', ids),
    ...analyzers.filter((analyzer) => folders.includes(analyzer.id) && !filesIn(analyzer.id).includes('readme.md')).map((analyzer) => `analyzer "${analyzer.id}" has no readme.md`),
    ...analyzers.filter((analyzer) => !Number.isInteger(analyzer.version) || analyzer.version <= 0).map((analyzer) => `analyzer "${analyzer.id}" has version ${analyzer.version}; versions are integers from 1`),
  ];
}

describe('the analyzer list', () => {
  it('matches the analyzer folders, with unique ids, a readme each and positive versions', () => {
    expect(analyzerListProblems(ANALYZERS, subfolders(INVENTORY_DIR), (folder) => files(`${INVENTORY_DIR}${folder}`))).toEqual([]);
  });

  it('names an unlisted folder, a folderless entry, a repeated id, a missing readme and a bad version', () => {
    const listed = [
      { id: 'dpkg', version: 1 },
      { id: 'dpkg', version: 2 },
      { id: 'apk', version: 0 },
      { id: 'rpm', version: 1 },
    ];
    const readmes: Record<string, string[]> = { dpkg: ['index.ts', 'readme.md'], apk: ['index.ts'], npm: ['index.ts', 'readme.md'] };
    expect(analyzerListProblems(listed, ['apk', 'dpkg', 'npm', 'text'], (folder) => readmes[folder] ?? [])).toEqual([
      'analyzer "npm" has a folder but is not in the list',
      'analyzer "rpm" is in the list but has no folder of its own',
      'analyzer "dpkg" is listed more than once',
      'analyzer "apk" has no readme.md',
      'analyzer "apk" has version 0; versions are integers from 1',
    ]);
  });

  it('takes every kind of analyzer, so a seekable or a post-walk one is one line in it too', () => {
    const seekable: SeekableFileAnalyzer = { id: 'jar', version: 1, kind: 'seekable', patterns: ['usr/share/java/*.jar'], analyzeFile: () => Promise.resolve({}) };
    const postWalk: PostWalkAnalyzer = { id: 'example-db', version: 1, kind: 'post-walk', patterns: ['var/lib/example/packages.db'], analyzeFiles: () => Promise.resolve({}) };
    // Typed as the list is: this does not compile while the list holds content analyzers only.
    const extended: typeof ANALYZERS = [...ANALYZERS, seekable, postWalk];
    const selector = new FileSelector(extended);
    expect(selector.analyzersFor('/usr/share/java/app.jar').map((analyzer) => analyzer.id)).toEqual(['jar']);
    expect(selector.analyzersFor('/var/lib/example/packages.db').map((analyzer) => analyzer.id)).toEqual(['example-db']);
    // Reading a system's fixed files one by one is for content analyzers: the others stay out.
    expect(systemAnalyzers(extended).packageDatabases.map((analyzer) => analyzer.id)).toEqual(['dpkg', 'apk', 'rpm']);
  });
});
