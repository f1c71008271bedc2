/**
 * The OVAL 5.11 definitions model: what parse-definitions.ts builds out of an <oval_definitions>
 * element and what the evaluator reads. Plain data, no behaviour; ids are the content's own.
 * Element names are local names; the family (independent, linux, unix) comes from the namespace.
 */

export type OvalResult = 'true' | 'false' | 'error' | 'unknown' | 'not applicable' | 'not evaluated';

export type OvalOperator = 'AND' | 'OR' | 'ONE' | 'XOR';
export type OvalCheck = 'all' | 'at least one' | 'none satisfy' | 'only one';
export type OvalExistence = 'all_exist' | 'any_exist' | 'at_least_one_exists' | 'none_exist' | 'only_one_exists';

/** One entity of an object or a state (`<path operation="pattern match">…</path>`), or a record field. */
export interface OvalEntity {
  name: string;
  value: string;
  datatype: string;
  operation: string;
  /** `var_ref`: the value comes from a variable. */
  varRef?: string;
  varCheck: string;
  entityCheck: string;
  /** xsi:nil="true": the entity is present but carries no value (e.g. filepath/filename nil). */
  nil: boolean;
  /** Record datatype: its fields. */
  fields?: OvalEntity[];
  /** Other attributes (a field's `name`, a state entity's `mask`). */
  attributes: Record<string, string>;
}

export type OvalCriteriaNode =
  | { kind: 'criteria'; operator: OvalOperator; negate: boolean; children: OvalCriteriaNode[] }
  | { kind: 'criterion'; testRef: string; negate: boolean }
  | { kind: 'extend_definition'; definitionRef: string; negate: boolean };

export interface OvalDefinition {
  id: string;
  class: string;
  title: string;
  criteria?: OvalCriteriaNode;
}

export interface OvalTest {
  id: string;
  /** `textfilecontent54`, `file`, `dpkginfo` … (the element name without `_test`). */
  type: string;
  family: string;
  check: OvalCheck;
  checkExistence: OvalExistence;
  stateOperator: OvalOperator;
  objectRef?: string;
  stateRefs: string[];
  comment: string;
}

export interface OvalSet {
  operation: 'UNION' | 'INTERSECTION' | 'COMPLEMENT';
  objectRefs: string[];
  sets: OvalSet[];
  filters: OvalFilter[];
}

export interface OvalFilter {
  action: 'include' | 'exclude';
  stateRef: string;
}

export interface OvalObject {
  id: string;
  type: string;
  family: string;
  entities: OvalEntity[];
  /** The <behaviors> element's attributes (recurse, recurse_direction, max_depth …). */
  behaviors: Record<string, string>;
  filters: OvalFilter[];
  set?: OvalSet;
}

export interface OvalState {
  id: string;
  type: string;
  family: string;
  operator: OvalOperator;
  entities: OvalEntity[];
}

/** A local variable's component tree (OVAL 5.11 §"ComponentGroup"). */
export type OvalComponent =
  | { fn: 'literal'; value: string }
  | { fn: 'object_component'; objectRef: string; itemField: string; recordField?: string }
  | { fn: 'variable_component'; varRef: string }
  | { fn: 'concat' | 'unique' | 'count'; args: OvalComponent[] }
  | { fn: 'arithmetic'; arithmeticOperation: 'add' | 'multiply'; args: OvalComponent[] }
  | { fn: 'begin' | 'end'; character: string; args: OvalComponent[] }
  | { fn: 'split'; delimiter: string; args: OvalComponent[] }
  | { fn: 'substring'; start: number; length: number; args: OvalComponent[] }
  | { fn: 'regex_capture'; pattern: string; args: OvalComponent[] }
  | { fn: 'escape_regex'; args: OvalComponent[] }
  | { fn: 'time_difference'; format1: string; format2: string; args: OvalComponent[] }
  | { fn: 'glob_to_regex'; globSkipHidden: boolean; args: OvalComponent[] }
  | { fn: 'unsupported'; name: string };

export type OvalVariable =
  | { id: string; kind: 'constant'; datatype: string; values: string[] }
  | { id: string; kind: 'external'; datatype: string }
  | { id: string; kind: 'local'; datatype: string; component: OvalComponent };

/** A parsed <oval_definitions>: every definition, test, object, state and variable by id. */
export interface OvalDefinitionsDocument {
  origin: string;
  definitions: Map<string, OvalDefinition>;
  tests: Map<string, OvalTest>;
  objects: Map<string, OvalObject>;
  states: Map<string, OvalState>;
  variables: Map<string, OvalVariable>;
}

export interface OvalDefinitionOutcome {
  result: OvalResult;
  /** Evidence for non-true results: items seen, messages, a test type not implemented. */
  messages: string[];
}

export interface OvalEvaluation {
  /**
   * Plans, before any evaluation, the tree queries these definitions' objects will want, so that
   * the scan's first request carries them with every other document's (best effort: nothing is
   * evaluated, a plan that fails leaves the walk to the evaluation).
   */
  plan?(definitionIds: readonly string[]): Promise<void>;
  /** Sends what every session over the target has planned so far as one request, before any evaluation asks for it. */
  startPlanned?(): void;
  /** Evaluate definitions by id; external variables by variable id (values as strings). */
  evaluate(definitionIds: readonly string[], externalVariables: ReadonlyMap<string, readonly string[]>): Promise<Map<string, OvalDefinitionOutcome>>;
}
