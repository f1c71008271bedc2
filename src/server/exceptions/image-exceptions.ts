/**
 * Exceptions applied to an image's findings through the gate's own mechanism: each active
 * advisory exception whose scope covers the image (its digest, or a repository it is tagged in)
 * becomes an ignore entry of the gate configuration (src/gate/exclusions.ts), so the verdict
 * leaves excepted findings out exactly as it leaves out an ignore file's entries, and the image
 * page marks the same findings as excepted. Never decides pass or fail itself.
 */
import type { Kysely } from 'kysely';
import { applyExclusions } from '../../gate/exclusions.js';
import { emptyGateConfig, type IgnoreEntry } from '../../gate/gate-config.js';
import type { ScanResult } from '../../model/image-scan.js';
import { findingIdentity } from '../store/finding-identity.js';
import type { Tables } from '../store/tables.js';
import { exceptionOrigin, type ExceptionRecord } from './exception-record.js';
import { activeExceptions } from './exception-store.js';
import { repositoryOf } from './image-repository.js';

/** What the API shows on an excepted finding. */
export interface FindingException {
  id: string;
  reason: string;
  expiresAt: string;
}

export function appliesToImage(exception: ExceptionRecord, digest: string, tags: readonly string[]): boolean {
  if (exception.kind !== 'advisory') return false;
  const { repository, digest: scopedDigest } = exception.scope;
  if (repository === undefined && scopedDigest === undefined) return false;
  if (scopedDigest !== undefined && scopedDigest !== digest) return false;
  if (repository !== undefined) {
    const wanted = repositoryOf(repository);
    if (!tags.some((tag) => repositoryOf(tag) === wanted)) return false;
  }
  return true;
}

/** The exceptions as the gate's ignore entries; the origin names the exception. */
export function gateEntriesOf(exceptions: readonly ExceptionRecord[]): IgnoreEntry[] {
  return exceptions.filter((exception) => exception.advisoryId !== undefined).map((exception) => ({ id: exception.advisoryId as string, reason: exception.reason, origin: exceptionOrigin(exception.id) }));
}

function findingExceptionOf(exception: ExceptionRecord): FindingException {
  return { id: exception.id, reason: exception.reason, expiresAt: exception.expiresAt ?? '' };
}

/**
 * The scan's findings that the exceptions cover, by the server's finding identity, each with the
 * exception that covers it (the first in order, as the gate records it).
 */
export function exceptedFindings(scan: ScanResult, exceptions: readonly ExceptionRecord[], today: string): Map<string, FindingException> {
  const excepted = new Map<string, FindingException>();
  if (exceptions.length === 0) return excepted;
  const byOrigin = new Map(exceptions.map((exception) => [exceptionOrigin(exception.id), exception]));
  const outcome = applyExclusions(scan, { ...emptyGateConfig(), ignoreEntries: gateEntriesOf(exceptions) }, today);
  outcome.excluded.forEach((finding, index) => {
    const exception = byOrigin.get(outcome.exclusions[index]?.rule ?? '');
    if (exception) excepted.set(findingIdentity(finding), findingExceptionOf(exception));
  });
  return excepted;
}

/** The approved exceptions in force at `now` that cover this image. */
export async function exceptionsForImage(db: Kysely<Tables>, digest: string, tags: readonly string[], now: string): Promise<ExceptionRecord[]> {
  return (await activeExceptions(db, 'advisory', now)).filter((exception) => appliesToImage(exception, digest, tags));
}

/** The current findings of an image (its latest complete scan) that exceptions in force cover. */
export async function exceptedCurrentFindings(db: Kysely<Tables>, digest: string, tags: readonly string[], now: string): Promise<Map<string, FindingException>> {
  const exceptions = await exceptionsForImage(db, digest, tags, now);
  if (exceptions.length === 0) return new Map();
  const latest = await db.selectFrom('scans').select('result').where('digest', '=', digest).where('status', '=', 'complete').orderBy('scanned_at', 'desc').orderBy('received_at', 'desc').limit(1).executeTakeFirst();
  return latest ? exceptedFindings(JSON.parse(latest.result) as ScanResult, exceptions, now.slice(0, 10)) : new Map();
}

/**
 * The exceptions as an ignore file (docs/schema/ignore.schema.json) for a pipeline that gates on
 * its own (`tollgate image scan --ignore-file`). The file's `expires` is the last day an entry
 * applies, whole: the day before the day of the exception's expiry (UTC), so the file never lets
 * an exception outlive its expiry (it may end it up to a day early).
 */
export function ignoreFileOf(exceptions: readonly ExceptionRecord[]): { ignore: { id: string; reason: string; expires: string }[] } {
  return {
    ignore: exceptions
      .filter((exception) => exception.advisoryId !== undefined && exception.expiresAt !== undefined)
      .map((exception) => ({
        id: exception.advisoryId as string,
        reason: `${exception.reason} (exception ${exception.id}, approved by ${exception.approver ?? 'unknown'})`,
        expires: new Date(Date.parse((exception.expiresAt as string).slice(0, 10)) - 1).toISOString().slice(0, 10),
      })),
  };
}
