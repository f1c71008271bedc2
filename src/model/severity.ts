/**
 * The severity scale of image findings (DESIGN.md, "Severity") and its numeric alias 1..5.
 */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NEGLIGIBLE', 'UNKNOWN'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Rank for ordering: CRITICAL 5 .. NEGLIGIBLE 1, UNKNOWN 0 (below every known level). */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = {
  CRITICAL: 5,
  HIGH: 4,
  MEDIUM: 3,
  LOW: 2,
  NEGLIGIBLE: 1,
  UNKNOWN: 0,
};

/**
 * Parses a severity as users write it: a level name in any case, or the connectors' numeric
 * alias `5` (CRITICAL) .. `1` (NEGLIGIBLE). Returns undefined when it is neither.
 */
export function parseSeverity(text: string): Severity | undefined {
  const upper = text.trim().toUpperCase();
  if ((SEVERITIES as readonly string[]).includes(upper)) return upper as Severity;
  const numeric: Record<string, Severity> = { '5': 'CRITICAL', '4': 'HIGH', '3': 'MEDIUM', '2': 'LOW', '1': 'NEGLIGIBLE' };
  return numeric[upper];
}

/** Maps a CVSS base score to a level with the CVSS v3/v4 qualitative rating scale. */
export function severityFromScore(score: number): Severity {
  if (score >= 9.0) return 'CRITICAL';
  if (score >= 7.0) return 'HIGH';
  if (score >= 4.0) return 'MEDIUM';
  if (score >= 0.1) return 'LOW';
  return 'NEGLIGIBLE';
}

export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITY_RANK[a] - SEVERITY_RANK[b];
}

export function emptySeverityCounts(): Record<Severity, number> {
  return { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, NEGLIGIBLE: 0, UNKNOWN: 0 };
}
