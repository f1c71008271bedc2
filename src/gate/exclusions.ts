/**
 * The gate's exclusions, applied before any failure condition: active ignore-file entries, then
 * excluded ids, packages and paths, then VEX statements. A finding is excluded by the first rule
 * that names it, and that rule is recorded with the reason it carries. Expired ignore entries
 * exclude nothing and are listed, so an acceptance never quietly outlives its review date.
 *
 * Pure: never reads a file; every rule is compiled once, then each finding is tried once.
 */
import picomatch from 'picomatch';
import type { ImageSummary, ScanResult } from '../model/image-scan.js';
import type { Finding } from '../model/finding.js';
import type { Exclusion, ExpiredIgnore } from '../model/image-verdict.js';
import { findingRef } from './finding-ref.js';
import type { GateConfig, IgnoreEntry } from './gate-config.js';
import { compileIdPattern, findingIds, matchingIdPattern } from './id-match.js';
import { compileSoftwareSpec, type SoftwareSpec } from '../ecosystems/software-spec.js';
import { decidingStatement, suppresses, type VexStatement } from './vex.js';

export interface ExclusionOutcome {
  /** Findings no rule names, in scan order. */
  kept: Finding[];
  /** Findings some rule names, in scan order, one Exclusion each in `exclusions`. */
  excluded: Finding[];
  exclusions: Exclusion[];
  expiredIgnores: ExpiredIgnore[];
}

/** Names the finding (and says why) or returns undefined. */
type ExclusionRule = (finding: Finding) => Exclusion | undefined;

/** True when the entry has expired on `today` (`YYYY-MM-DD`): it applies through its expiry day. */
export function isExpired(entry: IgnoreEntry, today: string): boolean {
  return entry.expires !== undefined && entry.expires < today;
}

const stripSlash = (text: string): string => text.replace(/^\/+/, '');

/** Paths are matched with or without their leading slash, as users write them either way. */
function compilePathGlob(glob: string): (location: string) => boolean {
  const matcher = picomatch(stripSlash(glob), { dot: true });
  return (location) => matcher(stripSlash(location));
}

/**
 * The ignore file's rule: the first entry (in file order) that names the finding. Entries with an
 * exact advisory id are indexed by that id, so a finding is checked against the few entries that
 * name one of its ids plus the entries without one (globs, package- or path-only entries), never
 * against the whole file: an ignore file of tens of thousands of entries costs a lookup per id.
 */
function ignoreFileRule(entries: readonly IgnoreEntry[]): ExclusionRule {
  const byExactId = new Map<string, number[]>();
  const unindexed: number[] = [];
  const compiled = entries.map((entry, index) => {
    const exactId = entry.id !== undefined && !/[*?[\]]/.test(entry.id) ? entry.id.trim().toUpperCase() : undefined;
    if (exactId === undefined) unindexed.push(index);
    else byExactId.set(exactId, [...(byExactId.get(exactId) ?? []), index]);
    const id = entry.id ? [{ text: entry.id, match: compileIdPattern(entry.id) }] : undefined;
    const pkg = entry.package ? compileSoftwareSpec(entry.package) : undefined;
    const inPath = entry.path ? compilePathGlob(entry.path) : undefined;
    return { entry, matches: (finding: Finding): boolean => (!id || matchingIdPattern(finding, id) !== undefined) && (!pkg || pkg.matches(finding.package)) && (!inPath || inPath(finding.package.location)) };
  });
  const candidatesOf = (finding: Finding): number[] => {
    const candidates = new Set(unindexed);
    for (const id of findingIds(finding)) for (const index of byExactId.get(id.toUpperCase()) ?? []) candidates.add(index);
    return [...candidates].sort((a, b) => a - b);
  };
  return (finding) => {
    const first = candidatesOf(finding).find((index) => compiled[index]?.matches(finding));
    const entry = first === undefined ? undefined : compiled[first]?.entry;
    return entry && { finding: findingRef(finding), by: 'ignore-file', rule: entry.origin, reason: entry.reason, ...(entry.expires ? { expires: entry.expires } : {}) };
  };
}

function idRule(ids: readonly string[]): ExclusionRule {
  const patterns = ids.map((text) => ({ text, match: compileIdPattern(text) }));
  return (finding) => {
    const id = matchingIdPattern(finding, patterns);
    return id === undefined ? undefined : { finding: findingRef(finding), by: 'id', rule: id };
  };
}

function packageRule(specs: readonly SoftwareSpec[]): ExclusionRule {
  const compiled = specs.map(compileSoftwareSpec);
  return (finding) => {
    const spec = compiled.find((candidate) => candidate.matches(finding.package));
    return spec && { finding: findingRef(finding), by: 'package', rule: spec.spec.text };
  };
}

function pathRule(globs: readonly string[]): ExclusionRule {
  const compiled = globs.map((glob) => ({ glob, match: compilePathGlob(glob) }));
  return (finding) => {
    const inPath = compiled.find((candidate) => candidate.match(finding.package.location));
    return inPath && { finding: findingRef(finding), by: 'path', rule: inPath.glob };
  };
}

function vexRule(image: ImageSummary, statements: readonly VexStatement[]): ExclusionRule {
  return (finding) => {
    const statement = decidingStatement(finding, image, statements);
    if (!statement || !suppresses(statement)) return undefined;
    return {
      finding: findingRef(finding),
      by: 'vex',
      rule: statement.origin,
      vexStatus: statement.status,
      ...(statement.justification ? { justification: statement.justification } : {}),
      ...(statement.impactStatement ? { reason: statement.impactStatement } : {}),
    };
  };
}

function expiredIgnoreOf(entry: IgnoreEntry): ExpiredIgnore {
  return {
    origin: entry.origin,
    ...(entry.id ? { id: entry.id } : {}),
    ...(entry.package ? { package: entry.package.text } : {}),
    ...(entry.path ? { path: entry.path } : {}),
    reason: entry.reason,
    expires: entry.expires as string,
  };
}

/** Splits the scan's findings into kept and excluded, recording the rule that excluded each. */
export function applyExclusions(scan: ScanResult, gate: GateConfig, today: string): ExclusionOutcome {
  const active = gate.ignoreEntries.filter((entry) => !isExpired(entry, today));
  // The order is the precedence: the first rule that names a finding is the one recorded. A kind
  // with nothing configured cannot name anything and is left out of the loop.
  const rules: ExclusionRule[] = [
    ...(active.length > 0 ? [ignoreFileRule(active)] : []),
    ...(gate.exclude.ids.length > 0 ? [idRule(gate.exclude.ids)] : []),
    ...(gate.exclude.packages.length > 0 ? [packageRule(gate.exclude.packages)] : []),
    ...(gate.exclude.paths.length > 0 ? [pathRule(gate.exclude.paths)] : []),
    ...(gate.vex.length > 0 ? [vexRule(scan.image, gate.vex)] : []),
  ];
  const outcome: ExclusionOutcome = { kept: [], excluded: [], exclusions: [], expiredIgnores: gate.ignoreEntries.filter((entry) => isExpired(entry, today)).map(expiredIgnoreOf) };
  for (const finding of scan.findings) {
    let exclusion: Exclusion | undefined;
    for (const rule of rules) {
      exclusion = rule(finding);
      if (exclusion) break;
    }
    if (exclusion) {
      outcome.exclusions.push(exclusion);
      outcome.excluded.push(finding);
    } else {
      outcome.kept.push(finding);
    }
  }
  return outcome;
}
