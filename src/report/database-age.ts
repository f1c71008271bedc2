/**
 * How old the vulnerability database of a scan was, in words every report uses the same way:
 * a reader must see that findings published after the database's build are missing.
 */
import type { ScanResult } from '../model/image-scan.js';

export function databaseAge(scan: ScanResult): string | undefined {
  const database = scan.database;
  if (!database?.builtAt) return undefined;
  return `vulnerability database built ${database.builtAt}${database.ageHours !== undefined ? ` (${database.ageHours} hours old)` : ''}`;
}
