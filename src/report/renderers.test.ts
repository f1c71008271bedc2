import { readFileSync } from 'node:fs';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import AjvDraft04 from 'ajv-draft-04';
import { createRequire } from 'node:module';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { aggregateVerdicts, evaluateImageGate } from '../gate/evaluate.js';
import { emptyGateConfig } from '../gate/gate-config.js';
import { finding, pkg, sampleScan, scanOf } from '../../test/support/scan-fixtures.js';
import { getRenderer, RENDERERS } from './list.js';
import type { ImageReport } from './renderer.js';

function gatedReport(): ImageReport {
  const scan = sampleScan();
  const gate = { ...emptyGateConfig(), failOn: 'CRITICAL' as const, severityLimits: { HIGH: 5 } };
  return { scans: [scan], verdict: aggregateVerdicts([evaluateImageGate(scan, gate, '2026-01-01')]) };
}

const render = async (format: string, report: ImageReport, options = {}): Promise<string> => (await getRenderer(format, 'image')).renderImage?.(report, { color: false, ...options }) ?? '';

describe('json', () => {
  it('is the scan result plus the verdict, valid against the published schema', async () => {
    const ajv = new Ajv2020.default({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(new URL('../../docs/schema/scan-result.schema.json', import.meta.url), 'utf8')) as object);
    const document = JSON.parse(await render('json', gatedReport())) as Record<string, unknown>;
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    expect((document.verdict as { passed: boolean }).passed).toBe(false);
  });
});

describe('cyclonedx', () => {
  it('is a valid CycloneDX 1.6 document whose vulnerabilities point at package components', async () => {
    const text = await render('cyclonedx', gatedReport());
    const errors = await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(text);
    expect(errors).toBeNull();
    const bom = JSON.parse(text) as { components: { 'bom-ref': string; type: string; name: string; version: string; purl?: string }[]; vulnerabilities: { id: string; affects: { ref: string }[] }[]; metadata: { component: { type: string }; properties: { name: string; value: string }[] } };
    expect(bom.metadata.component.type).toBe('container');
    // The packages, and the OS as an operating-system component (as Trivy and Syft write it).
    expect(bom.components).toHaveLength(5);
    expect(bom.components.filter((c) => c.type === 'operating-system').map((c) => `${c.name} ${c.version}`)).toEqual(['debian 12']);
    expect(bom.components.filter((c) => c.type !== 'operating-system').every((c) => c.purl?.startsWith('pkg:'))).toBe(true);
    const refs = new Set(bom.components.map((c) => c['bom-ref']));
    expect(bom.vulnerabilities).toHaveLength(6);
    expect(bom.vulnerabilities.every((v) => v.affects.every((a) => refs.has(a.ref)))).toBe(true);
    expect(bom.metadata.properties).toContainEqual({ name: 'tollgate:gate:passed', value: 'false' });
  });

  it('nests each image’s packages when several images are scanned, keeping bom-refs unique', async () => {
    const a = sampleScan();
    const b = { ...sampleScan(), image: { ...sampleScan().image, reference: 'oci:/other', repoTags: ['other:2'] } };
    const text = await render('cyclonedx', { scans: [a, b] });
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(text)).toBeNull();
    const bom = JSON.parse(text) as { components: { components: unknown[] }[]; vulnerabilities: unknown[] };
    expect(bom.components.map((c) => c.components.length)).toEqual([5, 5]);
    expect(bom.vulnerabilities).toHaveLength(12);
  });
});

describe('junit', () => {
  it('has a failed test case per violated criterion and skips what is not configured', async () => {
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(await render('junit', gatedReport())) as { testsuites: { testsuite: { '@failures': string; testcase: { '@name': string; failure?: { '#text': string }; skipped?: unknown }[] } } };
    const suite = parsed.testsuites.testsuite;
    expect(suite['@failures']).toBe('1');
    const failed = suite.testcase.filter((c) => c.failure);
    expect(failed.map((c) => c['@name'])).toEqual(['Findings at or above a severity >= CRITICAL']);
    expect(failed[0]?.failure?.['#text']).toContain('CVE-2021-44906 CRITICAL minimist 1.2.5 (fixed in 1.2.6)');
    const high = suite.testcase.find((c) => c['@name'] === 'HIGH findings > 5');
    expect(high && !high.failure && !high.skipped).toBe(true);
    expect(suite.testcase.filter((c) => c.skipped).length).toBeGreaterThan(3);
  });
});

describe('sarif', () => {
  it('has one rule per advisory and one result per finding, flags the gate-violating ones', async () => {
    const log = JSON.parse(await render('sarif', gatedReport())) as { version: string; runs: { tool: { driver: { rules: { id: string; properties: Record<string, unknown> }[] } }; results: { ruleId: string; level: string; properties: { violatesGate: boolean }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run?.tool.driver.rules.map((r) => r.id).sort()).toEqual(['CVE-2016-2781', 'CVE-2020-8203', 'CVE-2021-23337', 'CVE-2021-44906', 'CVE-2023-5678', 'CVE-2025-0001']);
    expect(run?.tool.driver.rules.find((r) => r.id === 'CVE-2021-44906')?.properties['security-severity']).toBe('9.8');
    expect(run?.results.filter((r) => r.properties.violatesGate).map((r) => r.ruleId)).toEqual(['CVE-2021-44906']);
    expect(run?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('app/node_modules/minimist/package.json');
  });

  it('is valid against the SARIF 2.1.0 JSON schema', async () => {
    // The published schema (draft-04), as shipped in @microsoft/jest-sarif.
    const schemaFile = createRequire(import.meta.url).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats.default(ajv as unknown as Parameters<typeof addFormats.default>[0]);
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
    for (const report of [gatedReport(), { scans: [sampleScan(), sampleScan()] }]) {
      const valid = validate(JSON.parse(await render('sarif', report)));
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }
  });

  it('filters by its own severity list without touching the verdict', async () => {
    const report = gatedReport();
    const log = JSON.parse(await render('sarif', report, { severities: ['LOW', 'NEGLIGIBLE'] })) as { runs: { results: { ruleId: string }[] }[] };
    expect(log.runs[0]?.results.map((r) => r.ruleId)).toEqual(['CVE-2016-2781']);
    expect(report.verdict?.passed).toBe(false);
  });
});

describe('markdown', () => {
  it('summarises the verdict and escapes table cells', async () => {
    const evil = pkg({ name: 'a|b<script>', version: '1.0.0' });
    const scan = scanOf([evil], [finding('CVE-2024-0001', evil, { severity: 'HIGH', title: 't' })]);
    const report = { scans: [scan], verdict: aggregateVerdicts([evaluateImageGate(scan, { ...emptyGateConfig(), failOn: 'HIGH' }, '2026-01-01')]) };
    const text = await render('markdown', report);
    expect(text).toContain('## Tollgate image gate: ❌ failed');
    expect(text).toContain('| CVE-2024-0001 | HIGH | a\\|b&lt;script&gt; | 1.0.0 |');
    expect(text).not.toContain('<script>');
  });
});

describe('html', () => {
  it('is complete without styles or scripts: all five sections, anchor navigation, no style attributes, no fetches', async () => {
    const html = await render('html', gatedReport());
    for (const id of ['summary', 'statistics', 'vulnerabilities', 'software', 'layers']) {
      expect(html).toContain(`<section id="${id}">`);
      expect(html).toContain(`<a href="#${id}">`);
    }
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toMatch(/\s(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(/);
    expect(html).toContain('<svg');
    expect(html).toContain('FAILED');
  });

  it('escapes hostile data from images and advisories', async () => {
    const evil = pkg({ name: '<img src=x onerror=alert(1)>', version: '"><script>alert(2)</script>' });
    const scan = scanOf([evil], [finding('CVE-2024-0002', evil, { severity: 'LOW', title: '</table><script>alert(3)</script>' })]);
    const html = await render('html', { scans: [scan] });
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it('gives every image its own section ids when several are scanned', async () => {
    const html = await render('html', { scans: [sampleScan(), sampleScan()] });
    expect(html).toContain('<section id="image-0-summary">');
    expect(html).toContain('<section id="image-1-layers">');
  });
});

describe('table', () => {
  it('has no colour codes unless asked, and lists the worst findings first', async () => {
    const text = await render('table', gatedReport());
    const ansi = new RegExp(`${String.fromCharCode(27)}\\[`);
    expect(text).not.toMatch(ansi);
    expect(text.indexOf('CVE-2021-44906')).toBeLessThan(text.indexOf('CVE-2016-2781'));
    expect(await render('table', gatedReport(), { color: true })).toMatch(ansi);
  });
});

describe('what a scan could not judge', () => {
  const unsupported = 'unsupported OS: fedora 41 — 412 rpm packages not matched against any advisory database (rpm packages are matched on almalinux, rocky only)';
  const eolWarning = 'debian 10 (buster) reached end of life on 2024-06-30; its advisories are no longer updated, so vulnerabilities found since may be missing from this scan';
  const report = (): ImageReport => {
    const scan = sampleScan();
    const old = { ...scan, os: { family: 'debian', version: '10', codename: 'buster', prettyName: 'Debian GNU/Linux 10 (buster)', endOfLife: { date: '2024-06-30' } }, warnings: [eolWarning, unsupported] };
    return { scans: [old], verdict: aggregateVerdicts([evaluateImageGate(old, emptyGateConfig(), '2026-01-01')]) };
  };

  it('every image report flags an end-of-life release with its date and carries the scan’s warnings', async () => {
    const formats = RENDERERS.filter((entry) => entry.kinds.includes('image')).map((entry) => entry.id);
    expect(formats.length).toBeGreaterThanOrEqual(7);
    for (const format of formats) {
      const text = await render(format, report());
      expect(text, format).toContain('2024-06-30');
      expect(text, format).toContain('unsupported OS: fedora 41 — 412 rpm packages not matched');
    }
  });

  it('the table and the markdown name the OS with its end of life beside it', async () => {
    expect(await render('table', report())).toContain('Debian GNU/Linux 10 (buster) (end of life since 2024-06-30)');
    // Markdown escapes the parentheses of data (they could close a link); they render as written.
    expect(await render('markdown', report())).toContain('OS: Debian GNU/Linux 10 \\(buster\\) \\(end of life since 2024-06-30\\) ⚠️');
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(await render('junit', report())) as { testsuites: { testsuite: { properties: { property: { '@name': string; '@value': string }[] }; 'system-err': string } } };
    expect(junit.testsuites.testsuite.properties.property).toContainEqual({ '@name': 'os.endOfLife', '@value': '2024-06-30' });
    expect(junit.testsuites.testsuite['system-err']).toContain(`warning: ${unsupported}`);
  });

  it('SARIF and CycloneDX stay valid against their schemas with the notes added', async () => {
    const schemaFile = createRequire(import.meta.url).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats.default(ajv as unknown as Parameters<typeof addFormats.default>[0]);
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
    const sarif = JSON.parse(await render('sarif', report())) as { runs: { invocations: { toolExecutionNotifications: { message: { text: string } }[] }[] }[] };
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    expect(sarif.runs[0]?.invocations[0]?.toolExecutionNotifications.map((n) => n.message.text)).toEqual([`example/app:1: ${eolWarning}`, `example/app:1: ${unsupported}`]);
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(await render('cyclonedx', report()))).toBeNull();
  });
});

describe('sarif for an SBOM scan', () => {
  it('names the SBOM as the artifact of a package the SBOM gives no file for', async () => {
    const scan = sampleScan();
    const located = { ...scan, image: { ...scan.image, reference: 'sbom:/work/app.cdx.json', source: 'sbom' as const }, findings: scan.findings.map((f) => ({ ...f, package: { ...f.package, location: '' } })) };
    const sarif = JSON.parse(await render('sarif', { scans: [located] })) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(new Set(sarif.runs[0]?.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri))).toEqual(new Set(['work/app.cdx.json']));
  });
});
