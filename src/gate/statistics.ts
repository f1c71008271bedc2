/**
 * The verdict's statistics over the findings the conditions were applied to: counts by severity,
 * fixable and unfixable, and the histogram of CVSS base scores (each finding's highest score of
 * any version) with the number of findings that have none. One pass; never decides pass/fail.
 */
import { emptySeverityCounts } from '../model/severity.js';
import type { Finding } from '../model/finding.js';
import type { ImageVerdict } from '../model/image-verdict.js';
import { scoreFor } from './finding-ref.js';

export type VerdictStatistics = Pick<ImageVerdict, 'counts' | 'cvssHistogram' | 'unscoredCount'>;

/** `total` and `excluded` are counted before the conditions; everything else over `considered`. */
export function statisticsOf(total: number, excluded: number, considered: readonly Finding[]): VerdictStatistics {
  const bySeverity = emptySeverityCounts();
  // Index i counts scores in [i, i+1); 10 counts 10.0.
  const histogram = new Array<number>(11).fill(0);
  let unscored = 0;
  let fixable = 0;
  for (const finding of considered) {
    bySeverity[finding.severity] += 1;
    if (finding.fixState === 'fixed') fixable += 1;
    const score = scoreFor(finding, 'max');
    if (score === undefined) unscored += 1;
    else histogram[Math.min(10, Math.floor(score))] = (histogram[Math.min(10, Math.floor(score))] ?? 0) + 1;
  }
  return {
    counts: { total, excluded, considered: considered.length, bySeverity, fixable, unfixable: considered.length - fixable },
    cvssHistogram: histogram,
    unscoredCount: unscored,
  };
}
