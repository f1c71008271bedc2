/**
 * The error of a configuration file that cannot be used: where the mistake is (file, line,
 * column, field) and what is wrong with it, as data for callers that show it differently (an
 * editor, a web form) and as one message for the terminal:
 *
 *   gate.yaml:3:7: fail.cvss[0]: CVSS version must be 2, 3, 4 or max, got "5"
 *
 * It is a UsageError: exit code 2, never a pass.
 */
import { UsageError } from '../errors.js';

export interface ConfigProblemPlace {
  file: string;
  /** 1-based; absent when the problem is about the whole file. */
  line?: number;
  /** 1-based; absent for files whose messages name lines only. */
  column?: number;
  /** The field as the user would name it (`controls[0].check`, `fail.on`); absent for the document as a whole. */
  field?: string;
}

/** `file:line:col`, `file:line` or `file`. */
export function formatPosition(place: Pick<ConfigProblemPlace, 'file' | 'line' | 'column'>): string {
  if (place.line === undefined) return place.file;
  return place.column === undefined ? `${place.file}:${place.line}` : `${place.file}:${place.line}:${place.column}`;
}

export class ConfigError extends UsageError {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly field: string | undefined;
  /** What is wrong, without the place. */
  readonly problem: string;

  constructor(place: ConfigProblemPlace, problem: string) {
    super(`${formatPosition(place)}: ${place.field === undefined ? '' : `${place.field}: `}${problem}`);
    this.file = place.file;
    this.line = place.line;
    this.column = place.column;
    this.field = place.field;
    this.problem = problem;
  }
}
