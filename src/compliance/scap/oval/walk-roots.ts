/**
 * The trees the file objects of some definitions will walk, known before any is collected: a
 * pattern's literal folder (searched to any depth), a path a downward recursion starts from (to
 * its max_depth, plus the level its file names are read from), and a folder whose entries a
 * file name is matched against. A target that walks trees in
 * one request (SSH) is asked for all of them at once, before the definitions are evaluated;
 * objects whose paths come from variables are walked when collected. Objects are found through
 * criteria, extended definitions, sets and variables' object components.
 */
import { literalFolder } from './file-objects.js';
import type { OvalComponent, OvalCriteriaNode, OvalDefinitionsDocument, OvalObject } from './model.js';
import type { TreeWalkRoot } from '../../targets/tree-walker.js';

function componentObjects(component: OvalComponent, into: string[], variables: (id: string) => void): void {
  if (component.fn === 'object_component') into.push(component.objectRef);
  else if (component.fn === 'variable_component') variables(component.varRef);
  else if ('args' in component) for (const arg of component.args) componentObjects(arg, into, variables);
}

/** The roots of one object; none when its paths are not literal or it does not walk. */
function rootsOf(object: OvalObject): TreeWalkRoot[] {
  const filepath = object.entities.find((entity) => entity.name === 'filepath');
  const path = object.entities.find((entity) => entity.name === 'path');
  const entity = filepath ?? path;
  if (!entity || entity.varRef !== undefined || entity.nil) return [];
  if (entity.operation === 'pattern match') return [{ root: literalFolder(entity.value), maxDepth: -1 }];
  if (entity !== path || entity.operation !== 'equals' || !entity.value.startsWith('/')) return [];
  const root = entity.value.length > 1 ? entity.value.replace(/\/+$/, '') : entity.value;
  const maxDepth = object.behaviors.recurse_direction === 'down' ? Number(object.behaviors.max_depth ?? '-1') : 0;
  if (!Number.isInteger(maxDepth)) return [];
  if (maxDepth !== 0) return [{ root, maxDepth: maxDepth < 0 ? -1 : maxDepth + 1 }];
  // No recursion: the folder's own entries, when the file name is matched against them.
  const filename = object.entities.find((candidate) => candidate.name === 'filename');
  if (!filename || filename.nil || (filename.operation === 'equals' && filename.varRef === undefined)) return [];
  return [{ root, maxDepth: 1 }];
}

/** The roots the definitions' objects walk; `skip`: objects whose trees are answered otherwise (tree queries). */
export function walkRootsOf(document: OvalDefinitionsDocument, definitionIds: readonly string[], skip: ReadonlySet<string> = new Set()): TreeWalkRoot[] {
  return reachableObjects(document, definitionIds)
    .filter((object) => !skip.has(object.id))
    .flatMap(rootsOf);
}

/** Every object the definitions reach: through criteria, extended definitions, sets and variables' object components. */
export function reachableObjects(document: OvalDefinitionsDocument, definitionIds: readonly string[]): OvalObject[] {
  const seenDefinitions = new Set<string>();
  const seenObjects = new Set<string>();
  const seenVariables = new Set<string>();
  const objects: OvalObject[] = [];
  const objectsToVisit: string[] = [];
  const visitVariable = (id: string): void => {
    if (seenVariables.has(id)) return;
    seenVariables.add(id);
    const variable = document.variables.get(id);
    if (variable?.kind === 'local') componentObjects(variable.component, objectsToVisit, visitVariable);
  };
  const visitCriteria = (node: OvalCriteriaNode): void => {
    if (node.kind === 'criteria') for (const child of node.children) visitCriteria(child);
    else if (node.kind === 'extend_definition') visitDefinition(node.definitionRef);
    else {
      const test = document.tests.get(node.testRef);
      if (test?.objectRef) objectsToVisit.push(test.objectRef);
      // A state may compare with a variable made from other objects' items.
      for (const ref of test?.stateRefs ?? []) visitState(ref);
    }
  };
  const visitState = (id: string): void => {
    for (const entity of document.states.get(id)?.entities ?? []) if (entity.varRef) visitVariable(entity.varRef);
  };
  const visitDefinition = (id: string): void => {
    if (seenDefinitions.has(id)) return;
    seenDefinitions.add(id);
    const criteria = document.definitions.get(id)?.criteria;
    if (criteria) visitCriteria(criteria);
  };
  for (const id of definitionIds) visitDefinition(id);
  while (objectsToVisit.length > 0) {
    const id = objectsToVisit.pop() as string;
    if (seenObjects.has(id)) continue;
    seenObjects.add(id);
    const object = document.objects.get(id);
    if (!object) continue;
    const sets = object.set ? [object.set] : [];
    while (sets.length > 0) {
      const set = sets.pop() as NonNullable<OvalObject['set']>;
      objectsToVisit.push(...set.objectRefs);
      sets.push(...set.sets);
      for (const filter of set.filters) visitState(filter.stateRef);
    }
    for (const entity of object.entities) if (entity.varRef) visitVariable(entity.varRef);
    for (const filter of object.filters) visitState(filter.stateRef);
    objects.push(object);
  }
  return objects;
}
