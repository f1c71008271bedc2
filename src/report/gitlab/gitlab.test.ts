/**
 * The GitLab container-scanning report against GitLab's published JSON schema (kept beside this
 * test, with its licence): a real scan's findings, several images, and hostile advisory data
 * (fast-check) all give a document GitLab accepts; vectors and links the format would reject are
 * left out instead of failing the whole report.
 */
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cvss, finding, pkg, sampleScan, scanOf } from '../../../test/support/scan-fixtures.js';
import type { ImageReport } from '../renderer.js';
import { acceptedVector, gitlabRenderer, reportTime } from './index.js';

const schema = JSON.parse(readFileSync(new URL('./testdata/container-scanning-report-format.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv.default({ allErrors: true, strict: false }).compile(schema);

interface GitlabReport {
  version: string;
  scan: { type: string; start_time: string; end_time: string; messages?: { level: string; value: string }[] };
  vulnerabilities: { id: string; name: string; severity: string; solution?: string; identifiers: { type: string; value: string }[]; cvss_vectors?: { vector: string }[]; links?: { url: string }[]; location: { image: string; operating_system: string; dependency: { package: { name: string }; version: string } } }[];
}

function render(report: ImageReport): { text: string; document: GitlabReport } {
  const text = gitlabRenderer.renderImage?.(report, { color: false }) ?? '';
  return { text, document: JSON.parse(text) as GitlabReport };
}

describe('the GitLab container-scanning report', () => {
  it('validates against the published schema and carries each finding with image, OS, package and severity', () => {
    const scan = sampleScan();
    const { document } = render({ scans: [scan] });
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    expect(document.version).toBe('15.0.7');
    expect(document.scan.type).toBe('container_scanning');
    expect(document.vulnerabilities).toHaveLength(scan.findings.length);
    const minimist = document.vulnerabilities.find((v) => v.identifiers[0]?.value === 'CVE-2021-44906');
    expect(minimist?.severity).toBe('Critical');
    expect(minimist?.location.dependency).toEqual({ package: { name: 'minimist' }, version: '1.2.5' });
    expect(minimist?.location.image).toBe(scan.image.repoTags[0]);
    expect(minimist?.location.operating_system).toBe('Debian GNU/Linux 12 (bookworm)');
    expect(minimist?.solution).toBe('Upgrade minimist to 1.2.6.');
    expect(new Set(document.vulnerabilities.map((v) => v.id)).size).toBe(document.vulnerabilities.length);
  });

  it('gives the same vulnerability the same id on every run, and another image another id', () => {
    const a = sampleScan();
    const b = { ...sampleScan(), image: { ...sampleScan().image, reference: 'oci:/other', repoTags: ['other:2'] } };
    const once = render({ scans: [a] }).document.vulnerabilities.map((v) => v.id);
    const again = render({ scans: [a, b] }).document;
    expect(validate(again), JSON.stringify(validate.errors)).toBe(true);
    expect(again.vulnerabilities.slice(0, once.length).map((v) => v.id)).toEqual(once);
    expect(again.vulnerabilities.slice(once.length).some((v) => once.includes(v.id))).toBe(false);
  });

  it('keeps CVSS vectors of versions 2, 3.x and 4.0 and drops a vector the format would reject', () => {
    expect(acceptedVector('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBe(true);
    expect(acceptedVector('AV:N/AC:L/Au:N/C:P/I:P/A:P')).toBe(true);
    expect(acceptedVector('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toBe(true);
    expect(acceptedVector('CVSS:3.1/AV:N/AC:L<script>')).toBe(false);
    const lib = pkg({ name: 'lib', version: '1' });
    const odd = { ...cvss('3.1', 9.8), vector: 'CVSS:3.1/garbage' };
    const { document } = render({ scans: [scanOf([lib], [finding('CVE-2024-1', lib, { severity: 'CRITICAL', cvssScores: [odd, cvss('3.1', 9.8)], references: ['javascript:alert(1)', 'https://example.com/a'] })])] });
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    expect(document.vulnerabilities[0]?.cvss_vectors?.map((v) => v.vector)).toEqual(['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H']);
    expect(document.vulnerabilities[0]?.links).toEqual([{ url: 'https://example.com/a' }]);
  });

  it('writes the scan times in the format’s UTC form and scan warnings as messages', () => {
    expect(reportTime('2026-12-03T03:10:53.123Z')).toBe('2026-12-03T03:10:53');
    expect(reportTime('not a date')).toBe('1970-01-01T00:00:00');
    const scan = { ...sampleScan(), warnings: ['debian 9 is past its end of life'] };
    const { document } = render({ scans: [scan] });
    expect(document.scan.messages).toEqual([{ level: 'warn', value: `${scan.image.repoTags[0]}: debian 9 is past its end of life` }]);
  });

  it('names an advisory whose every id is blank after its package, so the report stays valid (found by the property below)', () => {
    const lib = pkg({ name: 'libx', version: '1.0' });
    const blank = scanOf([lib, pkg({ name: '', version: '' })], [finding('\t', lib, { severity: 'HIGH', aliases: [''] }), finding(' ', pkg({ name: '', version: '' }), { severity: 'LOW', aliases: [] })]);
    const { document } = render({ scans: [blank] });
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    expect(document.vulnerabilities.map((vulnerability: { identifiers: { value: string }[] }) => vulnerability.identifiers.map((identifier) => identifier.value))).toEqual([['unidentified:libx@1.0'], ['unidentified']]);
  });

  it('is valid for any advisory text an attacker controls (property)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 300 });
    fc.assert(
      fc.property(fc.record({ id: text, alias: text, title: text, description: text, reference: text, name: text, version: text, vector: text, tag: text, os: text, warning: text }), (data) => {
        const lib = pkg({ name: data.name, version: data.version });
        const scan = scanOf([lib], [finding(data.id || 'X', lib, { severity: 'HIGH', aliases: [data.alias], title: data.title, description: data.description, references: [data.reference], cvssScores: [{ ...cvss('3.1', 7), vector: data.vector, source: data.os }] })], { repoTags: [data.tag] });
        scan.os = { family: 'debian', version: '12', prettyName: data.os };
        scan.warnings = [data.warning];
        const { document } = render({ scans: [scan] });
        expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
