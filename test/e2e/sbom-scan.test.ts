/**
 * `sbom:<file>` through the built CLI: the CycloneDX Tollgate writes for a real image, scanned
 * again as an SBOM, gives the same packages and the same findings, and the same gate verdict; the
 * same holds for the image with Python packages held twice. Hand-written XML and SPDX documents are
 * scanned with their unmatched components named in the table, and a hostile document is exit 3.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/image-scan.js';
import { runTollgate } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixture-cache.js';
import { ensureBookwormImage } from '../support/images.js';
import { ensurePythonOwnedImage } from '../support/python-owned-image.js';

let work: string;
let db: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-sbom-e2e-'));
  db = path.join(work, 'vuln.db');
  const osv = ['npm', 'debian', 'pypi'].map((folder) => path.join(REPO_ROOT, 'test/data/osv', folder));
  const imported = await runTollgate(['db', 'import', ...osv, '--db', db]);
  expect(imported.code, imported.stderr).toBe(0);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function scanJson(reference: string, ...flags: string[]): Promise<ScanResult> {
  const result = await runTollgate(['image', 'scan', reference, ...flags, '--db', db, '--format', 'json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ScanResult;
}

/** What a finding is, independent of how the image was read. */
const findingKeys = (scan: ScanResult) => scan.findings.map((f) => `${f.id} ${f.package.purl} ${f.package.location} #${f.package.layer?.index} ${f.severity} fixed:${f.fixedVersions.join(',')} via ${f.advisoryIds.join(',')}`).sort();
const packageKeys = (scan: ScanResult) => scan.packages.map((p) => JSON.stringify(Object.fromEntries(Object.entries(p).sort()))).sort();

describe('Tollgate’s own CycloneDX, scanned again as sbom:', () => {
  for (const [name, image] of [
    ['the bookworm image', async () => (await ensureBookwormImage()).ociReference],
    ['the image with Python held by dpkg and a virtualenv', async () => (await ensurePythonOwnedImage()).ociReference],
  ] as const) {
    it(`${name}: a valid CycloneDX 1.6 document that gives the same packages, OS and findings`, async () => {
      const reference = await image();
      const output = path.join(work, `${name.replace(/\W+/g, '-')}.cdx.json`);
      const written = await runTollgate(['image', 'scan', reference, '--db', db, '--format', 'cyclonedx', '--output', output]);
      expect(written.code, written.stderr).toBe(0);
      expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(await readFile(output, 'utf8'))).toBeNull();
      const direct = await scanJson(reference);
      const again = await scanJson(`sbom:${output}`);
      expect(again.image).toMatchObject({ source: 'sbom', reference: `sbom:${output}`, id: direct.image.id });
      expect(again.os).toEqual(direct.os);
      expect(packageKeys(again)).toEqual(packageKeys(direct));
      expect(findingKeys(again).length).toBeGreaterThan(0);
      expect(findingKeys(again)).toEqual(findingKeys(direct));
      expect(again.summary).toEqual(direct.summary);
    });
  }

  it('the gate decides the same: exit 1 on the same criterion', async () => {
    const reference = (await ensureBookwormImage()).ociReference;
    const output = path.join(work, 'gate.cdx.json');
    expect((await runTollgate(['image', 'scan', reference, '--db', db, '--format', 'cyclonedx', '--output', output])).code).toBe(0);
    const direct = await runTollgate(['image', 'scan', reference, '--db', db, '--fail-on', 'CRITICAL', '--quiet']);
    const again = await runTollgate(['image', 'scan', `sbom:${output}`, '--db', db, '--fail-on', 'CRITICAL', '--quiet']);
    expect(direct.code).toBe(1);
    expect(again.code).toBe(1);
  });
});

describe('other SBOMs', () => {
  it('CycloneDX XML and SPDX JSON are scanned; what cannot be matched is named in the table', async () => {
    const testdata = (name: string) => path.join(REPO_ROOT, 'src/image/sbom/testdata', name);
    const xml = await runTollgate(['image', 'scan', `sbom:${testdata('trivy.cdx.xml')}`, '--db', db]);
    expect(xml.code, xml.stderr).toBe(0);
    expect(xml.stdout).toContain('alpine 3.19.1');
    const spdx = await runTollgate(['image', 'scan', `sbom:${testdata('syft.spdx.json')}`, '--db', db, '--format', 'json']);
    expect(spdx.code, spdx.stderr).toBe(0);
    const result = JSON.parse(spdx.stdout) as ScanResult;
    // minimist 1.2.5 has a published advisory in the test database.
    expect(result.findings.map((f) => `${f.id} ${f.package.name}`)).toContain('CVE-2021-44906 minimist');
    expect(result.warnings).toContain('1 component (a-file-without-purl@1) without a package URL (purl): not matched against any advisory database');
    const nested = await runTollgate(['image', 'scan', `sbom:${testdata('nested.cdx.json')}`, '--db', db]);
    expect(nested.code, nested.stderr).toBe(0);
    expect(nested.stdout).toContain('warning: unsupported package type: generic — 1 component (commons-text@1.9) not matched');
  });

  it('a hostile or unreadable SBOM is exit 3 with a message naming the file; a missing one too', async () => {
    const bomb = path.join(work, 'bomb.xml');
    await writeFile(bomb, '<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component><name>&b;</name></component></components></bom>');
    const refused = await runTollgate(['image', 'scan', `sbom:${bomb}`, '--db', db]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(bomb);
    expect(refused.stderr).toMatch(/document type or entities/);
    const missing = await runTollgate(['image', 'scan', `sbom:${path.join(work, 'missing.json')}`, '--db', db]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/cannot open SBOM .*missing\.json/);
  });
});
