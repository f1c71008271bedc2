/**
 * CVSS vectors per CVE from NVD's CVE JSON 2.0 data feeds (`nvdcve-2.0-<year>.json.gz`), used to
 * give a severity to advisories that carry none (Debian's, for one). Per CVE and CVSS version the
 * NVD's own ("Primary") vector is preferred over a CNA's ("Secondary").
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { ScanError } from '../errors.js';
import type { CveSeverityRow } from './writer.js';

const METRICS: [string, string][] = [
  ['cvssMetricV40', '4.0'],
  ['cvssMetricV31', '3.1'],
  ['cvssMetricV30', '3.0'],
  ['cvssMetricV2', '2.0'],
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseNvdFeed(document: unknown, label: string): CveSeverityRow[] {
  if (!isObject(document) || !Array.isArray(document.vulnerabilities)) throw new ScanError(`${label}: not an NVD CVE JSON 2.0 feed (no "vulnerabilities" list)`);
  const rows: CveSeverityRow[] = [];
  for (const item of document.vulnerabilities) {
    const cve = isObject(item) && isObject(item.cve) ? item.cve : undefined;
    if (!cve || typeof cve.id !== 'string' || !isObject(cve.metrics)) continue;
    for (const [key, version] of METRICS) {
      const entries = cve.metrics[key];
      if (!Array.isArray(entries)) continue;
      const usable = entries.filter((entry): entry is Record<string, unknown> => isObject(entry) && isObject(entry.cvssData) && typeof entry.cvssData.vectorString === 'string');
      const chosen = usable.find((entry) => entry.type === 'Primary') ?? usable[0];
      if (!chosen) continue;
      const data = chosen.cvssData as Record<string, unknown>;
      rows.push({ cve: cve.id, version, vector: data.vectorString as string, source: typeof chosen.source === 'string' ? chosen.source : 'nvd' });
    }
  }
  return rows;
}

/** Reads a feed file, gzip-compressed or not. */
export async function readNvdFeedFile(file: string): Promise<CveSeverityRow[]> {
  const bytes = await readFile(file);
  const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes, { maxOutputLength: 2 * 1024 * 1024 * 1024 }).toString('utf8') : bytes.toString('utf8');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ScanError(`${file}: not JSON (${(error as Error).message})`);
  }
  return parseNvdFeed(document, file);
}
