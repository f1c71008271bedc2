/**
 * Test support for OVAL conformance tests: a root filesystem built in a temporary folder, small
 * OVAL documents written from their sections, and one call that evaluates definitions on a
 * `dir:` target of that tree. Used by tests only.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openTarget } from '../../targets/open-target.js';
import type { OvalDefinitionOutcome } from './model.js';
import { createOvalEvaluation } from './evaluate.js';
import { parseOvalDefinitions } from './parse-definitions.js';
import { findElement, parseXml } from './xml.js';
import { compareValue } from './datatypes.js';
import { CachedFiles } from './cached-files.js';
import { TargetFacts } from '../../facts.js';
import { loadPcre } from '../pcre/index.js';
import type { Target } from '../../targets/target.js';
import type { OvalItem, OvalTestType } from './test-types/test-type.js';

export interface TreeFile {
  content?: string;
  mode?: number;
  /** A symbolic link with this target instead of a file. */
  link?: string;
  directory?: boolean;
}

/** Writes a tree under a new temporary folder; returns its path. */
export async function makeTree(files: Record<string, string | TreeFile>, base = tmpdir()): Promise<string> {
  const root = await mkdtemp(path.join(base, 'tollgate-oval-'));
  for (const [name, spec] of Object.entries(files)) {
    const file = typeof spec === 'string' ? { content: spec } : spec;
    const full = path.join(root, name);
    await mkdir(path.dirname(full), { recursive: true });
    if (file.link !== undefined) await symlink(file.link, full);
    else if (file.directory) await mkdir(full, { recursive: true });
    else await writeFile(full, file.content ?? '');
    if (file.mode !== undefined) await chmod(full, file.mode);
  }
  return root;
}

export async function removeTree(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
}

export interface OvalSections {
  definitions?: string;
  tests?: string;
  objects?: string;
  states?: string;
  variables?: string;
}

/** A complete <oval_definitions> document with the usual prefixes (oval-def, ind, unix, linux). */
export function ovalDocument(sections: OvalSections): string {
  const part = (name: string, body: string | undefined): string => (body ? `<oval-def:${name}>${body}</oval-def:${name}>` : '');
  return `<?xml version="1.0" encoding="UTF-8"?>
<oval-def:oval_definitions xmlns:oval-def="http://oval.mitre.org/XMLSchema/oval-definitions-5"
  xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
  xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent"
  xmlns:unix="http://oval.mitre.org/XMLSchema/oval-definitions-5#unix"
  xmlns:linux="http://oval.mitre.org/XMLSchema/oval-definitions-5#linux"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<oval-def:generator><oval:schema_version>5.11.2</oval:schema_version><oval:timestamp>2026-01-01T00:00:00</oval:timestamp></oval-def:generator>
${part('definitions', sections.definitions)}${part('tests', sections.tests)}${part('objects', sections.objects)}${part('states', sections.states)}${part('variables', sections.variables)}
</oval-def:oval_definitions>`;
}

/** A compliance definition whose criteria are the given XML. */
export function definition(id: string, criteria: string): string {
  return `<oval-def:definition class="compliance" id="${id}" version="1"><oval-def:metadata><oval-def:title>${id}</oval-def:title><oval-def:description>d</oval-def:description></oval-def:metadata>${criteria}</oval-def:definition>`;
}

/** Evaluates every definition of the document on `dir:<root>`. */
export async function evaluateOnTree(root: string, xml: string, externals: ReadonlyMap<string, readonly string[]> = new Map()): Promise<Map<string, OvalDefinitionOutcome>> {
  const document = parseOvalDefinitions(xml, 'test.xml');
  const target = await openTarget(`dir:${root}`);
  try {
    return await createOvalEvaluation(document, target).evaluate([...document.definitions.keys()], externals);
  } finally {
    await target.close();
  }
}

/** The results by definition id, for compact assertions. */
export function resultsOf(outcomes: Map<string, OvalDefinitionOutcome>): Record<string, string> {
  return Object.fromEntries([...outcomes].map(([id, outcome]) => [id, outcome.result]));
}

/**
 * OpenSCAP as the oracle: runs `oscap oval eval` on the document (written into `work` as
 * `<name>.xml`) and returns its result per definition id.
 */
export async function oscapResults(xml: string, work: string, name: string): Promise<Map<string, string>> {
  const file = path.join(work, `${name}.xml`);
  const results = path.join(work, `${name}-results.xml`);
  await writeFile(file, xml);
  try {
    execFileSync('oscap', ['oval', 'eval', '--results', results, file], { stdio: 'pipe' });
  } catch (error) {
    // oscap exits 2 when a definition is false; the results file is what counts.
    if ((error as { status?: number }).status !== 2) throw error;
  }
  const oscapRoot = parseXml(await readFile(results), `${name}-results.xml`);
  const system = findElement(oscapRoot, 'system');
  const oscap = new Map<string, string>();
  for (const element of findElement(system ?? oscapRoot, 'definitions')?.children ?? []) oscap.set(element.attributes.definition_id ?? '', element.attributes.result ?? '');
  return oscap;
}

/** Evaluates every definition of the document on the `local` target (the files OpenSCAP probes). */
export async function evaluateLocally(xml: string): Promise<Map<string, OvalDefinitionOutcome>> {
  const document = parseOvalDefinitions(xml, 'defs.xml');
  const target = await openTarget('local');
  try {
    return await createOvalEvaluation(document, target).evaluate([...document.definitions.keys()], new Map());
  } finally {
    await target.close();
  }
}

/** The definitions whose results differ from OpenSCAP's, each with Tollgate's messages. */
export function disagreementsWith(oscap: ReadonlyMap<string, string>, ours: ReadonlyMap<string, OvalDefinitionOutcome>): string[] {
  return [...ours].filter(([id, outcome]) => oscap.get(id) !== outcome.result).map(([id, outcome]) => `${id}: tollgate ${outcome.result}, oscap ${oscap.get(id) ?? 'missing'}\n  ${outcome.messages.join('\n  ')}`);
}

/**
 * The items one test type collects for one object of a document, with a context of its own whose
 * entities are literal values (no var_ref), compared as the evaluator compares them: for comparing a
 * collector's items one by one with an oracle's, which definitions' results cannot show.
 */
export async function collectItems(type: OvalTestType, xml: string, objectId: string, target: Target): Promise<OvalItem[]> {
  const document = parseOvalDefinitions(xml, 'test.xml');
  const object = document.objects.get(objectId);
  if (!object) throw new Error(`no object ${objectId}`);
  const pcre = await loadPcre();
  const memo = new Map<string, Promise<unknown>>();
  return type.collect(object, {
    target,
    facts: new TargetFacts(target),
    pcre,
    files: new CachedFiles(target),
    once<T>(key: string, compute: () => Promise<T>): Promise<T> {
      if (!memo.has(key)) memo.set(key, compute());
      return memo.get(key) as Promise<T>;
    },
    entityValues: async (entity) => [entity.value],
    entityMatches: async (entity, value) => compareValue(entity.datatype, entity.operation, entity.value, value, pcre) === 'true',
    entityMatcher: async (entity) => (value) => compareValue(entity.datatype, entity.operation, entity.value, value, pcre) === 'true',
  });
}

/** The target as a target without a tree walk sees it: every folder listed one by one through the view, no tree query either. */
export function withoutTreeWalk(target: Target): Target {
  const wrapped = Object.create(target) as Target;
  Object.defineProperty(wrapped, 'walkTrees', { value: undefined });
  Object.defineProperty(wrapped, 'queryTrees', { value: undefined });
  return wrapped;
}
