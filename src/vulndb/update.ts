/**
 * `tollgate db update`: downloads the configured ecosystems' `all.zip` from the OSV bucket and,
 * unless disabled, NVD's yearly CVE feeds for CVSS enrichment, then builds a fresh database and
 * swaps it in atomically. Any failed download fails the update and keeps the previous database.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildDatabase } from './build.js';
import { downloadToFile, type DownloadOptions } from './download.js';
import { importInput, type ImportStats } from './import.js';
import { DEFAULT_ECOSYSTEMS } from './ecosystems.js';
import { readNvdFeedFile } from './nvd.js';

export const DEFAULT_OSV_BASE_URL = 'https://osv-vulnerabilities.storage.googleapis.com';
export const DEFAULT_NVD_BASE_URL = 'https://nvd.nist.gov/feeds/json/cve/2.0';
export { DEFAULT_ECOSYSTEMS };

export type UpdateProgress = { phase: 'download' | 'import' | 'enrich'; source: string; message: string };

export interface UpdateOptions {
  ecosystems?: readonly string[];
  osvBaseUrl?: string;
  /** Enrichment with NVD CVSS data; on by default. */
  enrich?: boolean;
  nvdBaseUrl?: string;
  /** NVD feed years; by default 2002 to this year. */
  nvdYears?: readonly number[];
  download?: DownloadOptions;
  onProgress?: (event: UpdateProgress) => void;
}

export interface UpdateStats extends ImportStats {
  ecosystems: string[];
  cveSeverities: number;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

export async function updateDatabase(dbPath: string, options: UpdateOptions = {}): Promise<UpdateStats> {
  const ecosystems = [...(options.ecosystems ?? DEFAULT_ECOSYSTEMS)];
  const osvBase = (options.osvBaseUrl ?? process.env.TOLLGATE_OSV_BASE_URL ?? DEFAULT_OSV_BASE_URL).replace(/\/+$/, '');
  const nvdBase = (options.nvdBaseUrl ?? process.env.TOLLGATE_NVD_BASE_URL ?? DEFAULT_NVD_BASE_URL).replace(/\/+$/, '');
  const enrich = options.enrich ?? true;
  const thisYear = new Date().getUTCFullYear();
  const years = options.nvdYears ?? Array.from({ length: thisYear - 2002 + 1 }, (_, i) => 2002 + i);
  const scratch = await mkdtemp(path.join(tmpdir(), 'tollgate-update-'));
  const progress = (phase: UpdateProgress['phase'], source: string) => (received: number, total?: number) =>
    options.onProgress?.({ phase, source, message: `${source} ${megabytes(received)}${total ? ` of ${megabytes(total)}` : ''}` });
  try {
    // Download everything first: a failed download must not produce a half-updated database.
    const zips: { ecosystem: string; file: string; url: string }[] = [];
    for (const ecosystem of ecosystems) {
      const url = `${osvBase}/${encodeURIComponent(ecosystem)}/all.zip`;
      const file = path.join(scratch, `${ecosystem.replace(/[^A-Za-z0-9._-]/g, '_')}.zip`);
      await downloadToFile(url, file, { ...options.download, onProgress: progress('download', ecosystem) });
      zips.push({ ecosystem, file, url });
    }
    const feeds: string[] = [];
    if (enrich) {
      for (const year of years) {
        const file = path.join(scratch, `nvdcve-2.0-${year}.json.gz`);
        await downloadToFile(`${nvdBase}/nvdcve-2.0-${year}.json.gz`, file, { ...options.download, onProgress: progress('enrich', `NVD ${year}`) });
        feeds.push(file);
      }
    }
    return await buildDatabase(dbPath, { startFromExisting: false }, async (writer) => {
      let stats: ImportStats = { records: 0, added: 0, replaced: 0, withdrawn: 0, older: 0, invalid: 0, problems: [] };
      for (const zip of zips) {
        options.onProgress?.({ phase: 'import', source: zip.ecosystem, message: `importing ${zip.ecosystem}` });
        stats = await importInput(writer, zip.file, { name: `osv:${zip.ecosystem}`, url: zip.url }, { onProgress: (event) => event.phase === 'import' && options.onProgress?.({ phase: 'import', source: zip.ecosystem, message: `${zip.ecosystem}: ${event.records} records` }) }, stats);
      }
      let cveSeverities = 0;
      for (const [index, feed] of feeds.entries()) {
        options.onProgress?.({ phase: 'enrich', source: 'NVD', message: `reading NVD ${years[index]}` });
        const rows = await readNvdFeedFile(feed);
        for (const row of rows) writer.putCveSeverity(row);
        cveSeverities += rows.length;
      }
      if (enrich) writer.recordSource({ name: 'nvd', url: nvdBase, fetchedAt: new Date().toISOString(), records: cveSeverities });
      return { ...stats, ecosystems, cveSeverities };
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
