/**
 * `file-content`: lines of text files (globs, read in name order) that must or must not match
 * regular expressions, and values captured from them compared with an operator.
 */
import { UsageError } from '../../../errors.js';
import { expandGlob } from '../../config/text-files.js';
import { compareValue, describeExpected, EXPECTED_VALUE_SCHEMA, OPERATOR_SCHEMA, requireOperatorValue, requireRegex, type ExpectedValue, type Operator } from '../compare.js';
import { EvidenceBuilder, type CheckType, type DefinitionSite, type SchemaFragment } from '../check-type.js';
import { patternExec, policyPattern } from '../policy-pattern.js';

export interface FileContentCheck {
  type: 'file-content';
  paths: string[];
  mustMatch?: string[];
  mustNotMatch?: string[];
  ignoreComments?: boolean;
  capture?: { pattern: string; operator: Operator; value?: ExpectedValue };
  whenNoFiles?: 'pass' | 'fail';
}

const SCHEMA: SchemaFragment = {
  type: 'object',
  description: 'Lines of text files, matched with regular expressions.',
  required: ['type', 'paths'],
  additionalProperties: false,
  properties: {
    type: { const: 'file-content' },
    paths: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^/' }, description: 'Files or globs, read in order.' },
    mustMatch: { type: 'array', items: { type: 'string', minLength: 1 } },
    mustNotMatch: { type: 'array', items: { type: 'string', minLength: 1 } },
    ignoreComments: { type: 'boolean', description: 'Skip lines whose first non-blank character is #. Default true.' },
    capture: {
      type: 'object',
      required: ['pattern', 'operator'],
      additionalProperties: false,
      properties: {
        pattern: { type: 'string', description: 'A regular expression with one capturing group.' },
        operator: OPERATOR_SCHEMA,
        value: EXPECTED_VALUE_SCHEMA,
      },
    },
    whenNoFiles: { enum: ['pass', 'fail'], description: 'Outcome when no file exists. Default fail.' },
  },
};

function validate(check: FileContentCheck, site: DefinitionSite): void {
  for (const name of ['mustMatch', 'mustNotMatch'] as const) check[name]?.forEach((pattern, index) => requireRegex(pattern, site.where([name, index]), site.field([name, index])));
  if (check.capture) {
    requireRegex(check.capture.pattern, site.where(), site.field(['capture', 'pattern']));
    requireOperatorValue(check.capture.operator, check.capture.value, site.where(), site.field(['capture']));
  }
  if (!check.mustMatch && !check.mustNotMatch && !check.capture) throw new UsageError(`${site.where()}: ${site.field()}: a file-content check needs mustMatch, mustNotMatch or capture`);
}

const MAX_EVIDENCE_LINE = 200;

function shown(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > MAX_EVIDENCE_LINE ? `${trimmed.slice(0, MAX_EVIDENCE_LINE)}…` : trimmed;
}

export const fileContentCheck: CheckType<FileContentCheck> = {
  id: 'file-content',
  schemas: { 'file-content': SCHEMA },
  validate,
  async evaluate(check, { target, facts }) {
    const files: string[] = [];
    for (const pattern of check.paths) for (const file of await expandGlob(target, pattern)) if (!files.includes(file)) files.push(file);
    const evidence = new EvidenceBuilder();
    if (files.length === 0) {
      if (check.whenNoFiles === 'pass') return { state: 'PASS', message: `no file matches ${check.paths.join(', ')} (allowed)`, evidence: evidence.evidence };
      evidence.missing(`a file matching ${check.paths.join(', ')}`);
      return evidence.outcome('', `no file matches ${check.paths.join(', ')}`);
    }
    const ignoreComments = check.ignoreComments !== false;
    const lines = [];
    for (const file of files) {
      for (const line of (await facts.lines(file)) ?? []) {
        if (ignoreComments && /^\s*#/.test(line.text)) continue;
        lines.push(line);
      }
    }
    for (const pattern of check.mustMatch ?? []) {
      const regex = policyPattern(pattern);
      const hit = lines.find((line) => regex.test(line.text));
      if (hit) evidence.observed(shown(hit.text), { file: hit.file, line: hit.line });
      else evidence.missing(`a line matching /${pattern}/`, { file: files.join(', ') });
    }
    for (const pattern of check.mustNotMatch ?? []) {
      const regex = policyPattern(pattern);
      for (const line of lines) if (regex.test(line.text)) evidence.unexpected(shown(line.text), { file: line.file, line: line.line });
    }
    if (check.capture) {
      const { pattern, operator, value } = check.capture;
      let captured = 0;
      for (const line of lines) {
        const match = patternExec(pattern, line.text);
        if (!match) continue;
        captured += 1;
        const actual = match[1] ?? match[0];
        if (compareValue(actual, operator, value)) evidence.observed(shown(line.text), { file: line.file, line: line.line });
        else evidence.unexpected(shown(line.text), { file: line.file, line: line.line }).missing(`value ${describeExpected(operator, value)}`, { file: line.file, line: line.line });
      }
      if (captured === 0 && operator !== 'absent') evidence.missing(`a line matching /${pattern}/ with a value ${describeExpected(operator, value)}`, { file: files.join(', ') });
    }
    return evidence.outcome(`${files.join(', ')} as required`, `${files.join(', ')} not as required`);
  },
};
