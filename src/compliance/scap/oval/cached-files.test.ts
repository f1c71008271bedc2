/**
 * Collect once, evaluate many: the OVAL sessions of one scan (the CPE document and the rules'
 * document) share one cache of the target, so a folder is listed and its entries stat'ed once for
 * every object that walks it, and a walked path's facts come from its folder's entries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTarget } from '../../targets/open-target.js';
import type { Target } from '../../targets/target.js';
import { canWalkTrees, type TreeWalker } from '../../targets/tree-walker.js';
import { createOvalEvaluation, OvalTargetCache } from './evaluate.js';
import { parseOvalDefinitions } from './parse-definitions.js';
import { collectItems, definition, makeTree, ovalDocument, removeTree, resultsOf } from './test-support.js';
import { file } from './test-types/file/index.js';

let root: string;

beforeAll(async () => {
  root = await makeTree({
    'opt/a/b/c/deep.conf': 'deep\n',
    'opt/a/top.conf': 'top\n',
    'opt/a/other.txt': 'x\n',
    'etc/x.conf': 'x\n',
  });
});

afterAll(async () => {
  await removeTree(root);
});

/** The target with every listing (listDir, listDirInfo) and stat counted by path. */
function counted(target: Target): { target: Target; listings: Map<string, number>; stats: Map<string, number> } {
  const listings = new Map<string, number>();
  const stats = new Map<string, number>();
  const wrapped = Object.create(target) as Target;
  Object.defineProperty(wrapped, 'listDir', { value: (path: string) => (listings.set(path, (listings.get(path) ?? 0) + 1), target.listDir(path)) });
  // A listing with the entries' facts is a listing too (and the stats it saves are not counted as stats).
  Object.defineProperty(wrapped, 'listDirInfo', { value: (path: string) => (listings.set(path, (listings.get(path) ?? 0) + 1), target.listDirInfo?.(path)) });
  Object.defineProperty(wrapped, 'stat', { value: (path: string) => (stats.set(path, (stats.get(path) ?? 0) + 1), target.stat(path)) });
  // A tree walk (local-tree-walk.ts) lists every folder it reports as listed whole.
  if (canWalkTrees(target)) {
    Object.defineProperty(wrapped, 'walkTrees', {
      value: async (...args: Parameters<TreeWalker['walkTrees']>) => {
        const result = await target.walkTrees(...args);
        for (const folder of result?.listed ?? []) listings.set(folder, (listings.get(folder) ?? 0) + 1);
        return result;
      },
    });
  }
  return { target: wrapped, listings, stats };
}

/** A document with one file_test recursing down from /opt and one textfilecontent54 pattern search under it. */
function walkingDocument(prefix: string): string {
  return ovalDocument({
    definitions:
      definition(`oval:${prefix}:def:1`, `<oval-def:criteria><oval-def:criterion test_ref="oval:${prefix}:tst:1"/></oval-def:criteria>`) +
      definition(`oval:${prefix}:def:2`, `<oval-def:criteria><oval-def:criterion test_ref="oval:${prefix}:tst:2"/></oval-def:criteria>`),
    tests:
      `<unix:file_test id="oval:${prefix}:tst:1" version="1" check="all" check_existence="at_least_one_exists"><unix:object object_ref="oval:${prefix}:obj:1"/></unix:file_test>` +
      `<ind:textfilecontent54_test id="oval:${prefix}:tst:2" version="1" check="all" check_existence="at_least_one_exists"><ind:object object_ref="oval:${prefix}:obj:2"/></ind:textfilecontent54_test>`,
    objects:
      `<unix:file_object id="oval:${prefix}:obj:1" version="1"><unix:behaviors recurse="directories" recurse_direction="down" max_depth="-1"/><unix:path>/opt</unix:path><unix:filename operation="pattern match">.*</unix:filename></unix:file_object>` +
      `<ind:textfilecontent54_object id="oval:${prefix}:obj:2" version="1"><ind:filepath operation="pattern match">^/opt/.*\\.conf$</ind:filepath><ind:pattern operation="pattern match">^(deep|top)$</ind:pattern><ind:instance datatype="int" operation="greater than or equal">1</ind:instance></ind:textfilecontent54_object>`,
  });
}

describe('the target cache of a scan', () => {
  it('lists and stats each walked folder once for two documents, and answers stats of walked paths from the listing', async () => {
    const opened = await openTarget(`dir:${root}`);
    try {
      const { target, listings, stats } = counted(opened);
      const cache = new OvalTargetCache(target);
      const cpe = parseOvalDefinitions(walkingDocument('cpe'), 'cpe.xml');
      const rules = parseOvalDefinitions(walkingDocument('rules'), 'rules.xml');
      const first = await createOvalEvaluation(cpe, target, { cache }).evaluate([...cpe.definitions.keys()], new Map());
      const second = await createOvalEvaluation(rules, target, { cache }).evaluate([...rules.definitions.keys()], new Map());
      expect(resultsOf(first)).toEqual({ 'oval:cpe:def:1': 'true', 'oval:cpe:def:2': 'true' });
      expect(resultsOf(second)).toEqual({ 'oval:rules:def:1': 'true', 'oval:rules:def:2': 'true' });
      for (const folder of ['/opt', '/opt/a', '/opt/a/b', '/opt/a/b/c']) expect(listings.get(folder), folder).toBe(1);
      for (const [path, count] of stats) expect(count, path).toBe(1);
      // /etc is never walked: the pattern's literal folder is /opt.
      expect(listings.has('/etc')).toBe(false);
    } finally {
      await opened.close();
    }
  });

  it('without a shared cache, the second document walks again (what one cache per scan saves)', async () => {
    const opened = await openTarget(`dir:${root}`);
    try {
      const { target, listings } = counted(opened);
      const cpe = parseOvalDefinitions(walkingDocument('cpe'), 'cpe.xml');
      const rules = parseOvalDefinitions(walkingDocument('rules'), 'rules.xml');
      await createOvalEvaluation(cpe, target).evaluate([...cpe.definitions.keys()], new Map());
      await createOvalEvaluation(rules, target).evaluate([...rules.definitions.keys()], new Map());
      expect(listings.get('/opt/a')).toBe(2);
    } finally {
      await opened.close();
    }
  });
});

describe('a walked tree with a link to a folder (/lib -> usr/lib)', () => {
  it('walks the link on its own with the tree above it, so nothing below it is listed folder by folder', async () => {
    const tree = await makeTree({ 'usr/lib/x/y/z.so': 'z', 'usr/lib/top.so': 't', lib: { link: 'usr/lib' } });
    try {
      const opened = await openTarget(`dir:${tree}`);
      const { target: countedTarget, listings } = counted(opened);
      // Listings one by one, past the walk.
      const direct: string[] = [];
      const target = Object.create(countedTarget) as Target;
      Object.defineProperty(target, 'listDir', { value: (path: string) => (direct.push(path), countedTarget.listDir(path)) });
      Object.defineProperty(target, 'listDirInfo', { value: (path: string) => (direct.push(path), countedTarget.listDirInfo?.(path)) });
      const cache = new OvalTargetCache(target);
      const xml = ovalDocument({
        definitions: definition('oval:l:def:1', '<oval-def:criteria><oval-def:criterion test_ref="oval:l:tst:1"/><oval-def:criterion test_ref="oval:l:tst:2"/></oval-def:criteria>'),
        tests:
          '<unix:file_test id="oval:l:tst:1" version="1" check="all" check_existence="at_least_one_exists"><unix:object object_ref="oval:l:obj:1"/></unix:file_test>' +
          '<unix:file_test id="oval:l:tst:2" version="1" check="all" check_existence="at_least_one_exists"><unix:object object_ref="oval:l:obj:2"/></unix:file_test>',
        objects:
          '<unix:file_object id="oval:l:obj:1" version="1"><unix:behaviors recurse="directories" recurse_direction="down" max_depth="-1"/><unix:path>/</unix:path><unix:filename xsi:nil="true"/></unix:file_object>' +
          '<unix:file_object id="oval:l:obj:2" version="1"><unix:behaviors recurse="directories" recurse_direction="down" max_depth="-1"/><unix:path>/lib</unix:path><unix:filename operation="pattern match">\\.so$</unix:filename></unix:file_object>',
      });
      const document = parseOvalDefinitions(xml, 'lib.xml');
      const items = await collectItems(file, xml, 'oval:l:obj:2', opened);
      expect(items.map((item) => item.filepath?.[0]).sort()).toEqual(['/lib/top.so', '/lib/x/y/z.so']);
      const outcomes = await createOvalEvaluation(document, target, { cache }).evaluate(['oval:l:def:1'], new Map());
      expect(resultsOf(outcomes)).toEqual({ 'oval:l:def:1': 'true' });
      // Every folder came from one walk: none was listed again through listDir/listDirInfo.
      for (const folder of ['/', '/usr', '/usr/lib', '/usr/lib/x', '/lib', '/lib/x', '/lib/x/y']) expect(listings.get(folder), folder).toBe(1);
      expect(direct).toEqual([]);
      expect(cache.files.folderReads).toBe(listings.size);
    } finally {
      await removeTree(tree);
    }
  });
});
