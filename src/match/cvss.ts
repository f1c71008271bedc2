/**
 * CVSS vectors to scores with ae-cvss-calculator (v2, v3.0, v3.1, v4.0). Scores are always
 * computed from the vector, never taken from advisory text; a vector the calculator cannot read
 * is dropped.
 */
import { createRequire } from 'node:module';
import type * as CvssCalculator from 'ae-cvss-calculator';
import type { CvssScore, CvssVersion } from '../model/finding.js';

// The calculator evaluates its whole bundle when loaded (a tenth of a warm scan's start-up), and a
// scan whose findings carry no vector never needs it: it is required on the first vector,
// synchronously, since scoring happens inside synchronous matching.
let calculators: typeof CvssCalculator | undefined;
function calculator(): typeof CvssCalculator {
  calculators ??= createRequire(import.meta.url)('ae-cvss-calculator') as typeof CvssCalculator;
  return calculators;
}

export function cvssVersionOf(vector: string): CvssVersion | undefined {
  if (vector.startsWith('CVSS:4.0/')) return '4.0';
  if (vector.startsWith('CVSS:3.1/')) return '3.1';
  if (vector.startsWith('CVSS:3.0/')) return '3.0';
  if (/^(\(?)AV:[LAN]\/AC:[HML]\/Au:[MSN]\//.test(vector)) return '2.0';
  return undefined;
}

/** Scores by vector: advisories repeat the same few thousand vectors, scoring is not free. */
const scored = new Map<string, { version: CvssVersion; vector: string; baseScore: number } | null>();
const MAX_REMEMBERED = 50_000;

function score(vector: string): { version: CvssVersion; vector: string; baseScore: number } | null {
  const trimmed = vector.trim().replace(/^\((.*)\)$/, '$1');
  const version = cvssVersionOf(trimmed);
  if (!version || trimmed.length > 300) return null;
  // Outside the try: a calculator that cannot load is an error, not a vector quietly dropped.
  const { Cvss2, Cvss3P0, Cvss3P1, Cvss4P0 } = calculator();
  try {
    const vectorCalculator = version === '4.0' ? new Cvss4P0(trimmed) : version === '3.1' ? new Cvss3P1(trimmed) : version === '3.0' ? new Cvss3P0(trimmed) : new Cvss2(trimmed);
    const base = vectorCalculator.calculateScores().base;
    if (typeof base !== 'number' || Number.isNaN(base) || base < 0 || base > 10) return null;
    return { version, vector: trimmed, baseScore: base };
  } catch {
    return null;
  }
}

/** Scores one vector, or undefined when it is not a readable CVSS vector. */
export function scoreVector(vector: string, source: string): CvssScore | undefined {
  let result = scored.get(vector);
  if (result === undefined) {
    result = score(vector);
    if (scored.size >= MAX_REMEMBERED) scored.clear();
    scored.set(vector, result);
  }
  return result ? { ...result, source } : undefined;
}

const VERSION_RANK: Record<CvssVersion, number> = { '4.0': 4, '3.1': 3, '3.0': 2, '2.0': 1 };

/** Highest CVSS version first; within a version, highest score first. */
export function compareScores(a: CvssScore, b: CvssScore): number {
  return VERSION_RANK[b.version] - VERSION_RANK[a.version] || b.baseScore - a.baseScore || a.source.localeCompare(b.source);
}
