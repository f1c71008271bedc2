/**
 * Continuous re-evaluation: when the vulnerability database changes (its `built_at`), every stored
 * inventory is matched again with the engine's matcher (jobs/rematch.ts), without a re-scan; the
 * findings that appeared are recorded with their time and announced by webhook. Inventories
 * uploaded unmatched (`partial`) are matched the same way as soon as the server has a database.
 *
 * Incremental: a scan last matched against the database this one replaced, none of whose package
 * names (package-names.ts) has an advisory that changed between the two (advisory-changes.ts), is
 * not matched again (its findings would come out the same); its `database_built_at` moves on. Every
 * other latest scan is matched in batches through one cached view of the database
 * (cached-database.ts). A node that did not see the previous database, or a forced request,
 * matches everything.
 *
 * Runs once per database across all server processes: each node that notices the change queues
 * the job, and the job first claims `reevaluate:<built_at>` in `job_runs` (a primary key), so only
 * one node does the work. Never re-reads an image; never changes a stored inventory.
 */
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import type { Kysely, Transaction } from 'kysely';
import { rematchScan } from '../../jobs/rematch.js';
import type { ScanResult } from '../../model/image-scan.js';
import { openVulnDatabase, type VulnDatabase } from '../../vulndb/database.js';
import { updateCurrentFindings, type FindingChanges } from '../store/current-findings.js';
import { applyRetention, type RetentionPolicy } from '../store/retention.js';
import type { Tables } from '../store/tables.js';
import { DatabaseFingerprint, type AdvisoryChanges } from './advisory-changes.js';
import { CachedMatchDatabase } from './cached-database.js';
import type { JobRunner } from './job-runner.js';
import { decodePackageNames, encodePackageNames, packageNamesOf } from './package-names.js';
import { sendWebhook, type AppearedNotice, type WebhookOptions } from './webhook.js';

export interface ReevaluatorOptions {
  db: Kysely<Tables>;
  jobs: JobRunner;
  /** The vulnerability database file; without it uploads stay partial and nothing is re-evaluated. */
  vulndbPath?: string;
  webhook?: Omit<WebhookOptions, 'log'>;
  retention: RetentionPolicy;
  /** How often the database file is checked for a change (0: never, only on request). */
  watchIntervalMs: number;
  node: string;
  log: (message: string) => void;
}

export interface ReevaluationOutcome {
  jobKey: string;
  database?: string;
  queued: boolean;
}

export interface ReevaluationSummary {
  images: number;
  /** Of `images`, those matched again; the others could not be touched by what changed. */
  matched: number;
  appeared: number;
  resolved: number;
}

/** A scan matched again, to be stored. */
interface Rematched {
  scanId: string;
  digest: string;
  result: ScanResult;
  /** The stored package names (scans.package_names): matching again keeps the packages, so they are kept; NULL (stored before migration 0006) is filled in. */
  packageNames: string | null;
}

const BATCH = 50;
const RETENTION_INTERVAL_MS = 3_600_000;

export class Reevaluator {
  readonly retention: RetentionPolicy;
  private database: VulnDatabase | undefined;
  /** The open database's fingerprints, and those of the one it replaced (for the incremental diff). */
  private fingerprint: DatabaseFingerprint | undefined;
  private previous: { builtAt: string; fingerprint: DatabaseFingerprint } | undefined;
  private databaseStamp = '';
  private timer: NodeJS.Timeout | undefined;
  private retentionTimer: NodeJS.Timeout | undefined;
  private readonly deliveries = new Set<Promise<boolean>>();
  /** Summaries of the re-evaluations this process ran, for tests and the log. */
  readonly ran: { jobKey: string; summary: ReevaluationSummary }[] = [];

  constructor(private readonly options: ReevaluatorOptions) {
    this.retention = options.retention;
  }

  async start(): Promise<void> {
    await this.options.jobs.start({
      reevaluate: (data) => this.reevaluate(String(data.jobKey), String(data.database), { full: data.full === true }).then(() => undefined),
      'match-pending': () => this.matchPending().then(() => undefined),
      retention: () => this.runRetention().then((deleted) => (deleted > 0 ? this.options.log(`retention deleted ${deleted} scans`) : undefined)),
    });
    if (this.retention.keepPerImage !== undefined || this.retention.maxAgeDays !== undefined) {
      // At start and hourly; on PostgreSQL the queue runs it on one node at a time.
      const queueRetention = (): void => void this.options.jobs.send('retention', {}, 'retention').catch(() => undefined);
      queueRetention();
      this.retentionTimer = setInterval(queueRetention, RETENTION_INTERVAL_MS);
      this.retentionTimer.unref();
    }
    await this.checkDatabase();
    if (this.options.watchIntervalMs > 0) {
      this.timer = setInterval(() => void this.checkDatabase().catch((error: unknown) => this.options.log(`database check failed: ${error instanceof Error ? error.message : String(error)}`)), this.options.watchIntervalMs);
      this.timer.unref();
    }
  }

  /** The database's build time, when one is open. */
  get databaseBuiltAt(): string | undefined {
    return this.database?.meta('built_at');
  }

  /** Opens the database again when its file changed, and queues a re-evaluation for a new build. */
  async checkDatabase(): Promise<ReevaluationOutcome | undefined> {
    const file = this.options.vulndbPath;
    if (file === undefined) return undefined;
    let stamp: string;
    try {
      const stat = statSync(file);
      stamp = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      return undefined;
    }
    if (stamp !== this.databaseStamp) {
      const opened = openVulnDatabase(file);
      const fingerprint = new DatabaseFingerprint(file);
      const builtAt = this.database?.meta('built_at');
      this.previous?.fingerprint.close();
      // Kept for the diff only when it is the database the stored results were matched with.
      this.previous = builtAt !== undefined && this.fingerprint ? { builtAt, fingerprint: this.fingerprint } : undefined;
      if (!this.previous) this.fingerprint?.close();
      this.database?.close();
      this.database = opened;
      // Replaced between the two opens: no fingerprint, so the next change matches everything.
      if (fingerprint.builtAt === opened.meta('built_at')) this.fingerprint = fingerprint;
      else {
        fingerprint.close();
        this.fingerprint = undefined;
      }
      this.databaseStamp = stamp;
    }
    return this.requestReevaluation({ force: false });
  }

  /** Queues the re-evaluation for the current database (`force`: even if one ran for it already). */
  async requestReevaluation(request: { force: boolean }): Promise<ReevaluationOutcome> {
    const builtAt = this.databaseBuiltAt;
    if (builtAt === undefined) return { jobKey: '', queued: false };
    const jobKey = request.force ? `reevaluate:${builtAt}:request:${randomUUID()}` : `reevaluate:${builtAt}`;
    const done = await this.options.db.selectFrom('job_runs').select('job_key').where('job_key', '=', jobKey).executeTakeFirst();
    if (done) return { jobKey, database: builtAt, queued: false };
    await this.options.jobs.send('reevaluate', { jobKey, database: builtAt, full: request.force }, jobKey);
    await this.options.jobs.send('match-pending', {}, 'match-pending');
    return { jobKey, database: builtAt, queued: true };
  }

  matchPendingSoon(): void {
    if (!this.database) return;
    void this.options.jobs.send('match-pending', {}, 'match-pending');
    // pg-boss hands the job to a node at its next poll (up to a second later): this node matches at
    // once too. Harmless: the store completes each upload once, whichever node matches it first.
    if (this.options.jobs.kind === 'pg-boss') this.matchPendingHere();
  }

  private matchingHere: Promise<void> | undefined;
  private matchAgain = false;

  /** Runs matchPending on this node now; calls while it runs coalesce into one more run after it. */
  private matchPendingHere(): void {
    if (this.matchingHere) {
      this.matchAgain = true;
      return;
    }
    this.matchingHere = (async () => {
      do {
        this.matchAgain = false;
        await this.matchPending().catch((error: unknown) => this.options.log(`matching an upload failed: ${error instanceof Error ? error.message : String(error)}`));
      } while (this.matchAgain);
    })().finally(() => (this.matchingHere = undefined));
  }

  notifyUpload(digest: string, changes: FindingChanges): void {
    void this.tagsOf(digest).then((tags) => this.notify({ event: 'findings.appeared', cause: 'scan', images: [{ digest, tags, findings: changes.appeared.map(({ id, severity }) => ({ id, severity })) }] }));
  }

  /** Resolves when queued in-process jobs and webhook deliveries of this process are done. */
  async idle(): Promise<void> {
    await this.options.jobs.idle();
    await Promise.all([...this.deliveries]);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    await this.options.jobs.stop();
    this.matchAgain = false;
    await this.matchingHere;
    await Promise.all([...this.deliveries]);
    this.database?.close();
    this.database = undefined;
    this.fingerprint?.close();
    this.previous?.fingerprint.close();
    this.fingerprint = undefined;
    this.previous = undefined;
  }

  async runRetention(): Promise<number> {
    return applyRetention(this.options.db, this.retention);
  }

  /** What changed since the database the stored results were matched with, when this node knows it. */
  private changesSincePrevious(): { since: string; changes: AdvisoryChanges } | undefined {
    if (!this.previous || !this.fingerprint) return undefined;
    return { since: this.previous.builtAt, changes: this.previous.fingerprint.changesTo(this.fingerprint) };
  }

  /**
   * The job: claims its key, then brings the latest scan of every image up to the database —
   * matching again those a change can touch (all of them when `full`).
   */
  async reevaluate(jobKey: string, databaseBuiltAt: string, options: { full?: boolean } = {}): Promise<ReevaluationSummary | undefined> {
    const database = this.database;
    if (!database) throw new Error('no vulnerability database is open on this node');
    // A job queued for a database that has been replaced since is superseded by the newer one's job.
    if (database.meta('built_at') !== databaseBuiltAt) return undefined;
    const claimed = await this.options.db
      .insertInto('job_runs')
      .values({ job_key: jobKey, started_at: new Date().toISOString(), finished_at: null, node: this.options.node, detail: null })
      .onConflict((conflict) => conflict.doNothing())
      .executeTakeFirst();
    if (Number(claimed.numInsertedOrUpdatedRows ?? 0n) === 0) return undefined;
    const incremental = options.full ? undefined : this.changesSincePrevious();
    const view = new CachedMatchDatabase(database);
    const summary: ReevaluationSummary = { images: 0, matched: 0, appeared: 0, resolved: 0 };
    const notice: AppearedNotice = { event: 'findings.appeared', cause: 'reevaluation', database: databaseBuiltAt, images: [] };
    let after = '';
    for (;;) {
      const images = await this.options.db.selectFrom('images').select(['digest', 'tags']).where('digest', '>', after).orderBy('digest').limit(BATCH).execute();
      if (images.length === 0) break;
      after = (images.at(-1) as { digest: string }).digest;
      const latest = await this.latestScans(images.map((image) => image.digest));
      const untouched: string[] = [];
      const toMatch: string[] = [];
      for (const scan of latest.values()) {
        summary.images += 1;
        if (incremental && scan.status === 'complete' && this.untouched(scan, incremental)) untouched.push(scan.scan_id);
        else toMatch.push(scan.scan_id);
      }
      if (untouched.length > 0) await this.options.db.updateTable('scans').set({ database_built_at: databaseBuiltAt }).where('scan_id', 'in', untouched).execute();
      const stored = toMatch.length === 0 ? [] : await this.options.db.selectFrom('scans').select(['scan_id', 'digest', 'result', 'package_names']).where('scan_id', 'in', toMatch).execute();
      const rematched = stored.map((scan) => ({ scanId: scan.scan_id, digest: scan.digest, result: rematchScan(JSON.parse(scan.result) as ScanResult, view), packageNames: scan.package_names }));
      summary.matched += rematched.length;
      const tagsOf = new Map(images.map((image) => [image.digest, image.tags]));
      for (const [item, changes] of await this.storeRematched(rematched, 'reevaluation')) {
        summary.appeared += changes?.appeared.length ?? 0;
        summary.resolved += changes?.resolved ?? 0;
        if (changes && changes.appeared.length > 0) notice.images.push({ digest: item.digest, tags: JSON.parse(tagsOf.get(item.digest) ?? '[]') as string[], findings: changes.appeared.map(({ id, severity }) => ({ id, severity })) });
      }
    }
    await this.options.db.updateTable('job_runs').set({ finished_at: new Date().toISOString(), detail: JSON.stringify(summary) }).where('job_key', '=', jobKey).execute();
    this.ran.push({ jobKey, summary });
    const how = incremental ? `incrementally since ${incremental.since}: ${summary.matched} matched again, ${summary.images - summary.matched} untouched by the change` : `${summary.matched} matched again`;
    this.options.log(`re-evaluated ${summary.images} images against the database of ${notice.database} (${how}): ${summary.appeared} findings appeared, ${summary.resolved} resolved`);
    if (notice.images.length > 0) this.notify(notice);
    return summary;
  }

  /** Whether no advisory change can reach this scan: matched with the previous database, and none of its names changed. */
  private untouched(scan: { database_built_at: string | null; package_names: string | null }, incremental: { since: string; changes: AdvisoryChanges }): boolean {
    if (incremental.changes.all || scan.database_built_at !== incremental.since || scan.package_names === null) return false;
    const changed = incremental.changes.names;
    return decodePackageNames(scan.package_names).every((name) => !changed.has(name));
  }

  /** The newest scan of each digest (by scan time, then arrival), without its result document. */
  private async latestScans(digests: readonly string[]): Promise<Map<string, { scan_id: string; status: string; database_built_at: string | null; package_names: string | null }>> {
    const rows = await this.options.db.selectFrom('scans').select(['scan_id', 'digest', 'status', 'scanned_at', 'received_at', 'database_built_at', 'package_names']).where('digest', 'in', digests).execute();
    const newest = new Map<string, (typeof rows)[number]>();
    for (const row of rows) {
      const best = newest.get(row.digest);
      if (!best || row.scanned_at > best.scanned_at || (row.scanned_at === best.scanned_at && row.received_at > best.received_at)) newest.set(row.digest, row);
    }
    return newest;
  }

  /** Matches inventories uploaded unmatched; harmless when run twice (a scan is completed once). */
  async matchPending(): Promise<number> {
    const database = this.database;
    if (!database) return 0;
    const view = new CachedMatchDatabase(database);
    let matched = 0;
    for (;;) {
      const pending = await this.options.db.selectFrom('scans').select(['scan_id', 'digest', 'result', 'package_names']).where('status', '=', 'partial').orderBy('received_at').limit(BATCH).execute();
      if (pending.length === 0) return matched;
      const rematched = pending.map((scan) => ({ scanId: scan.scan_id, digest: scan.digest, result: rematchScan(JSON.parse(scan.result) as ScanResult, view), packageNames: scan.package_names }));
      for (const [item, changes] of await this.storeRematched(rematched, 'scan')) {
        if (changes) matched += 1;
        if (changes && changes.appeared.length > 0) this.notifyUpload(item.digest, changes);
      }
    }
  }

  /**
   * Stores re-matched results in one transaction, and brings the current findings up to date for
   * each that is its image's newest scan. The changes are undefined for a scan another node
   * completed first.
   */
  private async storeRematched(items: readonly Rematched[], cause: 'scan' | 'reevaluation'): Promise<[Rematched, FindingChanges | undefined][]> {
    if (items.length === 0) return [];
    return this.options.db.transaction().execute(async (trx: Transaction<Tables>) => {
      const outcomes: [Rematched, FindingChanges | undefined][] = [];
      for (const item of items) {
        const { result } = item;
        let update = trx.updateTable('scans').set({ result: JSON.stringify(result), status: 'complete', database_built_at: result.database?.builtAt ?? null, package_names: item.packageNames ?? encodePackageNames(packageNamesOf(result)) }).where('scan_id', '=', item.scanId);
        // Matching an upload completes it once, whichever node gets there first.
        if (cause === 'scan') update = update.where('status', '=', 'partial');
        const updated = await update.executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) {
          outcomes.push([item, undefined]);
          continue;
        }
        const newest = await trx.selectFrom('scans').select('scan_id').where('digest', '=', item.digest).orderBy('scanned_at', 'desc').orderBy('received_at', 'desc').limit(1).executeTakeFirst();
        outcomes.push([item, newest?.scan_id !== item.scanId ? { appeared: [], resolved: 0 } : await updateCurrentFindings(trx, item.digest, result.findings, cause, new Date().toISOString())]);
      }
      return outcomes;
    });
  }

  private async tagsOf(digest: string): Promise<string[]> {
    const row = await this.options.db.selectFrom('images').select('tags').where('digest', '=', digest).executeTakeFirst();
    return row ? (JSON.parse(row.tags) as string[]) : [];
  }

  private notify(notice: AppearedNotice): void {
    const webhook = this.options.webhook;
    if (!webhook) return;
    const delivery = sendWebhook({ ...webhook, log: this.options.log }, notice);
    this.deliveries.add(delivery);
    void delivery.finally(() => this.deliveries.delete(delivery));
  }
}
