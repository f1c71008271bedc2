/**
 * Background jobs. On PostgreSQL through pg-boss (a queue in the same database: leases, retries,
 * and one active job per queue across every server process); on the single-node SQLite server
 * in-process, one job at a time. Either way a job that must run once per occasion also claims a
 * row in `job_runs` (see Reevaluator), which makes it run once even when two nodes each queue it.
 */
import PgBoss from 'pg-boss';

export type JobHandler = (data: Record<string, unknown>) => Promise<void>;

export interface JobRunner {
  readonly kind: 'pg-boss' | 'in-process';
  start(handlers: Record<string, JobHandler>): Promise<void>;
  /** Queues a job; a second one with the same singleton key while the first waits is dropped. */
  send(name: string, data: Record<string, unknown>, singletonKey: string): Promise<void>;
  /** Resolves when no job is queued or running (in-process only; pg-boss jobs may run elsewhere). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export class InProcessJobs implements JobRunner {
  readonly kind = 'in-process';
  private handlers: Record<string, JobHandler> = {};
  private chain: Promise<void> = Promise.resolve();
  private readonly waiting = new Set<string>();

  constructor(private readonly log: (message: string) => void) {}

  start(handlers: Record<string, JobHandler>): Promise<void> {
    this.handlers = handlers;
    return Promise.resolve();
  }

  send(name: string, data: Record<string, unknown>, singletonKey: string): Promise<void> {
    const key = `${name}\u0000${singletonKey}`;
    if (this.waiting.has(key)) return Promise.resolve();
    this.waiting.add(key);
    this.chain = this.chain.then(async () => {
      this.waiting.delete(key);
      const handler = this.handlers[name];
      try {
        if (handler) await handler(data);
      } catch (error) {
        this.log(`job ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    return Promise.resolve();
  }

  idle(): Promise<void> {
    return this.chain;
  }

  async stop(): Promise<void> {
    await this.chain;
  }
}

/** PostgreSQL's codes for a deadlock and a unique violation: what two nodes creating one queue at once may meet. */
const RACE_CODES = new Set(['40P01', '23505']);

/**
 * Creates a queue unless it exists. Two nodes starting together can deadlock inside pg-boss's
 * queue creation; the loser retries (bounded) and then finds the queue made.
 */
async function createQueueRetrying(boss: PgBoss, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    if (await boss.getQueue(name)) return;
    try {
      // 'stately': at most one queued and one active job per queue across all nodes.
      await boss.createQueue(name, { name, policy: 'stately', retryLimit: 3, retryDelay: 5, retryBackoff: true });
      return;
    } catch (error) {
      if (attempt >= 5 || !RACE_CODES.has((error as { code?: string }).code ?? '')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt + Math.floor(Math.random() * 100)));
    }
  }
}

export class PgBossJobs implements JobRunner {
  readonly kind = 'pg-boss';
  private readonly boss: PgBoss;

  constructor(connectionString: string, private readonly log: (message: string) => void) {
    this.boss = new PgBoss({ connectionString, schema: 'tollgate_jobs', max: 4 });
    this.boss.on('error', (error: Error) => this.log(`job queue: ${error.message}`));
  }

  async start(handlers: Record<string, JobHandler>): Promise<void> {
    await this.boss.start();
    for (const [name, handler] of Object.entries(handlers)) {
      await createQueueRetrying(this.boss, name);
      await this.boss.work<Record<string, unknown>>(name, { pollingIntervalSeconds: 1 }, async (jobs) => {
        for (const job of jobs) await handler(job.data);
      });
    }
  }

  async send(name: string, data: Record<string, unknown>, singletonKey: string): Promise<void> {
    await this.boss.send(name, data, { singletonKey });
  }

  idle(): Promise<void> {
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 10_000 });
  }
}
