/**
 * `tollgate db import`: loads OSV records from zips, folders, files or URLs into the database,
 * atomically. Invalid records are counted and skipped (the first few reasons are reported); an
 * input with no OSV records at all is refused.
 */
import { UsageError } from '../errors.js';
import { buildDatabase } from './build.js';
import type { DownloadOptions } from './download.js';
import { DEFAULT_INPUT_LIMITS, readInput, type InputLimits } from './inputs.js';
import { parseOsvRecord } from './osv.js';
import type { VulnDbWriter } from './writer.js';

export interface ImportStats {
  records: number;
  added: number;
  replaced: number;
  withdrawn: number;
  older: number;
  invalid: number;
  /** Up to ten reasons records were refused, with where they came from. */
  problems: string[];
}

export type ImportProgress = { phase: 'download'; source: string; received: number; total?: number } | { phase: 'import'; source: string; records: number };

export interface ImportOptions {
  limits?: InputLimits;
  download?: DownloadOptions;
  onProgress?: (event: ImportProgress) => void;
}

function emptyStats(): ImportStats {
  return { records: 0, added: 0, replaced: 0, withdrawn: 0, older: 0, invalid: 0, problems: [] };
}

/** Reads one input into an open writer; used by import and update alike. */
export async function importInput(writer: VulnDbWriter, input: string, source: { name: string; url?: string }, options: ImportOptions, stats: ImportStats = emptyStats()): Promise<ImportStats> {
  const sourceName = source.name;
  const before = stats.records;
  const download: DownloadOptions = {
    ...options.download,
    onProgress: (received, total) => options.onProgress?.({ phase: 'download', source: sourceName, received, ...(total ? { total } : {}) }),
  };
  for await (const document of readInput(input, options.limits ?? DEFAULT_INPUT_LIMITS, download)) {
    let json: unknown;
    try {
      json = JSON.parse(document.text);
    } catch (error) {
      stats.invalid += 1;
      if (stats.problems.length < 10) stats.problems.push(`${document.name}: not JSON (${(error as Error).message})`);
      continue;
    }
    for (const candidate of Array.isArray(json) ? json : [json]) {
      const record = parseOsvRecord(candidate);
      if ('error' in record) {
        stats.invalid += 1;
        if (stats.problems.length < 10) stats.problems.push(`${document.name}: ${record.error}`);
        continue;
      }
      stats.records += 1;
      stats[writer.put(record, sourceName)] += 1;
      if (stats.records % 2000 === 0) options.onProgress?.({ phase: 'import', source: sourceName, records: stats.records });
    }
  }
  const added = stats.records - before;
  if (added === 0) throw new UsageError(`${input}: no OSV records found${stats.problems.length ? ` (${stats.problems[0]})` : ''}`);
  const url = source.url ?? (/^https?:/.test(input) ? input : undefined);
  writer.recordSource({ name: sourceName, ...(url ? { url } : {}), fetchedAt: new Date().toISOString(), records: added });
  return stats;
}

export async function importOsv(dbPath: string, inputs: readonly string[], options: ImportOptions = {}): Promise<ImportStats> {
  if (inputs.length === 0) throw new UsageError('nothing to import: name a zip, a folder or a URL');
  return buildDatabase(dbPath, { startFromExisting: true }, async (writer) => {
    const stats = emptyStats();
    for (const input of inputs) await importInput(writer, input, { name: input }, options, stats);
    return stats;
  });
}
