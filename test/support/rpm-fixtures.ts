/**
 * Real rpm databases for tests, made by real rpm: packages built with Debian's `rpmbuild` from small
 * spec files (epochs, a source package with a sub-package, a modular build with a modularity label,
 * a vendor, a Python distribution whose files the package owns), installed with `rpm -i --root`
 * into a root whose os-release says AlmaLinux 9 (or, with `RHEL_9`, Red Hat Enterprise Linux 9 with
 * Red Hat's vendor and module spelling). rpm 4.18 writes `rpmdb.sqlite`.
 *
 * The same headers in the other formats:
 * - Berkeley DB hash `Packages`, written by Berkeley DB itself (`db5.3_load`, Debian's db5.3-util)
 *   in both byte orders, and read back by rpm's own `bdb_ro` backend as a check;
 * - ndb `Packages.db`, which Debian's rpm is built without: written by `writeNdb` below from the
 *   format (rpm's lib/backend/ndb/rpmpkg.c), so its proof is weaker than the other two.
 *
 * Beside each root: `rpm-qa.txt`, what `rpm -qa` says (the oracle), one line per package.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { adler32 } from '../../src/inventory/rpm/ndb.js';
import { buildOnce } from './fixture-cache.js';

const run = promisify(execFile);

/** The `rpm -qa` format the oracle file is written in: name, EVR (epoch only when set), arch, source rpm, vendor, modularity label. */
export const RPM_QA_FORMAT = '%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\t%|VENDOR?{%{VENDOR}}:{}|\\t%|MODULARITYLABEL?{%{MODULARITYLABEL}}:{}|\\n';

interface Spec {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  vendor?: string;
  arch?: 'noarch';
  modularityLabel?: string;
  /** Sub-packages built from the same source: their SOURCERPM names this spec. */
  subPackages?: string[];
  /** Files installed, by absolute path, with their content. */
  files: Record<string, string>;
}

const SPECS: Spec[] = [
  { name: 'tollgate-base', version: '1.0', release: '1.el9', vendor: 'AlmaLinux', arch: 'noarch', files: { '/etc/tollgate-base.conf': 'x=1\n', '/usr/share/doc/tollgate-base/README': 'base\n' } },
  {
    name: 'openssl',
    version: '3.0.7',
    release: '24.el9',
    epoch: 1,
    vendor: 'AlmaLinux',
    subPackages: ['openssl-libs'],
    files: { '/usr/bin/openssl': '#!/bin/sh\n', '/usr/lib64/libssl.so.3': 'lib\n', '/usr/lib64/libcrypto.so.3': 'lib\n' },
  },
  {
    name: 'nodejs',
    version: '18.14.2',
    release: '2.module_el9.1.0+15+abcdef12',
    epoch: 1,
    vendor: 'AlmaLinux',
    modularityLabel: 'nodejs:18:9010020230306170042:rhel9',
    files: { '/usr/bin/node': '#!/bin/sh\n' },
  },
  { name: 'bash', version: '5.1.8', release: '6.el9_1', vendor: 'AlmaLinux', files: { '/usr/bin/bash': '#!/bin/sh\n' } },
  {
    name: 'python3-requests',
    version: '2.25.1',
    release: '6.el9',
    vendor: 'AlmaLinux',
    arch: 'noarch',
    files: {
      '/usr/lib/python3.9/site-packages/requests/__init__.py': '__version__ = "2.25.1"\n',
      '/usr/lib/python3.9/site-packages/requests-2.25.1-py3.9.egg-info/PKG-INFO': 'Metadata-Version: 2.1\nName: requests\nVersion: 2.25.1\n',
    },
  },
  // Enough files for a header larger than a Berkeley DB page: its overflow chain spans pages.
  {
    name: 'tollgate-docs',
    version: '2.4',
    release: '3.el9',
    vendor: 'AlmaLinux',
    arch: 'noarch',
    files: Object.fromEntries(Array.from({ length: 150 }, (_, index) => [`/usr/share/doc/tollgate-docs/chapter-${String(index).padStart(3, '0')}-with-a-long-descriptive-name.html`, `<p>${index}</p>\n`])),
  },
  // A third party's package bundling a Python library: its files are not the distribution's.
  {
    name: 'thirdparty-agent',
    version: '7.2',
    release: '1',
    vendor: 'Example Corp',
    files: { '/opt/agent/bin/agent': '#!/bin/sh\n', '/opt/agent/lib/python3.9/site-packages/agentlib-1.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: agentlib\nVersion: 1.0\n' },
  },
];

/**
 * The distribution a root is made for: its os-release, the vendor its packages name (the specs say
 * `AlmaLinux`), and how its modular builds spell their release (AlmaLinux `.module_el9…`, Red Hat
 * `.module+el9…`).
 */
export interface RpmDistribution {
  /** The fixture cache's name for roots of this distribution. */
  readonly fixtureName: string;
  readonly osRelease: string;
  readonly vendor: string;
  readonly modularRelease: (release: string) => string;
}

export const ALMALINUX_9: RpmDistribution = {
  fixtureName: 'rpm-databases',
  osRelease: 'NAME="AlmaLinux"\nVERSION="9.1 (Lime Lynx)"\nID="almalinux"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.1"\nPLATFORM_ID="platform:el9"\nPRETTY_NAME="AlmaLinux 9.1 (Lime Lynx)"\n',
  vendor: 'AlmaLinux',
  modularRelease: (release) => release,
};

/** os-release as Red Hat's UBI 9 images write it. */
export const RHEL_9: RpmDistribution = {
  fixtureName: 'rpm-databases-rhel',
  osRelease: 'NAME="Red Hat Enterprise Linux"\nVERSION="9.4 (Plow)"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="9.4"\nPLATFORM_ID="platform:el9"\nPRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"\n',
  vendor: 'Red Hat, Inc.',
  modularRelease: (release) => release.replace('.module_el', '.module+el'),
};

/** The specs as `distribution` builds them. */
function specsFor(distribution: RpmDistribution): Spec[] {
  return SPECS.map((spec) => ({
    ...spec,
    ...(spec.vendor === 'AlmaLinux' ? { vendor: distribution.vendor } : {}),
    ...(spec.modularityLabel ? { release: distribution.modularRelease(spec.release) } : {}),
  }));
}

function specText(spec: Spec, fileBase: string): string {
  const filePaths = Object.keys(spec.files);
  const lines = [
    `Name: ${spec.name}`,
    `Version: ${spec.version}`,
    `Release: ${spec.release}`,
    ...(spec.epoch !== undefined ? [`Epoch: ${spec.epoch}`] : []),
    'Summary: Test package for Tollgate',
    'License: MIT',
    ...(spec.vendor ? [`Vendor: ${spec.vendor}`] : []),
    ...(spec.arch ? [`BuildArch: ${spec.arch}`] : []),
    '%description',
    'Test package.',
    ...(spec.subPackages ?? []).flatMap((sub) => [`%package -n ${sub}`, 'Summary: Sub-package', `%description -n ${sub}`, 'Sub-package.']),
    '%install',
    ...filePaths.map((file, index) => `mkdir -p "%{buildroot}${path.posix.dirname(file)}" && cp "${fileBase}/${index}" "%{buildroot}${file}"`),
    '%files',
    // The first file belongs to the main package, the rest to the sub-packages in turn (or to the main one).
    ...filePaths.filter((_, index) => index === 0 || !spec.subPackages?.length),
    ...(spec.subPackages ?? []).flatMap((sub, subIndex) => [`%files -n ${sub}`, ...filePaths.filter((_, index) => index > 0 && (index - 1) % (spec.subPackages?.length ?? 1) === subIndex)]),
  ];
  return `${lines.join('\n')}\n`;
}

async function buildRpms(workDir: string, distribution: RpmDistribution): Promise<string[]> {
  const rpms: string[] = [];
  const topDir = path.join(workDir, 'rpmbuild');
  for (const spec of specsFor(distribution)) {
    const fileBase = path.join(workDir, 'sources', spec.name);
    await mkdir(fileBase, { recursive: true });
    await Promise.all(Object.values(spec.files).map((content, index) => writeFile(path.join(fileBase, String(index)), content)));
    const specFile = path.join(workDir, `${spec.name}.spec`);
    await writeFile(specFile, specText(spec, fileBase));
    const defines = ['--define', `_topdir ${topDir}`, ...(spec.modularityLabel ? ['--define', `modularitylabel ${spec.modularityLabel}`] : [])];
    await run('rpmbuild', ['-bb', '--quiet', ...defines, specFile]);
    for (const name of [spec.name, ...(spec.subPackages ?? [])]) {
      const arch = spec.arch ?? (await run('rpm', ['--eval', '%{_arch}'])).stdout.trim();
      rpms.push(path.join(topDir, 'RPMS', arch, `${name}-${spec.version}-${spec.release}.${arch}.rpm`));
    }
  }
  return rpms;
}

const DB_PATH = '/var/lib/rpm';

async function rpmQa(root: string, backend: string): Promise<string> {
  const { stdout } = await run('rpm', ['--root', root, '--dbpath', DB_PATH, '--define', `_db_backend ${backend}`, '-qa', '--qf', RPM_QA_FORMAT]);
  return stdout.split('\n').filter(Boolean).sort().join('\n') + '\n';
}

/** The (header number, header blob) rows of an rpmdb.sqlite. */
export function sqliteRows(file: string): { hnum: number; blob: Buffer }[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum').all() as { hnum: number; blob: Buffer }[];
  } finally {
    db.close();
  }
}

/** A Berkeley DB hash `Packages` written by Berkeley DB's own db_load, keys in the file's byte order. */
export async function writeBerkeleyDb(rows: readonly { hnum: number; blob: Buffer }[], file: string, byteOrder: 'little' | 'big'): Promise<void> {
  const key = (hnum: number): string => {
    const bytes = Buffer.alloc(4);
    if (byteOrder === 'little') bytes.writeUInt32LE(hnum);
    else bytes.writeUInt32BE(hnum);
    return bytes.toString('hex');
  };
  const dump = ['VERSION=3', 'format=bytevalue', 'type=hash', 'HEADER=END', ...rows.flatMap((row) => [` ${key(row.hnum)}`, ` ${row.blob.toString('hex')}`]), 'DATA=END', ''].join('\n');
  const input = `${file}.dump`;
  await writeFile(input, dump);
  await run('db5.3_load', ['-f', input, '-c', `db_lorder=${byteOrder === 'little' ? 1234 : 4321}`, '-c', 'db_pagesize=4096', file]);
  await rm(input);
}

/** An ndb `Packages.db` holding `blobs`, laid out as rpm's rpmpkg.c lays one out (one slot page, blobs after it). */
export function writeNdb(blobs: readonly Buffer[]): Buffer {
  const slotPages = Math.max(1, Math.ceil((32 + blobs.length * 16) / 4096));
  const parts: Buffer[] = [];
  const header = Buffer.alloc(slotPages * 4096);
  header.write('RpmP', 0, 'latin1');
  header.writeUInt32LE(0, 4);
  header.writeUInt32LE(1, 8);
  header.writeUInt32LE(slotPages, 12);
  header.writeUInt32LE(blobs.length + 1, 16);
  for (let at = 32; at < header.length; at += 16) header.write('Slot', at, 'latin1');
  parts.push(header);
  let block = header.length / 16;
  blobs.forEach((blob, index) => {
    const blockCount = Math.ceil((16 + blob.length + 12) / 16);
    const stored = Buffer.alloc(blockCount * 16);
    stored.write('BlbS', 0, 'latin1');
    stored.writeUInt32LE(index + 1, 4);
    stored.writeUInt32LE(1, 8);
    stored.writeUInt32LE(blob.length, 12);
    blob.copy(stored, 16);
    const tail = stored.length - 12;
    stored.writeUInt32LE(adler32(stored.subarray(0, tail)), tail);
    stored.writeUInt32LE(blob.length, tail + 4);
    stored.write('BlbE', tail + 8, 'latin1');
    const slot = 32 + index * 16;
    header.writeUInt32LE(index + 1, slot + 4);
    header.writeUInt32LE(block, slot + 8);
    header.writeUInt32LE(blockCount, slot + 12);
    parts.push(stored);
    block += blockCount;
  });
  return Buffer.concat(parts);
}

export interface RpmFixture {
  /** A root with rpmdb.sqlite made by rpm, the installed files and an AlmaLinux 9 os-release. */
  root: string;
  /** The same headers as Packages (Berkeley DB, little- and big-endian) and Packages.db (ndb). */
  bdbLittle: string;
  bdbBig: string;
  ndb: string;
  /** `rpm -qa` of the root, sorted, in RPM_QA_FORMAT. */
  rpmQa: string;
  /** `rpm -qa` of the little- and big-endian Berkeley DB copies, through rpm's bdb_ro backend. */
  rpmQaBdbLittle: string;
  rpmQaBdbBig: string;
  /** `rpm -ql <name>` of each package, by name. */
  fileLists: Record<string, string[]>;
}

export async function rpmFixture(distribution: RpmDistribution = ALMALINUX_9): Promise<RpmFixture> {
  const dir = await buildOnce(distribution.fixtureName, 4, async (out) => {
    const work = path.join(out, 'work');
    const rpms = await buildRpms(work, distribution);
    const root = path.join(out, 'root');
    await mkdir(path.join(root, 'etc'), { recursive: true });
    await writeFile(path.join(root, 'etc', 'os-release'), distribution.osRelease);
    const db = ['--root', root, '--dbpath', DB_PATH, '--define', '_db_backend sqlite'];
    await run('rpm', [...db, '--initdb']);
    await run('rpm', [...db, '-i', '--nodeps', '--nosignature', '--noscripts', ...rpms]);
    await writeFile(path.join(out, 'rpm-qa.txt'), await rpmQa(root, 'sqlite'));
    const fileLists: Record<string, string[]> = {};
    for (const line of (await readFile(path.join(out, 'rpm-qa.txt'), 'utf8')).split('\n').filter(Boolean)) {
      const name = line.split('\t')[0] as string;
      const { stdout } = await run('rpm', [...db, '-ql', name]);
      fileLists[name] = stdout.split('\n').filter((file) => file.startsWith('/'));
    }
    await writeFile(path.join(out, 'file-lists.json'), JSON.stringify(fileLists));
    const rows = sqliteRows(path.join(root, 'var/lib/rpm/rpmdb.sqlite'));
    for (const order of ['little', 'big'] as const) {
      const copy = path.join(out, `bdb-${order}`);
      await mkdir(path.join(copy, DB_PATH), { recursive: true });
      await writeBerkeleyDb(rows, path.join(copy, DB_PATH, 'Packages'), order);
      await writeFile(path.join(out, `rpm-qa-bdb-${order}.txt`), await rpmQa(copy, 'bdb_ro'));
    }
    await mkdir(path.join(out, 'ndb', DB_PATH), { recursive: true });
    await writeFile(path.join(out, 'ndb', DB_PATH, 'Packages.db'), writeNdb(rows.map((row) => row.blob)));
  });
  const text = (file: string): Promise<string> => readFile(path.join(dir, file), 'utf8');
  return {
    root: path.join(dir, 'root'),
    bdbLittle: path.join(dir, 'bdb-little', DB_PATH, 'Packages'),
    bdbBig: path.join(dir, 'bdb-big', DB_PATH, 'Packages'),
    ndb: path.join(dir, 'ndb', DB_PATH, 'Packages.db'),
    rpmQa: await text('rpm-qa.txt'),
    rpmQaBdbLittle: await text('rpm-qa-bdb-little.txt'),
    rpmQaBdbBig: await text('rpm-qa-bdb-big.txt'),
    fileLists: JSON.parse(await text('file-lists.json')) as Record<string, string[]>,
  };
}
