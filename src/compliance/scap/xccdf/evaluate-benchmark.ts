/**
 * Evaluates a benchmark under a resolved profile on one target: selection (profile, groups,
 * requires/conflicts), CPE applicability (the benchmark's, then each group's and rule's platforms,
 * answered by the content's CPE OVAL checks), the rule's check (refine-rule selector, OVAL system),
 * check-export of Values into OVAL external variables, negate. All OVAL definitions of one document
 * go through one OVAL session, so each object is collected once per scan. Never runs a fix.
 */
import type { OvalDefinitionOutcome, OvalEvaluation, OvalResult } from '../oval/index.js';
import { createOvalEvaluation, OvalTargetCache } from '../oval/index.js';
import type { Target } from '../../targets/target.js';
import { anyPlatformApplies, platformChecks, type CpeVerdict, type OvalCheckRef } from './cpe.js';
import type { ScapContent } from './content.js';
import { OVAL_CHECK_SYSTEM, type XccdfCheck, type XccdfResult, type XccdfRule, type XccdfSeverity } from './model.js';
import { selectedRules, type ResolvedProfile } from './profile.js';

export interface RuleOutcome {
  ruleId: string;
  result: XccdfResult;
  severity: XccdfSeverity;
  /** Why the result is what it is: OVAL messages, the missing check system, the platform. */
  messages: string[];
  /** The OVAL definition the result came from (`href#id`), when one was evaluated. */
  checkRef?: string;
  /** The Values exported into the check, by OVAL variable id. */
  exports: { name: string; value: string }[];
}

export interface BenchmarkEvaluation {
  profile: ResolvedProfile;
  startedAt: string;
  finishedAt: string;
  /** Every rule of the benchmark in document order, unselected ones as notselected. */
  rules: RuleOutcome[];
}

const OVAL_TO_XCCDF: Record<OvalResult, XccdfResult> = {
  true: 'pass',
  false: 'fail',
  error: 'error',
  unknown: 'unknown',
  'not applicable': 'notapplicable',
  'not evaluated': 'notchecked',
};

interface Sessions {
  get(href: string): OvalEvaluation | undefined;
}

/** How an OVAL session is opened: the OVAL engine's createOvalEvaluation (a test may record calls through it). */
export type OvalEngine = typeof createOvalEvaluation;

function sessionsFor(content: ScapContent, target: Target, signal: AbortSignal | undefined, engine: OvalEngine): Sessions {
  const sessions = new Map<string, OvalEvaluation | undefined>();
  // One cache of the target for every document: the CPE checks and the rules walk the files once.
  const cache = new OvalTargetCache(target);
  return {
    get(href) {
      if (!sessions.has(href)) {
        const document = content.oval(href);
        sessions.set(href, document ? engine(document, target, signal ? { signal, cache } : { cache }) : undefined);
      }
      return sessions.get(href);
    },
  };
}

/** Evaluates CPE checks (no external variables), grouped by OVAL document. */
async function evaluateChecks(checks: readonly OvalCheckRef[], sessions: Sessions): Promise<Map<string, OvalDefinitionOutcome>> {
  const results = new Map<string, OvalDefinitionOutcome>();
  const byHref = new Map<string, string[]>();
  for (const check of checks) byHref.set(check.href, [...(byHref.get(check.href) ?? []), check.definitionId]);
  for (const [href, ids] of byHref) {
    const session = sessions.get(href);
    if (!session) {
      for (const id of ids) results.set(`${href}#${id}`, { result: 'error', messages: [`the content has no OVAL document ${href}`] });
      continue;
    }
    const outcomes = await session.evaluate(ids, new Map());
    for (const id of ids) results.set(`${href}#${id}`, outcomes.get(id) ?? { result: 'error', messages: [`${href} has no definition ${id}`] });
  }
  return results;
}

function chooseCheck(rule: XccdfRule, selector: string): { check?: XccdfCheck; reason?: string } {
  const bySelector = rule.checks.filter((check) => check.selector === selector);
  const candidates = bySelector.length > 0 ? bySelector : rule.checks.filter((check) => check.selector === '');
  const oval = candidates.find((check) => check.system === OVAL_CHECK_SYSTEM);
  if (oval) return { check: oval };
  if (candidates.length === 0) return { reason: 'the rule has no check' };
  return { reason: `no check in a system Tollgate evaluates (${[...new Set(candidates.map((check) => check.system))].join(', ')}); only OVAL is evaluated` };
}

interface PendingCheck {
  rule: XccdfRule;
  check: XccdfCheck;
  href: string;
  definitionId: string;
  exports: { name: string; value: string }[];
}

/** Pending checks of one OVAL document split into batches whose exported values never disagree. */
function batches(pending: readonly PendingCheck[]): PendingCheck[][] {
  const result: { values: Map<string, string>; checks: PendingCheck[] }[] = [];
  for (const item of pending) {
    const fits = result.find((batch) => item.exports.every((exported) => (batch.values.get(exported.name) ?? exported.value) === exported.value));
    const batch = fits ?? { values: new Map<string, string>(), checks: [] };
    if (!fits) result.push(batch);
    for (const exported of item.exports) batch.values.set(exported.name, exported.value);
    batch.checks.push(item);
  }
  return result.map((batch) => batch.checks);
}

/** The OVAL check of each rule that has one in the content, with the values it exports. */
function checksOf(rules: readonly XccdfRule[], profile: ResolvedProfile, content: ScapContent): PendingCheck[] {
  const found: PendingCheck[] = [];
  for (const rule of rules) {
    const { check } = chooseCheck(rule, profile.checkSelectors.get(rule.id) ?? '');
    const ref = check?.refs.find((candidate) => content.oval(candidate.href) !== undefined);
    if (!check || ref?.name === undefined) continue;
    const exports = check.exports.map((exported) => ({ name: exported.exportName, value: profile.values.get(exported.valueId) ?? '' }));
    found.push({ rule, check, href: ref.href, definitionId: ref.name, exports });
  }
  return found;
}

/** Groups checks by OVAL document. */
function byDocument(checks: readonly PendingCheck[]): Map<string, PendingCheck[]> {
  const byHref = new Map<string, PendingCheck[]>();
  for (const item of checks) byHref.set(item.href, [...(byHref.get(item.href) ?? []), item]);
  return byHref;
}

/** The external variables of one batch: every value its checks export. */
function externalsOf(batch: readonly PendingCheck[]): Map<string, string[]> {
  const externals = new Map<string, string[]>();
  for (const item of batch) for (const exported of item.exports) externals.set(exported.name, [exported.value]);
  return externals;
}

/**
 * Plans the selected rules' checks and the CPE checks before anything is evaluated, then starts
 * what they planned as one request (the sessions share the target's cache): the first request to
 * the target (the walk of its trees, tree-queries.ts) answers every document's objects, and a tree
 * one CPE check searches is not walked again for the rules.
 */
async function planChecks(checks: readonly { href: string; definitionId: string }[], sessions: Sessions): Promise<void> {
  const ids = new Map<string, Set<string>>();
  for (const check of checks) ids.set(check.href, (ids.get(check.href) ?? new Set()).add(check.definitionId));
  for (const [href, definitionIds] of ids) await sessions.get(href)?.plan?.([...definitionIds]);
  for (const href of ids.keys()) sessions.get(href)?.startPlanned?.();
}

export async function evaluateBenchmark(content: ScapContent, profile: ResolvedProfile, target: Target, options: { signal?: AbortSignal; engine?: OvalEngine } = {}): Promise<BenchmarkEvaluation> {
  const startedAt = new Date().toISOString();
  const { benchmark, applicability } = content;
  const sessions = sessionsFor(content, target, options.signal, options.engine ?? createOvalEvaluation);
  // Without a CPE dictionary (plain XCCDF), CPE names cannot be checked: they are taken as applying.
  const checkable = (idrefs: readonly string[]): string[] => (applicability.dictionary.size === 0 ? idrefs.filter((idref) => idref.startsWith('#')) : [...idrefs]);
  const selected = selectedRules(benchmark, profile);
  const platformLists = (rule: XccdfRule): string[][] => {
    const lists = [checkable(rule.platforms)];
    for (let group = benchmark.groups.get(rule.parent); group; group = benchmark.groups.get(group.parent)) lists.push(checkable(group.platforms));
    return lists;
  };
  const allPlatforms = new Set([...checkable(benchmark.platforms), ...selected.flatMap((rule) => platformLists(rule).flat())]);
  const cpeChecks = platformChecks(allPlatforms, applicability);
  await planChecks([...checksOf(selected, profile, content), ...cpeChecks], sessions);
  const cpeResults = await evaluateChecks(cpeChecks, sessions);
  const cpeResult = (check: OvalCheckRef): string => cpeResults.get(`${check.href}#${check.definitionId}`)?.result ?? 'error';
  const benchmarkApplies = anyPlatformApplies(checkable(benchmark.platforms), applicability, cpeResult);

  const outcomes = new Map<string, RuleOutcome>();
  const pending: PendingCheck[] = [];
  for (const rule of selected) {
    options.signal?.throwIfAborted();
    const severity = profile.severities.get(rule.id) ?? rule.severity;
    const done = (result: XccdfResult, messages: string[]): void => {
      outcomes.set(rule.id, { ruleId: rule.id, result, severity, messages, exports: [] });
    };
    const verdicts: CpeVerdict[] = [benchmarkApplies, ...platformLists(rule).map((list) => anyPlatformApplies(list, applicability, cpeResult))];
    if (verdicts.includes('false')) {
      done('notapplicable', [benchmarkApplies === 'false' ? `the benchmark's platform (${benchmark.platforms.join(', ')}) does not apply to ${target.name}` : `the rule's platform does not apply to ${target.name}`]);
      continue;
    }
    if (verdicts.includes('error')) {
      done('error', ['whether the rule applies could not be decided: a CPE check ended in error']);
      continue;
    }
    const { check, reason } = chooseCheck(rule, profile.checkSelectors.get(rule.id) ?? '');
    if (!check) {
      done('notchecked', [reason ?? 'no check']);
      continue;
    }
    const ref = check.refs.find((candidate) => content.oval(candidate.href) !== undefined);
    if (!ref) {
      done('notchecked', [`the OVAL document of the check (${check.refs.map((candidate) => candidate.href).join(', ')}) is not in the content`]);
      continue;
    }
    if (ref.name === undefined) {
      done('notchecked', [`the check names no OVAL definition (every definition of ${ref.href}); not evaluated`]);
      continue;
    }
    const exports = check.exports.map((exported) => ({ name: exported.exportName, value: profile.values.get(exported.valueId) ?? '' }));
    pending.push({ rule, check, href: ref.href, definitionId: ref.name, exports });
  }

  for (const [href, items] of byDocument(pending)) {
    const session = sessions.get(href);
    for (const batch of batches(items)) {
      const results = session ? await session.evaluate([...new Set(batch.map((item) => item.definitionId))], externalsOf(batch)) : new Map<string, OvalDefinitionOutcome>();
      for (const item of batch) {
        const outcome = results.get(item.definitionId) ?? { result: 'error' as const, messages: [`${href} has no definition ${item.definitionId}`] };
        let result = OVAL_TO_XCCDF[outcome.result];
        if (item.check.negate && (result === 'pass' || result === 'fail')) result = result === 'pass' ? 'fail' : 'pass';
        outcomes.set(item.rule.id, {
          ruleId: item.rule.id,
          result,
          severity: profile.severities.get(item.rule.id) ?? item.rule.severity,
          messages: outcome.messages,
          checkRef: `${href}#${item.definitionId}`,
          exports: item.exports,
        });
      }
    }
  }
  const rules = [...benchmark.rules.values()].map((rule) => outcomes.get(rule.id) ?? { ruleId: rule.id, result: 'notselected' as const, severity: profile.severities.get(rule.id) ?? rule.severity, messages: [], exports: [] });
  return { profile, startedAt, finishedAt: new Date().toISOString(), rules };
}
