import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cvss, finding, pkg, sampleScan, scanOf } from '../../test/support/scan-fixtures.js';
import { parseIgnoreFile } from '../config/ignore-file.js';
import { parseOpenVex } from '../config/vex.js';
import { aggregateVerdicts, evaluateImageGate } from './evaluate.js';
import { emptyGateConfig, type GateConfig } from './gate-config.js';
import { parseSoftwareSpec } from '../ecosystems/software-spec.js';

const TODAY = '2026-06-15';

function gate(partial: Partial<GateConfig>): GateConfig {
  return { ...emptyGateConfig(), ...partial, exclude: { ...emptyGateConfig().exclude, ...partial.exclude } };
}

function criterion(verdict: ReturnType<typeof evaluateImageGate>, id: string) {
  const found = verdict.criteria.find((c) => c.id === id);
  if (!found) throw new Error(`no criterion ${id}`);
  return found;
}

describe('failure conditions', () => {
  it.each([
    // [description, gate, passed, violated criterion ids]
    ['no conditions: passes whatever is found', {}, true, []],
    ['severity limit not exceeded (HIGH=2, 2 found)', { severityLimits: { HIGH: 2 } }, true, []],
    ['severity limit exceeded (HIGH=1, 2 found)', { severityLimits: { HIGH: 1 } }, false, ['severity:HIGH']],
    ['CRITICAL=0 with one critical', { severityLimits: { CRITICAL: 0 } }, false, ['severity:CRITICAL']],
    ['LOW=0 with none at LOW', { severityLimits: { LOW: 0 } }, true, []],
    ['fail-on HIGH: critical and high count', { failOn: 'HIGH' as const }, false, ['fail-on']],
    ['fail-on CRITICAL', { failOn: 'CRITICAL' as const }, false, ['fail-on']],
    ['id exact, through an alias', { vulnerabilityIds: ['GHSA-p6mc-m468-83gw'] }, false, ['vulnerability-ids']],
    ['id glob', { vulnerabilityIds: ['CVE-2021-*'] }, false, ['vulnerability-ids']],
    ['id glob, case-insensitive', { vulnerabilityIds: ['cve-2020-82*'] }, false, ['vulnerability-ids']],
    ['id not present', { vulnerabilityIds: ['CVE-1999-0001'] }, true, []],
    ['DSA id through the alias group', { vulnerabilityIds: ['DSA-5532-1'] }, false, ['vulnerability-ids']],
    ['cvss v3 >= 9.0', { cvss: [{ version: '3' as const, threshold: 9 }] }, false, ['cvss:3']],
    ['cvss v3 >= 9.9', { cvss: [{ version: '3' as const, threshold: 9.9 }] }, true, []],
    ['cvss v2 >= 6.5', { cvss: [{ version: '2' as const, threshold: 6.5 }] }, false, ['cvss:2']],
    ['cvss max >= 7', { cvss: [{ version: 'max' as const, threshold: 7 }] }, false, ['cvss:max']],
    ['cvss v4 >= 1: nothing scored in v4', { cvss: [{ version: '4' as const, threshold: 1 }] }, true, []],
    ['software by name', { software: [parseSoftwareSpec('minimist', 't')] }, false, ['software']],
    ['software name glob, case-insensitive', { software: [parseSoftwareSpec('LODA*', 't')] }, false, ['software']],
    ['software absent', { software: [parseSoftwareSpec('left-pad', 't')] }, true, []],
    ['software range in npm ordering, inside', { software: [parseSoftwareSpec('lodash>=4.0.0 <4.17.21', 't')] }, false, ['software']],
    ['software range in npm ordering, outside', { software: [parseSoftwareSpec('lodash<4.17.0', 't')] }, true, []],
    ['software range through the Debian source name, dpkg ordering', { software: [parseSoftwareSpec('openssl<3.0.13', 't')] }, false, ['software']],
    ['software range in dpkg ordering with ~, outside', { software: [parseSoftwareSpec('libssl3<3.0.11-1~deb12u1', 't')] }, true, []],
    ['software exact version', { software: [parseSoftwareSpec('coreutils=9.1-1', 't')] }, false, ['software']],
    ['software != version', { software: [parseSoftwareSpec('coreutils!=9.1-1', 't')] }, true, []],
  ])('%s', (_name, partial, passed, violated) => {
    const verdict = evaluateImageGate(sampleScan(), gate(partial as Partial<GateConfig>), TODAY);
    expect(verdict.passed).toBe(passed);
    expect(verdict.criteria.filter((c) => c.violated).map((c) => c.id)).toEqual(violated);
    expect(verdict.reasons).toHaveLength((violated as string[]).length);
  });

  it('names the banned packages and the spec that matched them', () => {
    const verdict = evaluateImageGate(sampleScan(), gate({ software: [parseSoftwareSpec('openssl<3.0.13', 't'), parseSoftwareSpec('mini*', 't')] }), TODAY);
    expect(criterion(verdict, 'software').violatingPackages).toEqual([
      { packageId: 'deb-libssl3-3.0.11-1~deb12u2', name: 'libssl3', version: '3.0.11-1~deb12u2', type: 'deb', matchedSpec: 'openssl<3.0.13' },
      { packageId: 'npm-minimist-1.2.5', name: 'minimist', version: '1.2.5', type: 'npm', matchedSpec: 'mini*' },
    ]);
    expect(verdict.reasons).toEqual(['banned software installed: libssl3 3.0.11-1~deb12u2 (openssl<3.0.13), minimist 1.2.5 (mini*)']);
  });

  it('counts found, excluded and violations per criterion', () => {
    const verdict = evaluateImageGate(sampleScan(), gate({ severityLimits: { HIGH: 0 }, exclude: { ids: ['CVE-2020-8203'], packages: [], paths: [] } }), TODAY);
    const high = criterion(verdict, 'severity:HIGH');
    expect(high).toMatchObject({ configured: true, configuredValue: '> 0', found: 1, excluded: 1, violated: true });
    expect(high.violations.map((v) => v.id)).toEqual(['CVE-2021-23337']);
    expect(criterion(verdict, 'severity:CRITICAL')).toMatchObject({ configured: false, found: 1, violated: false });
  });

  it('lists findings without a score of the configured CVSS version as unscored, never silently passed', () => {
    const verdict = evaluateImageGate(sampleScan(), gate({ cvss: [{ version: '3', threshold: 9 }] }), TODAY);
    expect(criterion(verdict, 'cvss:3').unscored?.map((f) => f.id).sort()).toEqual(['CVE-2016-2781', 'CVE-2025-0001']);
    expect(verdict.unscoredCount).toBe(2);
  });

  it('fixable-only applies the conditions only to findings with a fixed version', () => {
    const scan = sampleScan();
    expect(evaluateImageGate(scan, gate({ severityLimits: { NEGLIGIBLE: 0 } }), TODAY).passed).toBe(false);
    const fixableOnly = evaluateImageGate(scan, gate({ severityLimits: { NEGLIGIBLE: 0 }, fixableOnly: true }), TODAY);
    expect(fixableOnly.passed).toBe(true);
    expect(fixableOnly.counts).toMatchObject({ total: 6, considered: 4, fixable: 4, unfixable: 0 });
  });

  it('builds the CVSS histogram from each finding’s highest score', () => {
    const verdict = evaluateImageGate(sampleScan(), gate({}), TODAY);
    expect(verdict.cvssHistogram).toEqual([0, 0, 0, 0, 0, 1, 0, 2, 0, 1, 0]);
  });

  it('names the image by digest, tags, size, OS, architecture and layer count', () => {
    expect(evaluateImageGate(sampleScan(), gate({}), TODAY).image).toEqual({
      reference: 'oci:/images/app:1',
      digest: `sha256:${'d'.repeat(64)}`,
      id: `sha256:${'c'.repeat(64)}`,
      tags: ['example/app:1'],
      size: 123_456_789,
      os: 'debian 12',
      architecture: 'amd64',
      layerCount: 2,
    });
  });
});

describe('exclusions come before the conditions', () => {
  it.each([
    ['by id', { exclude: { ids: ['CVE-2021-44906'], packages: [], paths: [] } }, 'id'],
    ['by alias id', { exclude: { ids: ['GHSA-xvch-5gv4-984h'], packages: [], paths: [] } }, 'id'],
    ['by id glob', { exclude: { ids: ['CVE-2021-4*'], packages: [], paths: [] } }, 'id'],
    ['by package', { exclude: { ids: [], packages: [parseSoftwareSpec('minimist', 't')], paths: [] } }, 'package'],
    ['by path glob', { exclude: { ids: [], packages: [], paths: ['/app/node_modules/minimist/**'] } }, 'path'],
    ['by path glob without a leading slash', { exclude: { ids: [], packages: [], paths: ['app/node_modules/mini*/**'] } }, 'path'],
  ])('%s', (_name, partial, by) => {
    const verdict = evaluateImageGate(sampleScan(), gate({ failOn: 'CRITICAL', ...(partial as Partial<GateConfig>) }), TODAY);
    expect(verdict.passed).toBe(true);
    expect(verdict.exclusions).toMatchObject([{ by, finding: { id: 'CVE-2021-44906' } }]);
    expect(criterion(verdict, 'fail-on')).toMatchObject({ found: 0, excluded: 1 });
  });
});

describe('the ignore file', () => {
  const text = [
    'ignore:',
    '  - id: CVE-2021-44906',
    '    reason: minimist is only used by the build',
    '    expires: 2026-12-31',
    '  - id: GHSA-p6mc-m468-83gw',
    '    reason: zipObjectDeep is never called',
    '    expires: 2026-01-01',
    '  - package: coreutils',
    '    path: /var/lib/dpkg/**',
    '    reason: base image, tracked upstream',
  ].join('\n');

  it('applies active entries, with their reasons, and names expired ones', () => {
    const entries = parseIgnoreFile(text, '.tollgateignore.yaml');
    const verdict = evaluateImageGate(sampleScan(), gate({ failOn: 'HIGH', ignoreEntries: entries }), TODAY);
    expect(verdict.exclusions.map((e) => [e.finding.id, e.by, e.reason])).toEqual([
      ['CVE-2021-44906', 'ignore-file', 'minimist is only used by the build'],
      ['CVE-2016-2781', 'ignore-file', 'base image, tracked upstream'],
      ['CVE-2025-0001', 'ignore-file', 'base image, tracked upstream'],
    ]);
    expect(verdict.expiredIgnores).toEqual([{ origin: '.tollgateignore.yaml:5', id: 'GHSA-p6mc-m468-83gw', reason: 'zipObjectDeep is never called', expires: '2026-01-01' }]);
    expect(verdict.passed).toBe(false);
    expect(criterion(verdict, 'fail-on').violations.map((v) => v.id).sort()).toEqual(['CVE-2020-8203', 'CVE-2021-23337']);
  });

  it('applies an entry through its expiry day and not after', () => {
    const entries = parseIgnoreFile('ignore:\n  - id: CVE-2021-44906\n    reason: r\n    expires: 2026-06-15\n', 'f');
    expect(evaluateImageGate(sampleScan(), gate({ ignoreEntries: entries }), '2026-06-15').exclusions).toHaveLength(1);
    expect(evaluateImageGate(sampleScan(), gate({ ignoreEntries: entries }), '2026-06-16').exclusions).toHaveLength(0);
  });
});

describe('the ignore file, indexed by advisory id', () => {
  const IDS = ['CVE-2021-44906', 'CVE-2020-8203', 'GHSA-p6mc-m468-83gw', 'DSA-5532-1', 'CVE-2016-2781', 'CVE-2099-0001'];
  const entryText = fc.oneof(
    fc.constantFrom(...IDS).chain((id) => fc.constantFrom(`id: ${id}`, `id: ${id.toLowerCase()}`, `id: " ${id} "`)),
    fc.constantFrom('id: CVE-2021-*', 'id: GHSA-*', 'id: "*"', 'package: lodash', 'package: coreutils', 'path: /app/**', 'id: CVE-2020-8203\n    package: minimist'),
  );

  it('decides what the first matching entry in file order decides, as a scan of every entry would (property)', () => {
    fc.assert(
      fc.property(fc.array(entryText, { minLength: 1, maxLength: 12 }), (lines) => {
        const entries = parseIgnoreFile(`ignore:\n${lines.map((line, index) => `  - ${line}\n    reason: r${index}`).join('\n')}\n`, 'f');
        const scan = sampleScan();
        const verdict = evaluateImageGate(scan, gate({ ignoreEntries: entries }), TODAY);
        // The reference: every entry, in order, checked alone.
        const expected = scan.findings.flatMap((f) => {
          const first = entries.find((entry) => evaluateImageGate(scanOf(scan.packages, [f]), gate({ ignoreEntries: [entry] }), TODAY).exclusions.length === 1);
          return first ? [[f.id, f.package.name, first.reason]] : [];
        });
        expect(verdict.exclusions.map((e) => [e.finding.id, e.finding.package, e.reason])).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('an ignore file of 50,000 exact ids finds the one entry that names the finding, written in another case', () => {
    const entries = Array.from({ length: 50_000 }, (_, index) => ({ id: `CVE-2000-${index}`, reason: 'r', origin: `f:${index + 2}` }));
    entries.push({ id: 'cve-2021-44906', reason: 'the last one', origin: 'f:50002' });
    const verdict = evaluateImageGate(sampleScan(), gate({ ignoreEntries: entries }), TODAY);
    expect(verdict.exclusions.map((e) => [e.finding.id, e.rule])).toEqual([['CVE-2021-44906', 'f:50002']]);
  });
});

describe('OpenVEX', () => {
  const vex = (statements: unknown[]) => JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', '@id': 'x', author: 't', timestamp: '2026-01-01T00:00:00Z', version: 1, statements });

  it('not_affected and fixed suppress; the justification is kept', () => {
    const statements = parseOpenVex(
      vex([
        { vulnerability: { name: 'CVE-2021-44906' }, products: [{ '@id': 'pkg:npm/minimist@1.2.5' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' },
        { vulnerability: { name: 'GHSA-p6mc-m468-83gw' }, products: [{ '@id': 'pkg:npm/lodash' }], status: 'fixed' },
        { vulnerability: { name: 'CVE-2021-23337' }, products: [{ '@id': 'pkg:npm/lodash' }], status: 'affected', action_statement: 'upgrade' },
      ]),
      'app.vex.json',
    );
    const verdict = evaluateImageGate(sampleScan(), gate({ vex: statements }), TODAY);
    expect(verdict.exclusions.map((e) => [e.finding.id, e.by, e.vexStatus, e.justification])).toEqual([
      ['CVE-2021-44906', 'vex', 'not_affected', 'vulnerable_code_not_in_execute_path'],
      ['CVE-2020-8203', 'vex', 'fixed', undefined],
    ]);
  });

  it('an image product with subcomponents covers only those packages; the latest statement wins', () => {
    const statements = parseOpenVex(
      vex([
        { vulnerability: 'CVE-2021-44906', products: [{ '@id': `pkg:oci/app@sha256:${'d'.repeat(64)}`, subcomponents: [{ '@id': 'pkg:npm/minimist' }] }], status: 'not_affected', impact_statement: 'only in tests', timestamp: '2026-02-01T00:00:00Z' },
        { vulnerability: 'CVE-2021-44906', products: [{ '@id': 'pkg:npm/minimist@1.2.5' }], status: 'under_investigation', timestamp: '2026-01-15T00:00:00Z' },
        { vulnerability: 'CVE-2020-8203', products: [{ '@id': 'example/app:1', subcomponents: [{ '@id': 'pkg:npm/other' }] }], status: 'not_affected', justification: 'component_not_present' },
      ]),
      'v.json',
    );
    const verdict = evaluateImageGate(sampleScan(), gate({ vex: statements }), TODAY);
    expect(verdict.exclusions.map((e) => [e.finding.id, e.reason])).toEqual([['CVE-2021-44906', 'only in tests']]);
  });

  it('a later affected statement overrides an earlier not_affected one', () => {
    const statements = parseOpenVex(
      vex([
        { vulnerability: 'CVE-2021-44906', products: ['pkg:npm/minimist'], status: 'not_affected', justification: 'inline_mitigations_already_exist', timestamp: '2026-01-01T00:00:00Z' },
        { vulnerability: 'CVE-2021-44906', products: ['pkg:npm/minimist'], status: 'affected', timestamp: '2026-03-01T00:00:00Z' },
      ]),
      'v.json',
    );
    expect(evaluateImageGate(sampleScan(), gate({ vex: statements }), TODAY).exclusions).toEqual([]);
  });
});

describe('several images', () => {
  it('fails the aggregate when any image fails, and says which', () => {
    const clean = scanOf([pkg({ name: 'x', version: '1.0.0' })], [], { reference: 'oci:/clean', repoTags: ['clean:1'] });
    const config = gate({ failOn: 'CRITICAL' });
    const aggregate = aggregateVerdicts([evaluateImageGate(clean, config, TODAY), evaluateImageGate(sampleScan(), config, TODAY)]);
    expect(aggregate.passed).toBe(false);
    expect(aggregate.reasons).toEqual([expect.stringMatching(/^example\/app:1: 1 finding at CRITICAL or above: CVE-2021-44906 \(minimist 1\.2\.5\)/)]);
    expect(aggregateVerdicts([evaluateImageGate(clean, config, TODAY)]).passed).toBe(true);
  });

  it('a finding scored only in v2 is not unscored for max', () => {
    const only = pkg({ name: 'old', version: '1.0.0' });
    const scan = scanOf([only], [finding('CVE-2010-1', only, { severity: 'HIGH', cvssScores: [cvss('2.0', 7.5)] })]);
    const verdict = evaluateImageGate(scan, gate({ cvss: [{ version: 'max', threshold: 7 }, { version: '3', threshold: 7 }] }), TODAY);
    expect(criterion(verdict, 'cvss:max')).toMatchObject({ found: 1, violated: true, unscored: [] });
    expect(criterion(verdict, 'cvss:3')).toMatchObject({ found: 0, violated: false });
    expect(criterion(verdict, 'cvss:3').unscored?.map((f) => f.id)).toEqual(['CVE-2010-1']);
  });
});
