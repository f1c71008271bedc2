/**
 * Storing an uploaded image scan result: one transaction (image, scan, current findings, audit),
 * so a process killed mid-upload leaves nothing of it, and idempotent by scan id: the same upload
 * repeated stores nothing new and answers as the first did. A result for another digest under a
 * used scan id is a conflict, never an overwrite.
 */
import type { Kysely } from 'kysely';
import type { ScanResult } from '../../model/image-scan.js';
import { recordPipeline, type PipelineMetadata } from '../history/pipeline-record.js';
import { encodePackageNames, packageNamesOf } from '../evaluation/package-names.js';
import { audit } from './audit.js';
import { updateCurrentFindings, type FindingChanges } from './current-findings.js';
import { tagSearchText } from './image-search.js';
import type { Tables } from './tables.js';

export const DIGEST_PATTERN = '^sha256:[0-9a-f]{64}$';
export const SCAN_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';

export class ScanConflictError extends Error {
  readonly field = 'scanId';
}

export class MissingDigestError extends Error {
  readonly field = 'result.image.manifestDigest';
}

/** The digest the platform files an image under: the manifest digest where there is one, else the image id. */
export function digestOf(result: ScanResult): string {
  const digest = result.image.manifestDigest ?? result.image.id;
  if (!digest || !new RegExp(DIGEST_PATTERN).test(digest)) throw new MissingDigestError('the result names no sha256 digest (image.manifestDigest or image.id)');
  return digest;
}

export interface IngestOutcome {
  scanId: string;
  digest: string;
  status: 'partial' | 'complete';
  /** false when this scan id was stored before (a repeated upload). */
  created: boolean;
  changes?: FindingChanges;
}

export interface IngestRequest {
  scanId: string;
  result: ScanResult;
  /** false: an inventory whose vulnerabilities are not matched yet (the server matches it). */
  matched: boolean;
  tokenName: string;
  /** The pipeline the scan was made for (history/pipeline-record.ts), stored in the same transaction. */
  pipeline?: PipelineMetadata;
  /** `JSON.stringify(result)` when the caller has made it already (the upload route checks it for NUL): stored as it is. */
  resultText?: string;
}

/** The image's tags with the reported ones added, and their search text (store/image-search.ts). */
function mergeTags(stored: string, reported: readonly string[]): { tags: string; tag_search: string } {
  const tags = new Set<string>(JSON.parse(stored) as string[]);
  for (const tag of reported) tags.add(tag);
  const sorted = [...tags].sort();
  return { tags: JSON.stringify(sorted), tag_search: tagSearchText(sorted) };
}

export async function ingestScan(db: Kysely<Tables>, request: IngestRequest, now: string = new Date().toISOString()): Promise<IngestOutcome> {
  const digest = digestOf(request.result);
  const status = request.matched ? 'complete' : 'partial';
  return db.transaction().execute(async (trx) => {
    const previous = await trx.selectFrom('scans').select(['digest', 'status']).where('scan_id', '=', request.scanId).executeTakeFirst();
    if (previous) {
      if (previous.digest !== digest) throw new ScanConflictError(`scan id ${request.scanId} was stored for another image`);
      return { scanId: request.scanId, digest, status: previous.status as IngestOutcome['status'], created: false };
    }
    const image = await trx.selectFrom('images').select(['tags']).where('digest', '=', digest).executeTakeFirst();
    if (image) {
      await trx.updateTable('images').set({ ...mergeTags(image.tags, request.result.image.repoTags), last_seen: now, processing_since: null }).where('digest', '=', digest).execute();
    } else {
      await trx.insertInto('images').values({ digest, ...mergeTags('[]', request.result.image.repoTags), first_seen: now, last_seen: now, processing_since: null }).execute();
    }
    await trx
      .insertInto('scans')
      .values({ scan_id: request.scanId, digest, scanned_at: new Date(request.result.scannedAt).toISOString(), received_at: now, status, result: request.resultText ?? JSON.stringify(request.result), database_built_at: request.result.database?.builtAt ?? null, package_names: encodePackageNames(packageNamesOf(request.result)) })
      .execute();
    if (request.pipeline) await recordPipeline(trx, { scanId: request.scanId, digest, scannedAt: new Date(request.result.scannedAt).toISOString(), receivedAt: now }, request.pipeline);
    let changes: FindingChanges | undefined;
    // Current findings follow the newest complete scan only; an older one arriving late is history.
    const newer = await trx.selectFrom('scans').select('scan_id').where('digest', '=', digest).where('status', '=', 'complete').where('scanned_at', '>', new Date(request.result.scannedAt).toISOString()).limit(1).executeTakeFirst();
    if (request.matched && !newer) changes = await updateCurrentFindings(trx, digest, request.result.findings, 'scan', now);
    await audit(trx, { tokenName: request.tokenName, action: 'scan.upload', target: `${digest} ${request.scanId}` });
    return { scanId: request.scanId, digest, status, created: true, ...(changes ? { changes } : {}) };
  });
}

/** A sensor announces it is scanning a digest: the result endpoint answers 204 until a result arrives. */
export async function markProcessing(db: Kysely<Tables>, digest: string, tags: readonly string[], tokenName: string, now: string = new Date().toISOString()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const image = await trx.selectFrom('images').select(['tags']).where('digest', '=', digest).executeTakeFirst();
    if (image) await trx.updateTable('images').set({ ...mergeTags(image.tags, tags), last_seen: now, processing_since: now }).where('digest', '=', digest).execute();
    else await trx.insertInto('images').values({ digest, ...mergeTags('[]', tags), first_seen: now, last_seen: now, processing_since: now }).execute();
    await audit(trx, { tokenName, action: 'image.processing', target: digest });
  });
}
