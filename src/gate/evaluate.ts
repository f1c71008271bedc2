/**
 * The one place pass/fail is decided for images: a pure function from a scan result and a gate
 * configuration to a verdict. Exclusions are applied first (active ignore entries, ids, packages,
 * paths, VEX), then the fixable-only filter, then every failure condition; the image fails if any
 * condition is violated. Never formats, never reads files.
 */
import picomatch from 'picomatch';
import type { ScanResult } from '../model/image-scan.js';
import type { CvssScore, Finding } from '../model/finding.js';
import { emptySeverityCounts, SEVERITY_RANK, type Severity } from '../model/severity.js';
import type { CvssCondition, GateConfig } from './gate-config.js';
import { compileIdPattern, matchingIdPattern } from './id-match.js';
import { isExpired, type IgnoreEntry } from './ignore-file.js';
import { compileSoftwareSpec } from './software-spec.js';
import { decidingStatement, suppresses } from './vex.js';
import { VERDICT_SCHEMA_VERSION, type AggregateVerdict, type Criterion, type Exclusion, type FindingRef, type ImageVerdict } from '../model/image-verdict.js';

export function findingRef(finding: Finding): FindingRef {
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
export function scoreFor(finding: Finding, version: CvssCondition['version']): number | undefined {
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

export function evaluateImageGate(scan: ScanResult, gate: GateConfig, today: string = new Date().toISOString().slice(0, 10)): ImageVerdict {
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

export function aggregateVerdicts(verdicts: readonly ImageVerdict[], duplicates: AggregateVerdict['duplicates'] = []): AggregateVerdict {
  const failed = verdicts.filter((verdict) => !verdict.passed);
  return {
    schemaVersion: VERDICT_SCHEMA_VERSION,
    passed: failed.length === 0,
    reasons: failed.flatMap((verdict) => verdict.reasons.map((reason) => `${verdict.image.tags[0] ?? verdict.image.reference}: ${reason}`)),
    images: [...verdicts],
    duplicates: [...duplicates],
  };
}
