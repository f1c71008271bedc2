/**
 * rpmverifyfile on a copy of a real rpm root (packages built by rpmbuild, installed by rpm into a
 * SQLite database), some of its files then changed: every file's checks must be what `rpm -V`
 * (the oracle, run on the same copy) says of it, and definitions over them must come out as OVAL
 * says. OpenSCAP's rpmverifyfile probe reads only the host's database, so rpm itself is the oracle.
 */
import { execFile } from 'node:child_process';
import { appendFile, chmod, chown, cp, lstat, mkdtemp, readdir, readFile, readlink, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOciLayout, type TestEntry } from '../../../../../../test/support/image-builder.js';
import { rpmFixture } from '../../../../../../test/support/rpm-fixtures.js';
import { openTarget } from '../../../../targets/open-target.js';
import { collectItems, definition, evaluateOnTree, ovalDocument, resultsOf } from '../../test-support.js';
import type { OvalItem } from '../test-type.js';
import { rpmverifyfile } from './index.js';

const run = promisify(execFile);

let work: string;
let root: string;

beforeAll(async () => {
  const fixture = await rpmFixture();
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-rpmverify-'));
  root = path.join(work, 'root');
  await cp(fixture.root, root, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  await writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n');
  await writeFile(path.join(root, 'etc/group'), 'root:x:0:\nalice:x:1000:\n');
  await chmod(path.join(root, 'usr/bin/bash'), 0o777); // mode
  await appendFile(path.join(root, 'usr/bin/node'), 'more\n'); // size, digest, time
  await utimes(path.join(root, 'usr/lib64/libssl.so.3'), new Date('2001-01-01'), new Date('2001-01-01')); // time only
  await writeFile(path.join(root, 'etc/tollgate-base.conf'), 'x=2\n'); // digest and time, same size
  await rm(path.join(root, 'usr/bin/openssl')); // missing
  await chown(path.join(root, 'usr/share/doc/tollgate-base/README'), 1000, 0); // owner
  await chown(path.join(root, 'usr/lib64/libcrypto.so.3'), 0, 1000); // group
}, 300_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** `rpm -V -v` of every package of the copy: its 9-letter result (or `missing`) by path. */
async function rpmVerify(): Promise<Map<string, string>> {
  const { stdout } = await run('rpm', ['--root', root, '--dbpath', '/var/lib/rpm', '--define', '_db_backend sqlite', '-Vav', '--nodeps', '--noscripts'], { maxBuffer: 16 * 1024 * 1024 }).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
  const results = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const match = /^(\S{9}|missing)\s+[cdglr]?\s+(\/.*)$/.exec(line);
    if (match) results.set(match[2] as string, match[1] as string);
  }
  return results;
}

const LETTERS: [field: string, letter: string][] = [
  ['size_differs', 'S'],
  ['mode_differs', 'M'],
  ['filedigest_differs', '5'],
  ['device_differs', 'D'],
  ['link_mismatch', 'L'],
  ['ownership_differs', 'U'],
  ['group_differs', 'G'],
  ['mtime_differs', 'T'],
];

/** An item as rpm -V's first eight letters (file capabilities, its ninth, no view can read). */
function asRpmLetters(item: OvalItem): string {
  return LETTERS.map(([field, letter]) => {
    const value = item[field]?.[0];
    return value === 'fail' ? letter : value === 'pass' ? '.' : '?';
  }).join('');
}

function verifyDoc(object: string, state = '', existence = 'at_least_one_exists', check = 'all', filter = ''): string {
  return ovalDocument({
    definitions: definition('oval:t:def:1', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:1"/></oval-def:criteria>'),
    tests: `<linux:rpmverifyfile_test id="oval:t:tst:1" version="1" check="${check}" check_existence="${existence}"><linux:object object_ref="oval:t:obj:1"/>${state ? '<linux:state state_ref="oval:t:ste:1"/>' : ''}</linux:rpmverifyfile_test>`,
    objects: `<linux:rpmverifyfile_object id="oval:t:obj:1" version="1">${object}${filter ? '<oval-def:filter action="include">oval:t:ste:f</oval-def:filter>' : ''}</linux:rpmverifyfile_object>`,
    states: `${state ? `<linux:rpmverifyfile_state id="oval:t:ste:1" version="1">${state}</linux:rpmverifyfile_state>` : ''}${filter ? `<linux:rpmverifyfile_state id="oval:t:ste:f" version="1">${filter}</linux:rpmverifyfile_state>` : ''}`,
  });
}

const ANY_PACKAGE = '<linux:name operation="pattern match">.*</linux:name><linux:epoch operation="pattern match">.*</linux:epoch><linux:version operation="pattern match">.*</linux:version><linux:release operation="pattern match">.*</linux:release><linux:arch operation="pattern match">.*</linux:arch>';

describe('rpmverifyfile against rpm -V on a changed copy of a real rpm root', () => {
  it('gives every file of every package the checks rpm -V gives', async () => {
    const oracle = await rpmVerify();
    expect(oracle.size).toBeGreaterThan(150);
    const target = await openTarget(`dir:${root}`);
    let items: OvalItem[];
    try {
      items = await collectItems(rpmverifyfile, verifyDoc(`${ANY_PACKAGE}<linux:filepath operation="pattern match">^/.*</linux:filepath>`), 'oval:t:obj:1', target);
    } finally {
      await target.close();
    }
    const ours = new Map(items.map((item) => [item.filepath?.[0] as string, asRpmLetters(item)]));
    const expected = new Map([...oracle].map(([file, letters]) => [file, letters === 'missing' ? 'SM5DLUGT' : letters.slice(0, 8)]));
    expect(Object.fromEntries(ours)).toEqual(Object.fromEntries(expected));
    // The changes made show up, so agreement is not agreement on "nothing differs".
    expect(ours.get('/usr/bin/node')).toBe('S.5....T');
    expect(ours.get('/usr/bin/bash')).toBe('.M......');
    expect(ours.get('/usr/lib64/libcrypto.so.3')).toBe('......G.');
  }, 120_000);

  it('evaluates definitions over the checks, with behaviors leaving checks out and the package entities selecting files', async () => {
    const pkg = (name: string): string => `<linux:name>${name}</linux:name><linux:epoch operation="pattern match">.*</linux:epoch><linux:version operation="pattern match">.*</linux:version><linux:release operation="pattern match">.*</linux:release><linux:arch operation="pattern match">.*</linux:arch>`;
    const binaries = '<linux:filepath operation="pattern match">^/usr/(bin|lib64)/.*</linux:filepath>';
    const evaluate = async (xml: string): Promise<string | undefined> => resultsOf(await evaluateOnTree(root, xml))['oval:t:def:1'];
    // SSG's rpm_verify_hashes shape: the object keeps the files whose digest differs, and none may exist
    const digestFails = '<linux:filedigest_differs>fail</linux:filedigest_differs>';
    expect(await evaluate(verifyDoc(`${ANY_PACKAGE}${binaries}`, '', 'none_exist', 'all', digestFails))).toBe('false');
    expect(await evaluate(verifyDoc(`${pkg('openssl-libs')}${binaries}`, '', 'none_exist', 'all', digestFails))).toBe('true');
    expect(await evaluate(verifyDoc(`<linux:behaviors nomd5="true"/>${ANY_PACKAGE}${binaries}`, '', 'none_exist', 'all', digestFails))).toBe('true');
    // SSG's rpm_verify_permissions shape
    const permissions = '<linux:behaviors nolinkto="true" nomd5="true" nosize="true" nouser="true" nogroup="true" nomtime="true" nordev="true"/>';
    expect(await evaluate(verifyDoc(`${permissions}${ANY_PACKAGE}${binaries}`, '', 'none_exist', 'all', '<linux:mode_differs>fail</linux:mode_differs>'))).toBe('false');
    expect(await evaluate(verifyDoc(`${permissions}${pkg('nodejs')}${binaries}`, '', 'none_exist', 'all', '<linux:mode_differs>fail</linux:mode_differs>'))).toBe('true');
    expect(await evaluate(verifyDoc(`<linux:behaviors nomode="true"/>${pkg('bash')}${binaries}`, '<linux:mode_differs>not performed</linux:mode_differs>'))).toBe('true');
    // the group of libcrypto differs; ownership of every openssl-libs file holds
    expect(await evaluate(verifyDoc(`${pkg('openssl-libs')}<linux:filepath>/usr/lib64/libcrypto.so.3</linux:filepath>`, '<linux:group_differs>fail</linux:group_differs><linux:ownership_differs>pass</linux:ownership_differs>'))).toBe('true');
    // documentation files are marked
    expect(await evaluate(verifyDoc(`${pkg('tollgate-base')}<linux:filepath>/usr/share/doc/tollgate-base/README</linux:filepath>`, '<linux:documentation_file datatype="boolean">true</linux:documentation_file><linux:ownership_differs>fail</linux:ownership_differs>'))).toBe('true');
    expect(await evaluate(verifyDoc(`${pkg('no-such-package')}${binaries}`, '', 'none_exist'))).toBe('true');
  }, 120_000);

  it('reads the database and files of an image: what the image keeps is verified, what it does not is not performed', async () => {
    // The changed copy as one image layer (tar keeps modes and sizes; owners are root, times the epoch).
    const entries: TestEntry[] = [];
    const add = async (dir: string): Promise<void> => {
      for (const name of (await readdir(path.join(root, dir))).sort()) {
        const relative = dir ? `${dir}/${name}` : name;
        const stats = await lstat(path.join(root, relative));
        if (stats.isDirectory()) {
          entries.push({ type: 'directory', name: relative });
          await add(relative);
        } else if (stats.isSymbolicLink()) entries.push({ type: 'symlink', name: relative, target: await readlink(path.join(root, relative)) });
        else entries.push({ type: 'file', name: relative, content: await readFile(path.join(root, relative)), mode: stats.mode & 0o7777 });
      }
    };
    await add('');
    const layout = path.join(work, 'layout');
    await writeOciLayout(layout, [{ tag: 'rpm', layers: [{ entries }] }]);
    const target = await openTarget(`image:oci:${layout}:rpm`);
    let items: OvalItem[];
    try {
      items = await collectItems(rpmverifyfile, verifyDoc(`${ANY_PACKAGE}<linux:filepath operation="pattern match">^/.*</linux:filepath>`), 'oval:t:obj:1', target);
    } finally {
      await target.close();
    }
    const byPath = new Map(items.map((item) => [item.filepath?.[0] as string, item]));
    const field = (file: string, name: string): string | undefined => byPath.get(file)?.[name]?.[0];
    expect(byPath.size).toBe((await rpmVerify()).size);
    expect(field('/usr/bin/bash', 'mode_differs')).toBe('fail');
    expect(field('/usr/bin/node', 'size_differs')).toBe('fail');
    expect(field('/usr/bin/openssl', 'size_differs')).toBe('fail');
    // /etc is kept: its digests are compared; elsewhere the image keeps no content, and no times.
    expect(field('/etc/tollgate-base.conf', 'filedigest_differs')).toBe('fail');
    expect(field('/usr/lib64/libssl.so.3', 'filedigest_differs')).toBe('not performed');
    expect(field('/usr/lib64/libssl.so.3', 'mtime_differs')).toBe('not performed');
    expect(field('/usr/lib64/libssl.so.3', 'size_differs')).toBe('pass');
  }, 120_000);
});
