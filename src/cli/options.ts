/**
 * Options shared by several commands, each with its `TOLLGATE_*` environment variable, so every
 * command spells them the same way.
 */
import { Option } from 'commander';
import { UsageError } from '../errors.js';
import { parseSeverity, type Severity } from '../model/severity.js';

export function dbOption(): Option {
  return new Option('--db <file>', 'vulnerability database file (default: in the user cache directory)').env('TOLLGATE_DB');
}

export function quietOption(): Option {
  return new Option('-q, --quiet', 'no progress display and no summary on stderr').env('TOLLGATE_QUIET');
}

export { parseSeverityList } from '../util/severity-list.js';

export function parseSingleSeverity(flag: string): (text: string) => Severity {
  return (text) => {
    const severity = parseSeverity(text);
    if (!severity) throw new UsageError(`invalid ${flag} "${text}" (use CRITICAL, HIGH, MEDIUM, LOW, NEGLIGIBLE, UNKNOWN or 5..1)`);
    return severity;
  };
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1e3, kib: 1024, m: 1e6, mb: 1e6, mib: 1024 ** 2, g: 1e9, gb: 1e9, gib: 1024 ** 3, t: 1e12, tb: 1e12, tib: 1024 ** 4 };

/** `500MB`, `2GiB`, `1000000` -> bytes. */
export function parseSize(flag: string): (text: string) => number {
  return (text) => {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
    const unit = match ? SIZE_UNITS[(match[2] ?? '').toLowerCase()] : undefined;
    if (!match || unit === undefined) throw new UsageError(`invalid ${flag} "${text}" (expected a size such as 500MB or 2GiB)`);
    return Math.round(Number(match[1]) * unit);
  };
}

export function cacheDirOption(): Option {
  return new Option('--cache-dir <dir>', 'layer cache folder (default: in the user cache directory)').env('TOLLGATE_CACHE_DIR');
}

export function cacheMaxSizeOption(): Option {
  return new Option('--cache-max-size <size>', 'bound the layer cache; least recently used layers are evicted (default 2GiB)').argParser(parseSize('--cache-max-size')).env('TOLLGATE_CACHE_MAX_SIZE');
}
