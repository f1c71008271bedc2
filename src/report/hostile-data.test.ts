/* eslint-disable no-control-regex -- the tests look for control characters on purpose */
/**
 * Every renderer fed data an attacker controls (package names and versions, advisory ids, titles,
 * descriptions and references, image tags, OS names, control titles and evidence): fast-check
 * strings drawn from control characters, bidi overrides, lone surrogates, XML-forbidden code
 * points, HTML and Markdown syntax. Proven for each output: the terminal table carries no control
 * character of the data's, every XML report is well-formed to libxml2's strict parser, and the
 * Markdown report and SARIF's help.markdown carry no `<` of the data's and no link but http(s), and
 * the compliance HTML report no element of the data's and no reference link but http(s).
 */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateVerdicts, evaluateImageGate } from '../gate/evaluate.js';
import { evaluateComplianceGate } from '../gate/compliance-gate.js';
import { emptyGateConfig } from '../gate/gate-config.js';
import type { ComplianceResult } from '../model/compliance-result.js';
import { finding, pkg, scanOf } from '../../test/support/scan-fixtures.js';
import { getRenderer } from './list.js';
import type { ComplianceReport, ImageReport } from './renderer.js';

const HOSTILE_PIECES = ['\u001b]0;owned\u0007', '\u001b[2J', '\u001b[31m', '\u009b', '\u0000', '\u0001', '\u0007', '\u007f', '\r', '\n', '\t', '\u202e', '\u2066', '\u2028', '\ud800', '\udfff', '\ufffe', '\uffff', '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '[click](javascript:alert(1))', '![x](javascript:alert(1))', '<javascript:alert(1)>', '](<javascript:x>)', '&lt;', '`', '|', '\\', '*', '_', '#', '"', "'", ']]>', '&', 'data:text/html,x', 'https://example.com/a b', 'café', '😀'];

/** Strings of hostile pieces and arbitrary UTF-16 code units, lone surrogates included. */
const hostileText = fc.array(fc.oneof(fc.constantFrom(...HOSTILE_PIECES), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 6 })), { maxLength: 6 }).map((pieces) => pieces.join(''));

const hostileFields = fc.record({ name: hostileText, version: hostileText, id: hostileText, title: hostileText, description: hostileText, reference: hostileText, tag: hostileText, prettyName: hostileText, warning: hostileText });
type HostileFields = typeof hostileFields extends fc.Arbitrary<infer T> ? T : never;

function imageReport(data: HostileFields): ImageReport {
  const evil = pkg({ name: data.name || 'x', version: data.version || '1' });
  const scan = scanOf([evil], [finding(data.id || 'CVE-1', evil, { severity: 'HIGH', title: data.title, description: data.description, references: [data.reference, 'https://ok.example/advisory'], fixedVersions: [data.version] })], { repoTags: [data.tag] });
  scan.os = { family: 'debian', version: '12', prettyName: data.prettyName };
  scan.warnings = [data.warning];
  const gate = { ...emptyGateConfig(), failOn: 'HIGH' as const };
  return { scans: [scan], verdict: aggregateVerdicts([evaluateImageGate(scan, gate, '2026-01-01')]) };
}

function complianceReport(data: HostileFields): ComplianceReport {
  const evidence = [{ value: data.description, file: data.reference, line: 3 }];
  const result: ComplianceResult = {
    schemaVersion: 1,
    kind: 'compliance',
    scan: { id: 'scan-1', name: data.tag, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 10, tool: { name: 'tollgate', version: '0.0.0-test' } },
    target: { name: data.name, kind: 'dir', os: { family: 'debian', version: '12', prettyName: data.prettyName } },
    authentication: { status: 'not-required' },
    policies: [
      {
        id: data.id,
        title: data.title,
        version: '1',
        origin: 'test',
        applicable: true,
        totals: { passed: 0, failed: 1, error: 1, exception: 0, notApplicable: 0 },
        controls: [
          { cid: data.id, title: data.title, policy: data.id, criticality: 'CRITICAL', statement: data.description, state: 'FAIL', message: data.warning, unexpected: evidence, missing: [], observed: [], references: [data.reference, data.title, 'https://ok.example/rule'], referenceLinks: [{ url: data.reference, labels: [data.title] }] },
          { cid: `${data.id}-2`, title: data.version, policy: data.id, criticality: 'SERIOUS', statement: '', state: 'ERROR', message: data.warning, unexpected: [], missing: evidence, observed: [] },
        ],
      },
    ],
    expiredExceptions: [],
    warnings: [data.warning],
  };
  return { result, verdict: evaluateComplianceGate(result) };
}

async function renderImage(format: string, report: ImageReport): Promise<string> {
  return (await getRenderer(format, 'image')).renderImage?.(report, { color: true, width: 120 }) ?? '';
}

async function renderCompliance(format: string, report: ComplianceReport): Promise<string> {
  return (await getRenderer(format, 'compliance')).renderCompliance?.(report, { color: true, width: 120 }) ?? '';
}

/** libxml2's verdict on a document: undefined when well-formed, else its complaint. */
function xmllintProblem(xml: string): string | undefined {
  const run = spawnSync('xmllint', ['--noout', '-'], { input: xml, encoding: 'utf8' });
  if (run.error) throw run.error;
  return run.status === 0 ? undefined : run.stderr;
}

// The renderers' own colour codes are SGR sequences (ESC [ digits m); anything else is the data's.
const FOREIGN_CONTROL = /(?!\u001b\[[0-9;]*m)[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;

/** `<` that is not the start of a link destination the renderer wrote itself (`](<https://…>)`). */
function foreignAngle(markdown: string): boolean {
  return markdown.replace(/\]\(<https?:\/\/[^<>\s]*>\)/g, '').includes('<');
}

/** Every `](` that opens a link whose destination is not http(s). */
function nonHttpLinks(markdown: string): string[] {
  return [...markdown.matchAll(/(?<!\\)\]\((?!<https?:\/\/)([^)]*)/g)].map((match) => match[0]);
}

const RUNS = { numRuns: 60 };

describe('renderers fed hostile data', () => {
  it('the table writes no control character of the data to the terminal, and no line of its own', async () => {
    await fc.assert(
      fc.asyncProperty(hostileFields, async (data) => {
        const image = await renderImage('table', imageReport(data));
        const compliance = await renderCompliance('table', complianceReport(data));
        expect(image).not.toMatch(FOREIGN_CONTROL);
        expect(compliance).not.toMatch(FOREIGN_CONTROL);
        // One line per warning: the warning's own line breaks are escaped.
        expect(image.split('\n').filter((line) => line.includes('warning:'))).toHaveLength(1);
      }),
      RUNS,
    );
  });

  it('JUnit XML is well-formed XML 1.0 to libxml2 for images and compliance scans', async () => {
    await fc.assert(
      fc.asyncProperty(hostileFields, async (data) => {
        expect(xmllintProblem(await renderImage('junit', imageReport(data)))).toBeUndefined();
        expect(xmllintProblem(await renderCompliance('junit', complianceReport(data)))).toBeUndefined();
      }),
      { numRuns: 40 },
    );
  });

  it('XML-forbidden characters are shown as escapes, and everything else survives a parse unchanged', async () => {
    const data = { name: 'n', version: '1', id: 'CVE-1', title: 't', description: 'd', reference: 'r', tag: 'app\u0001\u001b[2J\ud800\uffff<&>"\'😀:1', prettyName: 'p', warning: 'w' };
    const xml = await renderImage('junit', imageReport(data));
    expect(xmllintProblem(xml)).toBeUndefined();
    expect(xml).toContain('app\\x01\\x1b[2J\\u{d800}\\u{ffff}&lt;&amp;&gt;');
    expect(xml).toContain('😀:1');
  });

  it('the Markdown report and SARIF help.markdown carry no HTML of the data and no link but http(s)', async () => {
    await fc.assert(
      fc.asyncProperty(hostileFields, async (data) => {
        const markdown = [await renderImage('markdown', imageReport(data)), await renderCompliance('markdown', complianceReport(data))];
        const sarif = JSON.parse(await renderImage('sarif', imageReport(data))) as { runs: { tool: { driver: { rules: { helpUri?: string; help: { markdown: string } }[] } } }[] };
        const rules = sarif.runs[0]?.tool.driver.rules ?? [];
        markdown.push(...rules.map((rule) => rule.help.markdown));
        for (const text of markdown) {
          expect(foreignAngle(text), text).toBe(false);
          expect(nonHttpLinks(text), text).toEqual([]);
          expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u);
        }
        for (const rule of rules) if (rule.helpUri !== undefined) expect(rule.helpUri).toMatch(/^https?:\/\//);
      }),
      RUNS,
    );
  });

  it('the compliance HTML report carries no element of the data and links references only to http(s)', async () => {
    const benign = await renderCompliance('html', complianceReport({ name: 'n', version: '1', id: 'TG-1', title: 't', description: 'd', reference: 'https://ok.example/a', tag: 't', prettyName: 'p', warning: 'w' }));
    const elements = (html: string): string[] => [...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((match) => match[1] as string);
    const ownElements = new Set(elements(benign));
    await fc.assert(
      fc.asyncProperty(hostileFields, async (data) => {
        const html = await renderCompliance('html', complianceReport(data));
        expect(elements(html).filter((name) => !ownElements.has(name))).toEqual([]);
        expect(html.match(/<script/g)).toHaveLength(benign.match(/<script/g)?.length ?? 0);
        for (const [, href] of html.matchAll(/\shref="([^"]*)"/g)) expect(href).toMatch(/^(#|https?:\/\/)/);
        expect(html).toContain('<a href="https://ok.example/rule" rel="noopener noreferrer">https://ok.example/rule</a>');
      }),
      { numRuns: 40 },
    );
  });

  it('an advisory with a script, an onerror image and a javascript: link renders them as text', async () => {
    const data = { name: 'pkg', version: '1', id: 'CVE-2', title: '<script>alert(1)</script> [x](javascript:alert(1))', description: '<img src=x onerror=alert(1)>', reference: 'javascript:alert(1)', tag: 't', prettyName: 'p', warning: 'w' };
    const sarif = JSON.parse(await renderImage('sarif', imageReport(data))) as { runs: { tool: { driver: { rules: { helpUri?: string; help: { markdown: string } }[] } } }[] };
    const rule = sarif.runs[0]?.tool.driver.rules[0];
    expect(rule?.helpUri).toBe('https://ok.example/advisory');
    expect(rule?.help.markdown).toContain('&lt;script&gt;alert\\(1\\)&lt;/script&gt; \\[x\\]\\(javascript:alert\\(1\\)\\)');
    expect(rule?.help.markdown).toContain('[https://ok.example/advisory](<https://ok.example/advisory>)');
    expect(rule?.help.markdown).not.toContain('](javascript');
  });
});
