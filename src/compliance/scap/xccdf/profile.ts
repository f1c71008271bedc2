/**
 * A profile resolved against its benchmark: which items are selected, each Value's value, each
 * rule's severity and check selector. `extends` chains apply parent first; a tailoring's profiles
 * come on top of the benchmark's (a tailoring profile may extend a benchmark profile). Profiles
 * are named by full id or by the unique suffix after `_profile_` (`standard`), as `oscap` accepts.
 */
import { UsageError } from '../../../errors.js';
import type { XccdfBenchmark, XccdfProfile, XccdfRule, XccdfSeverity } from './model.js';

export interface ResolvedProfile {
  /** The profile's id; undefined for the benchmark's defaults. */
  id?: string;
  title: string;
  /** Item selection overrides of the profile (rule and group ids). */
  selections: Map<string, boolean>;
  /** Resolved value of every Value of the benchmark, by id. */
  values: Map<string, string>;
  severities: Map<string, XccdfSeverity>;
  checkSelectors: Map<string, string>;
}

/** Finds a profile by full id or suffix; unknown ids are a usage error listing the profiles. */
export function findProfile(profiles: ReadonlyMap<string, XccdfProfile>, wanted: string, origin: string): XccdfProfile {
  const exact = profiles.get(wanted);
  if (exact) return exact;
  const bySuffix = [...profiles.values()].filter((profile) => profile.id.endsWith(`_profile_${wanted}`));
  if (bySuffix.length === 1 && bySuffix[0]) return bySuffix[0];
  const known = [...profiles.keys()].join(', ') || 'none';
  throw new UsageError(`${origin}: no profile ${JSON.stringify(wanted)}${bySuffix.length > 1 ? ' (the name is ambiguous)' : ''}; its profiles are ${known}`);
}

/** The benchmark's profiles with a tailoring's profiles over them. */
export function profilesWith(benchmark: XccdfBenchmark, tailoring: readonly XccdfProfile[]): Map<string, XccdfProfile> {
  const profiles = new Map(benchmark.profiles);
  for (const profile of tailoring) profiles.set(profile.id, profile);
  return profiles;
}

export function resolveProfile(benchmark: XccdfBenchmark, profileId: string | undefined, origin: string, tailoring: readonly XccdfProfile[] = []): ResolvedProfile {
  const profiles = profilesWith(benchmark, tailoring);
  const resolved: ResolvedProfile = { title: benchmark.title, selections: new Map(), values: new Map(), severities: new Map(), checkSelectors: new Map() };
  const valueSelectors = new Map<string, string>();
  const setValues = new Map<string, string>();
  if (profileId !== undefined) {
    const chain: XccdfProfile[] = [];
    const seen = new Set<string>();
    // Tailoring profiles extend benchmark profiles of the same id: look a parent up in the benchmark first when ids collide.
    for (let profile: XccdfProfile | undefined = findProfile(profiles, profileId, origin); profile; ) {
      if (seen.has(profile.id)) throw new UsageError(`${origin}: profile ${profile.id} extends itself`);
      seen.add(profile.id);
      chain.unshift(profile);
      const parentId: string | undefined = profile.extends;
      profile = parentId === undefined ? undefined : parentId === profile.id ? benchmark.profiles.get(parentId) : (profiles.get(parentId) ?? benchmark.profiles.get(parentId));
      if (parentId !== undefined && !profile) throw new UsageError(`${origin}: profile ${chain[0]?.id ?? ''} extends unknown profile ${parentId}`);
    }
    for (const profile of chain) {
      for (const select of profile.selects) resolved.selections.set(select.idref, select.selected);
      for (const refine of profile.refineValues) {
        valueSelectors.set(refine.idref, refine.selector);
        setValues.delete(refine.idref);
      }
      for (const set of profile.setValues) setValues.set(set.idref, set.value);
      for (const refine of profile.refineRules) {
        if (refine.severity) resolved.severities.set(refine.idref, refine.severity);
        if (refine.selector !== undefined) resolved.checkSelectors.set(refine.idref, refine.selector);
      }
    }
    const last = chain[chain.length - 1];
    resolved.id = last?.id ?? profileId;
    resolved.title = last?.title || resolved.title;
  }
  for (const value of benchmark.values.values()) {
    const set = setValues.get(value.id);
    if (set !== undefined) {
      resolved.values.set(value.id, set);
      continue;
    }
    const selector = valueSelectors.get(value.id) ?? '';
    const chosen = value.values.get(selector) ?? value.values.get('') ?? [...value.values.values()][0] ?? '';
    resolved.values.set(value.id, chosen);
  }
  return resolved;
}

/** An item's own selection under the profile (ancestors aside). */
function ownSelection(id: string, fallback: boolean, profile: ResolvedProfile): boolean {
  return profile.selections.get(id) ?? fallback;
}

/**
 * The rules a profile selects, in document order, processed as XCCDF 1.2 §7.2.3 processes items:
 * one after the other in document order, a Group or Rule the profile leaves unselected is skipped
 * with everything it holds, and one is deselected when a `requires` has no selected idref or a
 * `conflicts` idref is selected, judged on the selections as they stand at that point: an item
 * deselected earlier counts as unselected for the items after it (of two rules that conflict with
 * each other, the first gives way and the second is evaluated), an item not reached yet or never
 * reached (inside an unselected Group) counts with its own selection. OpenSCAP selects the same
 * (the oracle test runs `oscap xccdf eval` on requires and conflicts cases).
 */
export function selectedRules(benchmark: XccdfBenchmark, profile: ResolvedProfile): XccdfRule[] {
  const decided = new Map<string, boolean>();
  const isSelected = (id: string): boolean => {
    const item = benchmark.rules.get(id) ?? benchmark.groups.get(id);
    return item !== undefined && (decided.get(id) ?? ownSelection(id, item.selected, profile));
  };
  const rules: XccdfRule[] = [];
  for (const id of benchmark.items) {
    const item = benchmark.rules.get(id) ?? benchmark.groups.get(id);
    // What a Group holds is processed only when the Group itself was, and stayed selected.
    if (!item || (benchmark.groups.has(item.parent) && decided.get(item.parent) !== true)) continue;
    const selected = isSelected(id) && item.requires.every((alternatives) => alternatives.some(isSelected)) && !item.conflicts.some((other) => other !== id && isSelected(other));
    decided.set(id, selected);
    if (selected && item.kind === 'rule') rules.push(item);
  }
  return rules;
}
