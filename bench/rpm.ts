/**
 * rpm database benchmark: Tollgate's own reader of the three rpm database formats against
 * `rpm -qa --root` on the same database, in the same run.
 *
 * Material: 300 packages built with rpmbuild (one spec, 300 sub-packages of 20 files each) and
 * installed by rpm 4.18 into a root: a real rpmdb.sqlite. A database of realistic size for a full
 * RHEL-family host (about 1,500 packages) is generated from those real headers, five copies of
 * each, as rpmdb.sqlite (the Packages table rpm reads), as a Berkeley DB Packages written by
 * db_load (read by rpm through its bdb_ro backend) and as an ndb Packages.db (which Debian's rpm
 * cannot read, so it has no rpm figure).
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { readRpmDatabase } from '../src/inventory/rpm/index.js';
import { buildOnce } from '../test/support/fixture-cache.js';
import { sqliteRows, writeBerkeleyDb, writeNdb } from '../test/support/rpm-fixtures.js';
import type { Rows } from './compliance.js';

const run = promisify(execFile);
const PACKAGES = 300;
const FILES_PER_PACKAGE = 20;
const COPIES = 5;
const DB_PATH = '/var/lib/rpm';

function specText(): string {
  const lines = ['Name: bench-base', 'Version: 1.0', 'Release: 1.el9', 'Summary: Benchmark packages', 'License: MIT', 'Vendor: AlmaLinux', '%define _binary_payload w1.gzdio', '%define debug_package %{nil}', '%global __os_install_post %{nil}', '%description', 'Benchmark packages.'];
  for (let index = 0; index < PACKAGES; index++) lines.push(`%package -n bench-pkg-${index}`, `Summary: Benchmark package ${index}`, `%description -n bench-pkg-${index}`, 'A benchmark package.');
  lines.push('%install', `for i in $(seq 0 ${PACKAGES - 1}); do d=%{buildroot}/usr/share/bench/pkg-$i; mkdir -p $d; for f in $(seq 0 ${FILES_PER_PACKAGE - 1}); do echo $i-$f > $d/file-$f.txt; done; done`, '%files');
  for (let index = 0; index < PACKAGES; index++) lines.push(`%files -n bench-pkg-${index}`, `/usr/share/bench/pkg-${index}`);
  return `${lines.join('\n')}\n`;
}

/** Roots holding the real database and the generated ones, each at var/lib/rpm. */
async function benchDatabases(): Promise<string> {
  return buildOnce('bench-rpm-databases', 1, async (out) => {
    const spec = path.join(out, 'bench.spec');
    await writeFile(spec, specText());
    const topDir = path.join(out, 'rpmbuild');
    await run('rpmbuild', ['-bb', '--quiet', '--define', `_topdir ${topDir}`, spec], { maxBuffer: 1 << 26 });
    const arch = (await run('rpm', ['--eval', '%{_arch}'])).stdout.trim();
    const rpms = [path.join(topDir, 'RPMS', arch, `bench-base-1.0-1.el9.${arch}.rpm`), ...Array.from({ length: PACKAGES }, (_, index) => path.join(topDir, 'RPMS', arch, `bench-pkg-${index}-1.0-1.el9.${arch}.rpm`))];
    const real = path.join(out, 'real');
    const db = ['--root', real, '--dbpath', DB_PATH, '--define', '_db_backend sqlite'];
    await run('rpm', [...db, '--initdb']);
    await run('rpm', [...db, '-i', '--nodeps', '--nosignature', '--noscripts', '--justdb', ...rpms], { maxBuffer: 1 << 26 });
    const rows = sqliteRows(path.join(real, DB_PATH, 'rpmdb.sqlite'));
    const copies = Array.from({ length: COPIES }, (_, copy) => rows.map((row, index) => ({ hnum: copy * rows.length + index + 1, blob: row.blob }))).flat();
    const sqliteDir = path.join(out, 'large-sqlite', DB_PATH);
    await mkdir(sqliteDir, { recursive: true });
    await copyFile(path.join(real, DB_PATH, 'rpmdb.sqlite'), path.join(sqliteDir, 'rpmdb.sqlite'));
    const large = new Database(path.join(sqliteDir, 'rpmdb.sqlite'));
    large.pragma('journal_mode = DELETE');
    const insert = large.prepare('INSERT INTO Packages (hnum, blob) VALUES (?, ?)');
    large.transaction(() => {
      for (const row of copies.slice(rows.length)) insert.run(row.hnum, row.blob);
    })();
    large.close();
    const bdbDir = path.join(out, 'large-bdb', DB_PATH);
    await mkdir(bdbDir, { recursive: true });
    await writeBerkeleyDb(copies, path.join(bdbDir, 'Packages'), 'little');
    const ndbDir = path.join(out, 'large-ndb', DB_PATH);
    await mkdir(ndbDir, { recursive: true });
    await writeFile(path.join(ndbDir, 'Packages.db'), writeNdb(copies.map((row) => row.blob)));
  });
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function medianOf(runs: number, measure: () => Promise<number> | number): Promise<number> {
  const values: number[] = [];
  for (let index = 0; index < runs; index++) values.push(await measure());
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

async function rpmQa(root: string, backend: string): Promise<{ seconds: number; count: number }> {
  const start = process.hrtime.bigint();
  const { stdout } = await run('rpm', ['--root', root, '--dbpath', DB_PATH, '--define', `_db_backend ${backend}`, '-qa'], { maxBuffer: 1 << 26 });
  return { seconds: seconds(start), count: stdout.split('\n').filter(Boolean).length };
}

export async function benchRpm(rows: Rows, results: Record<string, unknown>): Promise<void> {
  const dir = await benchDatabases();
  const cases = [
    { label: 'real rpmdb.sqlite', root: path.join(dir, 'real'), file: 'rpmdb.sqlite', backend: 'sqlite' },
    { label: 'rpmdb.sqlite', root: path.join(dir, 'large-sqlite'), file: 'rpmdb.sqlite', backend: 'sqlite' },
    { label: 'Berkeley DB Packages', root: path.join(dir, 'large-bdb'), file: 'Packages', backend: 'bdb_ro' },
    { label: 'ndb Packages.db', root: path.join(dir, 'large-ndb'), file: 'Packages.db', backend: undefined },
  ];
  const figures: Record<string, unknown> = {};
  for (const entry of cases) {
    const file = path.join(entry.root, DB_PATH, entry.file);
    const bytes = (await stat(file)).size;
    const content = await readFile(file);
    let count = 0;
    const withFiles = await medianOf(5, () => {
      const start = process.hrtime.bigint();
      count = readRpmDatabase(content, `${DB_PATH}/${entry.file}`, true).packages?.length ?? 0;
      return seconds(start);
    });
    const packagesOnly = await medianOf(5, () => {
      const start = process.hrtime.bigint();
      readRpmDatabase(content, `${DB_PATH}/${entry.file}`, false);
      return seconds(start);
    });
    const rpm = entry.backend ? await medianOf(5, async () => (await rpmQa(entry.root, entry.backend as string)).seconds) : undefined;
    const rpmCount = entry.backend ? (await rpmQa(entry.root, entry.backend)).count : undefined;
    figures[entry.label] = { bytes, packages: count, rpmPackages: rpmCount, readerSeconds: withFiles, readerPackagesOnlySeconds: packagesOnly, rpmQaSeconds: rpm };
    const name = `rpm: ${entry.label}, ${count} packages, ${(bytes / 1e6).toFixed(1)} MB`;
    rows.push([`${name}: rpm -qa --root (median of 5)`, rpm === undefined ? 'n/a' : `${(rpm * 1000).toFixed(0)} ms`, rpm === undefined ? 'Debian\'s rpm has no ndb backend' : `baseline (${rpmCount} packages)`]);
    rows.push([`${name}: Tollgate's reader with file lists (median of 5)`, `${(withFiles * 1000).toFixed(0)} ms`, rpm === undefined ? '' : `${(withFiles / rpm).toFixed(2)}x rpm -qa`]);
    rows.push([`${name}: Tollgate's reader, packages only (median of 5)`, `${(packagesOnly * 1000).toFixed(0)} ms`, rpm === undefined ? '' : `${(packagesOnly / rpm).toFixed(2)}x rpm -qa`]);
  }
  results.rpm = figures;
}
