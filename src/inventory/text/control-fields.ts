/**
 * "Field: value" text as Debian control files and Python core metadata write it (RFC 822 style):
 * records separated by blank lines, a line starting with white space continues the previous
 * field. Field names are matched case-insensitively. Hand-written: the format is a few lines of
 * rules and every library for it is either for e-mail (too lenient about structure) or
 * Debian-specific and unmaintained.
 */
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

/** Parses records; malformed lines are reported, never thrown. */
export function parseControlRecords(text: string, options: ParseOptions = {}): { records: ParsedRecord[]; problems: string[] } {
  const records: ParsedRecord[] = [];
  const problems: string[] = [];
  let current: ParsedRecord | undefined;
  let lastField: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.trim() === '') {
      if (current) records.push(current);
      current = undefined;
      lastField = undefined;
      if (options.headerOnly && records.length > 0) break;
      continue;
    }
    if (/^[ \t]/.test(line)) {
      if (!current || lastField === undefined) {
        problems.push(`line ${index + 1}: continuation line outside a field`);
        continue;
      }
      const previous = current.fields.get(lastField) ?? '';
      current.fields.set(lastField, `${previous}\n${line.trim() === '.' ? '' : line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      problems.push(`line ${index + 1}: not a "Field: value" line`);
      continue;
    }
    current ??= { fields: new Map(), line: index + 1 };
    lastField = line.slice(0, colon).trim().toLowerCase();
    // A repeated field keeps its first value (Python metadata repeats some fields, e.g. Classifier).
    if (!current.fields.has(lastField)) current.fields.set(lastField, line.slice(colon + 1).trim());
  }
  if (current) records.push(current);
  return { records, problems };
}
