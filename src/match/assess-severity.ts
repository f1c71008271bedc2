/**
 * A finding's severity, as DESIGN.md orders the sources: the CVSS vectors the advisories carry
 * (the highest CVSS version, its highest score); else the advisory source's own rating (GHSA's
 * `database_specific.severity`, Debian's urgency); else CVSS vectors from the enrichment data for
 * the flaw's CVE; else UNKNOWN. Every score known, from any source, is kept for the CVSS gate.
 */
import type { AffectedCandidate } from '../vulndb/database.js';
import { compareScores, scoreVector } from './cvss.js';
import type { CvssScore, SeveritySource } from '../model/finding.js';
import { severityFromScore, type Severity } from '../model/severity.js';

const GHSA_RATING: Record<string, Severity> = { CRITICAL: 'CRITICAL', HIGH: 'HIGH', MODERATE: 'MEDIUM', MEDIUM: 'MEDIUM', LOW: 'LOW' };
const DEBIAN_URGENCY: Record<string, Severity> = { unimportant: 'NEGLIGIBLE', low: 'LOW', medium: 'MEDIUM', high: 'HIGH', 'end-of-life': 'LOW', 'not yet assigned': 'UNKNOWN' };

function advisoryRating(candidate: AffectedCandidate): Severity | undefined {
  const urgency = candidate.ecosystemSpecific?.urgency;
  if (typeof urgency === 'string') {
    const rated = DEBIAN_URGENCY[urgency.replace(/\*+$/, '').trim().toLowerCase()];
    if (rated && rated !== 'UNKNOWN') return rated;
  }
  const rating = candidate.advisory.databaseSeverity?.toUpperCase();
  return rating ? GHSA_RATING[rating] : undefined;
}

export interface SeverityAssessment {
  severity: Severity;
  severitySource: SeveritySource;
  cvss?: CvssScore;
  cvssScores: CvssScore[];
}

export function assessSeverity(candidates: readonly AffectedCandidate[], enrichment: readonly { version: string; vector: string; source: string }[]): SeverityAssessment {
  const advisoryScores: CvssScore[] = [];
  const seen = new Set<string>();
  const add = (list: CvssScore[], vector: string, source: string): void => {
    const key = `${vector}\u0000${source}`;
    if (seen.has(key)) return;
    seen.add(key);
    const score = scoreVector(vector, source);
    if (score) list.push(score);
  };
  for (const candidate of candidates) {
    for (const entry of [...candidate.advisory.severity, ...candidate.severity]) {
      if (entry.type.startsWith('CVSS_')) add(advisoryScores, entry.score, candidate.advisory.id);
    }
  }
  const enrichmentScores: CvssScore[] = [];
  for (const row of enrichment) add(enrichmentScores, row.vector, row.source);
  const cvssScores = [...advisoryScores, ...enrichmentScores].sort(compareScores);

  const best = [...advisoryScores].sort(compareScores)[0];
  if (best) return { severity: severityFromScore(best.baseScore), severitySource: 'cvss', cvss: best, cvssScores };
  const ratings = candidates.map(advisoryRating).filter((rating): rating is Severity => rating !== undefined);
  if (ratings.length > 0) {
    const order: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NEGLIGIBLE'];
    return { severity: order.find((level) => ratings.includes(level)) as Severity, severitySource: 'advisory', cvssScores };
  }
  const enriched = [...enrichmentScores].sort(compareScores)[0];
  if (enriched) return { severity: severityFromScore(enriched.baseScore), severitySource: 'cvss', cvss: enriched, cvssScores };
  return { severity: 'UNKNOWN', severitySource: 'none', cvssScores };
}
