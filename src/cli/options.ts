/**
 * Options shared by several commands, each with its `TOLLGATE_*` environment variable, so every
 * command spells them the same way.
 */
import { Option } from 'commander';
import { UsageError } from '../errors.js';
import { parseSeverity, type Severity } from '../match/severity.js';

export function dbOption(): Option {
  return new Option('--db <file>', 'vulnerability database file (default: in the user cache directory)').env('TOLLGATE_DB');
}

export function quietOption(): Option {
  return new Option('-q, --quiet', 'no progress display and no summary on stderr').env('TOLLGATE_QUIET');
}

/** A comma-separated list of severities; repeated flags (and YAML lists) add up. */
export function parseSeverityList(text: string, previous: Severity[] = []): Severity[] {
  const severities = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const severity = parseSeverity(part);
      if (!severity) throw new UsageError(`invalid severity "${part}" (use CRITICAL, HIGH, MEDIUM, LOW, NEGLIGIBLE, UNKNOWN or 5..1)`);
      return severity;
    });
  if (severities.length === 0) throw new UsageError('--severity needs at least one level');
  return [...new Set([...previous, ...severities])];
}

export function parseSingleSeverity(flag: string): (text: string) => Severity {
  return (text) => {
    const severity = parseSeverity(text);
    if (!severity) throw new UsageError(`invalid ${flag} "${text}" (use CRITICAL, HIGH, MEDIUM, LOW, NEGLIGIBLE, UNKNOWN or 5..1)`);
    return severity;
  };
}
