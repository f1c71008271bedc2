import { describe, expect, it } from 'vitest';
import { parseOvalDefinitions } from './parse-definitions.js';
import { definition, ovalDocument } from './test-support.js';
import { walkRootsOf } from './walk-roots.js';

const criterion = (test: string): string => `<oval-def:criteria><oval-def:criterion test_ref="${test}"/></oval-def:criteria>`;
const fileTest = (n: number): string => `<unix:file_test id="oval:r:tst:${n}" version="1" check="all"><unix:object object_ref="oval:r:obj:${n}"/></unix:file_test>`;
const fileObject = (n: number, body: string): string => `<unix:file_object id="oval:r:obj:${n}" version="1">${body}</unix:file_object>`;

describe('the trees definitions walk', () => {
  const xml = ovalDocument({
    definitions: [
      definition('oval:r:def:1', criterion('oval:r:tst:1')),
      definition('oval:r:def:2', `<oval-def:criteria><oval-def:extend_definition definition_ref="oval:r:def:3"/></oval-def:criteria>`),
      definition('oval:r:def:3', criterion('oval:r:tst:3')),
      definition('oval:r:def:4', criterion('oval:r:tst:4')),
      definition('oval:r:def:5', criterion('oval:r:tst:5')),
    ].join(''),
    tests: [1, 3, 4, 5].map(fileTest).join(''),
    objects: [
      fileObject(1, '<unix:behaviors recurse_direction="down" max_depth="2"/><unix:path>/etc/</unix:path><unix:filename operation="pattern match">.*</unix:filename>'),
      fileObject(3, '<unix:filepath operation="pattern match">^/usr/lib/systemd/.*\\.service$</unix:filepath>'),
      fileObject(4, '<unix:path>/etc/cron.d</unix:path><unix:filename operation="pattern match">.*</unix:filename>'),
      fileObject(5, '<unix:path var_ref="oval:r:var:1"/><unix:filename>x</unix:filename>'),
      fileObject(6, '<unix:behaviors recurse_direction="down" max_depth="-1"/><unix:path>/var/log</unix:path><unix:filename xsi:nil="true"/>'),
      fileObject(7, '<unix:path>/etc</unix:path><unix:filename>passwd</unix:filename>'),
    ].join(''),
    variables: '<oval-def:local_variable id="oval:r:var:1" version="1" datatype="string" comment="c"><oval-def:object_component object_ref="oval:r:obj:6" item_field="path"/></oval-def:local_variable>',
  });
  const document = parseOvalDefinitions(xml, 'roots.xml');

  it('finds recursions, pattern folders and matched folders through criteria, extended definitions and variables', () => {
    expect(walkRootsOf(document, ['oval:r:def:1', 'oval:r:def:2', 'oval:r:def:4', 'oval:r:def:5']).sort((a, b) => a.root.localeCompare(b.root))).toEqual([
      { root: '/etc', maxDepth: 3 },
      { root: '/etc/cron.d', maxDepth: 1 },
      { root: '/usr/lib/systemd', maxDepth: -1 },
      { root: '/var/log', maxDepth: -1 },
    ]);
  });

  it('walks nothing for definitions that read named files only, or are not asked for', () => {
    expect(walkRootsOf(document, [])).toEqual([]);
    expect(walkRootsOf(document, ['oval:r:def:404'])).toEqual([]);
  });
});

describe('a tree walk that fails', () => {
  it('covers nothing afterwards: a smaller tree under it is walked again on its own', async () => {
    const { prefetchTrees } = await import('./tree-prefetch.js');
    const asked: string[][] = [];
    const target = {
      walkTrees: (roots: readonly { root: string }[]) => {
        asked.push(roots.map((root) => root.root));
        return roots.some((root) => root.root === '/') ? Promise.reject(new Error('more than 2000000 entries')) : Promise.resolve({ listed: new Set<string>(), entries: 0 });
      },
    };
    const cache = { target: target as never, adoptListing: () => undefined, adoptStat: () => undefined, adoptNotFolder: () => undefined, remainingEntries: () => 2_000_000, stat: () => Promise.resolve(undefined) };
    await expect(prefetchTrees(cache, [{ root: '/', maxDepth: -1 }], [])).rejects.toThrow(/entries/);
    await prefetchTrees(cache, [{ root: '/etc/cron.d', maxDepth: 1 }], []);
    await prefetchTrees(cache, [{ root: '/etc/cron.d', maxDepth: 1 }], []);
    expect(asked).toEqual([['/'], ['/etc/cron.d']]);
  });
});
