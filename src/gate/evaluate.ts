/**
 * The one place pass/fail is decided for images: a pure function from a scan result and a gate
 * configuration to a verdict. Exclusions are applied first (exclusions.ts: active ignore entries,
 * ids, packages, paths, VEX), then the fixable-only filter, then every failure condition
 * (criteria.ts); with a baseline, the conditions judge only the findings it does not have
 * (baseline.ts); the image fails if any condition is violated, and each violation gets a reason
 * (reasons.ts). Never formats a report, never reads a file.
 */
import type { ScanResult } from '../model/image-scan.js';
import { VERDICT_SCHEMA_VERSION, type AggregateVerdict, type Criterion, type FindingRef, type ImageVerdict } from '../model/image-verdict.js';
import { newComparedWith } from './baseline.js';
import { evaluateCriteria } from './criteria.js';
import { applyExclusions } from './exclusions.js';
import { findingKey } from './finding-ref.js';
import type { GateConfig } from './gate-config.js';
import { reasonsFor } from './reasons.js';
import { statisticsOf } from './statistics.js';

export { findingRef, scoreFor } from './finding-ref.js';

function imageOf(scan: ScanResult): ImageVerdict['image'] {
  const { image } = scan;
  const digest = image.manifestDigest ?? image.id;
  return {
    reference: image.reference,
    ...(digest ? { digest } : {}),
    ...(image.id ? { id: image.id } : {}),
    tags: image.repoTags,
    ...(image.size !== undefined ? { size: image.size } : {}),
    ...(scan.os ? { os: `${scan.os.family} ${scan.os.version}` } : {}),
    ...(image.architecture ? { architecture: image.architecture } : {}),
    layerCount: image.layers.length,
  };
}

/** Every violation of every criterion, once per advisory and package, in order of first mention. */
function violatingFindingsOf(criteria: readonly Criterion[]): FindingRef[] {
  const violating = new Map<string, FindingRef>();
  for (const criterion of criteria) for (const ref of criterion.violations) violating.set(findingKey(ref.id, ref.packageId), ref);
  return [...violating.values()];
}

export function evaluateImageGate(scan: ScanResult, gate: GateConfig, today: string = new Date().toISOString().slice(0, 10)): ImageVerdict {
  const { kept, excluded, exclusions, expiredIgnores } = applyExclusions(scan, gate, today);
  const fixable = (findings: typeof kept): typeof kept => findings.filter((finding) => finding.fixState === 'fixed');
  const relevant = gate.baseline ? newComparedWith(kept, gate.baseline) : kept;
  const considered = gate.fixableOnly ? fixable(relevant) : relevant;
  const evaluated = evaluateCriteria({ gate, scan, considered, excluded: gate.fixableOnly ? fixable(excluded) : excluded });
  const criteria = evaluated.map(({ criterion }) => criterion);
  const reasons = reasonsFor(evaluated, considered);
  return {
    schemaVersion: VERDICT_SCHEMA_VERSION,
    image: imageOf(scan),
    passed: reasons.length === 0,
    reasons,
    criteria,
    ...statisticsOf(scan.findings.length, excluded.length, considered),
    violatingFindings: violatingFindingsOf(criteria),
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
