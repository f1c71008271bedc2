/**
 * SBOM documents read into one shape: the components (nested ones flattened) with their purls and
 * properties, the document's subject, and what the format said about itself. Three formats:
 * CycloneDX JSON and XML (1.4–1.6; other 1.x versions are read with a warning) and SPDX 2.3 JSON
 * (2.2 read too: the fields used are the same), told apart by content, never by file name.
 *
 * Every document is untrusted: the size is bounded before parsing, XML with a document type
 * declaration (the door to entity expansion and external entities) is refused, nesting and the
 * number of components are bounded, and the walk is iterative. A value of the wrong JSON type is
 * treated as absent, never trusted. Problems are a HostileInputError (refused) or a warning (the
 * part skipped); nothing here crashes on a document.
 */
import { XMLParser } from 'fast-xml-parser';
import { HostileInputError, ImageError } from '../../errors.js';
import { formatBytes } from '../limits.js';

export type SbomFormat = 'cyclonedx-json' | 'cyclonedx-xml' | 'spdx-json';

/** One component (CycloneDX) or package (SPDX), as the document states it. */
export interface SbomComponent {
  /** CycloneDX `type` (`library`, `operating-system`, `container`); SPDX `primaryPackagePurpose`, lower case. */
  type?: string;
  name?: string;
  version?: string;
  purl?: string;
  /** CycloneDX `bom-ref`, SPDX `SPDXID`: how warnings name the component. */
  ref?: string;
  /** Property name -> its first value. */
  properties: ReadonlyMap<string, string>;
  /** SPDX ids, SPDX expressions or licence names, as the document gives them. */
  licenses?: string[];
}

export interface SbomDocument {
  format: SbomFormat;
  specVersion: string;
  /** What the document describes (CycloneDX `metadata.component`); absent in SPDX. */
  subject?: SbomComponent;
  components: SbomComponent[];
  warnings: string[];
}

export interface SbomLimits {
  /** Bytes of the document. */
  maxBytes: number;
  /** Components (nested ones included). */
  maxComponents: number;
  /** Levels of nested components. */
  maxDepth: number;
}

export const DEFAULT_SBOM_LIMITS: Readonly<SbomLimits> = {
  maxBytes: 256 * 1024 * 1024,
  maxComponents: 1_000_000,
  maxDepth: 64,
};

const CYCLONEDX_VERSIONS = new Set(['1.4', '1.5', '1.6']);
const SPDX_VERSIONS = new Set(['SPDX-2.2', 'SPDX-2.3']);

type Raw = Record<string, unknown>;

const isObject = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : isObject(value) ? [value] : []);

/** How one format's component nodes are read: their fields, and the nodes nested in them. */
interface NodeReader {
  component(node: Raw): SbomComponent;
  children(node: Raw): unknown[];
}

function propertiesOf(entries: unknown[], nameKey: string, valueKey: string): Map<string, string> {
  const properties = new Map<string, string>();
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    const name = text(entry[nameKey]);
    const value = entry[valueKey];
    if (name !== undefined && typeof value === 'string' && !properties.has(name)) properties.set(name, value);
  }
  return properties;
}

/** The fields a document gave, without the ones it left out (one object per component, so no entries round trip). */
function definedFields(fields: Omit<SbomComponent, 'properties'>): Omit<SbomComponent, 'properties'> {
  const defined: Omit<SbomComponent, 'properties'> = {};
  if (fields.type !== undefined) defined.type = fields.type;
  if (fields.name !== undefined) defined.name = fields.name;
  if (fields.version !== undefined) defined.version = fields.version;
  if (fields.purl !== undefined) defined.purl = fields.purl;
  if (fields.ref !== undefined) defined.ref = fields.ref;
  if (fields.licenses !== undefined && fields.licenses.length > 0) defined.licenses = fields.licenses;
  return defined;
}

/** CycloneDX `licenses`: entries `{ license: { id | name } }` or `{ expression }` (JSON); `<license><id|name>` and `<expression>` (XML). */
function licensesOf(entries: unknown[], expressions: unknown[] = []): string[] {
  const licenses: string[] = [];
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    const license = isObject(entry.license) ? entry.license : entry;
    const named = text(license.id) ?? text(license.name) ?? text(entry.expression);
    if (named !== undefined) licenses.push(named);
  }
  for (const expression of expressions) if (text(expression) !== undefined) licenses.push(expression as string);
  return licenses;
}

const CYCLONEDX_JSON: NodeReader = {
  component: (node) => ({
    ...definedFields({ type: text(node.type), name: text(node.name), version: text(node.version), purl: text(node.purl), ref: text(node['bom-ref']), licenses: licensesOf(list(node.licenses)) }),
    properties: propertiesOf(list(node.properties), 'name', 'value'),
  }),
  children: (node) => list(node.components),
};

const CYCLONEDX_XML: NodeReader = {
  component: (node) => ({
    ...definedFields({
      type: text(node['@_type']),
      name: text(node.name),
      version: text(node.version),
      purl: text(node.purl),
      ref: text(node['@_bom-ref']),
      licenses: isObject(node.licenses) ? licensesOf(list(node.licenses.license), list(node.licenses.expression)) : undefined,
    }),
    properties: propertiesOf(isObject(node.properties) ? list(node.properties.property) : [], '@_name', '#text'),
  }),
  children: (node) => (isObject(node.components) ? list(node.components.component) : []),
};

/**
 * Flattens component trees, depth first in document order, without recursion: a document nested
 * past `maxDepth` or holding more than `maxComponents` is refused.
 */
function flatten(roots: unknown[], reader: NodeReader, limits: SbomLimits, warnings: string[]): SbomComponent[] {
  const components: SbomComponent[] = [];
  const stack: { node: unknown; depth: number }[] = roots.map((node) => ({ node, depth: 1 })).reverse();
  let skipped = 0;
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (!isObject(node)) {
      skipped += 1;
      continue;
    }
    if (depth > limits.maxDepth) throw new HostileInputError(`components nested more than ${limits.maxDepth} levels deep; an honest SBOM is never nested that deep`);
    components.push(reader.component(node));
    if (components.length > limits.maxComponents) throw new HostileInputError(`more than ${limits.maxComponents} components; over the limit for one SBOM`);
    const children = reader.children(node);
    for (let index = children.length - 1; index >= 0; index--) stack.push({ node: children[index], depth: depth + 1 });
  }
  if (skipped > 0) warnings.push(`${skipped} component entr${skipped === 1 ? 'y is' : 'ies are'} not objects; skipped`);
  return components;
}

function parseJson(content: string, what: string): unknown {
  try {
    return JSON.parse(content) as unknown;
  } catch (error) {
    throw new ImageError(`not a valid ${what} JSON document: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function cyclonedxFromJson(bom: Raw, limits: SbomLimits): SbomDocument {
  const warnings: string[] = [];
  const specVersion = text(bom.specVersion) ?? '';
  if (!CYCLONEDX_VERSIONS.has(specVersion)) warnings.push(`CycloneDX specVersion "${specVersion}" is not 1.4, 1.5 or 1.6; read as 1.6`);
  const metadata = isObject(bom.metadata) ? bom.metadata : {};
  const subjectNode = isObject(metadata.component) ? metadata.component : undefined;
  // The subject's own nested components are part of what it holds (an image's packages).
  const roots = [...(subjectNode ? CYCLONEDX_JSON.children(subjectNode) : []), ...list(bom.components)];
  const components = flatten(roots, CYCLONEDX_JSON, limits, warnings);
  return { format: 'cyclonedx-json', specVersion, ...(subjectNode ? { subject: CYCLONEDX_JSON.component(subjectNode) } : {}), components, warnings };
}

/** Tags that repeat in CycloneDX: always arrays, however many the document holds. */
const XML_ARRAYS = new Set(['component', 'property', 'license', 'expression']);

function cyclonedxFromXml(content: string, limits: SbomLimits): SbomDocument {
  // No CycloneDX document needs a DTD; refusing one rules out entity expansion and external entities.
  if (/<!(DOCTYPE|ENTITY)/i.test(content)) throw new HostileInputError('the XML document declares a document type or entities; CycloneDX XML never needs them, so it is refused');
  let parsed: unknown;
  try {
    parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: true,
      processEntities: true,
      htmlEntities: false,
      isArray: (name) => XML_ARRAYS.has(name),
      maxNestedTags: limits.maxDepth * 3 + 16,
    }).parse(content, true);
  } catch (error) {
    throw new ImageError(`not a valid CycloneDX XML document: ${error instanceof Error ? error.message : String(error)}`);
  }
  const bom = isObject(parsed) && isObject(parsed.bom) ? parsed.bom : undefined;
  if (!bom) throw new ImageError('an XML document whose root is not a CycloneDX <bom>');
  const warnings: string[] = [];
  const namespace = text(bom['@_xmlns']) ?? '';
  const specVersion = /^http:\/\/cyclonedx\.org\/schema\/bom\/(\d+\.\d+)$/.exec(namespace)?.[1] ?? '';
  if (!CYCLONEDX_VERSIONS.has(specVersion)) warnings.push(`CycloneDX XML namespace "${namespace}" is not 1.4, 1.5 or 1.6; read as 1.6`);
  const metadata = isObject(bom.metadata) ? bom.metadata : {};
  const subjectNode = isObject(metadata.component) ? metadata.component : Array.isArray(metadata.component) && isObject(metadata.component[0]) ? metadata.component[0] : undefined;
  const roots = [...(subjectNode ? CYCLONEDX_XML.children(subjectNode) : []), ...(isObject(bom.components) ? list(bom.components.component) : [])];
  const components = flatten(roots, CYCLONEDX_XML, limits, warnings);
  return { format: 'cyclonedx-xml', specVersion, ...(subjectNode ? { subject: CYCLONEDX_XML.component(subjectNode) } : {}), components, warnings };
}

/** SPDX names purls in `externalRefs` (category `PACKAGE-MANAGER`, `PACKAGE_MANAGER` before 2.3). */
function spdxPurl(node: Raw): string | undefined {
  for (const ref of list(node.externalRefs)) {
    if (!isObject(ref)) continue;
    const category = text(ref.referenceCategory)?.toUpperCase().replace('_', '-');
    if (category === 'PACKAGE-MANAGER' && text(ref.referenceType) === 'purl') return text(ref.referenceLocator);
  }
  return undefined;
}

function spdxFromJson(doc: Raw, limits: SbomLimits): SbomDocument {
  const warnings: string[] = [];
  const specVersion = text(doc.spdxVersion) ?? '';
  if (!SPDX_VERSIONS.has(specVersion)) warnings.push(`spdxVersion "${specVersion}" is not SPDX-2.3; read as SPDX-2.3`);
  const reader: NodeReader = {
    component: (node) => ({
      ...definedFields({ type: text(node.primaryPackagePurpose)?.toLowerCase().replace('_', '-'), name: text(node.name), version: text(node.versionInfo), purl: spdxPurl(node), ref: text(node.SPDXID) }),
      properties: new Map(),
    }),
    // SPDX packages are flat: relationships, not nesting, connect them.
    children: () => [],
  };
  return { format: 'spdx-json', specVersion, components: flatten(list(doc.packages), reader, limits, warnings), warnings };
}

/** Reads a CycloneDX (JSON or XML) or SPDX JSON document, whichever `content` is. */
export function readSbomDocument(content: Buffer, limits: SbomLimits = DEFAULT_SBOM_LIMITS): SbomDocument {
  if (content.length > limits.maxBytes) throw new HostileInputError(`the SBOM is ${formatBytes(content.length)}, over the ${formatBytes(limits.maxBytes)} limit for one SBOM`);
  const body = content.toString('utf8').replace(/^\uFEFF/, '');
  const start = body.trimStart()[0];
  if (start === '<') return cyclonedxFromXml(body, limits);
  if (start !== '{') throw new ImageError('not an SBOM: neither a JSON object nor an XML document (CycloneDX JSON or XML, or SPDX 2.3 JSON is expected)');
  const parsed = parseJson(body, 'SBOM');
  if (!isObject(parsed)) throw new ImageError('not an SBOM: the JSON document is not an object');
  if (parsed.bomFormat === 'CycloneDX') return cyclonedxFromJson(parsed, limits);
  if (typeof parsed.spdxVersion === 'string') return spdxFromJson(parsed, limits);
  throw new ImageError('a JSON document that is neither CycloneDX (no "bomFormat": "CycloneDX") nor SPDX (no "spdxVersion")');
}
