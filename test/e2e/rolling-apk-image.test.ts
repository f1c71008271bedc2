/**
 * End to end on Wolfi and Chainguard images: apk's installed database (in the format apk-tools
 * writes: `P:` name, `V:` version, `o:` origin, `F:`/`R:` files) under an os-release that says
 * `wolfi` or `chainguard`, laid in an OCI image and scanned by the built CLI against one database
 * holding Wolfi, Chainguard and AlmaLinux advisories. Each image takes its own distribution's
 * advisories by origin package, never the other's, and without its data the scan warns.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/image-scan.js';
import { runTollgate } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixture-cache.js';
import { writeOciLayout } from '../support/image-builder.js';

const INSTALLED = [
  ['C:Q1aaaaaaaaaaaaaaaaaaaaaaaaaaa=', 'P:libcrypto3', 'V:3.3.2-r0', 'A:x86_64', 'S:1812345', 'I:5234567', 'T:OpenSSL libcrypto library', 'U:https://www.openssl.org', 'L:Apache-2.0', 'o:openssl', 'm:Wolfi Packages Team', 't:1726000000', 'D:ld-linux-x86-64.so.2', 'p:so:libcrypto.so.3=3', 'F:usr/lib', 'R:libcrypto.so.3'],
  ['C:Q1bbbbbbbbbbbbbbbbbbbbbbbbbbb=', 'P:libssl3', 'V:3.3.2-r0', 'A:x86_64', 'S:312345', 'I:734567', 'T:OpenSSL libssl library', 'U:https://www.openssl.org', 'L:Apache-2.0', 'o:openssl', 'm:Wolfi Packages Team', 't:1726000000', 'F:usr/lib', 'R:libssl.so.3'],
  ['C:Q1ccccccccccccccccccccccccccc=', 'P:busybox', 'V:1.36.1-r7', 'A:x86_64', 'S:512345', 'I:934567', 'T:size optimized toolbox', 'U:https://busybox.net', 'L:GPL-2.0-only', 'o:busybox', 'm:Wolfi Packages Team', 't:1726000000', 'F:bin', 'R:busybox'],
]
  .map((fields) => `${fields.join('\n')}\n`)
  .join('\n');

let work: string;
let db: string;

async function image(name: string, osRelease: string): Promise<string> {
  const layout = path.join(work, name);
  await writeOciLayout(layout, [
    {
      tag: 'latest',
      layers: [
        {
          entries: [
            { type: 'file', name: 'etc/os-release', content: osRelease },
            { type: 'file', name: 'lib/apk/db/installed', content: INSTALLED },
            { type: 'file', name: 'usr/lib/libcrypto.so.3', content: 'lib\n' },
            { type: 'file', name: 'usr/lib/libssl.so.3', content: 'lib\n' },
            { type: 'file', name: 'bin/busybox', content: 'bin\n' },
          ],
        },
      ],
    },
  ]);
  return `oci:${layout}:latest`;
}

async function scan(reference: string, database = db): Promise<ScanResult> {
  const result = await runTollgate(['image', 'scan', reference, '--db', database, '--format', 'json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ScanResult;
}

const WOLFI = 'ID=wolfi\nNAME="Wolfi"\nPRETTY_NAME="Wolfi"\nVERSION_ID="20230201"\nHOME_URL="https://wolfi.dev"\n';
const CHAINGUARD = 'ID=chainguard\nNAME="Chainguard"\nPRETTY_NAME="Chainguard"\nVERSION_ID="20230214"\nHOME_URL="https://chainguard.dev/"\n';

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-rolling-apk-'));
  db = path.join(work, 'vuln.db');
  const data = ['wolfi', 'chainguard', 'almalinux'].map((folder) => path.join(REPO_ROOT, 'test/data/osv', folder));
  const imported = await runTollgate(['db', 'import', ...data, '--db', db]);
  expect(imported.code, imported.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const summary = (result: ScanResult): string[] => result.findings.map((finding) => `${finding.id} ${finding.package.name} ${finding.package.ecosystem} ${finding.package.matchedName} ${finding.fixedVersions.join(',')}`).sort();

describe('rolling apk distributions', () => {
  it('a Wolfi image takes Wolfi advisories by origin package, and not one fixed before the installed build', async () => {
    const result = await scan(await image('wolfi', WOLFI));
    expect(result.os).toMatchObject({ family: 'wolfi', version: '20230201' });
    expect(result.packages.filter((pkg) => pkg.type === 'apk').map((pkg) => `${pkg.name} ${pkg.version} ${pkg.source?.name ?? ''}`).sort()).toEqual(['busybox 1.36.1-r7 busybox', 'libcrypto3 3.3.2-r0 openssl', 'libssl3 3.3.2-r0 openssl']);
    expect(result.warnings ?? []).toEqual([]);
    expect(summary(result)).toEqual(['CVE-2099-4001 libcrypto3 Wolfi openssl 3.3.2-r1', 'CVE-2099-4001 libssl3 Wolfi openssl 3.3.2-r1']);
  }, 120_000);

  it('a Chainguard image takes Chainguard advisories, never Wolfi\'s', async () => {
    const result = await scan(await image('chainguard', CHAINGUARD));
    expect(result.warnings ?? []).toEqual([]);
    expect(summary(result)).toEqual(['CVE-2099-4002 libcrypto3 Chainguard openssl 3.3.2-r2', 'CVE-2099-4002 libssl3 Chainguard openssl 3.3.2-r2']);
  }, 120_000);

  it('warns, naming the download, when the database has none of the distribution\'s advisories', async () => {
    const almaOnly = path.join(work, 'alma-only.db');
    const imported = await runTollgate(['db', 'import', path.join(REPO_ROOT, 'test/data/osv/almalinux'), '--db', almaOnly]);
    expect(imported.code, imported.stderr).toBe(0);
    const result = await scan(await image('wolfi-no-data', WOLFI), almaOnly);
    expect(result.findings).toEqual([]);
    expect(result.warnings).toEqual(['no advisories for wolfi 20230201 in the database — 3 apk packages not matched: it holds no Wolfi advisories; download them with: tollgate db update --ecosystem "Wolfi"']);
  }, 120_000);
});
