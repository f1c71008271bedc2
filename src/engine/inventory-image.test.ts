import { chmod, mkdir, mkdtemp, open, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ScanError } from '../errors.js';
import { SPILL_THRESHOLD, type PostWalkAnalyzer, type SeekableFileAnalyzer } from '../inventory/analyzer.js';
import { ANALYZERS } from '../inventory/list.js';
import { MAGIC } from '../inventory/magic.js';
import { openImage } from '../image/sources.js';
import type { ImageSource } from '../image/source.js';
import type { PackageRecord } from '../model/package.js';
import { writeOciLayout, type TestEntry } from '../../test/support/image-builder.js';
import { inventoryImage, mapWithConcurrency, type InventoryOptions } from './inventory-image.js';
import { LayerCache } from './layer-cache.js';
import { ScratchSpace } from './scratch-space.js';

const testdata = (file: string) => readFile(new URL(`../inventory/${file}`, import.meta.url));

/** The first 64 KiB of the Node executable running this test: real ELF bytes. */
async function elfBytes(): Promise<Buffer> {
  const handle = await open(process.execPath, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Test only: every executable ELF file is one package named after its path, its size as version. */
const testOnlyElfAnalyzer: SeekableFileAnalyzer = {
  id: 'test-only-elf',
  version: 1,
  kind: 'seekable',
  select: { info: ({ mode }) => ((mode ?? 0) & 0o111) !== 0, magic: [MAGIC.elf] },
  async analyzeFile({ path: location, file }) {
    const header = await file.read(0, 4);
    if (!header.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) throw new Error('handed a file without the ELF magic');
    return { packages: [{ type: 'npm', name: `elf:${location}`, version: String(file.size), location }] };
  },
};

interface SeenFile {
  path: string;
  size: number;
  inMemory: boolean;
  head: Buffer;
  tail: Buffer;
  pastEnd: Buffer;
  scratch: string[];
}

/** Test only: reads `data/*.bin` by position and records what it saw (and what the temporary folder held then). */
function testOnlyPositionalReader(seen: SeenFile[], failWith?: string): SeekableFileAnalyzer {
  return {
    id: 'test-only-positional',
    version: 1,
    kind: 'seekable',
    patterns: ['data/*.bin'],
    async analyzeFile({ path: location, file, content }) {
      const scratch: string[] = [];
      for (const folder of await readdir(tmpdir())) for (const name of await readdir(path.join(tmpdir(), folder))) scratch.push(`${folder}/${name}`);
      seen.push({ path: location, size: file.size, inMemory: content !== undefined, head: await file.read(0, 8), tail: await file.read(file.size - 8, 100), pastEnd: await file.read(file.size + 10, 5), scratch });
      if (failWith && content === undefined) throw new Error(failWith);
      return {};
    },
  };
}

/**
 * Test only: a package database in two files, `packages` (`name version` lines) and a write-ahead
 * log `packages-wal` (`+name version` adds, `-name` removes), read together after the walk. Each
 * package's location is the file that last set it.
 */
const testOnlyTwoFileDatabase: PostWalkAnalyzer = {
  id: 'test-only-two-file-db',
  version: 1,
  kind: 'post-walk',
  patterns: ['var/lib/testdb/packages', 'var/lib/testdb/packages-wal'],
  async analyzeFiles(files) {
    const table = new Map<string, PackageRecord>();
    const main = files.get('/var/lib/testdb/packages');
    const log = files.get('/var/lib/testdb/packages-wal');
    const text = async (file: typeof main) => (file ? (await file.file.read(0, file.file.size)).toString('utf8') : '');
    for (const line of (await text(main)).split('\n').filter(Boolean)) {
      const [name = '', version = ''] = line.split(' ');
      table.set(name, { type: 'npm', name, version, location: '/var/lib/testdb/packages' });
    }
    for (const line of (await text(log)).split('\n').filter(Boolean)) {
      const [name = '', version = ''] = line.slice(1).split(' ');
      if (line.startsWith('-')) table.delete(name);
      else table.set(name, { type: 'npm', name, version, location: '/var/lib/testdb/packages-wal' });
    }
    return { packages: [...table.values()], warnings: [`read ${files.files.map((file) => file.path).join(' and ')}`] };
  },
};

let work: string;
let layout: string;
let privateTmp: string;
const bigFile = Buffer.alloc(SPILL_THRESHOLD + 3 * 65536 + 123);
for (let index = 0; index < bigFile.length; index++) bigFile[index] = index % 251;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-inventory-'));
  layout = path.join(work, 'layout');
  const elf = await elfBytes();
  const debian: TestEntry[] = [
    { type: 'file', name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
    { type: 'symlink', name: 'lib', target: 'usr/lib' },
    {
      type: 'file',
      name: 'var/lib/dpkg/status',
      content: `${(await testdata('dpkg/testdata/python3-yaml.status')).toString('utf8').trimEnd()}\n\nPackage: python3-legacy\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: all\n`,
    },
    { type: 'file', name: 'var/lib/dpkg/info/python3-yaml.list', content: await testdata('dpkg/testdata/python3-yaml.list') },
    // Listed through the /lib link of a merged /usr, as older packages do.
    { type: 'file', name: 'var/lib/dpkg/info/python3-legacy.list', content: '/.\n/lib\n/lib/python3\n/lib/python3/dist-packages\n/lib/python3/dist-packages/legacy-1.0.egg-info\n' },
    { type: 'file', name: 'usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA', content: await testdata('python/testdata/PyYAML-6.0.METADATA') },
    { type: 'file', name: 'usr/lib/python3/dist-packages/legacy-1.0.egg-info', content: 'Metadata-Version: 1.1\nName: legacy\nVersion: 1.0\n' },
  ];
  const metadata = (await testdata('python/testdata/PyYAML-6.0.METADATA')).toString('utf8');
  const yamlMetadata = 'usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA';
  const legacyInfo = 'usr/lib/python3/dist-packages/legacy-1.0.egg-info';
  // `pip install --upgrade` over the packaged files, in place: the OS lists still name them.
  const upgradedInPlace: TestEntry[] = [
    { type: 'file', name: yamlMetadata, content: metadata.replace('\nVersion: 6.0\n', '\nVersion: 6.0.1\n') },
    { type: 'file', name: legacyInfo, content: 'Metadata-Version: 1.1\nName: legacy\nVersion: 1.1\n' },
  ];
  const pip: TestEntry[] = [{ type: 'file', name: 'usr/local/lib/python3.11/dist-packages/requests-2.31.0.dist-info/METADATA', content: 'Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\n' }];
  const binaries: TestEntry[] = [
    { type: 'file', name: 'usr/local/bin/tool', content: elf, mode: 0o755 },
    { type: 'file', name: 'usr/local/bin/script.sh', content: '#!/bin/sh\necho hello\n', mode: 0o755 },
    { type: 'file', name: 'usr/local/bin/stub', content: Buffer.from([0x7f, 0x45]), mode: 0o755 },
    { type: 'file', name: 'usr/lib/libthing.so', content: elf, mode: 0o644 },
    // After the files peeked and dropped: the walk must go on reading the layer.
    { type: 'file', name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
  ];
  const db = { type: 'file' as const, name: 'var/lib/testdb/packages', content: 'a 1\nb 1\n' };
  const wal = { type: 'file' as const, name: 'var/lib/testdb/packages-wal', content: '+c 2\n-b\n' };
  const sixInfo = await testdata('python/testdata/six-1.16.0.PKG-INFO');
  const distroless: TestEntry[] = [
    { type: 'file', name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
    { type: 'file', name: 'var/lib/dpkg/status.d/python3-six', content: await testdata('dpkg/testdata/python3-six.status.d') },
    { type: 'file', name: 'var/lib/dpkg/status.d/python3-six.md5sums', content: await testdata('dpkg/testdata/python3-six.md5sums') },
    { type: 'file', name: 'usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO', content: sixInfo },
  ];
  const site = 'app/venv/lib/python3.11/site-packages';
  const describedTwice: TestEntry[] = [
    { type: 'file', name: `${site}/six-1.16.0.egg-info/PKG-INFO`, content: sixInfo },
    { type: 'file', name: `${site}/six-1.16.0.dist-info/METADATA`, content: sixInfo },
    // Another folder is another install.
    { type: 'file', name: 'usr/local/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA', content: sixInfo },
  ];
  const apkLegacy = (version: string, more = '') => `P:py3-legacy\nV:${version}\nA:x86_64\no:py-legacy\nF:usr/lib/python3.11/site-packages\nR:legacy-1.0.egg-info\n\n${more}`;
  const alpine: TestEntry[] = [
    { type: 'file', name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.19.1\n' },
    { type: 'file', name: 'lib/apk/db/installed', content: apkLegacy('1.0-r0') },
    { type: 'file', name: 'usr/lib/python3.11/site-packages/legacy-1.0.egg-info', content: 'Metadata-Version: 1.1\nName: legacy\nVersion: 1.0\n' },
  ];
  const pipOverApk: TestEntry = { type: 'file', name: 'usr/lib/python3.11/site-packages/legacy-1.0.egg-info', content: 'Metadata-Version: 1.1\nName: legacy\nVersion: 1.1\n' };
  const thirdParty: TestEntry[] = debian.map((entry) =>
    entry.name === 'var/lib/dpkg/status' && entry.type === 'file' ? { ...entry, content: `${entry.content.toString().trimEnd()}\nOrigin: Example Corp\n` } : entry,
  );
  await writeOciLayout(layout, [
    { tag: 'distroless', layers: [{ entries: distroless }] },
    { tag: 'described-twice', layers: [{ entries: describedTwice }] },
    // pip rewrote a file apk installed; a later `apk add` rewrote the whole database, not that package.
    { tag: 'apk-rewritten', layers: [{ entries: alpine }, { entries: [pipOverApk] }, { entries: [{ type: 'file', name: 'lib/apk/db/installed', content: apkLegacy('1.0-r0', 'P:curl\nV:8.5.0-r0\nA:x86_64\n\n') }] }] },
    // apk itself upgraded the package over the file: it is the OS package's again.
    { tag: 'apk-upgraded', layers: [{ entries: alpine }, { entries: [pipOverApk, { type: 'file', name: 'lib/apk/db/installed', content: apkLegacy('1.1-r0') }] }] },
    { tag: 'third-party', layers: [{ entries: thirdParty }] },
    { tag: 'python', layers: [{ entries: debian }, { entries: pip }] },
    { tag: 'python-upgraded', layers: [{ entries: debian }, { entries: upgradedInPlace }] },
    // A later layer that writes the same files again (a `chown -R`) installs nothing new.
    { tag: 'python-touched', layers: [{ entries: debian }, { entries: [{ type: 'file', name: yamlMetadata, content: metadata }] }] },
    // The OS package itself upgraded in a later layer: its list is as new as the file.
    {
      tag: 'python-os-upgraded',
      layers: [{ entries: debian }, { entries: [...upgradedInPlace, ...debian.filter((entry) => entry.name.endsWith('.list'))] }],
    },
    { tag: 'binaries', layers: [{ entries: binaries }] },
    {
      tag: 'jars',
      layers: [
        {
          entries: [
            { type: 'file', name: 'opt/app/lib/app.jar', content: Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2000, 1)]) },
            { type: 'file', name: 'opt/app/lib/not-a-zip.jar', content: Buffer.alloc(1024 * 1024, 0x61) },
            { type: 'file', name: 'opt/app/README', content: 'PK\u0003\u0004 not a jar by name' },
            ...binaries,
          ],
        },
      ],
    },
    { tag: 'big', layers: [{ entries: [{ type: 'file', name: 'data/small.bin', content: bigFile.subarray(0, 1000) }, { type: 'file', name: 'data/big.bin', content: bigFile }] }] },
    { tag: 'db', layers: [{ entries: [db] }, { entries: [wal] }] },
    { tag: 'db-reverted', layers: [{ entries: [db] }, { entries: [wal] }, { entries: [{ type: 'file', name: 'var/lib/testdb/.wh.packages-wal', content: '' }] }] },
  ]);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

// Each scan's temporary folder is created under os.tmpdir(): a private one shows what is left behind.
let savedTmp: string | undefined;
beforeEach(async () => {
  savedTmp = process.env.TMPDIR;
  privateTmp = await mkdtemp(path.join(work, 'tmp-'));
  process.env.TMPDIR = privateTmp;
});
afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
});

/** An image source that counts how often layers are opened. */
async function countingSource(reference: string): Promise<{ source: ImageSource; opened: number[] }> {
  const source = await openImage(reference);
  const opened: number[] = [];
  const openLayer = source.openLayer.bind(source);
  return { source: Object.assign(Object.create(source) as ImageSource, { openLayer: (index: number) => (opened.push(index), openLayer(index)) }), opened };
}

async function inventoryOf(reference: string, options: InventoryOptions = {}) {
  const source = await openImage(reference);
  try {
    return await inventoryImage(source, options);
  } finally {
    await source.close();
  }
}

const listed = (packages: { type: string; name: string; version: string; layer?: { index: number } }[]) => packages.map((p) => `${p.type}:${p.name}@${p.version}#${p.layer?.index}`).sort();

describe('files an OS package installed', () => {
  it('a Python distribution shipped by a deb is reported once, as the deb', async () => {
    const result = await inventoryOf(`oci:${layout}:python`);
    expect(listed(result.packages)).toEqual(['deb:python3-legacy@1.0-1#0', 'deb:python3-yaml@6.0-3+b2#0', 'pypi:requests@2.31.0#1']);
    expect(result.warnings).toEqual([]);
  });

  it('with scanOwnedFiles, it is reported twice: as the deb and as pypi', async () => {
    const result = await inventoryOf(`oci:${layout}:python`, { scanOwnedFiles: true });
    expect(listed(result.packages)).toEqual(['deb:python3-legacy@1.0-1#0', 'deb:python3-yaml@6.0-3+b2#0', 'pypi:legacy@1.0#0', 'pypi:pyyaml@6.0#0', 'pypi:requests@2.31.0#1']);
  });

  it('a packaged file a later layer rewrote with another version is reported, in the layer that wrote it', async () => {
    const result = await inventoryOf(`oci:${layout}:python-upgraded`);
    expect(listed(result.packages)).toEqual(['deb:python3-legacy@1.0-1#0', 'deb:python3-yaml@6.0-3+b2#0', 'pypi:legacy@1.1#1', 'pypi:pyyaml@6.0.1#1']);
  });

  it('a packaged file a later layer only wrote again, or rewrote along with its OS list, stays the OS package', async () => {
    for (const tag of ['python-touched', 'python-os-upgraded']) {
      const result = await inventoryOf(`oci:${layout}:${tag}`);
      expect(listed(result.packages).filter((p) => p.startsWith('pypi:'))).toEqual([]);
    }
  });

  it('a folder is one layer: every owned file stays the OS package', async () => {
    const root = path.join(work, 'owned-rootfs');
    const write = async (name: string, content: string | Buffer) => {
      await mkdir(path.dirname(path.join(root, name)), { recursive: true });
      await writeFile(path.join(root, name), content);
    };
    await write('etc/os-release', 'ID=debian\nVERSION_ID="12"\n');
    await write('var/lib/dpkg/status', await testdata('dpkg/testdata/python3-yaml.status'));
    await write('var/lib/dpkg/info/python3-yaml.list', await testdata('dpkg/testdata/python3-yaml.list'));
    await write('usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA', await testdata('python/testdata/PyYAML-6.0.METADATA'));
    const result = await inventoryOf(`dir:${root}`);
    expect(result.packages.map((p) => `${p.type}:${p.name}`)).toEqual(['deb:python3-yaml']);
  });

  it('a distroless image: the files a status.d package’s md5sums name are that package’s', async () => {
    const result = await inventoryOf(`oci:${layout}:distroless`);
    expect(listed(result.packages)).toEqual(['deb:python3-six@1.16.0-4#0']);
    expect(result.warnings).toEqual([]);
  });

  it('with scanOwnedFiles, an owned language package is reported and marked with the OS package that installed it', async () => {
    const distroless = await inventoryOf(`oci:${layout}:distroless`, { scanOwnedFiles: true });
    expect(distroless.packages.map((p) => `${p.type}:${p.name}:${p.ownedBy ?? '-'}`)).toEqual(['deb:python3-six:-', 'pypi:six:python3-six']);
    const multiArch = await inventoryOf(`oci:${layout}:python`, { scanOwnedFiles: true });
    expect(multiArch.packages.filter((p) => p.type === 'pypi').map((p) => `${p.name}:${p.ownedBy ?? '-'}`)).toEqual(['legacy:python3-legacy', 'pyyaml:python3-yaml', 'requests:-']);
  });

  it('one install described twice (an egg-info and a dist-info in one folder) is one package, at its dist-info', async () => {
    const result = await inventoryOf(`oci:${layout}:described-twice`);
    expect(result.packages.map((p) => `${p.name}@${p.version} ${p.location}`)).toEqual([
      'six@1.16.0 /app/venv/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA',
      'six@1.16.0 /usr/local/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA',
    ]);
  });

  it('apk: a packaged file a later layer rewrote stays reported when a still later layer rewrites the database for another package', async () => {
    const rewritten = await inventoryOf(`oci:${layout}:apk-rewritten`);
    expect(listed(rewritten.packages)).toEqual(['apk:curl@8.5.0-r0#2', 'apk:py3-legacy@1.0-r0#0', 'pypi:legacy@1.1#1']);
    const upgraded = await inventoryOf(`oci:${layout}:apk-upgraded`);
    expect(listed(upgraded.packages)).toEqual(['apk:py3-legacy@1.1-r0#1']);
    const base = await inventoryOf(`oci:${layout}:apk-rewritten`, { scanOwnedFiles: false, analyzers: ANALYZERS });
    expect(base.packages.some((p) => p.type === 'pypi' && p.version === '1.0')).toBe(false);
  });

  it('a third-party OS package (its Origin names another vendor) owns nothing: its Python files are matched as pypi', async () => {
    const result = await inventoryOf(`oci:${layout}:third-party`);
    expect(listed(result.packages)).toEqual(['deb:python3-legacy@1.0-1#0', 'deb:python3-yaml@6.0-3+b2#0', 'pypi:legacy@1.0#0']);
    expect(result.packages.find((p) => p.name === 'python3-legacy')?.vendor).toBe('Example Corp');
  });

  it('owned files are no part of the inventory', async () => {
    const result = await inventoryOf(`oci:${layout}:python`);
    expect(JSON.stringify(result)).not.toContain('dist-info/RECORD');
  });
});

describe('files chosen by information and magic bytes', () => {
  it('an executable ELF file is analysed; a script, a stub shorter than the magic and a library without exec bits are not', async () => {
    const { source, opened } = await countingSource(`oci:${layout}:binaries`);
    const result = await inventoryImage(source, { analyzers: [...ANALYZERS, testOnlyElfAnalyzer] });
    expect(result.packages.map((p) => [p.name, p.version])).toEqual([['elf:/usr/local/bin/tool', String((await elfBytes()).length)]]);
    expect(result.os).toMatchObject({ family: 'debian', version: '12' });
    expect(opened).toEqual([0]);
  });

  it('reads no file whose path no rule takes, and only the first bytes of a file whose magic does not match', async () => {
    const source = await openImage(`oci:${layout}:jars`);
    const read: string[] = [];
    const chunksGiven = new Map<string, number>();
    const openLayer = source.openLayer.bind(source);
    const watched = Object.assign(Object.create(source) as ImageSource, {
      openLayer: async function* (index: number) {
        for await (const entry of openLayer(index)) {
          yield {
            path: entry.path,
            kind: entry.kind,
            size: entry.size,
            ...(entry.mode === undefined ? {} : { mode: entry.mode }),
            ...(entry.linkTarget === undefined ? {} : { linkTarget: entry.linkTarget }),
            read: (limit: number) => (read.push(entry.path), entry.read(limit)),
            readChunks: (limit: number, onChunk: (chunk: Buffer) => boolean | undefined | Promise<boolean | undefined>) => {
              read.push(entry.path);
              return entry.readChunks(limit, (chunk) => (chunksGiven.set(entry.path, (chunksGiven.get(entry.path) ?? 0) + 1), onChunk(chunk)));
            },
          };
        }
      },
    });
    const seen: string[] = [];
    const testOnlyJarAnalyzer: SeekableFileAnalyzer = {
      id: 'test-only-jar',
      version: 1,
      kind: 'seekable',
      select: { path: (entryPath) => entryPath.endsWith('.jar'), magic: [MAGIC.zip] },
      analyzeFile: async ({ path: location }) => (seen.push(location), {}),
    };
    try {
      await inventoryImage(watched, { analyzers: [testOnlyJarAnalyzer] });
    } finally {
      await source.close();
    }
    expect(seen).toEqual(['/opt/app/lib/app.jar']);
    expect(read.sort()).toEqual(['/opt/app/lib/app.jar', '/opt/app/lib/not-a-zip.jar']);
    // The impostor is 1 MiB: after the chunk that held its first bytes, none was handed over.
    expect(chunksGiven.get('/opt/app/lib/not-a-zip.jar')).toBe(1);
  });

  it('a folder states size and mode on request: the same choice for dir: as for the image', async () => {
    const root = path.join(work, 'rootfs');
    await mkdir(path.join(root, 'usr/local/bin'), { recursive: true });
    await mkdir(path.join(root, 'usr/lib'), { recursive: true });
    await writeFile(path.join(root, 'usr/local/bin/tool'), await elfBytes());
    await chmod(path.join(root, 'usr/local/bin/tool'), 0o755);
    await writeFile(path.join(root, 'usr/local/bin/script.sh'), '#!/bin/sh\n');
    await chmod(path.join(root, 'usr/local/bin/script.sh'), 0o755);
    await writeFile(path.join(root, 'usr/lib/libthing.so'), await elfBytes());
    const result = await inventoryOf(`dir:${root}`, { analyzers: [testOnlyElfAnalyzer] });
    expect(result.packages.map((p) => p.name)).toEqual(['elf:/usr/local/bin/tool']);
  });
});

describe('files read by position', () => {
  it('a large file is spilled to the scan’s temporary folder and read there; a small one is read from memory', async () => {
    const seen: SeenFile[] = [];
    await inventoryOf(`oci:${layout}:big`, { analyzers: [testOnlyPositionalReader(seen)] });
    const small = seen.find((file) => file.path === '/data/small.bin');
    const big = seen.find((file) => file.path === '/data/big.bin');
    expect(small).toMatchObject({ size: 1000, inMemory: true });
    expect(small?.tail).toEqual(bigFile.subarray(992, 1000));
    expect(big).toMatchObject({ size: bigFile.length, inMemory: false });
    expect(big?.head).toEqual(bigFile.subarray(0, 8));
    expect(big?.tail).toEqual(bigFile.subarray(bigFile.length - 8));
    expect(big?.pastEnd).toHaveLength(0);
    // While the big file was analysed, the temporary folder held exactly its spill.
    expect(big?.scratch).toHaveLength(1);
    expect(big?.scratch[0]).toMatch(/^tollgate-scan-[^/]+\/spill-\d+$/);
  });

  it('the temporary folder is gone after a successful scan', async () => {
    await inventoryOf(`oci:${layout}:big`, { analyzers: [testOnlyPositionalReader([])] });
    expect(await readdir(privateTmp)).toEqual([]);
  });

  it('the temporary folder is gone after a failed scan, and the error names the file and the analyzer', async () => {
    const seen: SeenFile[] = [];
    const failure = inventoryOf(`oci:${layout}:big`, { analyzers: [testOnlyPositionalReader(seen, 'truncated header')] });
    await expect(failure).rejects.toThrow(ScanError);
    await expect(failure).rejects.toThrow(/^\/data\/big\.bin: the test-only-positional analyzer could not read this file: truncated header$/);
    expect(seen.map((file) => [file.path, file.scratch.length])).toEqual([
      ['/data/small.bin', 0],
      ['/data/big.bin', 1],
    ]);
    expect(await readdir(privateTmp)).toEqual([]);
  });

  it('the temporary folder is bounded by the layer size limit', async () => {
    const failure = inventoryOf(`oci:${layout}:big`, { analyzers: [testOnlyPositionalReader([])], limits: { maxLayerBytes: SPILL_THRESHOLD + 65536 } });
    await expect(failure).rejects.toThrow(/temporary space \(the layer size limit\)/);
    expect(await readdir(privateTmp)).toEqual([]);
  });
});

describe('post-walk analyzers', () => {
  it('read the two files of one database as the merged image presents them, with each layer read once', async () => {
    const { source, opened } = await countingSource(`oci:${layout}:db`);
    const result = await inventoryImage(source, { analyzers: [testOnlyTwoFileDatabase] });
    expect(listed(result.packages)).toEqual(['npm:a@1#0', 'npm:c@2#1']);
    expect(result.warnings).toEqual(['test-only-two-file-db analyzer: read /var/lib/testdb/packages and /var/lib/testdb/packages-wal']);
    expect(opened.sort()).toEqual([0, 1]);
  });

  it('see a file a later layer deleted as gone', async () => {
    const result = await inventoryOf(`oci:${layout}:db-reverted`, { analyzers: [testOnlyTwoFileDatabase] });
    expect(listed(result.packages)).toEqual(['npm:a@1#0', 'npm:b@1#0']);
    expect(result.warnings).toEqual(['test-only-two-file-db analyzer: read /var/lib/testdb/packages']);
  });

  it('are not cached per layer: a warm scan reads the layers again for them, and the answer is the same', async () => {
    const cache = LayerCache.open(path.join(work, 'cache'));
    try {
      const analyzers = [...ANALYZERS, testOnlyTwoFileDatabase];
      const cold = await countingSource(`oci:${layout}:db`);
      const first = await inventoryImage(cold.source, { analyzers, layerCache: cache });
      const warm = await countingSource(`oci:${layout}:db`);
      const second = await inventoryImage(warm.source, { analyzers, layerCache: cache });
      expect(listed(second.packages)).toEqual(listed(first.packages));
      expect(listed(second.packages)).toEqual(['npm:a@1#0', 'npm:c@2#1']);
      expect(warm.opened.sort()).toEqual([0, 1]);
      expect(cache.status().pieces).toBe(2 * ANALYZERS.length);
    } finally {
      cache.close();
    }
  });
});

describe('layers read at once', () => {
  it('after a failure, no new layer starts and the error comes only once the layers being read have finished', async () => {
    const events: string[] = [];
    const failure = mapWithConcurrency([0, 1, 2, 3], 2, async (item) => {
      events.push(`start ${item}`);
      if (item === 0) throw new Error('layer 0 is corrupt');
      await new Promise((resolve) => setTimeout(resolve, 30));
      events.push(`end ${item}`);
      return item;
    });
    await expect(failure).rejects.toThrow('layer 0 is corrupt');
    events.push('rejected');
    expect(events).toEqual(['start 0', 'start 1', 'end 1', 'rejected']);
  });

  it('the first error is the one thrown, and results keep the items’ order', async () => {
    const slowFailure = mapWithConcurrency([40, 5], 2, async (delay) => {
      await new Promise((resolve) => setTimeout(resolve, delay));
      throw new Error(`failed after ${delay} ms`);
    });
    await expect(slowFailure).rejects.toThrow('failed after 5 ms');
    expect(await mapWithConcurrency([30, 1, 10], 2, async (delay) => (await new Promise((resolve) => setTimeout(resolve, delay)), delay))).toEqual([30, 1, 10]);
  });
});

describe('removing the temporary folder', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('a failure to remove it is a warning of a successful scan, not its failure', async () => {
    vi.spyOn(ScratchSpace.prototype, 'dispose').mockRejectedValue(new Error('EBUSY: resource busy or locked'));
    const result = await inventoryOf(`oci:${layout}:python`);
    expect(listed(result.packages)).toEqual(['deb:python3-legacy@1.0-1#0', 'deb:python3-yaml@6.0-3+b2#0', 'pypi:requests@2.31.0#1']);
    expect(result.warnings).toEqual([expect.stringMatching(/^the scan's temporary folder( \S+)? could not be removed \(EBUSY: resource busy or locked\); delete it by hand$/)]);
  });

  it('a failure to remove it never hides the scan’s own error', async () => {
    vi.spyOn(ScratchSpace.prototype, 'dispose').mockRejectedValue(new Error('EBUSY: resource busy or locked'));
    const failure = inventoryOf(`oci:${layout}:big`, { analyzers: [testOnlyPositionalReader([], 'truncated header')] });
    await expect(failure).rejects.toThrow(/^\/data\/big\.bin: the test-only-positional analyzer could not read this file: truncated header$/);
  });
});

describe('files captured for post-walk analyzers', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('are released once the post-walk analyzers ran: the spill is gone before the folder is removed', async () => {
    const handed: { path: string; read: (position: number, length: number) => Promise<Buffer> }[] = [];
    const testOnlyWholeDataReader: PostWalkAnalyzer = {
      id: 'test-only-whole-data',
      version: 1,
      kind: 'post-walk',
      patterns: ['data/*.bin'],
      async analyzeFiles({ files }) {
        for (const { path: location, file } of files) {
          await file.read(0, 8);
          handed.push({ path: location, read: (position, length) => file.read(position, length) });
        }
        return {};
      },
    };
    const leftAtDispose: string[][] = [];
    const dispose = ScratchSpace.prototype.dispose;
    vi.spyOn(ScratchSpace.prototype, 'dispose').mockImplementation(async function (this: ScratchSpace) {
      leftAtDispose.push(this.location ? await readdir(this.location) : []);
      return dispose.call(this);
    });
    await inventoryOf(`oci:${layout}:big`, { analyzers: [testOnlyWholeDataReader] });
    expect(handed.map((file) => file.path).sort()).toEqual(['/data/big.bin', '/data/small.bin']);
    // The big file was spilled: by the time the folder is removed, its release deleted it.
    expect(leftAtDispose).toEqual([[]]);
    const big = handed.find((file) => file.path === '/data/big.bin');
    await expect(big?.read(0, 1)).rejects.toThrow(/after its release/);
    expect(await readdir(privateTmp)).toEqual([]);
  });
});
