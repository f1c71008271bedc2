/**
 * The contract of a check type: one folder per type under src/compliance/checks/, registered in
 * checks/list.ts. A check type declares the policy `type` values it evaluates, each with its JSON
 * Schema fragment (the `<type>Check` definition of docs/schema/policy.schema.json), what a
 * policy loader must verify beyond the schema, and how it evaluates a check on a target.
 *
 * A check reads the target through the context and returns PASS or FAIL with evidence; anything it
 * cannot read it throws (TargetReadError, LiveTargetRequired), and the list turns that into ERROR
 * with the reason. A check never writes to the target and never decides pass/fail of the build.
 */
import type { TargetFacts } from '../facts.js';
import type { CheckOutcome, Evidence, EvidenceValue } from '../../model/control.js';
import { emptyEvidence } from '../../model/control.js';
import type { Target } from '../targets/target.js';
import type { CheckDefinition } from './list.js';

export interface CheckContext {
  target: Target;
  facts: TargetFacts;
  commandTimeoutMs: number;
  /** Evaluates a nested check (composition). */
  evaluate(check: CheckDefinition): Promise<CheckOutcome>;
}

/** A JSON Schema (draft-07) fragment, as plain data. */
export type SchemaFragment = { readonly [keyword: string]: unknown };

/** A path inside a check definition: `['checks', 0, 'mustMatch', 2]`. */
export type DefinitionPath = readonly (string | number)[];

/**
 * Where a check definition sits in the policy being loaded, so that a check type's own validation
 * names the file, line and field of a mistake the schema cannot catch.
 */
export interface DefinitionSite {
  /** `file:line:col` of the node at `path` below the definition (the definition itself for []). */
  where(path?: DefinitionPath): string;
  /** The field's name as users read it: `controls[3].check.mustMatch[0]`. */
  field(path?: DefinitionPath): string;
  /** Validates a nested definition (composition) at `path` below this one. */
  validateNested(check: CheckDefinition, path: DefinitionPath): void;
}

/**
 * One check type. `Definition` is the TypeScript type of its definitions; the `schemas` record
 * needs exactly one fragment for each of its `type` values, so the type, its schema and the
 * evaluate signature cannot drift apart.
 */
export interface CheckType<Definition extends { readonly type: string }> {
  /** The folder under src/compliance/checks/ that holds it. */
  readonly id: string;
  /** The policy `type` values it evaluates, each with its JSON Schema fragment. */
  readonly schemas: { readonly [Type in Definition['type']]: SchemaFragment };
  /**
   * What a loader verifies after the schema (regular expressions compile, operators have
   * values): throws UsageError naming `site.where()` and `site.field()`.
   */
  readonly validate?: (check: Definition, site: DefinitionSite) => void;
  readonly evaluate: (check: Definition, context: CheckContext) => Promise<CheckOutcome>;
}

/** The check needs a running system and the target is a root filesystem or an image. */
export class LiveTargetRequired extends Error {
  constructor(what: string) {
    super(`${what} needs a live system (local or ssh); this target is a filesystem`);
    this.name = 'LiveTargetRequired';
  }
}

export class EvidenceBuilder {
  readonly evidence: Evidence = emptyEvidence();

  unexpected(value: string, source: Omit<EvidenceValue, 'value'> = {}): this {
    this.evidence.unexpected.push({ value, ...source });
    return this;
  }

  missing(value: string, source: Omit<EvidenceValue, 'value'> = {}): this {
    this.evidence.missing.push({ value, ...source });
    return this;
  }

  observed(value: string, source: Omit<EvidenceValue, 'value'> = {}): this {
    this.evidence.observed.push({ value, ...source });
    return this;
  }

  get failed(): boolean {
    return this.evidence.unexpected.length > 0 || this.evidence.missing.length > 0;
  }

  /** PASS when nothing unexpected or missing was recorded, FAIL otherwise. */
  outcome(passMessage: string, failMessage: string): CheckOutcome {
    return this.failed ? { state: 'FAIL', message: failMessage, evidence: this.evidence } : { state: 'PASS', message: passMessage, evidence: this.evidence };
  }
}
