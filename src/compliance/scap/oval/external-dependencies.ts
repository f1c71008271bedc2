/**
 * Which external variables an OVAL object, state, test or definition depends on, through variable
 * references, local variables' components, filters and sets. A scan evaluates a document in several
 * batches (one per set of exported XCCDF values); everything that depends on no external variable
 * whose value changed between batches is computed once for the whole scan: `keyOf` names a node
 * together with the values of exactly the externals it depends on, so two batches share it when
 * those values agree.
 */
import type { OvalComponent, OvalCriteriaNode, OvalDefinitionsDocument, OvalEntity, OvalSet } from './model.js';

type NodeKind = 'definition' | 'test' | 'object' | 'state' | 'variable';

const NONE: ReadonlySet<string> = new Set();

export class ExternalDependencies {
  private readonly memo = new Map<string, ReadonlySet<string>>();
  private readonly visiting = new Set<string>();
  private cyclesMet = 0;

  constructor(private readonly document: OvalDefinitionsDocument) {}

  /** The ids of the external variables the node depends on (none for an undefined node or a reference cycle). */
  of(kind: NodeKind, id: string): ReadonlySet<string> {
    const key = `${kind}:${id}`;
    const known = this.memo.get(key);
    if (known) return known;
    // A cycle (a variable built from an object filtered by a state using that variable) is an
    // error the evaluator reports; here it only stops the recursion.
    if (this.visiting.has(key)) {
      this.cyclesMet++;
      return NONE;
    }
    const cyclesBefore = this.cyclesMet;
    this.visiting.add(key);
    const found = new Set<string>();
    try {
      this.collect(kind, id, found);
    } finally {
      this.visiting.delete(key);
    }
    const value = found.size === 0 ? NONE : found;
    // Inside a cycle a node's set may lack what its ancestors add: kept only when complete.
    if (this.cyclesMet === cyclesBefore || this.visiting.size === 0) this.memo.set(key, value);
    return value;
  }

  /** The node's cache key: its id and the values of the externals it depends on, in id order. */
  keyOf(kind: NodeKind, id: string, externals: ReadonlyMap<string, readonly string[]>): string {
    const dependencies = this.of(kind, id);
    if (dependencies.size === 0) return id;
    const values = [...dependencies].sort().map((name) => [name, externals.get(name) ?? null]);
    return `${id}\u0000${JSON.stringify(values)}`;
  }

  private collect(kind: NodeKind, id: string, found: Set<string>): void {
    const add = (other: NodeKind, otherId: string): void => {
      for (const name of this.of(other, otherId)) found.add(name);
    };
    const entities = (list: readonly OvalEntity[]): void => {
      for (const entity of list) {
        if (entity.varRef !== undefined) add('variable', entity.varRef);
        if (entity.fields) entities(entity.fields);
      }
    };
    const set = (value: OvalSet): void => {
      for (const ref of value.objectRefs) add('object', ref);
      for (const inner of value.sets) set(inner);
      for (const filter of value.filters) add('state', filter.stateRef);
    };
    const component = (value: OvalComponent): void => {
      if (value.fn === 'variable_component') add('variable', value.varRef);
      else if (value.fn === 'object_component') add('object', value.objectRef);
      else if ('args' in value) for (const arg of value.args) component(arg);
    };
    const criteria = (node: OvalCriteriaNode): void => {
      if (node.kind === 'criterion') add('test', node.testRef);
      else if (node.kind === 'extend_definition') add('definition', node.definitionRef);
      else for (const child of node.children) criteria(child);
    };
    switch (kind) {
      case 'variable': {
        const variable = this.document.variables.get(id);
        if (variable?.kind === 'external') found.add(id);
        else if (variable?.kind === 'local') component(variable.component);
        return;
      }
      case 'state':
        entities(this.document.states.get(id)?.entities ?? []);
        return;
      case 'object': {
        const object = this.document.objects.get(id);
        if (!object) return;
        entities(object.entities);
        for (const filter of object.filters) add('state', filter.stateRef);
        if (object.set) set(object.set);
        return;
      }
      case 'test': {
        const test = this.document.tests.get(id);
        if (!test) return;
        if (test.objectRef !== undefined) add('object', test.objectRef);
        for (const ref of test.stateRefs) add('state', ref);
        return;
      }
      case 'definition': {
        const definition = this.document.definitions.get(id);
        if (definition?.criteria) criteria(definition.criteria);
        return;
      }
    }
  }
}
