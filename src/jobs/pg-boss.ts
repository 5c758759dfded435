/**
 * The durable job queue on PostgreSQL (pg-boss 10, in its own schema of the memory database). pg-boss stores the jobs,
 * hands each to one fetcher (`FOR UPDATE SKIP LOCKED`), retries failed ones and runs its maintenance; this adapter adds
 * what an investigation needs on top:
 *
 * - **No second run while the first worker lives.** A worker runs a job only while it holds the job's advisory lock on
 *   its lease session (pg-lease.ts), and re-reads the job after taking the lock. Anyone else who touches a running job
 *   (another fetcher after a pg-boss expiry, the reaper, a canceller) needs that lock, so a live worker's job is never
 *   run twice. pg-boss's expiration is only a backstop (wall-time budget + a wide margin), and a delivery whose lock is
 *   held is left to its owner.
 * - **Quick takeover when a worker dies.** PostgreSQL drops the dead worker's session and with it the lock; every
 *   worker's reaper looks for active jobs whose lock is free (started more than `claimGraceMs` ago, which covers the
 *   moment between a fetch and its lock) and fails them back to pg-boss, which retries them at once on any worker
 *   (`attempt` = pg-boss retry count + 1). With the defaults that is 5 to 15 s after the kill.
 * - **Cancel from any process.** Not started: dequeued in pg-boss. Running: a cancel flag on the job (so a later
 *   takeover sees it) and a NOTIFY on `sleuth_cancel`, which aborts the signal in the worker that runs it. Running on a
 *   dead worker: cancelled in pg-boss under the lock, and reported as dequeued so the caller records it.
 * - **Graceful stop hands work back.** After the grace period the remaining runs are aborted with a JobHandedBack
 *   reason (their store is fenced, so they record nothing more), then their locks are released and the jobs failed
 *   back to pg-boss for another worker.
 */
import { hostname } from 'node:os';
import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { UserError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { createJobTableSql, type JobRow, withJobLockProbe } from './pg-boss-sql.js';
import { type JobLease, openJobLease } from './pg-lease.js';
import type { PgNotifications } from './pg-notifications.js';
import {
  type CancelOutcome,
  type InvestigationJob,
  isHandedBack,
  JobHandedBack,
  type JobHandler,
  type JobQueue,
} from './types.js';

export const INVESTIGATION_QUEUE = 'sleuth-investigations';
export const JOBS_CHANNEL = 'sleuth_jobs';
export const CANCEL_CHANNEL = 'sleuth_cancel';
const SETUP_LOCK_KEY = "hashtext('sleuth.jobs.setup')";
/** How long stop() waits for handed-back runs to wind down before it ends the lease anyway. */
const HAND_BACK_WAIT_MS = 10_000;

export interface PgBossQueueOptions {
  url: string;
  /** The job layer's pool: pg-boss's statements, NOTIFY, the reaper and cancels. */
  pool: pg.Pool;
  notifications: PgNotifications;
  logger: Logger;
  /** pg-boss expiration of a running job: a backstop only (the lease decides takeovers). */
  expireInSeconds: number;
  /** Names this worker in logs and pg_stat_activity. Default host:pid. */
  workerId?: string;
  /** pg-boss schema in the memory database. Default `pgboss`. */
  schema?: string;
  /** Takeovers allowed after the first run (pg-boss retryLimit). Default 3. */
  retryLimit?: number;
  /** Fetch period when no NOTIFY woke the worker. Default 2000 ms. */
  pollMs?: number;
  reapIntervalMs?: number;
  claimGraceMs?: number;
  heartbeatMs?: number;
  /** pg-boss maintenance period (expiry, archive). Default 60 s. */
  maintenanceIntervalSeconds?: number;
  /** A job given up after its last retry: the caller records the investigation as failed. */
  onAbandoned?: (job: InvestigationJob) => Promise<void>;
}

export interface PgBossQueue extends JobQueue {
  readonly workerId: string;
}

interface RunningJob {
  job: InvestigationJob;
  jobId: string;
  controller: AbortController;
  done: Promise<void>;
}

export function createPgBossQueue(options: PgBossQueueOptions): PgBossQueue {
  const { pool, notifications } = options;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}`;
  const log = options.logger.child({ component: 'pg-boss-queue', worker: workerId });
  const sql = createJobTableSql(options.schema ?? 'pgboss', INVESTIGATION_QUEUE);
  const retryLimit = options.retryLimit ?? 3;
  const graceSeconds = (options.claimGraceMs ?? 10_000) / 1000;
  const running = new Map<string, RunningJob>();
  const stops: (() => void)[] = [];
  const timers: NodeJS.Timeout[] = [];
  let starting: Promise<PgBoss> | undefined;
  let lease: JobLease | undefined;
  let handler: JobHandler | undefined;
  let slots = 0;
  let stopping = false;
  let pumping = false;
  let pumpAgain = false;
  let reaping = false;
  const onClient = (client: pg.PoolClient) => ({
    executeSql: (text: string, values: unknown[]) => client.query(text, values),
  });

  function ready(): Promise<PgBoss> {
    starting ??= (async () => {
      // pg-boss loads with the first durable queue call, never for a process with the embedded in-process queue
      const { default: PgBoss } = await import('pg-boss');
      const boss = new PgBoss({
        db: { executeSql: (text, values) => pool.query(text, values) },
        schema: options.schema ?? 'pgboss',
        schedule: false,
        supervise: true,
        migrate: true,
        maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60,
      });
      boss.on('error', (error) => log.warn({ err: String(error) }, 'pg-boss error'));
      // Processes starting together on a fresh database would deadlock in pg-boss's schema and queue creation (it
      // attaches a partition per queue): one process at a time sets up, under a session advisory lock.
      const setup = await pool.connect();
      try {
        await setup.query(`SELECT pg_advisory_lock(${SETUP_LOCK_KEY})`);
        await boss.start();
        await boss.createQueue(INVESTIGATION_QUEUE, {
          name: INVESTIGATION_QUEUE,
          policy: 'standard',
          retryLimit,
          retryDelay: 0,
          expireInSeconds: options.expireInSeconds,
        });
      } finally {
        await setup.query(`SELECT pg_advisory_unlock(${SETUP_LOCK_KEY})`).catch(() => undefined);
        setup.release();
      }
      return boss;
    })();
    starting.catch(() => {
      starting = undefined;
    });
    return starting;
  }

  const cancelReason = () => new UserError('INVESTIGATION_CANCELLED', 'The investigation was cancelled.');

  function handBack(entry: RunningJob, why: string): void {
    if (!entry.controller.signal.aborted) entry.controller.abort(new JobHandedBack(why));
  }

  /** Fails a job back to pg-boss, which retries it (or gives up after the last retry); returns the job's new state. */
  async function failBack(jobId: string, why: string, client?: pg.PoolClient): Promise<string | undefined> {
    const boss = await ready();
    await boss.fail(INVESTIGATION_QUEUE, jobId, { message: why }, client ? { db: onClient(client) } : undefined);
    return (await sql.find(client ?? pool, jobId))?.state;
  }

  async function afterFailBack(job: InvestigationJob, state: string | undefined): Promise<void> {
    if (state === 'failed') {
      log.warn({ investigationId: job.investigationId }, 'investigation job given up: its workers stopped too often');
      await options.onAbandoned?.(job);
    } else if (state === 'retry') void pump();
  }

  async function runJob(entry: RunningJob, attempt: number): Promise<void> {
    const id = entry.job.investigationId;
    const jobLog = log.child({ investigationId: id, attempt });
    const signal = entry.controller.signal;
    if (!lease || !(await lease.acquire(id).catch(() => false))) {
      jobLog.info('investigation job is held by another live session; leaving it to that one');
      return;
    }
    let handedBack = false;
    try {
      const row = await sql.find(pool, entry.jobId);
      if (row?.state !== 'active') return; // cancelled between the fetch and the lock
      if (row.data.cancelRequested) entry.controller.abort(cancelReason());
      jobLog.info('investigation job started');
      try {
        await (handler as JobHandler)(entry.job, { signal, attempt });
      } catch (error) {
        jobLog.error({ err: error }, 'investigation job handler threw');
      }
      handedBack = signal.aborted && isHandedBack(signal.reason);
      jobLog.info(handedBack ? 'investigation job handed back' : 'investigation job finished');
      if (!handedBack) {
        await sql
          .complete(pool, entry.jobId)
          .catch((error: unknown) => jobLog.warn({ err: String(error) }, 'job completion failed'));
      }
    } finally {
      await lease.release(id);
      if (handedBack) {
        const why = (signal.reason as JobHandedBack).message;
        await failBack(entry.jobId, why)
          .then((state) => afterFailBack(entry.job, state))
          .catch((error: unknown) =>
            jobLog.warn({ err: String(error) }, 'handing the job back failed; the reaper will'),
          );
      }
    }
  }

  function start(job: PgBoss.JobWithMetadata<InvestigationJob>): void {
    const id = job.data.investigationId;
    if (running.has(id)) {
      log.warn({ investigationId: id }, 'job delivered again while it runs here; this run finishes it');
      return;
    }
    const entry: RunningJob = {
      job: job.data,
      jobId: job.id,
      controller: new AbortController(),
      done: Promise.resolve(),
    };
    running.set(id, entry);
    const run = stopping
      ? failBack(job.id, 'the worker is stopping').then((state) => afterFailBack(job.data, state))
      : runJob(entry, job.retryCount + 1);
    entry.done = run
      .catch((error: unknown) => log.error({ err: error, investigationId: id }, 'investigation job crashed'))
      .finally(() => {
        running.delete(id);
        void pump();
      });
  }

  async function pump(): Promise<void> {
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      do {
        pumpAgain = false;
        while (handler && !stopping && lease?.healthy() && running.size < slots) {
          const boss = await ready();
          const jobs = await boss.fetch<InvestigationJob>(INVESTIGATION_QUEUE, {
            batchSize: slots - running.size,
            includeMetadata: true,
          });
          if (jobs.length === 0) break;
          for (const job of jobs) start(job);
        }
      } while (pumpAgain && !stopping);
    } catch (error) {
      log.warn({ err: String(error) }, 'fetching jobs failed');
    } finally {
      pumping = false;
    }
  }

  /** Fails back an active job whose worker is gone (its lock is free), in one transaction under its row and lock. */
  async function reapOne(row: JobRow): Promise<void> {
    const state = await withJobLockProbe(pool, row.data.investigationId, async (client, free) => {
      if (!free || !(await sql.lockActive(client, row.id, graceSeconds))) return undefined;
      return failBack(row.id, 'its worker stopped', client);
    });
    if (!state) return;
    log.warn({ investigationId: row.data.investigationId, state }, 'took back a job whose worker stopped');
    await afterFailBack(row.data as unknown as InvestigationJob, state);
  }

  async function reap(): Promise<void> {
    if (reaping || stopping) return;
    reaping = true;
    try {
      for (const row of await sql.activeSince(pool, graceSeconds)) {
        if (stopping) break;
        if (!running.has(row.data.investigationId)) await reapOne(row);
      }
    } catch (error) {
      log.warn({ err: String(error) }, 'reaping orphaned jobs failed');
    } finally {
      reaping = false;
    }
  }

  /** A running job: free lock = its worker is gone (cancel it here); held = signal the worker that has it. */
  function cancelActive(investigationId: string): Promise<CancelOutcome | undefined> {
    return withJobLockProbe(pool, investigationId, async (client, free) => {
      if (free) return (await sql.cancelActive(client, investigationId)) ? 'dequeued' : undefined;
      if (!(await sql.requestCancel(client, investigationId))) return undefined;
      // delivered at commit, after the flag: a worker either sees the flag or gets the notification
      await client.query('SELECT pg_notify($1, $2)', [CANCEL_CHANNEL, investigationId]);
      return 'signalled';
    });
  }

  async function waitForRuns(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...running.values()].map((r) => r.done)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ms);
      }),
    ]);
    clearTimeout(timer);
  }

  return {
    kind: 'pg-boss',
    workerId,
    async enqueue(job) {
      if (stopping) throw new Error('the job queue is stopping');
      const boss = await ready();
      await boss.send(INVESTIGATION_QUEUE, job, {
        id: job.investigationId,
        retryLimit,
        retryDelay: 0,
        expireInSeconds: options.expireInSeconds,
      });
      await notifications
        .notify(JOBS_CHANNEL, '')
        .catch((error: unknown) => log.warn({ err: String(error) }, 'job notification failed; workers poll'));
    },
    async work(jobHandler, workOptions) {
      if (handler) throw new Error('this queue already has a worker');
      await ready();
      lease = await openJobLease({
        url: options.url,
        logger: log,
        applicationName: `sleuth-worker ${workerId}`.slice(0, 63),
        heartbeatMs: options.heartbeatMs,
      });
      lease.onLost(() => {
        for (const entry of running.values()) handBack(entry, 'the worker lost its job lease');
      });
      handler = jobHandler;
      slots = Math.max(1, workOptions.concurrency);
      stops.push(await notifications.listen(JOBS_CHANNEL, () => void pump()));
      stops.push(
        await notifications.listen(CANCEL_CHANNEL, (id) => {
          const entry = running.get(id);
          if (entry && !entry.controller.signal.aborted) entry.controller.abort(cancelReason());
        }),
      );
      stops.push(notifications.onReconnect(() => void pump()));
      timers.push(setInterval(() => void pump(), options.pollMs ?? 2000));
      timers.push(setInterval(() => void reap(), options.reapIntervalMs ?? 5000));
      for (const timer of timers) timer.unref();
      void pump();
    },
    async cancel(investigationId) {
      await ready();
      const local = running.get(investigationId);
      for (let tries = 0; tries < 3; tries++) {
        if (await sql.dequeue(pool, investigationId)) return 'dequeued';
        const row = await sql.find(pool, investigationId);
        if (!row) return 'unknown';
        if (row.state === 'created' || row.state === 'retry') continue; // a fetch or a reap moved it meanwhile
        if (row.state !== 'active') return 'unknown';
        const outcome = await cancelActive(investigationId);
        if (outcome === 'signalled' && local && !local.controller.signal.aborted)
          local.controller.abort(cancelReason());
        if (outcome) return outcome;
      }
      return 'unknown';
    },
    async depth() {
      await ready();
      return sql.depth(pool);
    },
    async stop(stopOptions = {}) {
      if (stopping) return;
      stopping = true;
      for (const timer of timers.splice(0)) clearInterval(timer);
      await waitForRuns(stopOptions.graceMs ?? 30_000);
      for (const entry of running.values()) handBack(entry, 'the worker is stopping');
      await waitForRuns(HAND_BACK_WAIT_MS);
      for (const stop of stops.splice(0)) stop();
      await lease?.close();
      const boss = starting ? await starting.catch(() => undefined) : undefined;
      await boss?.stop({ graceful: false, close: false });
    },
  };
}
