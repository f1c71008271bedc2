/**
 * Severity lists as users write them on the command line and in configuration files: `HIGH,CRITICAL`
 * or the connectors' `5,4`, repeatable. Shared by every flag that takes one (the scan's `--severity`,
 * a report format's own filter) so they accept and refuse the same things with the same words.
 */
import { UsageError } from '../errors.js';
import { parseSeverity, type Severity } from '../model/severity.js';

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
