/**
 * The gate's evaluation, split into exclusions, criteria, reasons and statistics, must give the
 * verdict the single function it replaced gave, byte for byte: reports, CI outputs and stored
 * results read that JSON. This file keeps that function, frozen, as the reference implementation,
 * and compares the two on random scan results and gate configurations.
 */
import fc from 'fast-check';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { cvss, finding, pkg, sampleScan, scanOf } from '../../test/support/scan-fixtures.js';
import type { CvssScore, Finding } from '../model/finding.js';
import type { ScanResult } from '../model/image-scan.js';
import { VERDICT_SCHEMA_VERSION, type Criterion, type Exclusion, type FindingRef, type ImageVerdict } from '../model/image-verdict.js';
import { emptySeverityCounts, SEVERITIES, SEVERITY_RANK, type Severity } from '../model/severity.js';
import { evaluateImageGate } from './evaluate.js';
import type { CvssCondition, GateConfig, IgnoreEntry } from './gate-config.js';
import { compileIdPattern, matchingIdPattern } from './id-match.js';
import { compileSoftwareSpec, parseSoftwareSpec } from '../ecosystems/software-spec.js';
import { decidingStatement, suppresses, VEX_STATUSES, type VexStatement } from './vex.js';

// ---- The reference implementation: evaluateImageGate as it was before the split. Do not edit. ----

function isExpired(entry: IgnoreEntry, today: string): boolean {
  return entry.expires !== undefined && entry.expires < today;
}

function findingRef(finding: Finding): FindingRef {
  return {
    id: finding.id,
    aliases: finding.aliases,
    packageId: finding.package.id,
    package: finding.package.name,
    version: finding.package.version,
    severity: finding.severity,
    fixedVersions: finding.fixedVersions,
  };
}

const stripSlash = (text: string): string => text.replace(/^\/+/, '');

function compilePathGlob(glob: string): (location: string) => boolean {
  const matcher = picomatch(stripSlash(glob), { dot: true });
  return (location) => matcher(stripSlash(location));
}

interface CompiledIgnore {
  entry: IgnoreEntry;
  matches(finding: Finding): boolean;
}

function compileIgnore(entry: IgnoreEntry): CompiledIgnore {
  const id = entry.id ? compileIdPattern(entry.id) : undefined;
  const pkg = entry.package ? compileSoftwareSpec(entry.package) : undefined;
  const inPath = entry.path ? compilePathGlob(entry.path) : undefined;
  return {
    entry,
    matches: (finding) =>
      (!id || matchingIdPattern(finding, [{ text: entry.id as string, match: id }]) !== undefined) &&
      (!pkg || pkg.matches(finding.package)) &&
      (!inPath || inPath(finding.package.location)),
  };
}

/** The highest base score among the finding's CVSS scores of the given version choice. */
function scoreFor(finding: Finding, version: CvssCondition['version']): number | undefined {
  const wanted = (score: CvssScore): boolean => version === 'max' || score.version.startsWith(version);
  const scores = finding.cvssScores.filter(wanted).map((score) => score.baseScore);
  if (version === 'max' && finding.cvss && !scores.includes(finding.cvss.baseScore)) scores.push(finding.cvss.baseScore);
  return scores.length > 0 ? Math.max(...scores) : undefined;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function describeFindings(findings: readonly Finding[]): string {
  const shown = findings.slice(0, 5).map((f) => `${f.id} (${f.package.name} ${f.package.version})`);
  return findings.length > 5 ? `${shown.join(', ')} and ${findings.length - 5} more` : shown.join(', ');
}

function referenceEvaluateImageGate(scan: ScanResult, gate: GateConfig, today: string): ImageVerdict {
  // 1. Exclusions, in a fixed order; the first rule that applies is recorded.
  const activeIgnores = gate.ignoreEntries.filter((entry) => !isExpired(entry, today)).map(compileIgnore);
  const expiredIgnores = gate.ignoreEntries
    .filter((entry) => isExpired(entry, today))
    .map((entry) => ({
      origin: entry.origin,
      ...(entry.id ? { id: entry.id } : {}),
      ...(entry.package ? { package: entry.package.text } : {}),
      ...(entry.path ? { path: entry.path } : {}),
      reason: entry.reason,
      expires: entry.expires as string,
    }));
  const excludeIds = gate.exclude.ids.map((text) => ({ text, match: compileIdPattern(text) }));
  const excludePackages = gate.exclude.packages.map(compileSoftwareSpec);
  const excludePaths = gate.exclude.paths.map((glob) => ({ glob, match: compilePathGlob(glob) }));

  const exclusions: Exclusion[] = [];
  const excluded: Finding[] = [];
  const kept: Finding[] = [];
  for (const finding of scan.findings) {
    const exclusion = ((): Exclusion | undefined => {
      const ref = findingRef(finding);
      const ignore = activeIgnores.find((candidate) => candidate.matches(finding));
      if (ignore) return { finding: ref, by: 'ignore-file', rule: ignore.entry.origin, reason: ignore.entry.reason, ...(ignore.entry.expires ? { expires: ignore.entry.expires } : {}) };
      const id = matchingIdPattern(finding, excludeIds);
      if (id) return { finding: ref, by: 'id', rule: id };
      const pkg = excludePackages.find((spec) => spec.matches(finding.package));
      if (pkg) return { finding: ref, by: 'package', rule: pkg.spec.text };
      const inPath = excludePaths.find((candidate) => candidate.match(finding.package.location));
      if (inPath) return { finding: ref, by: 'path', rule: inPath.glob };
      const statement = decidingStatement(finding, scan.image, gate.vex);
      if (statement && suppresses(statement)) {
        return {
          finding: ref,
          by: 'vex',
          rule: statement.origin,
          vexStatus: statement.status,
          ...(statement.justification ? { justification: statement.justification } : {}),
          ...(statement.impactStatement ? { reason: statement.impactStatement } : {}),
        };
      }
      return undefined;
    })();
    if (exclusion) {
      exclusions.push(exclusion);
      excluded.push(finding);
    } else {
      kept.push(finding);
    }
  }

  // 2. The fixable-only filter, then the conditions over what is left.
  const considered = gate.fixableOnly ? kept.filter((finding) => finding.fixState === 'fixed') : kept;
  const excludedConsidered = gate.fixableOnly ? excluded.filter((finding) => finding.fixState === 'fixed') : excluded;
  const criteria: Criterion[] = [];
  const findingCriterion = (base: Omit<Criterion, 'found' | 'excluded' | 'violated' | 'violations'>, applies: (finding: Finding) => boolean, violatedWhen: (found: number) => boolean): Criterion => {
    const hits = considered.filter(applies);
    const violated = base.configured && violatedWhen(hits.length);
    return { ...base, found: hits.length, excluded: excludedConsidered.filter(applies).length, violated, violations: violated ? hits.map(findingRef) : [] };
  };

  for (const severity of ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NEGLIGIBLE', 'UNKNOWN'] as Severity[]) {
    const limit = gate.severityLimits[severity];
    criteria.push(
      findingCriterion(
        { id: `severity:${severity}`, kind: 'severity-limit', title: `${severity} findings`, configured: limit !== undefined, ...(limit !== undefined ? { configuredValue: `> ${limit}` } : {}) },
        (finding) => finding.severity === severity,
        (found) => found > (limit ?? Number.POSITIVE_INFINITY),
      ),
    );
  }
  const failOn = gate.failOn;
  criteria.push(
    findingCriterion(
      { id: 'fail-on', kind: 'fail-on', title: 'Findings at or above a severity', configured: failOn !== undefined, ...(failOn ? { configuredValue: `>= ${failOn}` } : {}) },
      (finding) => failOn !== undefined && SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[failOn],
      (found) => found > 0,
    ),
  );
  const idPatterns = gate.vulnerabilityIds.map((text) => ({ text, match: compileIdPattern(text) }));
  criteria.push(
    findingCriterion(
      { id: 'vulnerability-ids', kind: 'vulnerability-ids', title: 'Listed vulnerability ids', configured: idPatterns.length > 0, ...(idPatterns.length ? { configuredValue: gate.vulnerabilityIds.join(', ') } : {}) },
      (finding) => matchingIdPattern(finding, idPatterns) !== undefined,
      (found) => found > 0,
    ),
  );
  const cvssConditions = gate.cvss.length > 0 ? gate.cvss : [];
  for (const condition of cvssConditions) {
    const criterion = findingCriterion(
      { id: `cvss:${condition.version}`, kind: 'cvss', title: `CVSS ${condition.version === 'max' ? 'any version' : `v${condition.version}`} base score`, configured: true, configuredValue: `>= ${condition.threshold}` },
      (finding) => (scoreFor(finding, condition.version) ?? -1) >= condition.threshold,
      (found) => found > 0,
    );
    criterion.unscored = considered.filter((finding) => scoreFor(finding, condition.version) === undefined).map(findingRef);
    criteria.push(criterion);
  }
  if (cvssConditions.length === 0) {
    criteria.push({ id: 'cvss', kind: 'cvss', title: 'CVSS base score', configured: false, found: 0, excluded: 0, violated: false, violations: [] });
  }
  const specs = gate.software.map(compileSoftwareSpec);
  const bannedPackages = scan.packages.flatMap((pkg) => {
    const spec = specs.find((candidate) => candidate.matches(pkg));
    return spec ? [{ packageId: pkg.id, name: pkg.name, version: pkg.version, type: pkg.type, matchedSpec: spec.spec.text }] : [];
  });
  criteria.push({
    id: 'software',
    kind: 'software',
    title: 'Banned software installed',
    configured: specs.length > 0,
    ...(specs.length ? { configuredValue: gate.software.map((spec) => spec.text).join(', ') } : {}),
    found: bannedPackages.length,
    excluded: 0,
    violated: bannedPackages.length > 0,
    violations: [],
    violatingPackages: bannedPackages,
  });

  // 3. The verdict.
  const reasons: string[] = [];
  for (const criterion of criteria.filter((c) => c.violated)) {
    const violationKeys = new Set(criterion.violations.map((ref) => `${ref.id}\u0000${ref.packageId}`));
    const violators = considered.filter((finding) => violationKeys.has(`${finding.id}\u0000${finding.package.id}`));
    if (criterion.kind === 'severity-limit') reasons.push(`${plural(criterion.found, `${criterion.id.slice(9)} finding`)}, more than the limit of ${criterion.configuredValue?.slice(2)}: ${describeFindings(violators)}`);
    else if (criterion.kind === 'fail-on') reasons.push(`${plural(criterion.found, 'finding')} at ${failOn} or above: ${describeFindings(violators)}`);
    else if (criterion.kind === 'vulnerability-ids') reasons.push(`listed vulnerabilities found: ${describeFindings(violators)}`);
    else if (criterion.kind === 'cvss') reasons.push(`${plural(criterion.found, 'finding')} with a ${criterion.title} ${criterion.configuredValue}: ${describeFindings(violators)}`);
    else reasons.push(`banned software installed: ${bannedPackages.slice(0, 5).map((p) => `${p.name} ${p.version} (${p.matchedSpec})`).join(', ')}${bannedPackages.length > 5 ? ` and ${bannedPackages.length - 5} more` : ''}`);
  }
  const violating = new Map<string, FindingRef>();
  for (const criterion of criteria) for (const ref of criterion.violations) violating.set(`${ref.id}\u0000${ref.packageId}`, ref);

  const bySeverity = emptySeverityCounts();
  const histogram = new Array<number>(11).fill(0);
  let unscored = 0;
  for (const finding of considered) {
    bySeverity[finding.severity] += 1;
    const score = scoreFor(finding, 'max');
    if (score === undefined) unscored += 1;
    else histogram[Math.min(10, Math.floor(score))] = (histogram[Math.min(10, Math.floor(score))] ?? 0) + 1;
  }
  const fixable = considered.filter((finding) => finding.fixState === 'fixed').length;
  return {
    schemaVersion: VERDICT_SCHEMA_VERSION,
    image: {
      reference: scan.image.reference,
      ...(scan.image.manifestDigest ?? scan.image.id ? { digest: scan.image.manifestDigest ?? scan.image.id } : {}),
      ...(scan.image.id ? { id: scan.image.id } : {}),
      tags: scan.image.repoTags,
      ...(scan.image.size !== undefined ? { size: scan.image.size } : {}),
      ...(scan.os ? { os: `${scan.os.family} ${scan.os.version}` } : {}),
      ...(scan.image.architecture ? { architecture: scan.image.architecture } : {}),
      layerCount: scan.image.layers.length,
    },
    passed: reasons.length === 0,
    reasons,
    criteria,
    counts: { total: scan.findings.length, excluded: excluded.length, considered: considered.length, bySeverity, fixable, unfixable: considered.length - fixable },
    cvssHistogram: histogram,
    unscoredCount: unscored,
    violatingFindings: [...violating.values()],
    exclusions,
    expiredIgnores,
    fixableOnly: gate.fixableOnly,
  };
}

// ---- Random inputs, drawn from small pools so that rules and findings meet often. ----

const TODAYS = ['2026-01-01', '2026-06-15', '2027-01-01'];
const DATES = ['2025-12-31', '2026-01-01', '2026-06-14', '2026-06-15', '2026-12-31'];
const IDS = ['CVE-2024-0001', 'CVE-2024-0002', 'CVE-2023-1000', 'GHSA-aaaa-bbbb-cccc', 'DSA-5532-1', 'DEBIAN-CVE-2016-2781'];
const ID_PATTERNS = [...IDS, 'CVE-2024-*', 'cve-2023-1000', 'GHSA-*', '*-2016-*', 'CVE-1999-0001'];
const SPECS = ['lodash', 'lodash<4.17.21', 'lodash>=4.0.0 <4.17.21', 'openssl<3.0.13', 'mini*', 'coreutils=9.1-1', 'coreutils!=9.1-1', 'LIBSSL3', 'left-pad'];
const PATHS = ['/app/node_modules/**', 'app/node_modules/mini*/**', '/var/lib/dpkg/**', '/usr/**'];
const PACKAGES = [
  pkg({ name: 'lodash', version: '4.17.15' }),
  pkg({ name: 'lodash', version: '4.17.21', location: '/srv/app/node_modules/lodash/package.json' }),
  pkg({ name: 'minimist', version: '1.2.5' }),
  pkg({ name: 'libssl3', version: '3.0.11-1~deb12u2', type: 'deb', location: '/var/lib/dpkg/status', source: { name: 'openssl' } }),
  pkg({ name: 'coreutils', version: '9.1-1', type: 'deb', location: '/var/lib/dpkg/status' }),
  pkg({ name: 'weird', version: 'not a version', type: 'deb', location: '/usr/lib/weird' }),
];
const CVSS_VERSIONS: CvssScore['version'][] = ['2.0', '3.0', '3.1', '4.0'];

const arbitraryScore = fc.record({ version: fc.constantFrom(...CVSS_VERSIONS), score: fc.integer({ min: 0, max: 100 }) }).map(({ version, score }) => cvss(version, score / 10));

const arbitraryFinding = fc
  .record({
    id: fc.constantFrom(...IDS),
    aliases: fc.subarray(IDS),
    advisoryIds: fc.subarray(IDS),
    onPackage: fc.constantFrom(...PACKAGES),
    severity: fc.constantFrom(...SEVERITIES),
    fixedVersions: fc.subarray(['1.2.6', '4.17.21', '3.0.13-1~deb12u1']),
    scores: fc.array(arbitraryScore, { maxLength: 3 }),
    // The chosen score is usually the first of the list, sometimes one outside it, sometimes none.
    chosen: fc.option(fc.oneof(fc.constant('first' as const), arbitraryScore), { nil: undefined }),
  })
  .map(({ id, aliases, advisoryIds, onPackage, severity, fixedVersions, scores, chosen }) => {
    const made = finding(id, onPackage, { severity, aliases, advisoryIds, fixedVersions, cvssScores: scores });
    if (chosen === undefined) delete made.cvss;
    else if (chosen !== 'first') made.cvss = chosen;
    return made;
  });

const arbitraryImage = fc.record(
  {
    manifestDigest: fc.constant(`sha256:${'d'.repeat(64)}`),
    id: fc.constant(`sha256:${'c'.repeat(64)}`),
    size: fc.nat(),
    architecture: fc.constantFrom('amd64', 'arm64'),
    repoTags: fc.subarray(['example/app:1', 'example/app:latest']),
  },
  { requiredKeys: ['repoTags'] },
);

const arbitraryScan: fc.Arbitrary<ScanResult> = fc
  .record({ findings: fc.array(arbitraryFinding, { maxLength: 25 }), image: arbitraryImage, withOs: fc.boolean() })
  .map(({ findings, image, withOs }) => {
    const scan = scanOf(PACKAGES, findings, {});
    // scanOf fills every image field; take away the ones this draw leaves out.
    const { manifestDigest: _digest, id: _id, size: _size, architecture: _arch, ...required } = scan.image;
    scan.image = { ...required, ...image };
    if (!withOs) delete scan.os;
    return scan;
  });

const arbitraryIgnoreEntry: fc.Arbitrary<IgnoreEntry> = fc
  .record(
    { id: fc.constantFrom(...ID_PATTERNS), package: fc.constantFrom(...SPECS), path: fc.constantFrom(...PATHS), expires: fc.constantFrom(...DATES), line: fc.integer({ min: 1, max: 40 }), reason: fc.constantFrom('accepted', 'not reachable') },
    { requiredKeys: ['line', 'reason'] },
  )
  .filter((entry) => entry.id !== undefined || entry.package !== undefined || entry.path !== undefined)
  .map(({ id, package: spec, path, expires, line, reason }) => ({
    ...(id ? { id } : {}),
    ...(spec ? { package: parseSoftwareSpec(spec, 't') } : {}),
    ...(path ? { path } : {}),
    reason,
    ...(expires ? { expires } : {}),
    origin: `.tollgateignore.yaml:${line}`,
  }));

const PRODUCTS = ['pkg:npm/lodash', 'pkg:npm/lodash@4.17.15', 'pkg:npm/minimist@1.2.5', 'pkg:deb/debian/libssl3', `pkg:oci/app@sha256:${'d'.repeat(64)}`, 'example/app:1'];

const arbitraryVex: fc.Arbitrary<VexStatement[]> = fc
  .array(
    fc.record(
      {
        vulnerabilities: fc.subarray(IDS, { minLength: 1 }),
        products: fc.array(fc.record({ ids: fc.subarray(PRODUCTS, { minLength: 1 }), subcomponents: fc.array(fc.subarray(PRODUCTS.slice(0, 4), { minLength: 1 }), { maxLength: 1 }) }), { minLength: 1, maxLength: 2 }),
        status: fc.constantFrom(...VEX_STATUSES),
        justification: fc.constantFrom('component_not_present', 'vulnerable_code_not_in_execute_path'),
        impactStatement: fc.constantFrom('only in tests'),
        timestamp: fc.constantFrom('2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'),
      },
      { requiredKeys: ['vulnerabilities', 'products', 'status'] },
    ),
    { maxLength: 4 },
  )
  .map((statements) => statements.map((statement, position) => ({ ...statement, origin: `v.json#statements[${position}]`, position })));

const arbitraryCvssCondition: fc.Arbitrary<CvssCondition> = fc.record({ version: fc.constantFrom('2' as const, '3' as const, '4' as const, 'max' as const), threshold: fc.integer({ min: 0, max: 100 }).map((tenths) => tenths / 10) });

const arbitraryGate: fc.Arbitrary<GateConfig> = fc.record({
  severityLimits: fc.dictionary(fc.constantFrom(...SEVERITIES), fc.integer({ min: 0, max: 4 }), { maxKeys: 3 }) as fc.Arbitrary<Partial<Record<Severity, number>>>,
  failOn: fc.option(fc.constantFrom(...SEVERITIES), { nil: undefined }),
  vulnerabilityIds: fc.subarray(ID_PATTERNS, { maxLength: 3 }),
  cvss: fc.array(arbitraryCvssCondition, { maxLength: 3 }),
  software: fc.subarray(SPECS, { maxLength: 3 }).map((specs) => specs.map((spec) => parseSoftwareSpec(spec, 't'))),
  fixableOnly: fc.boolean(),
  exclude: fc.record({
    ids: fc.subarray(ID_PATTERNS, { maxLength: 2 }),
    packages: fc.subarray(SPECS, { maxLength: 2 }).map((specs) => specs.map((spec) => parseSoftwareSpec(spec, 't'))),
    paths: fc.subarray(PATHS, { maxLength: 2 }),
  }),
  ignoreEntries: fc.array(arbitraryIgnoreEntry, { maxLength: 3 }),
  vex: arbitraryVex,
}).map((gate) => {
  // An absent failOn is a missing key, as the config loaders build it.
  if (gate.failOn === undefined) delete gate.failOn;
  return gate;
});

describe('the evaluation equals the reference implementation', () => {
  it('gives the same verdict JSON on random scan results and gate configurations', () => {
    fc.assert(
      fc.property(arbitraryScan, arbitraryGate, fc.constantFrom(...TODAYS), (scan, gate, today) => {
        expect(JSON.stringify(evaluateImageGate(scan, gate, today))).toBe(JSON.stringify(referenceEvaluateImageGate(scan, gate, today)));
      }),
      { numRuns: 400 },
    );
  });

  it('gives the same verdict on the sample scan under every single condition', () => {
    const scan = sampleScan();
    fc.assert(
      fc.property(arbitraryGate, (gate) => {
        expect(JSON.stringify(evaluateImageGate(scan, gate, '2026-06-15'))).toBe(JSON.stringify(referenceEvaluateImageGate(scan, gate, '2026-06-15')));
      }),
      { numRuns: 200 },
    );
  });

  it('draws inputs that reach every exclusion rule and every kind of violated criterion', () => {
    const seen = new Set<string>();
    for (const [scan, gate, today] of fc.sample(fc.tuple(arbitraryScan, arbitraryGate, fc.constantFrom(...TODAYS)), { numRuns: 400, seed: 42 })) {
      const verdict = referenceEvaluateImageGate(scan, gate, today);
      for (const exclusion of verdict.exclusions) seen.add(`excluded by ${exclusion.by}`);
      for (const criterion of verdict.criteria) if (criterion.violated) seen.add(`violated ${criterion.kind}`);
      if (verdict.expiredIgnores.length > 0) seen.add('expired ignore entry');
      if (verdict.criteria.some((criterion) => (criterion.unscored?.length ?? 0) > 0)) seen.add('unscored finding');
    }
    expect([...seen].sort()).toEqual([
      'excluded by id',
      'excluded by ignore-file',
      'excluded by package',
      'excluded by path',
      'excluded by vex',
      'expired ignore entry',
      'unscored finding',
      'violated cvss',
      'violated fail-on',
      'violated severity-limit',
      'violated software',
      'violated vulnerability-ids',
    ]);
  });
});
