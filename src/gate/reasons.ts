/**
 * The verdict's reasons: one sentence per violated criterion, built from the facts its builder
 * recorded (severity, limit, threshold, banned packages) and naming the first few findings that
 * violate it, so a failed build says why without opening a report.
 */
import type { Finding } from '../model/finding.js';
import { cvssTitle, type EvaluatedCriterion, type ReasonFacts } from './criteria.js';
import { findingKey } from './finding-ref.js';

/** How many findings or packages a reason names before it says "and N more". */
const NAMED = 5;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function describeFindings(findings: readonly Finding[]): string {
  const shown = findings.slice(0, NAMED).map((f) => `${f.id} (${f.package.name} ${f.package.version})`);
  return findings.length > NAMED ? `${shown.join(', ')} and ${findings.length - NAMED} more` : shown.join(', ');
}

function sentence(facts: ReasonFacts, found: number, violators: () => string): string {
  switch (facts.kind) {
    case 'severity-limit':
      return `${plural(found, `${facts.severity} finding`)}, more than the limit of ${facts.limit}: ${violators()}`;
    case 'fail-on':
      return `${plural(found, 'finding')} at ${facts.severity} or above: ${violators()}`;
    case 'vulnerability-ids':
      return `listed vulnerabilities found: ${violators()}`;
    case 'cvss':
      return `${plural(found, 'finding')} with a ${cvssTitle(facts.version)} >= ${facts.threshold}: ${violators()}`;
    case 'software': {
      const shown = facts.packages.slice(0, NAMED).map((p) => `${p.name} ${p.version} (${p.matchedSpec})`);
      return `banned software installed: ${shown.join(', ')}${facts.packages.length > NAMED ? ` and ${facts.packages.length - NAMED} more` : ''}`;
    }
  }
}

/** One reason per violated criterion, in the criteria's order; empty when the image passes. */
export function reasonsFor(evaluated: readonly EvaluatedCriterion[], considered: readonly Finding[]): string[] {
  const reasons: string[] = [];
  for (const { criterion, facts } of evaluated) {
    if (!criterion.violated || !facts) continue;
    // Every considered finding that is one of the violations (by advisory and package), in scan order.
    const violators = (): string => {
      const keys = new Set(criterion.violations.map((ref) => findingKey(ref.id, ref.packageId)));
      return describeFindings(considered.filter((finding) => keys.has(findingKey(finding.id, finding.package.id))));
    };
    reasons.push(sentence(facts, criterion.found, violators));
  }
  return reasons;
}
