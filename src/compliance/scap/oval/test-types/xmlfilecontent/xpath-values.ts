/**
 * An XPath 1.0 expression evaluated on an XML file's text, as xmlfilecontent's `value_of` values.
 * The text passes the same guards as SCAP content (../../xml.ts: a DTD is refused, so no entity is
 * declared, expanded or fetched; nesting depth bounded) before @xmldom/xmldom builds the DOM, and
 * the caller has already bounded its size. `xpath` evaluates; its typings pull the browser's DOM
 * library into the whole compilation, so it is loaded with a narrow type of its own here.
 */
import { createRequire } from 'node:module';
import { DOMParser, type Document, type Node } from '@xmldom/xmldom';
import { precheck } from '../../xml.js';

type XPathResult = Node[] | string | number | boolean | null;
interface XPathModule {
  select(expression: string, node: Node): XPathResult;
}
const xpath = createRequire(import.meta.url)('xpath') as XPathModule;

const ATTRIBUTE_NODE = 2;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

export class XmlFileError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'XmlFileError';
  }
}

/** Parses a file's XML with the SCAP content guards; XmlFileError when it is refused or not well-formed. */
export function parseXmlFile(text: string, origin: string): Document {
  try {
    precheck(text, origin);
  } catch (error) {
    throw new XmlFileError((error as Error).message);
  }
  const problems: string[] = [];
  let document: Document;
  try {
    document = new DOMParser({
      locator: true,
      onError(level, message) {
        if (level === 'warning') return;
        problems.push(message);
        throw new XmlFileError(message);
      },
    }).parseFromString(text, 'text/xml');
  } catch (error) {
    throw new XmlFileError(`${origin}: not well-formed XML (${(problems[0] ?? (error as Error).message).split('\n')[0]})`);
  }
  if (!document.documentElement) throw new XmlFileError(`${origin}: no root element`);
  return document;
}

/**
 * The values an expression yields, as OpenSCAP's probe gives them: a string, a number or a boolean
 * is one value (an integral number without a fraction); a node-set gives the value of each
 * attribute, text and CDATA node, nothing for an element (OVAL asks for text values), and an empty
 * node-set gives undefined: there is no item. An expression XPath 1.0 refuses is XmlFileError.
 */
export function xpathValues(document: Document, expression: string): string[] | undefined {
  let result: XPathResult;
  try {
    result = xpath.select(expression, document);
  } catch (error) {
    throw new XmlFileError(`the XPath expression ${JSON.stringify(expression)} cannot be evaluated (${(error as Error).message.split('\n')[0]})`);
  }
  if (result === null) return undefined;
  if (typeof result === 'string') return [result];
  if (typeof result === 'boolean') return [result ? 'true' : 'false'];
  if (typeof result === 'number') return [String(result)];
  if (result.length === 0) return undefined;
  const values: string[] = [];
  for (const node of result) {
    if (node.nodeType === ATTRIBUTE_NODE || node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) values.push(node.nodeValue ?? '');
  }
  return values;
}
