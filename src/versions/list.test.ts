/**
 * Conformance of the version-scheme list: every scheme folder is listed under its own id and has a
 * readme.md, and every package type orders its versions by a listed scheme.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { files, folderProblems, subfolders } from '../../test/support/plugin-lists.js';
import { VERSION_SCHEMES } from './list.js';

const VERSIONS_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Folders that are not schemes: the helpers the schemes' tests share (oracles, properties). */
const HELPER_FOLDERS = ['test-support'];

function schemeListProblems(schemes: ReadonlyMap<string, { id: string }>, folders: readonly string[], filesIn: (folder: string) => readonly string[]): string[] {
  const ids = [...schemes.keys()];
  return [
    ...folderProblems('version scheme', folders, ids, HELPER_FOLDERS),
    // The map is keyed by id: a scheme registered under another id (a copied module) shows here.
    ...[...schemes].filter(([key, scheme]) => key !== scheme.id).map(([key, scheme]) => `version scheme "${scheme.id}" is listed as "${key}"`),
    ...ids.filter((id) => folders.includes(id) && !filesIn(id).includes('readme.md')).map((id) => `version scheme "${id}" has no readme.md`),
  ];
}

describe('the version-scheme list', () => {
  it('matches the scheme folders, each with a readme (which package type orders by which scheme is checked in src/ecosystems/list.test.ts)', () => {
    expect(schemeListProblems(VERSION_SCHEMES, subfolders(VERSIONS_DIR), (folder) => files(`${VERSIONS_DIR}${folder}`))).toEqual([]);
  });

  it('names an unlisted folder, a folderless scheme, a scheme under another id, and a missing readme', () => {
    const schemes = new Map([
      ['dpkg', { id: 'dpkg' }],
      ['apk', { id: 'dpkg' }],
      ['maven', { id: 'maven' }],
    ]);
    const readmes: Record<string, string[]> = { dpkg: ['index.ts', 'readme.md'], apk: ['index.ts'] };
    expect(schemeListProblems(schemes, ['apk', 'dpkg', 'rpm', 'test-support'], (folder) => readmes[folder] ?? [])).toEqual([
      'version scheme "rpm" has a folder but is not in the list',
      'version scheme "maven" is in the list but has no folder of its own',
      'version scheme "dpkg" is listed as "apk"',
      'version scheme "apk" has no readme.md',
    ]);
  });
});
