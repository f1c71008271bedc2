/**
 * Hostile-safe XML reading for SCAP content: a document type declaration is refused outright (so
 * no entity can be declared, expanded or fetched), size and nesting depth are bounded, and
 * malformed XML is an error naming the line. The result is a small namespace-resolved element
 * tree (local name + namespace URI) in document order, which OVAL needs (concat's argument order).
 * fast-xml-parser does the tokenising; namespace resolution is done here because its
 * `removeNSPrefix` drops the namespace, and the namespace is what says a test's family.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlElement {
  /** Local name (`textfilecontent54_test`). */
  name: string;
  /** Namespace URI, '' when none. */
  ns: string;
  /** Attributes by local name (`xsi:nil` is `nil`); xmlns declarations are not kept. */
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (concatenated text and CDATA children). */
  text: string;
  /** Mixed content in document order (text and child elements), kept only when an element has both (an XCCDF fix with <sub>). */
  content?: (string | XmlElement)[];
}

export const MAX_XML_BYTES = 256 * 1024 * 1024;
export const MAX_XML_DEPTH = 256;

export class XmlContentError extends Error {
  constructor(
    readonly origin: string,
    readonly line: number | undefined,
    detail: string,
  ) {
    super(`${origin}${line === undefined ? '' : `:${line}`}: ${detail}`);
    this.name = 'XmlContentError';
  }
}

type OrderedNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
  cdataPropName: '#cdata',
  commentPropName: false,
});

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Refuses DTDs and measures nesting depth before the parser sees the text; exported for the other
 * XML readers of SCAP evaluation (xmlfilecontent's XPath documents), so every one has the same guards.
 */
export function precheck(text: string, origin: string): void {
  const doctype = /<!DOCTYPE|<!ENTITY/i.exec(text);
  if (doctype) throw new XmlContentError(origin, lineAt(text, doctype.index), 'a document type declaration (DTD) is not accepted in SCAP content');
  let depth = 0;
  const tag = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<(\/?)[^\s/>]+(?:[^>"']|"[^"]*"|'[^']*')*?(\/?)>/g;
  for (let match = tag.exec(text); match; match = tag.exec(text)) {
    if (match[0].startsWith('<!') || match[0].startsWith('<?')) continue;
    if (match[1] === '/') depth--;
    else if (match[2] !== '/') {
      depth++;
      if (depth > MAX_XML_DEPTH) throw new XmlContentError(origin, lineAt(text, match.index), `elements nested deeper than ${MAX_XML_DEPTH}`);
    }
  }
}

function splitName(qualified: string): [prefix: string, local: string] {
  const colon = qualified.indexOf(':');
  return colon === -1 ? ['', qualified] : [qualified.slice(0, colon), qualified.slice(colon + 1)];
}

function textOf(nodes: OrderedNode[]): string {
  let text = '';
  for (const node of nodes) {
    if (typeof node['#text'] === 'string' || typeof node['#text'] === 'number') text += String(node['#text']);
  }
  return text;
}

function convert(node: OrderedNode, scope: ReadonlyMap<string, string>): XmlElement | undefined {
  const tagName = Object.keys(node).find((key) => key !== ':@');
  if (tagName === undefined || tagName.startsWith('#') || tagName.startsWith('?')) return undefined;
  const rawAttributes = (node[':@'] ?? {}) as Record<string, string>;
  let inner = scope;
  for (const [key, value] of Object.entries(rawAttributes)) {
    if (key === 'xmlns' || key.startsWith('xmlns:')) {
      if (inner === scope) inner = new Map(scope);
      (inner as Map<string, string>).set(key === 'xmlns' ? '' : key.slice(6), String(value));
    }
  }
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(rawAttributes)) {
    if (key === 'xmlns' || key.startsWith('xmlns:')) continue;
    attributes[splitName(key)[1]] = String(value);
  }
  const [prefix, local] = splitName(tagName);
  const childNodes = (node[tagName] ?? []) as OrderedNode[];
  const children: XmlElement[] = [];
  const content: (string | XmlElement)[] = [];
  let text = '';
  for (const child of childNodes) {
    if ('#text' in child || '#cdata' in child) {
      const part = '#text' in child ? String(child['#text']) : textOf(child['#cdata'] as OrderedNode[]);
      text += part;
      content.push(part);
    } else {
      const element = convert(child, inner);
      if (element) {
        children.push(element);
        content.push(element);
      }
    }
  }
  const mixed = children.length > 0 && text.trim() !== '';
  return { name: local, ns: inner.get(prefix) ?? '', attributes, children, text, ...(mixed ? { content } : {}) };
}

/** Parses XML text into its root element. Throws XmlContentError (with the line) on anything unsafe or malformed. */
export function parseXml(source: string | Buffer, origin: string): XmlElement {
  if (source.length > MAX_XML_BYTES) throw new XmlContentError(origin, undefined, `larger than ${MAX_XML_BYTES} bytes`);
  const text = typeof source === 'string' ? source : source.toString('utf8');
  precheck(text, origin);
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlContentError(origin, valid.err.line, `not well-formed XML: ${valid.err.msg}`);
  const nodes = parser.parse(text) as OrderedNode[];
  for (const node of nodes) {
    const element = convert(node, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]));
    if (element) return element;
  }
  throw new XmlContentError(origin, 1, 'no root element');
}

/** Children of an element with a given local name. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

/** The first descendant (depth-first, the element itself included) with a given local name. */
export function findElement(element: XmlElement, name: string): XmlElement | undefined {
  const stack = [element];
  while (stack.length > 0) {
    const next = stack.pop() as XmlElement;
    if (next.name === name) return next;
    for (let i = next.children.length - 1; i >= 0; i--) stack.push(next.children[i] as XmlElement);
  }
  return undefined;
}
