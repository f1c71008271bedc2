/**
 * `file-content`: lines of text files (globs, read in name order) that must or must not match
 * regular expressions, and values captured from them compared with an operator.
 */
import { expandGlob } from '../config/text-files.js';
import type { FileContentCheck } from '../policy/policy-types.js';
import { compareValue, describeExpected } from './compare.js';
import { EvidenceBuilder, type CheckType } from './check-type.js';

const MAX_EVIDENCE_LINE = 200;

function shown(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > MAX_EVIDENCE_LINE ? `${trimmed.slice(0, MAX_EVIDENCE_LINE)}…` : trimmed;
}

export const fileContentCheck: CheckType<FileContentCheck> = {
  type: 'file-content',
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
      const regex = new RegExp(pattern);
      const hit = lines.find((line) => regex.test(line.text));
      if (hit) evidence.observed(shown(hit.text), { file: hit.file, line: hit.line });
      else evidence.missing(`a line matching /${pattern}/`, { file: files.join(', ') });
    }
    for (const pattern of check.mustNotMatch ?? []) {
      const regex = new RegExp(pattern);
      for (const line of lines) if (regex.test(line.text)) evidence.unexpected(shown(line.text), { file: line.file, line: line.line });
    }
    if (check.capture) {
      const { pattern, operator, value } = check.capture;
      const regex = new RegExp(pattern);
      let captured = 0;
      for (const line of lines) {
        const match = regex.exec(line.text);
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
