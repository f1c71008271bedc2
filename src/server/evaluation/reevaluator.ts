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
import { openVulnDatabase, type VulnDatabase } from '../../vulndb/database.js';
import { updateCurrentFindingsOfMany, type FindingChanges } from '../store/current-findings.js';
import { applyRetention, type RetentionPolicy } from '../store/retention.js';
import type { Tables } from '../store/tables.js';
import { DatabaseFingerprint, type AdvisoryChanges } from './advisory-changes.js';
import { CachedMatchDatabase } from './cached-database.js';
import type { JobRunner } from './job-runner.js';
import { MatchPool } from './match-pool.js';
import { decodePackageNames } from './package-names.js';
import { rematchStored, type RematchedScan, type StoredScan } from './rematch-stored.js';
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
  /** Worker threads a re-evaluation matches on (match-pool.ts); 0 matches on the main thread. */
  matchWorkers: number;
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
  /** The match workers of the re-evaluation running now: terminated by stop(). */
  private pool: MatchPool | undefined;
  private stopping = false;
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
    this.stopping = true;
    // A re-evaluation in flight fails at once (its claim released for the next start) rather than
    // holding the close until it is done.
    await this.pool?.close();
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
    try {
      return await this.reevaluateClaimed(jobKey, database, databaseBuiltAt, options);
    } catch (error) {
      // Released, so that the job's retry (or the next start) does the work instead of finding it claimed.
      await this.options.db.deleteFrom('job_runs').where('job_key', '=', jobKey).where('finished_at', 'is', null).execute();
      throw error;
    } finally {
      const pool = this.pool;
      this.pool = undefined;
      await pool?.close();
    }
  }

  private async reevaluateClaimed(jobKey: string, database: VulnDatabase, databaseBuiltAt: string, options: { full?: boolean }): Promise<ReevaluationSummary> {
    const incremental = options.full ? undefined : this.changesSincePrevious();
    const view = new CachedMatchDatabase(database);
    const summary: ReevaluationSummary = { images: 0, matched: 0, appeared: 0, resolved: 0 };
    const notice: AppearedNotice = { event: 'findings.appeared', cause: 'reevaluation', database: databaseBuiltAt, images: [] };
    const timings = { read: 0, match: 0, store: 0 };
    const lap = (phase: keyof typeof timings, since: bigint): void => void (timings[phase] += Number(process.hrtime.bigint() - since) / 1e9);
    const began = process.hrtime.bigint();
    // Batches read and sent to the workers, not yet stored: while the workers match, the main
    // thread reads the next batch and stores the previous one.
    const inFlight: { rematching: Promise<RematchedScan[]>; tagsOf: Map<string, string> }[] = [];
    const storeNext = async (): Promise<void> => {
      const batch = inFlight.shift();
      if (!batch) return;
      let since = process.hrtime.bigint();
      const rematched = await batch.rematching;
      lap('match', since);
      since = process.hrtime.bigint();
      for (const [item, changes] of await this.storeRematched(rematched, 'reevaluation')) {
        summary.appeared += changes?.appeared.length ?? 0;
        summary.resolved += changes?.resolved ?? 0;
        if (changes && changes.appeared.length > 0) notice.images.push({ digest: item.digest, tags: JSON.parse(batch.tagsOf.get(item.digest) ?? '[]') as string[], findings: changes.appeared.map(({ id, severity }) => ({ id, severity })) });
      }
      lap('store', since);
    };
    try {
      let after = '';
      for (;;) {
        if (this.stopping) throw new Error('the server is closing');
        const since = process.hrtime.bigint();
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
        const rows = toMatch.length === 0 ? [] : await this.options.db.selectFrom('scans').select(['scan_id', 'digest', 'result', 'package_names']).where('scan_id', 'in', toMatch).execute();
        lap('read', since);
        if (rows.length === 0) continue;
        const stored: StoredScan[] = rows.map((row) => ({ scanId: row.scan_id, digest: row.digest, result: row.result, packageNames: row.package_names }));
        summary.matched += stored.length;
        const pool = await this.matchPool(databaseBuiltAt);
        const matchedAt = process.hrtime.bigint();
        const rematching = pool ? pool.match(stored) : this.matchHere(stored, view);
        if (!pool) lap('match', matchedAt);
        // Awaited when its turn to be stored comes; a failure meanwhile is not an unhandled one.
        rematching.catch(() => undefined);
        inFlight.push({ rematching, tagsOf: new Map(images.map((image) => [image.digest, image.tags])) });
        while (inFlight.length > (pool ? pool.size + 1 : 0)) await storeNext();
      }
      while (inFlight.length > 0) await storeNext();
    } finally {
      // A failed batch leaves the others in flight: nothing waits for them any more.
      for (const batch of inFlight.splice(0)) batch.rematching.catch(() => undefined);
    }
    await this.options.db.updateTable('job_runs').set({ finished_at: new Date().toISOString(), detail: JSON.stringify(summary) }).where('job_key', '=', jobKey).execute();
    this.ran.push({ jobKey, summary });
    const how = incremental ? `incrementally since ${incremental.since}: ${summary.matched} matched again, ${summary.images - summary.matched} untouched by the change` : `${summary.matched} matched again`;
    const seconds = (value: number): string => `${value.toFixed(1)} s`;
    this.options.log(`re-evaluation timings: ${seconds(Number(process.hrtime.bigint() - began) / 1e9)} in all; reading ${seconds(timings.read)}, ${this.pool ? `waiting for ${this.pool.size} match workers` : 'matching'} ${seconds(timings.match)}, storing ${seconds(timings.store)}`);
    this.options.log(`re-evaluated ${summary.images} images against the database of ${notice.database} (${how}): ${summary.appeared} findings appeared, ${summary.resolved} resolved`);
    if (notice.images.length > 0) this.notify(notice);
    return summary;
  }

  /** The job's match workers, started at its first batch to match (none when configured so). */
  private async matchPool(builtAt: string): Promise<MatchPool | undefined> {
    const file = this.options.vulndbPath;
    if (this.options.matchWorkers <= 0 || file === undefined) return undefined;
    if (!this.pool) {
      const pool = await MatchPool.start({ size: this.options.matchWorkers, vulndbPath: file, builtAt });
      if (this.stopping) {
        await pool.close();
        throw new Error('the server is closing');
      }
      this.pool = pool;
    }
    return this.pool;
  }

  /** Matching on the main thread: the same function the workers run. */
  private matchHere(stored: readonly StoredScan[], view: CachedMatchDatabase): Promise<RematchedScan[]> {
    try {
      return Promise.resolve(stored.map((scan) => rematchStored(scan, view)));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
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
      const rematched = pending.map((scan) => rematchStored({ scanId: scan.scan_id, digest: scan.digest, result: scan.result, packageNames: scan.package_names }, view));
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
  private async storeRematched(items: readonly RematchedScan[], cause: 'scan' | 'reevaluation'): Promise<[RematchedScan, FindingChanges | undefined][]> {
    if (items.length === 0) return [];
    return this.options.db.transaction().execute(async (trx: Transaction<Tables>) => {
      const outcomes: [RematchedScan, FindingChanges | undefined][] = [];
      const updated: RematchedScan[] = [];
      for (const item of items) {
        let update = trx.updateTable('scans').set({ result: item.result, status: 'complete', database_built_at: item.databaseBuiltAt, package_names: item.packageNames }).where('scan_id', '=', item.scanId);
        // Matching an upload completes it once, whichever node gets there first.
        if (cause === 'scan') update = update.where('status', '=', 'partial');
        if (Number((await update.executeTakeFirst()).numUpdatedRows) === 0) outcomes.push([item, undefined]);
        else updated.push(item);
      }
      if (updated.length === 0) return outcomes;
      // Which of them is its image's newest scan, in one query for the batch.
      const newest = new Map<string, { scan_id: string; scanned_at: string; received_at: string }>();
      const rows = await trx.selectFrom('scans').select(['scan_id', 'digest', 'scanned_at', 'received_at']).where('digest', 'in', [...new Set(updated.map((item) => item.digest))]).execute();
      for (const row of rows) {
        const best = newest.get(row.digest);
        if (!best || row.scanned_at > best.scanned_at || (row.scanned_at === best.scanned_at && row.received_at > best.received_at)) newest.set(row.digest, row);
      }
      const current = updated.filter((item) => newest.get(item.digest)?.scan_id === item.scanId);
      const changes = await updateCurrentFindingsOfMany(trx, current, cause, new Date().toISOString());
      const changesOf = new Map(current.map((item, index) => [item, changes[index] as FindingChanges]));
      for (const item of updated) outcomes.push([item, changesOf.get(item) ?? { appeared: [], resolved: 0 }]);
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
