/**
 * The current findings of an image, with the time each first appeared: brought up to date from a
 * complete result (a new scan or a re-evaluation) inside the caller's transaction. A finding not
 * seen before is inserted with `first_seen` = now and recorded as an event (what "became
 * vulnerable since T" reads); one gone from the result is marked resolved; one that comes back is
 * reopened and recorded again.
 */
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Finding } from '../../model/finding.js';
import { findingIdentity } from './finding-identity.js';
import type { Tables } from './tables.js';

export interface FindingChanges {
  appeared: { key: string; id: string; severity: string }[];
  resolved: number;
}

/** What the current findings keep of a finding: its identity (finding-identity.ts) and what is listed. */
export interface CurrentFinding {
  key: string;
  id: string;
  packageName: string;
  packageVersion: string;
  severity: string;
}

export async function updateCurrentFindings(trx: Transaction<Tables>, digest: string, findings: readonly Finding[], cause: 'scan' | 'reevaluation', now: string): Promise<FindingChanges> {
  const current = findings.map((finding) => ({ key: findingIdentity(finding), id: finding.id, packageName: finding.package.name, packageVersion: finding.package.version, severity: finding.severity }));
  return (await updateCurrentFindingsOfMany(trx, [{ digest, findings: current }], cause, now))[0] as FindingChanges;
}

/**
 * The same for several images at once, from findings already reduced to what is kept (a
 * re-evaluation's batch, from its workers), in a few statements for all of them rather than a few
 * per image: the changes of each, in their order.
 */
export async function updateCurrentFindingsOfMany(trx: Transaction<Tables>, images: readonly { digest: string; findings: readonly CurrentFinding[] }[], cause: 'scan' | 'reevaluation', now: string): Promise<FindingChanges[]> {
  // An image twice (two uploads of one digest) is brought up to date once per occurrence, in order.
  if (new Set(images.map((image) => image.digest)).size < images.length) {
    const changes: FindingChanges[] = [];
    for (const image of images) changes.push(...(await updateCurrentFindingsOfMany(trx, [image], cause, now)));
    return changes;
  }
  const known = new Map<string, Map<string, string | null>>(images.map((image) => [image.digest, new Map()]));
  const digests = [...known.keys()];
  for (let i = 0; i < digests.length; i += 500) {
    const existing = await trx.selectFrom('image_findings').select(['digest', 'finding_key', 'resolved_at']).where('digest', 'in', digests.slice(i, i + 500)).execute();
    for (const row of existing) known.get(row.digest)?.set(row.finding_key, row.resolved_at);
  }
  const inserts: Tables['image_findings'][] = [];
  const events: Tables['finding_events'][] = [];
  const outcomes: FindingChanges[] = [];
  for (const { digest, findings } of images) {
    const previous = known.get(digest) as Map<string, string | null>;
    const current = new Map<string, CurrentFinding>();
    for (const finding of findings) current.set(finding.key, finding);
    const appeared: FindingChanges['appeared'] = [];
    const reopened: string[] = [];
    for (const [key, finding] of current) {
      if (!previous.has(key)) {
        inserts.push({ digest, finding_key: key, finding_id: finding.id, package_name: finding.packageName, package_version: finding.packageVersion, severity: finding.severity, first_seen: now, resolved_at: null });
      } else if (previous.get(key) !== null) {
        reopened.push(key);
      } else continue;
      appeared.push({ key, id: finding.id, severity: finding.severity });
    }
    const gone = [...previous].filter(([key, resolvedAt]) => resolvedAt === null && !current.has(key)).map(([key]) => key);
    // Chunks keep each statement under both databases' bound-parameter limits.
    for (let i = 0; i < reopened.length; i += 500) await trx.updateTable('image_findings').set({ resolved_at: null }).where('digest', '=', digest).where('finding_key', 'in', reopened.slice(i, i + 500)).execute();
    for (let i = 0; i < gone.length; i += 500) await trx.updateTable('image_findings').set({ resolved_at: now }).where('digest', '=', digest).where('finding_key', 'in', gone.slice(i, i + 500)).execute();
    for (const finding of appeared) events.push({ id: randomUUID(), digest, finding_key: finding.key, finding_id: finding.id, severity: finding.severity, appeared_at: now, cause });
    outcomes.push({ appeared, resolved: gone.length });
  }
  for (let i = 0; i < inserts.length; i += 200) await trx.insertInto('image_findings').values(inserts.slice(i, i + 200)).execute();
  for (let i = 0; i < events.length; i += 200) await trx.insertInto('finding_events').values(events.slice(i, i + 200)).execute();
  return outcomes;
}
