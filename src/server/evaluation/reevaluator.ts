/**
 * Continuous re-evaluation: when the vulnerability database changes (its `built_at`), every stored
 * inventory is matched again with the engine's matcher (jobs/rematch.ts), without a re-scan; the
 * findings that appeared are recorded with their time and announced by webhook. Inventories
 * uploaded unmatched (`partial`) are matched the same way as soon as the server has a database.
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
import type { JobRunner } from './job-runner.js';
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
  appeared: number;
  resolved: number;
}

const BATCH = 50;
const RETENTION_INTERVAL_MS = 3_600_000;

export class Reevaluator {
  readonly retention: RetentionPolicy;
  private database: VulnDatabase | undefined;
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
      reevaluate: (data) => this.reevaluate(String(data.jobKey), String(data.database)).then(() => undefined),
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
      this.database?.close();
      this.database = opened;
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
    await this.options.jobs.send('reevaluate', { jobKey, database: builtAt }, jobKey);
    await this.options.jobs.send('match-pending', {}, 'match-pending');
    return { jobKey, database: builtAt, queued: true };
  }

  matchPendingSoon(): void {
    if (this.database) void this.options.jobs.send('match-pending', {}, 'match-pending');
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
    await Promise.all([...this.deliveries]);
    this.database?.close();
    this.database = undefined;
  }

  async runRetention(): Promise<number> {
    return applyRetention(this.options.db, this.retention);
  }

  /** The job: claims its key, then matches the latest scan of every image against the database. */
  async reevaluate(jobKey: string, databaseBuiltAt: string): Promise<ReevaluationSummary | undefined> {
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
    const summary: ReevaluationSummary = { images: 0, appeared: 0, resolved: 0 };
    const notice: AppearedNotice = { event: 'findings.appeared', cause: 'reevaluation', database: database.meta('built_at') ?? '', images: [] };
    let after = '';
    for (;;) {
      const images = await this.options.db.selectFrom('images').select(['digest', 'tags']).where('digest', '>', after).orderBy('digest').limit(BATCH).execute();
      if (images.length === 0) break;
      after = (images.at(-1) as { digest: string }).digest;
      for (const image of images) {
        const latest = await this.options.db.selectFrom('scans').select(['scan_id', 'result']).where('digest', '=', image.digest).orderBy('scanned_at', 'desc').orderBy('received_at', 'desc').limit(1).executeTakeFirst();
        if (!latest) continue;
        const changes = await this.storeRematched(latest.scan_id, image.digest, rematchScan(JSON.parse(latest.result) as ScanResult, database), 'reevaluation');
        summary.images += 1;
        summary.appeared += changes?.appeared.length ?? 0;
        summary.resolved += changes?.resolved ?? 0;
        if (changes && changes.appeared.length > 0) notice.images.push({ digest: image.digest, tags: JSON.parse(image.tags) as string[], findings: changes.appeared.map(({ id, severity }) => ({ id, severity })) });
      }
    }
    await this.options.db.updateTable('job_runs').set({ finished_at: new Date().toISOString(), detail: JSON.stringify(summary) }).where('job_key', '=', jobKey).execute();
    this.ran.push({ jobKey, summary });
    this.options.log(`re-evaluated ${summary.images} images against the database of ${notice.database}: ${summary.appeared} findings appeared, ${summary.resolved} resolved`);
    if (notice.images.length > 0) this.notify(notice);
    return summary;
  }

  /** Matches inventories uploaded unmatched; harmless when run twice (a scan is completed once). */
  async matchPending(): Promise<number> {
    const database = this.database;
    if (!database) return 0;
    let matched = 0;
    for (;;) {
      const pending = await this.options.db.selectFrom('scans').select(['scan_id', 'digest', 'result']).where('status', '=', 'partial').orderBy('received_at').limit(BATCH).execute();
      if (pending.length === 0) return matched;
      for (const scan of pending) {
        const changes = await this.storeRematched(scan.scan_id, scan.digest, rematchScan(JSON.parse(scan.result) as ScanResult, database), 'scan');
        if (changes) matched += 1;
        if (changes && changes.appeared.length > 0) this.notifyUpload(scan.digest, changes);
      }
    }
  }

  /** Stores a re-matched result, and brings the current findings up to date when it is the image's newest scan. */
  private async storeRematched(scanId: string, digest: string, result: ScanResult, cause: 'scan' | 'reevaluation'): Promise<FindingChanges | undefined> {
    return this.options.db.transaction().execute(async (trx: Transaction<Tables>) => {
      let update = trx.updateTable('scans').set({ result: JSON.stringify(result), status: 'complete', database_built_at: result.database?.builtAt ?? null }).where('scan_id', '=', scanId);
      // Matching an upload completes it once, whichever node gets there first.
      if (cause === 'scan') update = update.where('status', '=', 'partial');
      const updated = await update.executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return undefined;
      const newest = await trx.selectFrom('scans').select('scan_id').where('digest', '=', digest).orderBy('scanned_at', 'desc').orderBy('received_at', 'desc').limit(1).executeTakeFirst();
      if (newest?.scan_id !== scanId) return { appeared: [], resolved: 0 };
      return updateCurrentFindings(trx, digest, result.findings, cause, new Date().toISOString());
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
