/**
 * Reads an XCCDF 1.2 <Benchmark> element (of parseXml, src/compliance/scap/oval/xml.ts) into the
 * model, and a <Tailoring>'s profiles. Only the XCCDF namespace's own elements are read; a missing
 * id is a content error naming the element. Never evaluates and never reads a file.
 */
import { childrenNamed, XmlContentError, type XmlElement } from '../oval/xml.js';
import {
  XCCDF_SEVERITIES,
  type XccdfBenchmark,
  type XccdfCheck,
  type XccdfFix,
  type XccdfGroup,
  type XccdfProfile,
  type XccdfRule,
  type XccdfSeverity,
  type XccdfValue,
} from './model.js';

export const XCCDF_NAMESPACE = 'http://checklists.nist.gov/xccdf/1.2';

function xccdfChildren(element: XmlElement, name: string): XmlElement[] {
  return childrenNamed(element, name).filter((child) => child.ns === XCCDF_NAMESPACE);
}

/** An element's text with the text of its (HTML) children, whitespace folded. */
export function plainText(element: XmlElement | undefined): string {
  if (!element) return '';
  const parts = [element.text, ...element.children.map((child) => plainText(child))];
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

function firstText(element: XmlElement, name: string): string {
  return plainText(xccdfChildren(element, name)[0]);
}

function required(element: XmlElement, attribute: string, origin: string): string {
  const value = element.attributes[attribute];
  if (value === undefined || value === '') throw new XmlContentError(origin, undefined, `<${element.name}> without ${attribute}`);
  return value;
}

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return value === 'true' || value === '1';
}

function severityOf(value: string | undefined): XccdfSeverity {
  return (XCCDF_SEVERITIES as readonly string[]).includes(value ?? '') ? (value as XccdfSeverity) : 'unknown';
}

function checkOf(element: XmlElement, origin: string): XccdfCheck {
  return {
    system: required(element, 'system', origin),
    selector: element.attributes.selector ?? '',
    negate: bool(element.attributes.negate, false),
    multiCheck: bool(element.attributes['multi-check'], false),
    exports: xccdfChildren(element, 'check-export').map((exported) => ({ exportName: required(exported, 'export-name', origin), valueId: required(exported, 'value-id', origin) })),
    refs: xccdfChildren(element, 'check-content-ref').map((ref) => ({ href: required(ref, 'href', origin), ...(ref.attributes.name ? { name: ref.attributes.name } : {}) })),
  };
}

function fixOf(element: XmlElement): XccdfFix {
  const parts: XccdfFix['parts'] = element.content
    ? element.content.map((part) => (typeof part === 'string' ? { text: part } : part.name === 'sub' && part.attributes.idref ? { valueId: part.attributes.idref } : { text: plainText(part) }))
    : [{ text: element.text }];
  return { system: element.attributes.system ?? '', ...(element.attributes.id ? { id: element.attributes.id } : {}), parts };
}

function profileOf(element: XmlElement, origin: string): XccdfProfile {
  const profile: XccdfProfile = {
    id: required(element, 'id', origin),
    title: firstText(element, 'title'),
    description: firstText(element, 'description'),
    selects: xccdfChildren(element, 'select').map((select) => ({ idref: required(select, 'idref', origin), selected: bool(select.attributes.selected, true) })),
    setValues: xccdfChildren(element, 'set-value').map((set) => ({ idref: required(set, 'idref', origin), value: set.text })),
    refineValues: xccdfChildren(element, 'refine-value').map((refine) => ({ idref: required(refine, 'idref', origin), selector: refine.attributes.selector ?? '' })),
    refineRules: xccdfChildren(element, 'refine-rule').map((refine) => ({
      idref: required(refine, 'idref', origin),
      ...(refine.attributes.severity ? { severity: severityOf(refine.attributes.severity) } : {}),
      ...(refine.attributes.selector !== undefined ? { selector: refine.attributes.selector } : {}),
      ...(refine.attributes.role ? { role: refine.attributes.role } : {}),
      ...(refine.attributes.weight ? { weight: refine.attributes.weight } : {}),
    })),
  };
  if (element.attributes.extends) profile.extends = element.attributes.extends;
  return profile;
}

function valueOf(element: XmlElement, origin: string): XccdfValue {
  const values = new Map<string, string>();
  for (const value of xccdfChildren(element, 'value')) {
    const selector = value.attributes.selector ?? '';
    if (!values.has(selector)) values.set(selector, value.text);
  }
  return { id: required(element, 'id', origin), title: firstText(element, 'title'), type: element.attributes.type ?? 'string', operator: element.attributes.operator ?? 'equals', values };
}

function itemBase(element: XmlElement, parent: string, origin: string): Omit<XccdfGroup, 'kind'> {
  return {
    id: required(element, 'id', origin),
    title: firstText(element, 'title'),
    selected: bool(element.attributes.selected, true),
    platforms: xccdfChildren(element, 'platform').map((platform) => required(platform, 'idref', origin)),
    requires: xccdfChildren(element, 'requires').map((requires) => required(requires, 'idref', origin).split(/\s+/).filter(Boolean)),
    conflicts: xccdfChildren(element, 'conflicts').map((conflicts) => required(conflicts, 'idref', origin)),
    parent,
  };
}

function readItems(container: XmlElement, parent: string, benchmark: XccdfBenchmark, origin: string): void {
  for (const child of container.children) {
    if (child.ns !== XCCDF_NAMESPACE) continue;
    if (child.name === 'Value') {
      const value = valueOf(child, origin);
      benchmark.values.set(value.id, value);
    } else if (child.name === 'Group') {
      const group: XccdfGroup = { kind: 'group', ...itemBase(child, parent, origin) };
      benchmark.groups.set(group.id, group);
      benchmark.items.push(group.id);
      readItems(child, group.id, benchmark, origin);
    } else if (child.name === 'Rule') {
      const rule: XccdfRule = {
        kind: 'rule',
        ...itemBase(child, parent, origin),
        description: firstText(child, 'description'),
        rationale: firstText(child, 'rationale'),
        severity: severityOf(child.attributes.severity),
        role: child.attributes.role ?? 'full',
        weight: child.attributes.weight ?? '1.0',
        checks: xccdfChildren(child, 'check').map((check) => checkOf(check, origin)),
        fixes: xccdfChildren(child, 'fix').map(fixOf),
        fixText: firstText(child, 'fixtext'),
        references: xccdfChildren(child, 'reference').map((reference) => ({ href: reference.attributes.href ?? '', text: plainText(reference) })),
        idents: xccdfChildren(child, 'ident').map((ident) => ({ system: ident.attributes.system ?? '', text: plainText(ident) })),
      };
      benchmark.rules.set(rule.id, rule);
      benchmark.items.push(rule.id);
    }
  }
}

/** A <Benchmark> element into the model. */
export function readBenchmark(element: XmlElement, origin: string): XccdfBenchmark {
  if (element.name !== 'Benchmark' || element.ns !== XCCDF_NAMESPACE) throw new XmlContentError(origin, undefined, `expected an XCCDF 1.2 <Benchmark>, found <${element.name}> (${element.ns || 'no namespace'})`);
  const benchmark: XccdfBenchmark = {
    id: required(element, 'id', origin),
    title: firstText(element, 'title'),
    version: firstText(element, 'version'),
    platforms: xccdfChildren(element, 'platform').map((platform) => required(platform, 'idref', origin)),
    profiles: new Map(),
    rules: new Map(),
    groups: new Map(),
    items: [],
    values: new Map(),
  };
  for (const profileElement of xccdfChildren(element, 'Profile')) {
    const profile = profileOf(profileElement, origin);
    benchmark.profiles.set(profile.id, profile);
  }
  readItems(element, '', benchmark, origin);
  return benchmark;
}

/** The profiles of an XCCDF 1.2 <Tailoring> element. */
export function readTailoring(element: XmlElement, origin: string): XccdfProfile[] {
  if (element.name !== 'Tailoring' || element.ns !== XCCDF_NAMESPACE) throw new XmlContentError(origin, undefined, `expected an XCCDF 1.2 <Tailoring>, found <${element.name}>`);
  return xccdfChildren(element, 'Profile').map((profile) => profileOf(profile, origin));
}
