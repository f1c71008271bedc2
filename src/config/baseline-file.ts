/**
 * `--baseline <result.json>`: a scan result written by `tollgate image scan --format json` (one
 * image, or `{ results: [...] }` for several) read as the gate's baseline. Only what the baseline
 * needs is read and checked (each finding's id, package type and name); a mistake names the file
 * and the field.
 */
import { UsageError } from '../errors.js';
import { baselineOf, type GateBaseline } from '../gate/baseline.js';
import type { Finding } from '../model/finding.js';
import { readConfigText } from './read-config-file.js';

/** A result of 200,000 findings is far below this; a bigger file is not a scan result. */
export const MAX_BASELINE_BYTES = 512 * 1024 * 1024;

type BaselineFinding = Pick<Finding, 'id'> & { package: Pick<Finding['package'], 'type' | 'name'> };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function findingsOf(result: unknown, at: string, refuse: (field: string, problem: string) => UsageError): BaselineFinding[] {
  if (!isObject(result) || !Array.isArray(result.findings)) throw refuse(`${at}findings`, 'expected the findings list of a scan result');
  return result.findings.map((finding: unknown, index) => {
    const field = `${at}findings[${index}]`;
    if (!isObject(finding) || typeof finding.id !== 'string') throw refuse(`${field}.id`, 'expected a string');
    const pkg = finding.package;
    if (!isObject(pkg) || typeof pkg.type !== 'string' || typeof pkg.name !== 'string') throw refuse(`${field}.package`, 'expected an object with type and name');
    return { id: finding.id, package: { type: pkg.type as Finding['package']['type'], name: pkg.name } };
  });
}

export function parseBaseline(text: string, file: string): GateBaseline {
  const refuse = (field: string, problem: string): UsageError => new UsageError(`baseline ${file}: ${field}: ${problem} (--baseline takes a result written by tollgate image scan --format json)`);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw refuse('(document)', `not JSON (${error instanceof Error ? error.message : 'parse error'})`);
  }
  const results = isObject(document) && Array.isArray(document.results) ? document.results.map((result, index) => findingsOf(result, `results[${index}].`, refuse)) : [findingsOf(document, '', refuse)];
  return baselineOf(results.map((findings) => ({ findings: findings as Finding[] })), file);
}

export function loadBaselineFile(file: string): GateBaseline {
  return parseBaseline(readConfigText(file, 'baseline', { maxBytes: MAX_BASELINE_BYTES }), file);
}
