import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { buildGateConfig, parseGateFile } from './gate-file.js';

describe('software specs in conditions', () => {
  it('refuses a software spec whose version no ecosystem can read', () => {
    expect(() => buildGateConfig({ failSoftware: ['openssl<not a version!'] })).toThrow(/cannot read|is not a version/);
  });
});

describe('the gate file and flags', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tollgate-gate-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every condition and exclusion, with paths relative to the file', async () => {
    await writeFile(path.join(dir, 'ignore.yaml'), 'ignore:\n  - id: CVE-2016-2781\n    reason: upstream\n');
    const config = parseGateFile(
      [
        'fail:',
        '  on: 4',
        '  severity: { CRITICAL: 0, medium: 10 }',
        '  ids: [CVE-2024-*]',
        '  cvss:',
        '    - { version: 3, threshold: 9.0 }',
        '    - max:7.5',
        '  software: ["minimist"]',
        '  fixable-only: true',
        'exclude:',
        '  ids: CVE-2023-0001',
        '  paths: ["/usr/share/**"]',
        'ignore-file: ignore.yaml',
      ].join('\n'),
      path.join(dir, 'gate.yaml'),
    );
    expect(config).toMatchObject({
      failOn: 'HIGH',
      severityLimits: { CRITICAL: 0, MEDIUM: 10 },
      vulnerabilityIds: ['CVE-2024-*'],
      cvss: [{ version: '3', threshold: 9 }, { version: 'max', threshold: 7.5 }],
      fixableOnly: true,
      exclude: { ids: ['CVE-2023-0001'], paths: ['/usr/share/**'] },
    });
    expect(config.software.map((s) => s.text)).toEqual(['minimist']);
    expect(config.ignoreEntries).toHaveLength(1);
  });

  it.each([
    ['fail:\n  on: SEVERE\n', /g\.yaml:2: fail\.on: "SEVERE" is not a severity/],
    ['fail:\n  severity: { HIGH: -1 }\n', /g\.yaml:2: fail\.severity\.HIGH: the limit must be a whole number/],
    ['fail:\n  cvss: [{ version: 5, threshold: 7 }]\n', /fail\.cvss\.0: CVSS version must be 2, 3, 4 or max/],
    ['fail:\n  cvss: ["3:11"]\n', /CVSS threshold must be between 0 and 10/],
    ['fail:\n  software: ["openssl<<3"]\n', /cannot read/],
    ['fail:\n  onn: HIGH\n', /unknown key "onn"/],
    ['failure: {}\n', /unknown key "failure"/],
    ['vex: [missing.json]\n', /cannot read VEX document/],
    ['ignore-file: missing.yaml\n', /cannot read ignore file/],
  ])('refuses a bad gate file: %j', (text, message) => {
    expect(() => parseGateFile(text, path.join(dir, 'g.yaml'))).toThrow(message);
  });

  it('flags add to the file and override its scalars', async () => {
    const file = path.join(dir, 'flags.yaml');
    await writeFile(file, 'fail:\n  on: CRITICAL\n  ids: [CVE-1]\n');
    const config = buildGateConfig({ gate: file, failOn: 'MEDIUM', failId: ['CVE-2,CVE-3'], failSeverity: ['HIGH=2,LOW:0'], failCvss: ['v3:8'], excludeId: ['CVE-9'] });
    expect(config).toMatchObject({ failOn: 'MEDIUM', vulnerabilityIds: ['CVE-1', 'CVE-2', 'CVE-3'], severityLimits: { HIGH: 2, LOW: 0 }, cvss: [{ version: '3', threshold: 8 }], exclude: { ids: ['CVE-9'] } });
    expect(() => buildGateConfig({ failSeverity: ['HIGH>2'] })).toThrow(/is not a severity limit/);
    expect(() => buildGateConfig({ ignoreFile: path.join(dir, 'nope.yaml') })).toThrow(UsageError);
  });

  it.each([
    ['- a list\n', /^g\.yaml:1: the gate file must be a mapping$/],
    ['fail: HIGH\n', /^g\.yaml:1: fail: expected a mapping$/],
    ['fail:\n  severity: { High: 1 }\n', /^g\.yaml:2: fail\.severity\.High: unknown key "High" \(known: .*CRITICAL, HIGH, /],
    ['fail:\n  fixable-only: yes\n', /^g\.yaml:2: fail\.fixable-only: must be true or false$/],
    ['fail:\n  ids: [CVE-1, [CVE-2]]\n', /^g\.yaml:2: fail\.ids\.1: expected a string$/],
    ['exclude:\n  paths: { a: 1 }\n', /^g\.yaml:2: exclude\.paths: expected a string or a list of strings$/],
    ['fail:\n  cvss:\n    - { version: 3 }\n', /^g\.yaml:3: fail\.cvss\.0: missing required field "threshold"$/],
    ['fail:\n  cvss: { version: 3, threshold: high }\n', /^g\.yaml:2: fail\.cvss: CVSS threshold must be between 0 and 10, got NaN$/],
    ['fail:\n  cvss: 7\n', /^g\.yaml:2: fail\.cvss: expected VERSION:THRESHOLD or \{ version, threshold \}, or a list of them$/],
    ['fail:\n  on: [HIGH\n', /^g\.yaml:\d+: invalid YAML/],
  ])('names the line and field of every mistake: %j', (text, message) => {
    expect(() => parseGateFile(text, 'g.yaml')).toThrow(message);
    expect(() => parseGateFile(text, 'g.yaml')).toThrow(UsageError);
  });

  it('reads an empty file as no conditions, and single values as one-item lists', () => {
    expect(parseGateFile('', 'g.yaml')).toMatchObject({ vulnerabilityIds: [], cvss: [], software: [], fixableOnly: false });
    const config = parseGateFile('fail:\n  ids: CVE-2024-1\n  cvss: "v4:7"\n  software: log4j-*\n  severity: { 5: 0, low: 3 }\nexclude:\n  packages: perl-base\n', 'g.yaml');
    expect(config).toMatchObject({ vulnerabilityIds: ['CVE-2024-1'], cvss: [{ version: '4', threshold: 7 }], severityLimits: { CRITICAL: 0, LOW: 3 } });
    expect(config.software.map((spec) => spec.text)).toEqual(['log4j-*']);
    expect(config.exclude.packages.map((spec) => spec.text)).toEqual(['perl-base']);
  });
});

describe('a gate file is untrusted input', () => {
  it('refuses any malformed gate file with a usage error, never a crash', () => {
    const anything = fc.oneof(fc.jsonValue(), fc.constantFrom('HIGH', '3:9', 'openssl<3', 7, -1, 1e308, null, true));
    const section = fc.dictionary(fc.constantFrom('on', 'severity', 'ids', 'cvss', 'software', 'fixable-only', 'ids', 'packages', 'paths', 'HIGH', 'version', 'threshold'), anything, { maxKeys: 4 });
    const document = fc.dictionary(fc.constantFrom('fail', 'exclude', 'vex', 'ignore-file', 'other'), fc.oneof(section, anything), { maxKeys: 3 });
    fc.assert(
      fc.property(document, (value) => {
        try {
          parseGateFile(JSON.stringify(value), path.join(tmpdir(), 'tollgate-no-such-folder', 'g.yaml'));
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
