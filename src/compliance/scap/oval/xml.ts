/**
 * Hostile-safe XML reading for SCAP content: a document type declaration is refused outright (so
 * no entity can be declared, expanded or fetched), size and nesting depth are bounded, and
 * malformed XML is an error naming the line. The result is a small namespace-resolved element
 * tree (local name + namespace URI) in document order, which OVAL needs (concat's argument order).
 * saxes does the reading: a strict, namespace-aware parser (well-formedness and namespace errors
 * with their position, XML's line-end and attribute-value normalisation, only the predefined
 * entities and character references), in one pass: a 10 MB data stream in ~0.3 s.
 */
import { SaxesParser } from 'saxes';

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

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Refuses DTDs and measures nesting depth before a parser sees the text: for the XML readers of
 * SCAP evaluation that use another parser (xmlfilecontent's XPath documents), so every one has the
 * same guards as parseXml, which checks both while it reads.
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

/** The line a saxes message starts with (`3:14: unexpected end`), and the message without it. */
function located(message: string): [line: number | undefined, detail: string] {
  const match = /^(?:[^:]*:)?(\d+):\d+: ([\s\S]*)$/.exec(message);
  return match ? [Number(match[1]), match[2] as string] : [undefined, message];
}

/** Parses XML text into its root element. Throws XmlContentError (with the line) on anything unsafe or malformed. */
export function parseXml(source: string | Buffer, origin: string): XmlElement {
  if (source.length > MAX_XML_BYTES) throw new XmlContentError(origin, undefined, `larger than ${MAX_XML_BYTES} bytes`);
  const text = typeof source === 'string' ? source : source.toString('utf8');
  const parser = new SaxesParser({ xmlns: true, position: true });
  const open: XmlElement[] = [];
  const contents: (string | XmlElement)[][] = [];
  let root: XmlElement | undefined;
  const addText = (part: string): void => {
    const element = open[open.length - 1];
    if (!element) return;
    element.text += part;
    contents[contents.length - 1]?.push(part);
  };
  // saxes reports the declaration once read whole: the line named is the one it starts on.
  parser.on('doctype', () => {
    throw new XmlContentError(origin, lineAt(text, text.search(/<!DOCTYPE/i)), 'a document type declaration (DTD) is not accepted in SCAP content');
  });
  parser.on('error', (error) => {
    const [line, detail] = located(error.message);
    throw new XmlContentError(origin, line ?? parser.line, `not well-formed XML: ${detail}`);
  });
  parser.on('opentag', (tag) => {
    if (open.length >= MAX_XML_DEPTH) throw new XmlContentError(origin, parser.line, `elements nested deeper than ${MAX_XML_DEPTH}`);
    const attributes: Record<string, string> = {};
    for (const attribute of Object.values(tag.attributes)) {
      if (attribute.prefix === 'xmlns' || attribute.name === 'xmlns') continue;
      attributes[attribute.local] = attribute.value;
    }
    const element: XmlElement = { name: tag.local, ns: tag.uri, attributes, children: [], text: '' };
    const parent = open[open.length - 1];
    if (parent) {
      parent.children.push(element);
      contents[contents.length - 1]?.push(element);
    } else root ??= element;
    open.push(element);
    contents.push([]);
  });
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    const element = open.pop() as XmlElement;
    const content = contents.pop() as (string | XmlElement)[];
    if (element.children.length > 0 && element.text.trim() !== '') element.content = content;
  });
  parser.write(text).close();
  if (!root) throw new XmlContentError(origin, 1, 'no root element');
  return root;
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
