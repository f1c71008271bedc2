import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOciLayout, type TestLayer } from '../../../test/support/image-builder.js';
import { inventoryImage } from '../../engine/inventory-image.js';
import type { Analyzer } from '../../inventory/analyzer.js';
import { openImage } from '../sources.js';
import type { FsView } from './fs-view.js';
import { MergedImageFs, type ContentSelection } from './merged-image-fs.js';
import { readError } from './test-support/read-error.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-merged-fs-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const EVERYTHING: ContentSelection = { limitFor: () => 1024, notKept: 'not kept' };

/** Folder entries, as image builders write them before the files they hold. */
const folders = (...names: string[]): TestLayer['entries'] => names.map((name) => ({ type: 'directory', name }));

/** The merged view of an OCI image made of `layers`. */
async function viewOf(layers: TestLayer[], selection: ContentSelection = EVERYTHING): Promise<MergedImageFs> {
  const layout = await mkdtemp(path.join(work, 'layout-'));
  await writeOciLayout(layout, [{ tag: 't', layers }]);
  const source = await openImage(`oci:${layout}:t`);
  try {
    return await MergedImageFs.read(source, selection);
  } finally {
    await source.close();
  }
}

/** Every regular file of a view with its content, by walking it from the root. */
async function filesOf(view: FsView): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const visit = async (folder: string): Promise<void> => {
    for (const name of (await view.listDir(folder)) ?? []) {
      const child = folder === '/' ? `/${name}` : `${folder}/${name}`;
      const info = await view.stat(child);
      if (info?.type === 'directory') await visit(child);
      else if (info?.type === 'file') files[child] = (await view.readFile(child, 1024)).toString();
    }
  };
  await visit('/');
  return files;
}

describe('the merged view of an image', () => {
  it('applies whiteouts, opaque folders and replaced files, and keeps a folder lower layers filled', async () => {
    const view = await viewOf([
      { entries: [...folders('etc', 'opt', 'opt/app', 'var', 'var/cache'), { type: 'file', name: 'etc/motd', content: 'hello' }, { type: 'file', name: 'etc/issue', content: 'v1' }, { type: 'file', name: 'opt/app/bin', content: 'x' }, { type: 'file', name: 'var/cache/old', content: 'o' }] },
      { entries: [...folders('etc', 'var', 'var/cache'), { type: 'file', name: 'etc/issue', content: 'v2' }, { type: 'file', name: 'etc/.wh.motd', content: '' }, { type: 'file', name: '.wh.opt', content: '' }, { type: 'file', name: 'var/cache/.wh..wh..opq', content: '' }, { type: 'file', name: 'var/cache/new', content: 'n' }] },
    ]);
    expect(await filesOf(view)).toEqual({ '/etc/issue': 'v2', '/var/cache/new': 'n' });
    expect(await view.stat('/opt')).toBeUndefined();
    expect(await view.listDir('/etc')).toEqual(['issue']);
  });

  it('gives a hard link its target\'s metadata and content, from its own layer or a lower one', async () => {
    const view = await viewOf([
      { entries: [{ type: 'file', name: 'usr/bin/tool', content: 'binary', mode: 0o4755 }] },
      { entries: [{ type: 'file', name: 'etc/a', content: 'same layer' }, { type: 'link', name: 'etc/b', target: 'etc/a' }, { type: 'link', name: 'usr/bin/alias', target: 'usr/bin/tool' }] },
    ]);
    expect((await view.readFile('/etc/b', 100)).toString()).toBe('same layer');
    expect((await view.readFile('/usr/bin/alias', 100)).toString()).toBe('binary');
    expect(await view.stat('/usr/bin/alias')).toMatchObject({ type: 'file', mode: 0o4755 });
  });

  it('keeps content only where the selection asks, each within its bound', async () => {
    const selection: ContentSelection = { limitFor: (file) => (file.startsWith('/etc/') ? 8 : undefined), notKept: 'only /etc is kept' };
    const view = await viewOf([{ entries: [{ type: 'file', name: 'etc/small', content: 'ok' }, { type: 'file', name: 'etc/large', content: 'far too long' }, { type: 'file', name: 'srv/data', content: 'd' }] }], selection);
    expect((await view.readFile('/etc/small', 100)).toString()).toBe('ok');
    expect(await readError(view.readFile('/srv/data', 100))).toEqual({ failure: 'failed', message: '/srv/data: only /etc is kept' });
    expect(await readError(view.readFile('/etc/large', 100))).toEqual({ failure: 'failed', message: '/etc/large: is 12 bytes, over the 8-byte limit for checked files' });
    expect(await readError(view.readFile('/etc/small', 1))).toMatchObject({ failure: 'too-large' });
    expect(await view.stat('/srv/data')).toMatchObject({ type: 'file', size: 1 });
  });

  it('follows links inside the image root and refuses links out of it and loops, with typed errors', async () => {
    const view = await viewOf([
      {
        entries: [
          ...folders('etc'),
          { type: 'file', name: 'etc/real', content: 'real' },
          { type: 'symlink', name: 'etc/absolute', target: '/etc/real' },
          { type: 'symlink', name: 'etc/dirlink', target: '../etc' },
          { type: 'symlink', name: 'etc/escape', target: '../../../etc/passwd' },
          { type: 'symlink', name: 'etc/loop-a', target: 'loop-b' },
          { type: 'symlink', name: 'etc/loop-b', target: 'loop-a' },
        ],
      },
    ]);
    expect((await view.readFile('/etc/absolute', 100)).toString()).toBe('real');
    expect((await view.readFile('/etc/dirlink/real', 100)).toString()).toBe('real');
    expect(await view.stat('/etc/absolute')).toMatchObject({ type: 'symlink' });
    expect(await view.readLink('/etc/absolute')).toBe('/etc/real');
    expect(await view.readLink('/etc/real')).toBeUndefined();
    expect(await readError(view.readFile('/etc/escape', 100))).toEqual({ failure: 'outside-root', message: '/etc/escape: a symlink points outside the image root' });
    expect(await readError(view.readFile('/etc/loop-a', 100))).toEqual({ failure: 'symlink-loop', message: '/etc/loop-a: more than 40 symbolic links' });
    expect(await readError(view.readFile('/etc', 100))).toMatchObject({ failure: 'not-a-file' });
    expect(await readError(view.readFile('/nowhere', 100))).toMatchObject({ failure: 'not-found' });
  });

  it('takes `.wh.` names as ordinary files in a source without whiteouts (a folder)', async () => {
    const root = path.join(work, 'rootfs');
    await mkdir(path.join(root, 'etc'), { recursive: true });
    await writeFile(path.join(root, 'etc', 'motd'), 'hello');
    await writeFile(path.join(root, 'etc', '.wh.motd'), 'not a whiteout');
    const source = await openImage(`dir:${root}`);
    const view = await MergedImageFs.read(source, EVERYTHING).finally(() => source.close());
    expect(await view.listDir('/etc')).toEqual(['.wh.motd', 'motd']);
  });
});

describe('the merged view and the inventory stack layers the same way', () => {
  /** A test analyzer: each line of a `*.pkgs` file is one package named by it. */
  const listAnalyzer: Analyzer = {
    id: 'list',
    version: 1,
    patterns: ['**/*.pkgs'],
    analyze: ({ path: file, content }) => ({ packages: content.toString().split('\n').filter(Boolean).map((name) => ({ type: 'npm' as const, name, version: '1', location: file })) }),
  };

  it('both see the same files with the same content, through whiteouts, opaque folders and hard links', async () => {
    const layers: TestLayer[] = [
      {
        entries: [
          ...folders('a', 'b', 'b/deep', 'c', 'data'),
          { type: 'file', name: 'a/one.pkgs', content: 'one\n' },
          { type: 'file', name: 'a/two.pkgs', content: 'two\n' },
          { type: 'file', name: 'b/deep/three.pkgs', content: 'three\n' },
          { type: 'file', name: 'c/four.pkgs', content: 'four\n' },
          { type: 'file', name: 'data/store', content: 'linked\n' },
        ],
      },
      {
        entries: [
          ...folders('a', 'b', 'c'),
          { type: 'file', name: 'a/.wh.two.pkgs', content: '' },
          { type: 'file', name: 'b/.wh..wh..opq', content: '' },
          { type: 'file', name: 'b/five.pkgs', content: 'five\n' },
          { type: 'file', name: 'c/four.pkgs', content: 'four-v2\n' },
          { type: 'link', name: 'c/six.pkgs', target: 'data/store' },
        ],
      },
    ];
    const layout = path.join(work, 'agree');
    await writeOciLayout(layout, [{ tag: 't', layers }]);
    const source = await openImage(`oci:${layout}:t`);
    try {
      const inventory = await inventoryImage(source, { analyzers: [listAnalyzer] });
      const view = await MergedImageFs.read(source, EVERYTHING);
      const seenByView = Object.entries(await filesOf(view))
        .filter(([file]) => file.endsWith('.pkgs'))
        .map(([file, content]) => `${file} ${content.trim()}`);
      const seenByInventory = inventory.packages.map((record) => `${record.location} ${record.name}`);
      expect(seenByInventory.sort()).toEqual(seenByView.sort());
      expect(seenByView.sort()).toEqual(['/a/one.pkgs one', '/b/five.pkgs five', '/c/four.pkgs four-v2', '/c/six.pkgs linked']);
    } finally {
      await source.close();
    }
  });
});
