/**
 * SCAP content as one object: a source data stream (SCAP 1.2/1.3 `data-stream-collection`: its
 * checklist's Benchmark, the CPE dictionary, and the OVAL components its catalogs name) or a plain
 * XCCDF 1.2 Benchmark whose OVAL files the caller reads (`readReferenced`, given the href). OVAL
 * documents are parsed on first use and kept. Nothing here reads a file or evaluates a check.
 */
import { parseOvalDefinitions, type OvalDefinitionsDocument } from '../oval/index.js';
import { childrenNamed, findElement, parseXml, XmlContentError, type XmlElement } from '../oval/xml.js';
import { readCpeDictionary, readPlatformSpecification, type CpeApplicability } from './cpe.js';
import type { XccdfBenchmark } from './model.js';
import { readBenchmark, XCCDF_NAMESPACE } from './read-benchmark.js';

export const DATA_STREAM_NAMESPACE = 'http://scap.nist.gov/schema/scap/source/1.2';

export interface ScapContent {
  origin: string;
  /** The data stream's id, when the content came from one. */
  dataStreamId?: string;
  benchmark: XccdfBenchmark;
  applicability: CpeApplicability;
  /** The OVAL document the content names `href`, or undefined when it carries none by that name. */
  oval(href: string): OvalDefinitionsDocument | undefined;
}

export interface ReadContentOptions {
  /** For plain XCCDF: the text of a file the Benchmark references (relative href), or undefined. */
  readReferenced?: (href: string) => string | undefined;
  /** The data stream to use when a collection holds several (default: the first with a checklist). */
  dataStreamId?: string;
}

function componentsById(collection: XmlElement): Map<string, XmlElement> {
  const components = new Map<string, XmlElement>();
  for (const component of childrenNamed(collection, 'component')) {
    if (component.attributes.id) components.set(component.attributes.id, component);
  }
  return components;
}

/** The element a component holds (its one child element). */
function payload(component: XmlElement | undefined): XmlElement | undefined {
  return component?.children[0];
}

function fromDataStream(collection: XmlElement, origin: string, options: ReadContentOptions): ScapContent {
  const streams = childrenNamed(collection, 'data-stream');
  const stream = options.dataStreamId ? streams.find((candidate) => candidate.attributes.id === options.dataStreamId) : streams.find((candidate) => childrenNamed(candidate, 'checklists').length > 0);
  if (!stream) throw new XmlContentError(origin, undefined, options.dataStreamId ? `no data-stream with id ${options.dataStreamId}` : 'no data-stream with a checklist');
  const components = componentsById(collection);
  // component-ref id -> the component it points to (xlink:href="#component-id")
  const refTargets = new Map<string, XmlElement>();
  const refs = ['dictionaries', 'checklists', 'checks'].flatMap((section) => childrenNamed(stream, section).flatMap((element) => childrenNamed(element, 'component-ref')));
  for (const ref of refs) {
    const target = components.get((ref.attributes.href ?? '').replace(/^#/, ''));
    if (ref.attributes.id && target) refTargets.set(ref.attributes.id, target);
  }
  // href names used inside components (catalog uri name) -> component
  const byHref = new Map<string, XmlElement>();
  for (const ref of refs) {
    for (const catalog of childrenNamed(ref, 'catalog')) {
      for (const uri of childrenNamed(catalog, 'uri')) {
        const target = refTargets.get((uri.attributes.uri ?? '').replace(/^#/, ''));
        if (uri.attributes.name && target && !byHref.has(uri.attributes.name)) byHref.set(uri.attributes.name, target);
      }
    }
  }
  const checklist = childrenNamed(stream, 'checklists')
    .flatMap((element) => childrenNamed(element, 'component-ref'))
    .map((ref) => payload(refTargets.get(ref.attributes.id ?? '')))
    .find((element) => element?.name === 'Benchmark' && element.ns === XCCDF_NAMESPACE);
  if (!checklist) throw new XmlContentError(origin, undefined, `data-stream ${stream.attributes.id ?? ''} has no XCCDF 1.2 Benchmark in its checklists`);
  const applicability: CpeApplicability = { platforms: new Map(), dictionary: new Map() };
  for (const ref of childrenNamed(stream, 'dictionaries').flatMap((element) => childrenNamed(element, 'component-ref'))) {
    const list = payload(refTargets.get(ref.attributes.id ?? ''));
    if (list?.name === 'cpe-list') readCpeDictionary(list, applicability);
  }
  const specification = findElement(checklist, 'platform-specification');
  if (specification) readPlatformSpecification(specification, applicability);
  const parsed = new Map<string, OvalDefinitionsDocument | undefined>();
  return {
    origin,
    ...(stream.attributes.id ? { dataStreamId: stream.attributes.id } : {}),
    benchmark: readBenchmark(checklist, origin),
    applicability,
    oval(href) {
      if (!parsed.has(href)) {
        const definitions = payload(byHref.get(href));
        parsed.set(href, definitions?.name === 'oval_definitions' ? parseOvalDefinitions(definitions, `${origin}#${href}`) : undefined);
      }
      return parsed.get(href);
    },
  };
}

function fromBenchmark(root: XmlElement, origin: string, options: ReadContentOptions): ScapContent {
  const applicability: CpeApplicability = { platforms: new Map(), dictionary: new Map() };
  const specification = findElement(root, 'platform-specification');
  if (specification) readPlatformSpecification(specification, applicability);
  const parsed = new Map<string, OvalDefinitionsDocument | undefined>();
  return {
    origin,
    benchmark: readBenchmark(root, origin),
    applicability,
    oval(href) {
      if (!parsed.has(href)) {
        const text = options.readReferenced?.(href);
        parsed.set(href, text === undefined ? undefined : parseOvalDefinitions(parseXml(text, href), href));
      }
      return parsed.get(href);
    },
  };
}

/** SCAP content from a data stream collection or a plain XCCDF 1.2 Benchmark (text or parsed root). */
export function readScapContent(source: string | XmlElement, origin: string, options: ReadContentOptions = {}): ScapContent {
  const root = typeof source === 'string' ? parseXml(source, origin) : source;
  if (root.name === 'data-stream-collection' && root.ns === DATA_STREAM_NAMESPACE) return fromDataStream(root, origin, options);
  if (root.name === 'Benchmark' && root.ns === XCCDF_NAMESPACE) return fromBenchmark(root, origin, options);
  throw new XmlContentError(origin, undefined, `not SCAP content: the root is <${root.name}> (${root.ns || 'no namespace'}); expected a SCAP 1.2/1.3 data-stream-collection or an XCCDF 1.2 Benchmark`);
}
