/**
 * What the conformance tests of the plug-in lists share: reading a plug-in folder as it is on disk,
 * and comparing it with a list. Each comparison returns its problems as sentences (empty when the
 * list and the folder agree), so a test can show that a fabricated mismatch is caught as well as
 * that the real one is clean. Reads only the source tree.
 */
import { readdirSync } from 'node:fs';

/** The sub-folders of `dir`, sorted: one per plug-in, plus any helper folders. */
export function subfolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** The TypeScript modules in `dir` (no tests, no declarations), by name without `.ts`, sorted. */
export function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => entry.name.slice(0, -'.ts'.length))
    .sort();
}

/** The names of the files in `dir`, for "every plug-in folder has a readme.md". */
export function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
}

/**
 * Folders (or modules) against the ids a list registers: a folder the list lacks is a plug-in that
 * never runs, an id without a folder is a plug-in whose code lives elsewhere. `helpers` are
 * folders that hold shared code, not a plug-in.
 */
export function folderProblems(what: string, folders: readonly string[], listed: readonly string[], helpers: readonly string[] = [], unit: 'folder' | 'module' = 'folder'): string[] {
  const plugins = folders.filter((folder) => !helpers.includes(folder));
  return [
    ...plugins.filter((folder) => !listed.includes(folder)).map((folder) => `${what} "${folder}" has a ${unit} but is not in the list`),
    ...listed.filter((id) => !plugins.includes(id)).map((id) => `${what} "${id}" is in the list but has no ${unit} of its own`),
  ];
}

/** Ids that appear more than once. */
export function duplicateProblems(what: string, ids: readonly string[]): string[] {
  return [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))].map((id) => `${what} "${id}" is listed more than once`);
}

/** Two sets of names that must be the same (a list and a schema's enum, say). */
export function sameNamesProblems(what: string, left: { name: string; values: readonly string[] }, right: { name: string; values: readonly string[] }): string[] {
  return [
    ...left.values.filter((value) => !right.values.includes(value)).map((value) => `${what} "${value}" is in ${left.name} but not in ${right.name}`),
    ...right.values.filter((value) => !left.values.includes(value)).map((value) => `${what} "${value}" is in ${right.name} but not in ${left.name}`),
  ];
}
