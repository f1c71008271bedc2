/**
 * OSV records and zips for tests, shaped as the OSV schema describes them.
 */
import { createWriteStream } from 'node:fs';
import yazl from 'yazl';

export interface RecordSpec {
  id: string;
  ecosystem: string;
  name: string;
  introduced?: string;
  fixed?: string;
  lastAffected?: string;
  versions?: string[];
  aliases?: string[];
  upstream?: string[];
  cvss?: string;
  ghsaSeverity?: string;
  urgency?: string;
  withdrawn?: string;
  modified?: string;
  summary?: string;
  type?: 'ECOSYSTEM' | 'SEMVER';
}

export function osvRecord(spec: RecordSpec): Record<string, unknown> {
  const events: Record<string, string>[] = [{ introduced: spec.introduced ?? '0' }];
  if (spec.fixed) events.push({ fixed: spec.fixed });
  if (spec.lastAffected) events.push({ last_affected: spec.lastAffected });
  return {
    schema_version: '1.6.0',
    id: spec.id,
    modified: spec.modified ?? '2024-01-01T00:00:00Z',
    published: '2023-06-01T00:00:00Z',
    ...(spec.withdrawn ? { withdrawn: spec.withdrawn } : {}),
    ...(spec.aliases ? { aliases: spec.aliases } : {}),
    ...(spec.upstream ? { upstream: spec.upstream } : {}),
    summary: spec.summary ?? `${spec.id} in ${spec.name}`,
    details: `Details of ${spec.id}.`,
    ...(spec.cvss ? { severity: [{ type: spec.cvss.startsWith('CVSS:4') ? 'CVSS_V4' : 'CVSS_V3', score: spec.cvss }] } : {}),
    affected: [
      {
        package: { ecosystem: spec.ecosystem, name: spec.name },
        ...(spec.versions ? { versions: spec.versions } : {}),
        ranges: [{ type: spec.type ?? 'ECOSYSTEM', events }],
        ...(spec.urgency ? { ecosystem_specific: { urgency: spec.urgency } } : {}),
      },
    ],
    references: [{ type: 'ADVISORY', url: `https://example.test/${spec.id}` }],
    ...(spec.ghsaSeverity ? { database_specific: { severity: spec.ghsaSeverity } } : {}),
  };
}

/** Writes a zip whose entries are `<name>` -> content (JSON-encoded when not a string or buffer). */
export function writeZip(file: string, entries: Record<string, unknown>, options: { compress?: boolean } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const [name, content] of Object.entries(entries)) {
      const bytes = Buffer.isBuffer(content) ? content : Buffer.from(typeof content === 'string' ? content : JSON.stringify(content));
      zip.addBuffer(bytes, name, { compress: options.compress ?? true });
    }
    zip.end();
    zip.outputStream.pipe(createWriteStream(file)).on('close', () => resolve()).on('error', reject);
  });
}
