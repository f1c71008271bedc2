/**
 * The contract of an OVAL test type (a folder under test-types/, listed in list.ts): how the items
 * of its objects are collected from a target. Collection only: comparing items with states is the
 * evaluator's, the same for every type. A collector never writes to the target, never reads
 * outside its view, and throws (an OvalCollectionError or a TargetReadError) rather than return a
 * partial item list as complete.
 */
import type { TargetFacts } from '../../../facts.js';
import type { Target } from '../../../targets/target.js';
import type { EntryTest } from '../../../targets/tree-query.js';
import type { Pcre } from '../../pcre/index.js';
import type { OvalEntity, OvalObject } from '../model.js';
import type { CachedFiles } from '../cached-files.js';

/** A collected item: its fields by entity name, each with one or more values (subexpression has many). */
export type OvalItem = Record<string, string[]>;

/** What a collector may use; everything in it is shared by the whole evaluation session. */
export interface CollectContext {
  readonly target: Target;
  readonly facts: TargetFacts;
  readonly pcre: Pcre;
  readonly files: CachedFiles;
  readonly signal?: AbortSignal;
  /** Computes a value once per session (all packages, all mounts, one command's output). */
  once<T>(key: string, compute: () => Promise<T>): Promise<T>;
  /** The values an object entity stands for: its own value, or its variable's values. */
  entityValues(entity: OvalEntity): Promise<string[]>;
  /** Whether an item value satisfies an object entity (any of its variable's values). */
  entityMatches(entity: OvalEntity, value: string): Promise<boolean>;
  /** entityMatches as a synchronous predicate, for judging many values (every file name of a walk). */
  entityMatcher(entity: OvalEntity): Promise<(value: string) => boolean>;
}

export class OvalCollectionError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'OvalCollectionError';
  }
}

/** The fact does not exist on this kind of target at all: the object is "not applicable". */
export class OvalNotApplicableError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'OvalNotApplicableError';
  }
}

/**
 * A value the evaluation needs was not given (an external variable without a value) or cannot be
 * observed on this target (a runtime fact of a tree that is not running): "unknown".
 */
export class OvalUnknownError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'OvalUnknownError';
  }
}

/**
 * Throws OvalUnknownError unless the target is a running system. A runtime fact (a kernel
 * parameter, a mount) of a tree that is not running exists but cannot be observed: "unknown"
 * (never "not applicable", which would let an AND of criteria pass on the half it could see),
 * as OpenSCAP reports it inside such a tree.
 */
export function requireLive(context: CollectContext, what: string): void {
  if (!context.target.live) throw new OvalUnknownError(`${what}: ${context.target.name} is not a running system; its runtime value cannot be observed`);
}

/**
 * An object's filters as a predicate over one item. `fields`: the only item fields the filters
 * read; a collector may judge an item built with just those, and build the whole item only when kept.
 */
export type ItemFilter = ((item: OvalItem) => boolean) & {
  readonly fields?: ReadonlySet<string>;
  /** For a file object: a test on a file's facts that every file the filters keep passes (filter-entry-test.ts). */
  readonly entryTest?: EntryTest;
};

export interface OvalTestType {
  /** The element name without `_test`/`_object`/`_state`: `textfilecontent54`, `dpkginfo`. */
  readonly id: string;
  /** OVAL families (namespaces) the type belongs to: `independent`, `linux`, `unix`. */
  readonly families: readonly string[];
  /**
   * The object's items. `keep`, when given, is the object's filters: a collector that can produce
   * many items (a file object recursing from /) applies it to each item as it is made, so items
   * the filters drop are never held; a collector may ignore it (the evaluator filters afterwards).
   */
  collect(object: OvalObject, context: CollectContext, keep?: ItemFilter): Promise<OvalItem[]>;
}

/** The object's entity by name, or undefined. */
export function entityNamed(object: OvalObject, name: string): OvalEntity | undefined {
  return object.entities.find((entity) => entity.name === name);
}

/** Keeps the items whose fields satisfy every entity of the object the type did not already apply. */
export async function filterByEntities(object: OvalObject, items: OvalItem[], context: CollectContext, names: readonly string[]): Promise<OvalItem[]> {
  const kept: OvalItem[] = [];
  for (const item of items) {
    let ok = true;
    for (const name of names) {
      const entity = entityNamed(object, name);
      if (!entity || entity.nil) continue;
      const values = item[name] ?? [];
      let any = false;
      for (const value of values) if (await context.entityMatches(entity, value)) any = true;
      if (!any) {
        ok = false;
        break;
      }
    }
    if (ok) kept.push(item);
  }
  return kept;
}
