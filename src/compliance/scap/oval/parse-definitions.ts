/**
 * <oval_definitions> → the OVAL model (model.ts). Reads only what evaluation needs; anything the
 * content says that this does not understand is kept by name (an unsupported function, a test type
 * without a collector) so evaluation can say "not evaluated: <what>", never guess.
 */
import type {
  OvalCheck,
  OvalComponent,
  OvalCriteriaNode,
  OvalDefinition,
  OvalDefinitionsDocument,
  OvalEntity,
  OvalExistence,
  OvalFilter,
  OvalObject,
  OvalOperator,
  OvalSet,
  OvalState,
  OvalTest,
  OvalVariable,
} from './model.js';
import { childrenNamed, findElement, parseXml, XmlContentError, type XmlElement } from './xml.js';

export class OvalContentError extends XmlContentError {}

const OPERATORS = new Set(['AND', 'OR', 'ONE', 'XOR']);
const CHECKS = new Set(['all', 'at least one', 'none satisfy', 'only one', 'none exist']);
const EXISTENCES = new Set(['all_exist', 'any_exist', 'at_least_one_exists', 'none_exist', 'only_one_exists']);

function familyOf(ns: string): string {
  const hash = ns.lastIndexOf('#');
  return hash === -1 ? 'core' : ns.slice(hash + 1);
}

function fail(origin: string, detail: string): never {
  throw new OvalContentError(origin, undefined, detail);
}

function operator(value: string | undefined, origin: string, where: string): OvalOperator {
  const operatorValue = value ?? 'AND';
  if (!OPERATORS.has(operatorValue)) fail(origin, `${where}: unknown operator ${JSON.stringify(operatorValue)}`);
  return operatorValue as OvalOperator;
}

function bool(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}

function criteriaNode(element: XmlElement, origin: string): OvalCriteriaNode {
  const negate = bool(element.attributes.negate);
  if (element.name === 'criterion') return { kind: 'criterion', testRef: element.attributes.test_ref ?? fail(origin, 'criterion without test_ref'), negate };
  if (element.name === 'extend_definition') return { kind: 'extend_definition', definitionRef: element.attributes.definition_ref ?? fail(origin, 'extend_definition without definition_ref'), negate };
  return {
    kind: 'criteria',
    operator: operator(element.attributes.operator, origin, 'criteria'),
    negate,
    children: element.children.filter((child) => ['criteria', 'criterion', 'extend_definition'].includes(child.name)).map((child) => criteriaNode(child, origin)),
  };
}

function entity(element: XmlElement): OvalEntity {
  const { datatype, operation, var_ref: varRef, var_check: varCheck, entity_check: entityCheck, nil, ...attributes } = element.attributes;
  const result: OvalEntity = {
    name: element.name,
    value: element.text,
    datatype: datatype ?? 'string',
    operation: operation ?? 'equals',
    varCheck: varCheck ?? 'all',
    entityCheck: entityCheck ?? 'all',
    nil: bool(nil),
    attributes,
  };
  if (varRef !== undefined) result.varRef = varRef;
  if (result.datatype === 'record') result.fields = childrenNamed(element, 'field').map(entity);
  return result;
}

function filters(element: XmlElement): OvalFilter[] {
  return childrenNamed(element, 'filter').map((filter) => ({ action: filter.attributes.action === 'include' ? 'include' : 'exclude', stateRef: filter.text.trim() }));
}

function set(element: XmlElement): OvalSet {
  const operation = element.attributes.set_operator ?? 'UNION';
  return {
    operation: operation === 'INTERSECTION' || operation === 'COMPLEMENT' ? operation : 'UNION',
    objectRefs: childrenNamed(element, 'object_reference').map((ref) => ref.text.trim()),
    sets: childrenNamed(element, 'set').map(set),
    filters: filters(element),
  };
}

const ENTITY_SKIP = new Set(['behaviors', 'filter', 'set', 'notes', 'signature']);

function component(element: XmlElement, origin: string): OvalComponent {
  const args = (): OvalComponent[] => element.children.map((child) => component(child, origin));
  const a = element.attributes;
  switch (element.name) {
    case 'literal_component':
      return { fn: 'literal', value: element.text };
    case 'object_component': {
      const result: OvalComponent = { fn: 'object_component', objectRef: a.object_ref ?? fail(origin, 'object_component without object_ref'), itemField: a.item_field ?? '' };
      if (a.record_field !== undefined) result.recordField = a.record_field;
      return result;
    }
    case 'variable_component':
      return { fn: 'variable_component', varRef: a.var_ref ?? fail(origin, 'variable_component without var_ref') };
    case 'concat':
    case 'unique':
    case 'count':
      return { fn: element.name, args: args() };
    case 'arithmetic':
      return { fn: 'arithmetic', arithmeticOperation: a.arithmetic_operation === 'multiply' ? 'multiply' : 'add', args: args() };
    case 'begin':
    case 'end':
      return { fn: element.name, character: a.character ?? '', args: args() };
    case 'split':
      return { fn: 'split', delimiter: a.delimiter ?? '', args: args() };
    case 'substring':
      return { fn: 'substring', start: Number(a.substring_start ?? '1'), length: Number(a.substring_length ?? '-1'), args: args() };
    case 'regex_capture':
      return { fn: 'regex_capture', pattern: a.pattern ?? '', args: args() };
    case 'escape_regex':
      return { fn: 'escape_regex', args: args() };
    case 'time_difference':
      return { fn: 'time_difference', format1: a.format_1 ?? 'year_month_day', format2: a.format_2 ?? 'year_month_day', args: args() };
    case 'glob_to_regex':
      return { fn: 'glob_to_regex', globSkipHidden: bool(a.glob_noescape), args: args() };
    default:
      return { fn: 'unsupported', name: element.name };
  }
}

function variable(element: XmlElement, origin: string): OvalVariable {
  const id = element.attributes.id ?? fail(origin, `${element.name} without id`);
  const datatype = element.attributes.datatype ?? 'string';
  if (element.name === 'constant_variable') return { id, kind: 'constant', datatype, values: childrenNamed(element, 'value').map((value) => value.text) };
  if (element.name === 'external_variable') return { id, kind: 'external', datatype };
  const body = element.children.find((child) => child.name !== 'notes' && child.name !== 'signature');
  if (!body) fail(origin, `${id}: local_variable without a component`);
  return { id, kind: 'local', datatype, component: component(body, origin) };
}

function resolveRoot(source: string | object, origin: string): XmlElement {
  if (typeof source === 'string') {
    const root = parseXml(source, origin);
    const found = findElement(root, 'oval_definitions');
    if (!found) fail(origin, 'no <oval_definitions> element');
    return found;
  }
  const element = source as Partial<XmlElement>;
  if (typeof element.name !== 'string' || !Array.isArray(element.children)) fail(origin, 'not an element of parseXml()');
  const found = findElement(element as XmlElement, 'oval_definitions');
  if (!found) fail(origin, 'no <oval_definitions> element');
  return found;
}

/** Parse an <oval_definitions> element (XML text, or an XmlElement of parseXml) — hostile XML safe. */
export function parseOvalDefinitions(source: string | object, origin: string): OvalDefinitionsDocument {
  const root = resolveRoot(source, origin);
  const document: OvalDefinitionsDocument = { origin, definitions: new Map(), tests: new Map(), objects: new Map(), states: new Map(), variables: new Map() };
  const section = (name: string): XmlElement[] => childrenNamed(root, name).flatMap((element) => element.children);
  for (const element of section('definitions')) {
    const id = element.attributes.id ?? fail(origin, 'definition without id');
    const criteria = childrenNamed(element, 'criteria')[0];
    const definition: OvalDefinition = { id, class: element.attributes.class ?? '', title: findElement(element, 'title')?.text.trim() ?? '' };
    if (criteria) definition.criteria = criteriaNode(criteria, origin);
    document.definitions.set(id, definition);
  }
  for (const element of section('tests')) {
    const id = element.attributes.id ?? fail(origin, `${element.name} without id`);
    const check = element.attributes.check ?? 'all';
    const existence = element.attributes.check_existence ?? 'at_least_one_exists';
    if (!CHECKS.has(check)) fail(origin, `${id}: unknown check ${JSON.stringify(check)}`);
    if (!EXISTENCES.has(existence)) fail(origin, `${id}: unknown check_existence ${JSON.stringify(existence)}`);
    const test: OvalTest = {
      id,
      type: element.name.replace(/_test$/, ''),
      family: familyOf(element.ns),
      // 'none exist' is the deprecated 5.3 spelling of check_existence="none_exist" with check="none satisfy".
      check: (check === 'none exist' ? 'none satisfy' : check) as OvalCheck,
      checkExistence: (check === 'none exist' ? 'none_exist' : existence) as OvalExistence,
      stateOperator: operator(element.attributes.state_operator, origin, id),
      stateRefs: childrenNamed(element, 'state').map((state) => state.attributes.state_ref ?? fail(origin, `${id}: state without state_ref`)),
      comment: element.attributes.comment ?? '',
    };
    const objectRef = childrenNamed(element, 'object')[0]?.attributes.object_ref;
    if (objectRef !== undefined) test.objectRef = objectRef;
    document.tests.set(id, test);
  }
  for (const element of section('objects')) {
    const id = element.attributes.id ?? fail(origin, `${element.name} without id`);
    const behaviors = childrenNamed(element, 'behaviors')[0]?.attributes ?? {};
    const object: OvalObject = {
      id,
      type: element.name.replace(/_object$/, ''),
      family: familyOf(element.ns),
      entities: element.children.filter((child) => !ENTITY_SKIP.has(child.name)).map(entity),
      behaviors: { ...behaviors },
      filters: filters(element),
    };
    const setElement = childrenNamed(element, 'set')[0];
    if (setElement) object.set = set(setElement);
    document.objects.set(id, object);
  }
  for (const element of section('states')) {
    const id = element.attributes.id ?? fail(origin, `${element.name} without id`);
    const state: OvalState = {
      id,
      type: element.name.replace(/_state$/, ''),
      family: familyOf(element.ns),
      operator: operator(element.attributes.operator, origin, id),
      entities: element.children.filter((child) => !ENTITY_SKIP.has(child.name)).map(entity),
    };
    document.states.set(id, state);
  }
  for (const element of section('variables')) {
    const parsed = variable(element, origin);
    document.variables.set(parsed.id, parsed);
  }
  return document;
}
