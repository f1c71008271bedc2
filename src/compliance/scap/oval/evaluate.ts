/**
 * The OVAL evaluator: definitions → criteria → tests → objects (collected through the test-type
 * list) and states. One session per target: file, package and command facts are read once and
 * shared by every object and every evaluate() call; objects, variables, tests and definitions are
 * computed once per session and set of values of the external variables they depend on (a scan's
 * batches differ in a few exported values; the rest is shared across batches). Evaluation
 * over collected items is pure. Nothing here writes to the target.
 *
 * Evidence for a non-true result names the tests and shows a few of the items seen; a shadow or
 * password item's `password` field (a hash) never reaches a message.
 */
import { TargetFacts } from '../../facts.js';
import type { Target } from '../../targets/target.js';
import type { EntryTest } from '../../targets/tree-query.js';
import { loadPcre, type Pcre, type PcrePattern } from '../pcre/index.js';
import { CachedFiles } from './cached-files.js';
import { planTreeQueries } from './file-objects.js';
import { safeCompare } from './datatypes.js';
import { filtersEntryTest, type FilterOnFile } from './filter-entry-test.js';
import { applyCheck, combine, existence, negate } from './logic.js';
import type { OvalCriteriaNode, OvalDefinitionOutcome, OvalDefinitionsDocument, OvalEntity, OvalEvaluation, OvalObject, OvalResult, OvalSet, OvalState, OvalTest } from './model.js';
import { testTypeFor } from './test-types/list.js';
import { reachableObjects, walkRootsOf } from './walk-roots.js';
import { OvalNotApplicableError, OvalUnknownError, type CollectContext, type ItemFilter, type OvalItem } from './test-types/test-type.js';
import { componentValues } from './variables.js';
import { ExternalDependencies } from './external-dependencies.js';

interface Collected {
  flag: 'complete' | 'error' | 'not collected' | 'not applicable' | 'unknown';
  items: OvalItem[];
  messages: string[];
}

/** What an entity compares with: its values, or the result every comparison gives when they cannot be had. */
type Expected = { values: string[] } | { result: OvalResult; message: string };

interface TestOutcome {
  result: OvalResult;
  messages: string[];
}

const MAX_EVIDENCE_ITEMS = 5;
const DEFINITIONS_IN_FLIGHT = 16;
const MAX_EVIDENCE_VALUE = 160;
const SECRET_FIELDS: Record<string, readonly string[]> = { shadow: ['password'], password: ['password'] };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeItem(type: string, item: OvalItem): string {
  const hidden = SECRET_FIELDS[type] ?? [];
  const fields = Object.entries(item).map(([name, values]) => {
    if (hidden.includes(name)) return `${name}=(hidden)`;
    const text = values.map((value) => (value.length > MAX_EVIDENCE_VALUE ? `${value.slice(0, MAX_EVIDENCE_VALUE)}…` : value));
    return `${name}=${JSON.stringify(text.length === 1 ? text[0] : text)}`;
  });
  return `${type} item: ${fields.join(' ')}`;
}

function itemKey(item: OvalItem): string {
  return JSON.stringify(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A collected object's items, or the reason it has none, keeping the kind of reason (not applicable, unknown). */
function itemsOf(objectId: string, collected: Collected): OvalItem[] {
  if (collected.flag === 'complete') return collected.items;
  const detail = `object ${objectId}: ${collected.messages.join('; ') || collected.flag}`;
  if (collected.flag === 'not applicable') throw new OvalNotApplicableError(detail);
  if (collected.flag === 'unknown') throw new OvalUnknownError(detail);
  throw new Error(detail);
}

/** The form in which `equals` is plain identity: an int in its canonical digits, a string as is; undefined otherwise. */
function membershipKey(datatype: string, value: string): string | undefined {
  if (datatype === 'string') return value;
  if (datatype !== 'int') return undefined;
  const trimmed = value.trim();
  return /^[+-]?\d+$/.test(trimmed) ? BigInt(trimmed).toString() : undefined;
}

/** One evaluate() call: its external variables and everything computed from them. */
class EvaluationRun {
  private readonly memberships = new Map<OvalEntity, Set<string> | undefined>();
  readonly context: CollectContext;
  private readonly variables: Map<string, Promise<string[]>>;
  private readonly objects: Map<string, Promise<Collected>>;
  private readonly tests: Map<string, Promise<TestOutcome>>;
  private readonly definitions: Map<string, Promise<OvalDefinitionOutcome>>;

  constructor(
    readonly document: OvalDefinitionsDocument,
    readonly session: OvalSession,
    private readonly externals: ReadonlyMap<string, readonly string[]>,
    private readonly pcre: Pcre,
  ) {
    ({ variables: this.variables, objects: this.objects, tests: this.tests, definitions: this.definitions } = session.results);
    this.context = {
      target: session.target,
      facts: session.facts,
      pcre,
      files: session.files,
      ...(session.signal ? { signal: session.signal } : {}),
      once: (key, compute) => session.once(key, compute),
      entityValues: (entity) => this.entityValues(entity),
      entityMatches: async (entity, value) => (await this.entityMatcher(entity))(value),
      entityMatcher: (entity) => this.entityMatcher(entity),
    };
  }

  /** Whether a value satisfies an object entity (any of its values), synchronously once the values are resolved. */
  private async entityMatcher(entity: OvalEntity): Promise<(value: string) => boolean> {
    const values = await this.entityValues(entity);
    // A pattern is compiled once here, not looked up per value judged (a walk judges every file name).
    let patterns: PcrePattern[] | undefined;
    try {
      patterns = entity.operation === 'pattern match' ? values.map((expected) => this.pcre.compile(expected)) : undefined;
    } catch (error) {
      throw new Error(`${entity.name}: ${message(error)}`);
    }
    return (value) => {
      if (patterns) {
        try {
          return patterns.some((pattern) => pattern.test(value));
        } catch (error) {
          throw new Error(`${entity.name}: ${message(error)}`);
        }
      }
      for (const expected of values) {
        const errors: string[] = [];
        const result = safeCompare(entity.datatype, entity.operation, expected, value, this.pcre, errors);
        if (errors.length > 0) throw new Error(`${entity.name}: ${errors[0]}`);
        if (result === 'true') return true;
      }
      return false;
    };
  }

  entityValues(entity: OvalEntity): Promise<string[]> {
    return entity.varRef === undefined ? Promise.resolve([entity.value]) : this.variableValues(entity.varRef);
  }

  /** A node's key in the session's caches: shared by every evaluate() call that gives its externals the same values. */
  private key(kind: 'definition' | 'test' | 'object' | 'variable', id: string): string {
    return this.session.dependencies.keyOf(kind, id, this.externals);
  }

  variableValues(id: string): Promise<string[]> {
    const key = this.key('variable', id);
    let values = this.variables.get(key);
    if (!values) {
      values = this.computeVariable(id);
      this.variables.set(key, values);
    }
    return values;
  }

  private async computeVariable(id: string): Promise<string[]> {
    const variable = this.document.variables.get(id);
    if (!variable) throw new Error(`variable ${id} is not defined`);
    if (variable.kind === 'constant') return variable.values;
    if (variable.kind === 'external') {
      const values = this.externals.get(id);
      if (!values) throw new OvalUnknownError(`external variable ${id} has no value`);
      return [...values];
    }
    return componentValues(variable.component, {
      variableValues: (ref) => this.variableValues(ref),
      objectItems: async (ref) => itemsOf(ref, await this.collect(ref)),
      pcre: this.pcre,
      now: () => Math.floor(Date.now() / 1000),
    });
  }

  collect(objectId: string): Promise<Collected> {
    const key = this.key('object', objectId);
    let collected = this.objects.get(key);
    if (!collected) {
      collected = this.computeObject(objectId);
      this.objects.set(key, collected);
    }
    return collected;
  }

  private async computeObject(objectId: string): Promise<Collected> {
    const object = this.document.objects.get(objectId);
    if (!object) return { flag: 'error', items: [], messages: [`object ${objectId} is not defined`] };
    try {
      if (object.set) return { flag: 'complete', items: await this.applyFilters(object.type, object.filters, await this.collectSet(object.set)), messages: [] };
      const type = testTypeFor(object.type, object.family);
      if (!type) return { flag: 'not collected', items: [], messages: [`object type ${object.family}:${object.type}_object is not implemented`] };
      // The filters go to the collector too, so a large object never holds the items they drop.
      const keep = object.filters.length === 0 ? undefined : await this.filterOf(object);
      const items = await type.collect(object, this.context, keep);
      return { flag: 'complete', items: await this.applyFilters(object.type, object.filters, items), messages: [] };
    } catch (error) {
      this.session.signal?.throwIfAborted();
      const flag = error instanceof OvalNotApplicableError ? 'not applicable' : error instanceof OvalUnknownError ? 'unknown' : 'error';
      return { flag, items: [], messages: [`${objectId}: ${message(error)}`] };
    }
  }

  /** Plans the tree queries of these objects (cached-files.ts); answers the objects whose trees need no walk. */
  planQueries(objects: readonly OvalObject[]): Promise<Set<string>> {
    return planTreeQueries(objects, this.context, async (object) => (object.filters.length === 0 ? undefined : this.filterOf(object)));
  }

  /**
   * The object's filters over one item, with the item fields their states read. Synchronous: the
   * states' values are resolved first, so a walk of a host's ~650k files judges each without a
   * promise.
   */
  private async filterOf(object: OvalObject): Promise<ItemFilter> {
    const fields = new Set<string>();
    for (const filter of object.filters) for (const entity of this.document.states.get(filter.stateRef)?.entities ?? []) fields.add(entity.name);
    const judge = await this.filtersJudge(object.type, object.filters);
    const entryTest = object.type === 'file' ? await this.filtersEntryTest(object.filters) : undefined;
    return Object.assign((item: OvalItem): boolean => judge(item), { fields, ...(entryTest ? { entryTest } : {}) });
  }

  /** The filters of a file object as a test on a file's facts, for the target's query (undefined: a filter state is missing). */
  private async filtersEntryTest(filters: OvalObject['filters']): Promise<EntryTest | undefined> {
    const onFile: FilterOnFile[] = [];
    for (const filter of filters) {
      const state = this.document.states.get(filter.stateRef);
      if (!state) return undefined;
      const values = await Promise.all(state.entities.map(async (entity) => {
        const expected = await this.expectedOf(entity);
        return 'values' in expected ? expected.values : undefined;
      }));
      onFile.push({ include: filter.action === 'include', state, values });
    }
    return filtersEntryTest(onFile);
  }

  private async collectSet(set: OvalSet): Promise<OvalItem[]> {
    const operands: OvalItem[][] = [];
    let type = '';
    for (const ref of set.objectRefs) {
      operands.push(itemsOf(ref, await this.collect(ref)));
      type = this.document.objects.get(ref)?.type ?? type;
    }
    for (const inner of set.sets) operands.push(await this.collectSet(inner));
    let result: OvalItem[];
    const [first = [], second = []] = operands;
    if (set.operation === 'UNION') {
      const seen = new Map<string, OvalItem>();
      for (const list of operands) for (const item of list) seen.set(itemKey(item), item);
      result = [...seen.values()];
    } else if (set.operation === 'INTERSECTION') {
      const keys = new Set(second.map(itemKey));
      result = first.filter((item) => keys.has(itemKey(item)));
    } else {
      const keys = new Set(second.map(itemKey));
      result = first.filter((item) => !keys.has(itemKey(item)));
    }
    return this.applyFilters(type, set.filters, result);
  }

  private async applyFilters(type: string, filters: OvalObject['filters'], items: OvalItem[]): Promise<OvalItem[]> {
    if (filters.length === 0) return items;
    const judge = await this.filtersJudge(type, filters);
    return items.filter(judge);
  }

  /** Every filter over one item, synchronously (the states' values resolved here); throws when a filter cannot be judged. */
  private async filtersJudge(type: string, filters: OvalObject['filters']): Promise<(item: OvalItem) => boolean> {
    const judges: { include: boolean; stateRef: string; result: (item: OvalItem) => OvalResult }[] = [];
    for (const filter of filters) {
      const state = this.document.states.get(filter.stateRef);
      if (!state) throw new Error(`filter state ${filter.stateRef} is not defined`);
      const result = await this.stateJudge(state);
      judges.push({ include: filter.action === 'include', stateRef: filter.stateRef, result: (item) => result(item, []) });
    }
    return (item) => {
      for (const judge of judges) {
        const result = judge.result(item);
        if (result === 'error') throw new Error(`filter ${judge.stateRef} could not be evaluated on ${describeItem(type, item)}`);
        if ((result === 'true') !== judge.include) return false;
      }
      return true;
    };
  }

  /** A state over one item, synchronously: the values its entities compare with are resolved first. */
  private async stateJudge(state: OvalState): Promise<(item: OvalItem, messages: string[]) => OvalResult> {
    const expected = await Promise.all(state.entities.map((entity) => this.expectedOf(entity)));
    return (item, messages) => {
      if (state.entities.length === 0) return 'true';
      const results = state.entities.map((entity, index) => this.entityResultWith(entity, item, messages, expected[index] as Expected));
      return combine(state.operator, results);
    };
  }

  /** The values an entity compares with, or why it has none (kept as the result every comparison gives). */
  private async expectedOf(entity: OvalEntity): Promise<Expected> {
    try {
      return { values: await this.entityValues(entity) };
    } catch (error) {
      return { result: error instanceof OvalUnknownError ? 'unknown' : 'error', message: message(error) };
    }
  }

  private entityResultWith(entity: OvalEntity, item: OvalItem, messages: string[], resolved: Expected): OvalResult {
    if (entity.fields) {
      messages.push(`${entity.name}: record entities are not supported`);
      return 'error';
    }
    const actual = item[entity.name];
    if (actual === undefined || actual.length === 0) return 'false';
    if ('result' in resolved) {
      messages.push(resolved.message);
      return resolved.result;
    }
    const expected = resolved.values;
    if (expected.length === 0) {
      messages.push(`${entity.name}: variable ${entity.varRef ?? ''} has no values`);
      return 'error';
    }
    const members = this.membership(entity, expected);
    const perValue = actual.map((value) => {
      const key = members && membershipKey(entity.datatype, value);
      if (members && key !== undefined) return members.has(key) ? 'true' : 'false';
      return applyCheck(
        entity.varCheck as Parameters<typeof applyCheck>[0],
        expected.map((want) => safeCompare(entity.datatype, entity.operation, want, value, this.pcre, messages)),
      );
    });
    return applyCheck(entity.entityCheck as Parameters<typeof applyCheck>[0], perValue);
  }

  /**
   * `equals` against a variable's many values with var_check "at least one" (a file's owner among
   * the known users, over every file of a host): the values as a set, so each item is one lookup
   * instead of one comparison per value. Undefined when a value is not in the set's form.
   */
  private membership(entity: OvalEntity, expected: readonly string[]): Set<string> | undefined {
    if (entity.varRef === undefined || entity.operation !== 'equals' || entity.varCheck !== 'at least one') return undefined;
    if (this.memberships.has(entity)) return this.memberships.get(entity);
    const keys = expected.map((value) => membershipKey(entity.datatype, value));
    const members = keys.every((key): key is string => key !== undefined) ? new Set(keys) : undefined;
    this.memberships.set(entity, members);
    return members;
  }


  test(testId: string): Promise<TestOutcome> {
    const key = this.key('test', testId);
    let outcome = this.tests.get(key);
    if (!outcome) {
      outcome = this.computeTest(testId);
      this.tests.set(key, outcome);
    }
    return outcome;
  }

  private async computeTest(testId: string): Promise<TestOutcome> {
    const test = this.document.tests.get(testId);
    if (!test) return { result: 'error', messages: [`test ${testId} is not defined`] };
    const label = `${test.family}:${test.type}_test ${testId}${test.comment ? ` (${test.comment})` : ''}`;
    if (!testTypeFor(test.type, test.family)) return { result: 'not evaluated', messages: [`${label}: test type ${test.family}:${test.type}_test is not implemented`] };
    if (test.objectRef === undefined) return { result: 'error', messages: [`${label}: no object`] };
    const collected = await this.collect(test.objectRef);
    if (collected.flag === 'not collected') return { result: 'not evaluated', messages: collected.messages.map((text) => `${label}: ${text}`) };
    if (collected.flag !== 'complete') return { result: collected.flag, messages: collected.messages.map((text) => `${label}: ${text}`) };
    const outcome = await this.judge(test, collected.items);
    if (outcome.result !== 'true') {
      const shown = collected.items.slice(0, MAX_EVIDENCE_ITEMS).map((item) => describeItem(test.type, item));
      const more = collected.items.length > MAX_EVIDENCE_ITEMS ? [`… and ${collected.items.length - MAX_EVIDENCE_ITEMS} more items`] : [];
      const none = collected.items.length === 0 ? ['no items'] : [];
      outcome.messages = [`${label}: ${outcome.result} (check_existence=${test.checkExistence}, check=${test.check})`, ...none, ...shown, ...more, ...outcome.messages];
    }
    return outcome;
  }

  private async judge(test: OvalTest, items: OvalItem[]): Promise<TestOutcome> {
    const existing = existence(test.checkExistence, items.length);
    if (existing !== 'true' || test.stateRefs.length === 0 || items.length === 0) return { result: existing, messages: [] };
    const states: OvalState[] = [];
    for (const ref of test.stateRefs) {
      const state = this.document.states.get(ref);
      if (!state) return { result: 'error', messages: [`state ${ref} is not defined`] };
      states.push(state);
    }
    const judges = await Promise.all(states.map((state) => this.stateJudge(state)));
    const messages: string[] = [];
    const perItem: OvalResult[] = [];
    for (const item of items) {
      const stateResults: OvalResult[] = [];
      for (const judge of judges) stateResults.push(judge(item, messages));
      perItem.push(combine(test.stateOperator, stateResults));
    }
    return { result: applyCheck(test.check, perItem), messages: [...new Set(messages)] };
  }

  definition(id: string, stack: readonly string[] = []): Promise<OvalDefinitionOutcome> {
    if (stack.includes(id)) return Promise.resolve({ result: 'error', messages: [`definition ${id} extends itself (${[...stack, id].join(' → ')})`] });
    const key = this.key('definition', id);
    let outcome = this.definitions.get(key);
    if (!outcome) {
      outcome = this.computeDefinition(id, stack);
      this.definitions.set(key, outcome);
    }
    return outcome;
  }

  private async computeDefinition(id: string, stack: readonly string[]): Promise<OvalDefinitionOutcome> {
    const definition = this.document.definitions.get(id);
    if (!definition) return { result: 'error', messages: [`definition ${id} is not defined in ${this.document.origin}`] };
    if (!definition.criteria) return { result: 'not evaluated', messages: [`definition ${id} has no criteria`] };
    const messages: string[] = [];
    const result = await this.criteria(definition.criteria, [...stack, id], messages);
    return { result, messages: result === 'true' ? [] : messages };
  }

  private async criteria(node: OvalCriteriaNode, stack: readonly string[], messages: string[]): Promise<OvalResult> {
    if (node.kind === 'criterion') {
      const outcome = await this.test(node.testRef);
      const result = negate(outcome.result, node.negate);
      if (result !== 'true') messages.push(...(node.negate ? [`negated: ${node.testRef} is ${outcome.result}`] : outcome.messages));
      return result;
    }
    if (node.kind === 'extend_definition') {
      const outcome = await this.definition(node.definitionRef, stack);
      const result = negate(outcome.result, node.negate);
      if (result !== 'true') messages.push(node.negate ? `negated: definition ${node.definitionRef} is ${outcome.result}` : `definition ${node.definitionRef}: ${outcome.result}`, ...(node.negate ? [] : outcome.messages));
      return result;
    }
    const results: OvalResult[] = [];
    for (const child of node.children) results.push(await this.criteria(child, stack, messages));
    return negate(combine(node.operator, results), node.negate);
  }
}

/**
 * What every OVAL session over one target shares: the target's files (one walk for every object
 * of every document), package facts and memoized command outputs. A scan makes one and gives it to
 * each document's session (the CPE checks and the rules), so nothing is collected twice.
 */
export class OvalTargetCache {
  readonly facts: TargetFacts;
  readonly files: CachedFiles;
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(readonly target: Target) {
    this.facts = new TargetFacts(target);
    this.files = new CachedFiles(target);
  }

  once<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let value = this.memo.get(key) as Promise<T> | undefined;
    if (!value) {
      value = compute();
      this.memo.set(key, value);
    }
    return value;
  }
}

/**
 * What every evaluate() call of one session shares: the target's cache, the session's abort signal,
 * and the variables, objects, tests and definitions computed so far, keyed by id and the values of
 * the external variables each depends on (ExternalDependencies): a later call with other values
 * for some externals recomputes only what depends on them.
 */
class OvalSession {
  readonly target: Target;
  readonly facts: TargetFacts;
  readonly files: CachedFiles;
  readonly dependencies: ExternalDependencies;
  readonly results = {
    variables: new Map<string, Promise<string[]>>(),
    objects: new Map<string, Promise<Collected>>(),
    tests: new Map<string, Promise<TestOutcome>>(),
    definitions: new Map<string, Promise<OvalDefinitionOutcome>>(),
  };

  constructor(
    document: OvalDefinitionsDocument,
    private readonly cache: OvalTargetCache,
    readonly signal: AbortSignal | undefined,
  ) {
    this.dependencies = new ExternalDependencies(document);
    this.target = cache.target;
    this.facts = cache.facts;
    this.files = cache.files;
  }

  once<T>(key: string, compute: () => Promise<T>): Promise<T> {
    return this.cache.once(key, compute);
  }
}

/**
 * Starts collecting every tree the definitions' file objects need. Walks a query answers (local and
 * dir: targets, through find) are asked for first and, once flushed, go out as one request for the
 * whole scan that runs while the definitions are evaluated; the trees no query answers are walked
 * in one request where the target can (SSH). A failure leaves each object to list its folders
 * itself, and to report the failure. `walked` settles when that walk is done; it never rejects.
 */
async function startWalks(run: EvaluationRun, definitionIds: readonly string[], flushQueries: boolean): Promise<{ walked: Promise<void> }> {
  const { document, session } = run;
  const queried = await run.planQueries(reachableObjects(document, definitionIds)).catch(() => new Set<string>());
  if (flushQueries) session.files.flushQueries();
  return { walked: session.files.prefetch(walkRootsOf(document, definitionIds, queried), session.signal).catch(() => undefined) };
}

/**
 * One evaluation session over one target: collects each object once, evaluation pure over collected
 * items. `cache`: the target's cache shared with the scan's other sessions (a new one by default).
 */
export function createOvalEvaluation(document: OvalDefinitionsDocument, target: Target, options: { signal?: AbortSignal; cache?: OvalTargetCache } = {}): OvalEvaluation {
  const session = new OvalSession(document, options.cache ?? new OvalTargetCache(target), options.signal);
  return {
    async plan(definitionIds) {
      // Queries wait for startPlanned() (or the first evaluation); the trees no query answers are
      // walked from now on, beside the CPE checks that follow.
      void (await startWalks(new EvaluationRun(document, session, new Map(), await loadPcre()), definitionIds, false)).walked;
    },
    startPlanned() {
      session.files.flushQueries();
    },
    async evaluate(definitionIds, externalVariables) {
      const pcre = await loadPcre();
      const run = new EvaluationRun(document, session, externalVariables, pcre);
      await (await startWalks(run, definitionIds, true)).walked;
      // Several definitions in flight at once: while one waits for the target, another computes.
      // Every cache holds promises, so two definitions needing one object still collect it once.
      const computed = new Map<string, OvalDefinitionOutcome>();
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < definitionIds.length) {
          options.signal?.throwIfAborted();
          const id = definitionIds[next++] as string;
          computed.set(id, await run.definition(id));
        }
      };
      await Promise.all(Array.from({ length: Math.min(DEFINITIONS_IN_FLIGHT, definitionIds.length) }, worker));
      return new Map(definitionIds.map((id) => [id, computed.get(id) as OvalDefinitionOutcome]));
    },
  };
}
