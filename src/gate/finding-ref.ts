/**
 * How the verdict names a finding (FindingRef) and scores it (its highest CVSS base score of a
 * version choice): the facts every part of the gate's evaluation shares.
 */
import type { CvssScore, Finding } from '../model/finding.js';
import type { FindingRef } from '../model/image-verdict.js';
import type { CvssVersionChoice } from './gate-config.js';

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

/** One finding per advisory and package: the key the verdict deduplicates violations by. */
export function findingKey(id: string, packageId: string): string {
  return `${id}\u0000${packageId}`;
}

/** The highest base score among the finding's CVSS scores of the given version choice. */
export function scoreFor(finding: Finding, version: CvssVersionChoice): number | undefined {
  const wanted = (score: CvssScore): boolean => version === 'max' || score.version.startsWith(version);
  const scores = finding.cvssScores.filter(wanted).map((score) => score.baseScore);
  if (version === 'max' && finding.cvss && !scores.includes(finding.cvss.baseScore)) scores.push(finding.cvss.baseScore);
  return scores.length > 0 ? Math.max(...scores) : undefined;
}
