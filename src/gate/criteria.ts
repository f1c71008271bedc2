/**
 * The gate's failure conditions as criteria: one builder per kind (severity limits, fail-on,
 * listed ids, CVSS thresholds, banned software), in the order the verdict lists them. Every
 * criterion is shown whether configured or not, with what it found among the considered findings
 * and what it would have found among the excluded ones; only a configured one can be violated.
 *
 * Each builder also returns the facts its reason sentence is made of (the severity, the limit, the
 * threshold, the banned packages) beside the criterion, never inside it: the verdict's JSON stays
 * exactly the Criterion of src/model/image-verdict.ts.
 *
 * Pure and linear: a builder passes over the findings a fixed number of times, never once per
 * finding.
 */
import type { ScanResult } from '../model/image-scan.js';
import type { Finding } from '../model/finding.js';
import type { Criterion } from '../model/image-verdict.js';
import { SEVERITIES, SEVERITY_RANK, type Severity } from '../model/severity.js';
import { findingRef, scoreFor } from './finding-ref.js';
import type { CvssCondition, CvssVersionChoice, GateConfig } from './gate-config.js';
import { compileIdPattern, matchingIdPattern } from './id-match.js';
import { compileSoftwareSpec } from '../ecosystems/software-spec.js';

export type BannedPackage = NonNullable<Criterion['violatingPackages']>[number];

/** What a violated criterion's reason is built from. */
export type ReasonFacts =
  | { kind: 'severity-limit'; severity: Severity; limit: number }
  | { kind: 'fail-on'; severity: Severity }
  | { kind: 'vulnerability-ids' }
  | { kind: 'cvss'; version: CvssVersionChoice; threshold: number }
  | { kind: 'software'; packages: BannedPackage[] };

export interface EvaluatedCriterion {
  criterion: Criterion;
  /** Present when the criterion is configured (only then can it be violated). */
  facts?: ReasonFacts;
}

/** What the builders read: the gate, the scan, and the findings the conditions apply to. */
export interface CriteriaInput {
  gate: GateConfig;
  scan: ScanResult;
  /** Findings after exclusions and the fixable-only filter. */
  considered: readonly Finding[];
  /** Excluded findings that pass the fixable-only filter: what a criterion would have met. */
  excluded: readonly Finding[];
}

type CriterionHead = Pick<Criterion, 'id' | 'kind' | 'title' | 'configured' | 'configuredValue'>;

export function cvssTitle(version: CvssVersionChoice): string {
  return `CVSS ${version === 'max' ? 'any version' : `v${version}`} base score`;
}

function head(fields: CriterionHead): CriterionHead {
  // configuredValue only when configured, and in this key order: the verdict's JSON is compared byte for byte.
  const { id, kind, title, configured, configuredValue } = fields;
  return { id, kind, title, configured, ...(configuredValue !== undefined ? { configuredValue } : {}) };
}

/** A criterion over findings: `hits` among the considered ones, `excludedHits` among the excluded. */
function findingCriterion(base: CriterionHead, hits: readonly Finding[], excludedHits: number, violated: boolean): Criterion {
  return { ...head(base), found: hits.length, excluded: excludedHits, violated, violations: violated ? hits.map(findingRef) : [] };
}

function count(findings: readonly Finding[], applies: (finding: Finding) => boolean): number {
  let total = 0;
  for (const finding of findings) if (applies(finding)) total += 1;
  return total;
}

function severityLimitCriteria({ gate, considered, excluded }: CriteriaInput): EvaluatedCriterion[] {
  const hits = new Map<Severity, Finding[]>(SEVERITIES.map((severity) => [severity, []]));
  for (const finding of considered) hits.get(finding.severity)?.push(finding);
  const excludedHits = new Map<Severity, number>(SEVERITIES.map((severity) => [severity, 0]));
  for (const finding of excluded) excludedHits.set(finding.severity, (excludedHits.get(finding.severity) ?? 0) + 1);
  return SEVERITIES.map((severity) => {
    const limit = gate.severityLimits[severity];
    const found = hits.get(severity) ?? [];
    const base = { id: `severity:${severity}`, kind: 'severity-limit' as const, title: `${severity} findings`, configured: limit !== undefined, ...(limit !== undefined ? { configuredValue: `> ${limit}` } : {}) };
    return {
      criterion: findingCriterion(base, found, excludedHits.get(severity) ?? 0, limit !== undefined && found.length > limit),
      ...(limit !== undefined ? { facts: { kind: 'severity-limit' as const, severity, limit } } : {}),
    };
  });
}

function failOnCriterion({ gate, considered, excluded }: CriteriaInput): EvaluatedCriterion[] {
  const failOn = gate.failOn;
  const base = { id: 'fail-on', kind: 'fail-on' as const, title: 'Findings at or above a severity', configured: failOn !== undefined, ...(failOn ? { configuredValue: `>= ${failOn}` } : {}) };
  if (failOn === undefined) return [{ criterion: findingCriterion(base, [], 0, false) }];
  const applies = (finding: Finding): boolean => SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[failOn];
  const hits = considered.filter(applies);
  return [{ criterion: findingCriterion(base, hits, count(excluded, applies), hits.length > 0), facts: { kind: 'fail-on', severity: failOn } }];
}

function vulnerabilityIdsCriterion({ gate, considered, excluded }: CriteriaInput): EvaluatedCriterion[] {
  const ids = gate.vulnerabilityIds;
  const base = { id: 'vulnerability-ids', kind: 'vulnerability-ids' as const, title: 'Listed vulnerability ids', configured: ids.length > 0, ...(ids.length ? { configuredValue: ids.join(', ') } : {}) };
  if (ids.length === 0) return [{ criterion: findingCriterion(base, [], 0, false) }];
  const patterns = ids.map((text) => ({ text, match: compileIdPattern(text) }));
  const applies = (finding: Finding): boolean => matchingIdPattern(finding, patterns) !== undefined;
  const hits = considered.filter(applies);
  return [{ criterion: findingCriterion(base, hits, count(excluded, applies), hits.length > 0), facts: { kind: 'vulnerability-ids' } }];
}

function cvssCriterion(condition: CvssCondition, { considered, excluded }: CriteriaInput): EvaluatedCriterion {
  const { version, threshold } = condition;
  const base = { id: `cvss:${version}`, kind: 'cvss' as const, title: cvssTitle(version), configured: true, configuredValue: `>= ${threshold}` };
  const hits: Finding[] = [];
  const unscored: Finding[] = [];
  for (const finding of considered) {
    const score = scoreFor(finding, version);
    if (score === undefined) unscored.push(finding);
    // A finding without a score counts as -1: below every threshold the gate file admits.
    if ((score ?? -1) >= threshold) hits.push(finding);
  }
  const excludedHits = count(excluded, (finding) => (scoreFor(finding, version) ?? -1) >= threshold);
  const criterion = findingCriterion(base, hits, excludedHits, hits.length > 0);
  criterion.unscored = unscored.map(findingRef);
  return { criterion, facts: { kind: 'cvss', version, threshold } };
}

function cvssCriteria(input: CriteriaInput): EvaluatedCriterion[] {
  if (input.gate.cvss.length === 0) return [{ criterion: { id: 'cvss', kind: 'cvss', title: 'CVSS base score', configured: false, found: 0, excluded: 0, violated: false, violations: [] } }];
  return input.gate.cvss.map((condition) => cvssCriterion(condition, input));
}

function softwareCriterion({ gate, scan }: CriteriaInput): EvaluatedCriterion[] {
  const specs = gate.software.map(compileSoftwareSpec);
  const banned: BannedPackage[] = specs.length === 0 ? [] : scan.packages.flatMap((pkg) => {
    const spec = specs.find((candidate) => candidate.matches(pkg));
    return spec ? [{ packageId: pkg.id, name: pkg.name, version: pkg.version, type: pkg.type, matchedSpec: spec.spec.text }] : [];
  });
  const criterion: Criterion = {
    ...head({ id: 'software', kind: 'software', title: 'Banned software installed', configured: specs.length > 0, ...(specs.length ? { configuredValue: gate.software.map((spec) => spec.text).join(', ') } : {}) }),
    found: banned.length,
    excluded: 0,
    violated: banned.length > 0,
    violations: [],
    violatingPackages: banned,
  };
  return [{ criterion, ...(specs.length > 0 ? { facts: { kind: 'software' as const, packages: banned } } : {}) }];
}

/** The criterion builders, in the order the verdict lists their criteria. */
const CRITERION_BUILDERS: readonly ((input: CriteriaInput) => EvaluatedCriterion[])[] = [severityLimitCriteria, failOnCriterion, vulnerabilityIdsCriterion, cvssCriteria, softwareCriterion];

export function evaluateCriteria(input: CriteriaInput): EvaluatedCriterion[] {
  return CRITERION_BUILDERS.flatMap((build) => build(input));
}
