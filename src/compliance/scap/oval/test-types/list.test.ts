/**
 * Conformance of the OVAL test-type list: every test-type folder is listed under its own id, every
 * listed type has a folder, no id is listed twice, and each type names the OVAL family it belongs to.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { duplicateProblems, folderProblems, subfolders } from '../../../../../test/support/plugin-lists.js';
import { OVAL_TEST_TYPES } from './list.js';

const TYPES_DIR = fileURLToPath(new URL('.', import.meta.url));
const FAMILIES = new Set(['independent', 'unix', 'linux']);

function listProblems(types: readonly { id: string; families: readonly string[] }[], folders: readonly string[]): string[] {
  const ids = types.map((type) => type.id);
  return [
    ...folderProblems('OVAL test type', folders, ids),
    ...duplicateProblems('OVAL test type', ids),
    ...types.filter((type) => type.families.length === 0 || type.families.some((family) => !FAMILIES.has(family))).map((type) => `OVAL test type "${type.id}" names no known family`),
  ];
}

describe('the OVAL test-type list', () => {
  it('matches the test-type folders, one id each, each in a known family', () => {
    expect(listProblems(OVAL_TEST_TYPES, subfolders(TYPES_DIR))).toEqual([]);
  });

  it('names an unlisted folder, a folderless type, a duplicate and a type without a family', () => {
    const problems = listProblems(
      [
        { id: 'file', families: ['unix'] },
        { id: 'file', families: ['unix'] },
        { id: 'rpminfo', families: [] },
      ],
      ['file', 'dpkginfo'],
    );
    expect(problems.length).toBe(4);
    expect(problems.join('\n')).toMatch(/dpkginfo/);
    expect(problems.join('\n')).toMatch(/rpminfo/);
  });
});
