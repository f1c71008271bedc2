/**
 * Text made fit for an XML 1.0 document. XML 1.0 has no way to write most C0 control characters
 * (not even as `&#x1b;`), lone UTF-16 surrogates or U+FFFE/U+FFFF: a document holding one is not
 * well-formed and CI servers reject the whole report. Those characters, and the C1 controls and
 * DEL that XML 1.0 discourages, are written as visible escapes (`\x1b`, `\u{fffe}`), the way the
 * terminal output shows them. Markup characters are left to the XML builder's own escaping.
 */

// Not matched: tab, LF, CR, and every character from U+0020 up that XML 1.0 allows.
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function visibleEscape(character: string): string {
  const code = character.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

export function xmlText(text: string): string {
  return text.replace(NOT_XML_CHAR, visibleEscape);
}

/** A document tree for the XML builder with every string in it (values, not keys) made fit. */
export function xmlSafeTree<T>(node: T): T {
  if (typeof node === 'string') return xmlText(node) as T;
  if (Array.isArray(node)) return node.map((item: unknown) => xmlSafeTree(item)) as T;
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, xmlSafeTree(value)])) as T;
  return node;
}
