/**
 * "Field: value" text as Debian control files and Python core metadata write it (RFC 822 style):
 * records separated by blank lines, a line starting with white space continues the previous
 * field. Field names are matched case-insensitively. Hand-written: the format is a few lines of
 * rules and every library for it is either for e-mail (too lenient about structure) or
 * Debian-specific and unmaintained.
 */
import { WarningTally } from '../../util/bounded-warnings.js';
export type Fields = Map<string, string>;

export interface ParsedRecord {
  fields: Fields;
  /** 1-based line where the record starts, for messages. */
  line: number;
}

export interface ParseOptions {
  /** Stop at the first blank line (a metadata header followed by a free-text body). */
  headerOnly?: boolean;
}

/** A field value longer than this (a continued Description of megabytes) is cut, with one warning. */
export const MAX_FIELD_CHARS = 1024 * 1024;

/**
 * Calls `onLine(line, index)` for each line of `text` (without its `\n` or `\r\n`), in order,
 * without splitting the text into an array: 30 million lines must not become 30 million strings
 * at once. `onLine` returns false to stop.
 */
export function forEachLine(text: string, onLine: (line: string, index: number) => boolean | void): void {
  let start = 0;
  for (let index = 0; start <= text.length; index++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end < text.length && end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    if (onLine(line, index) === false) return;
    start = end + 1;
  }
}

/** A copy of `value` that does not keep the (possibly huge) text it was sliced from alive. */
export function detached(value: string): string {
  return Buffer.from(value, 'utf8').toString('utf8');
}

/**
 * Parses records; malformed lines are reported (the first few, then a count), never thrown.
 * Linear in the text, whatever it holds.
 */
export function parseControlRecords(text: string, options: ParseOptions = {}): { records: ParsedRecord[]; problems: string[] } {
  const records: ParsedRecord[] = [];
  const problems = new WarningTally();
  let current: ParsedRecord | undefined;
  let lastField: string | undefined;
  let cut = false;
  forEachLine(text, (line, index) => {
    if (line.trim() === '') {
      if (current) records.push(current);
      current = undefined;
      lastField = undefined;
      return !(options.headerOnly && records.length > 0);
    }
    const first = line.charCodeAt(0);
    if (first === 32 || first === 9) {
      if (!current || lastField === undefined) {
        problems.add(`line ${index + 1}: continuation line outside a field`);
        return true;
      }
      const previous = current.fields.get(lastField) ?? '';
      if (previous.length > MAX_FIELD_CHARS) {
        if (!cut) problems.add(`line ${index + 1}: field "${lastField}" is longer than ${MAX_FIELD_CHARS} characters; the rest is ignored`);
        cut = true;
        return true;
      }
      current.fields.set(lastField, `${previous}\n${line.trim() === '.' ? '' : line.trim()}`);
      return true;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      problems.add(`line ${index + 1}: not a "Field: value" line`);
      return true;
    }
    current ??= { fields: new Map(), line: index + 1 };
    lastField = line.slice(0, colon).trim().toLowerCase();
    // A repeated field keeps its first value (Python metadata repeats some fields, e.g. Classifier).
    if (!current.fields.has(lastField)) current.fields.set(lastField, line.slice(colon + 1).trim());
    return true;
  });
  if (current) records.push(current);
  return { records, problems: problems.list('malformed lines') };
}
