/**
 * Which job queue and event bus a process uses, and whether it works the queue. With a real PostgreSQL as the memory
 * store: pg-boss and LISTEN/NOTIFY on that database, so `api`, `worker` and `all` processes share the work. With the
 * embedded store (PGlite, one process): the in-process pair, and only role `all` makes sense.
 */
import { hostname } from 'node:os';
import { UsageError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { isFinishedStatus, isTerminalEvent, type JobMemory, recordEnd, toInvestigationEvent } from './events.js';
import { createInProcessEventBus, createInProcessQueue } from './in-process.js';
import { createPgBossQueue } from './pg-boss.js';
import { createPgEventBus } from './pg-event-bus.js';
import { createPgNotifications } from './pg-notifications.js';
import { createInvestigationService, type InvestigationService, type StartInvestigationRequest } from './service.js';
import type { EventBus, JobQueue, ServeRole } from './types.js';
import { createInvestigationWorker, type RunInvestigation } from './worker.js';

export interface JobRuntimeOptions {
  role: ServeRole;
  /** The memory store's PostgreSQL URL; undefined = embedded memory, in-process jobs. */
  memoryUrl: string | undefined;
  store: JobMemory;
  run: RunInvestigation;
  logger: Logger;
  defaultConnection: string;
  /** Investigations this process runs at once (roles worker and all). */
  concurrency: number;
  /** The investigation wall-time budget: pg-boss's expiration backstop is set well beyond it. */
  maxWallMs: number;
  /** Queue tuning (tests); see PgBossQueueOptions. */
  queue?: { pollMs?: number; reapIntervalMs?: number; claimGraceMs?: number; heartbeatMs?: number };
}

export interface JobRuntime {
  readonly role: ServeRole;
  readonly service: InvestigationService;
  readonly queue: JobQueue;
  readonly bus: EventBus;
  /** Stops working the queue (see JobQueue.stop) and closes the bus and its connections. */
  close(graceMs: number): Promise<void>;
}

/** Margin of pg-boss's expiration over the wall-time budget: SQL timeouts and the final writes come after it. */
const EXPIRY_MARGIN_SECONDS = 15 * 60;

export const ROLE_NEEDS_POSTGRES =
  '--role api and --role worker share investigations through a PostgreSQL memory store: set DATABASE_URL (with the embedded memory, one process does everything: --role all).';

export async function createJobRuntime(options: JobRuntimeOptions): Promise<JobRuntime> {
  const { role, logger } = options;
  if (!options.memoryUrl) {
    if (role !== 'all') throw new UsageError(ROLE_NEEDS_POSTGRES);
    const queue = createInProcessQueue();
    const bus = createInProcessEventBus();
    return finish({ queue, bus, close: async () => undefined });
  }
  const url = options.memoryUrl;
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 4, application_name: `sleuth-jobs ${role}` });
  pool.on('error', (error) => logger.warn({ err: String(error) }, 'job pool connection error'));
  const notifications = createPgNotifications({ url, pool, logger });
  const bus = createPgEventBus({ notifications, store: options.store, logger });
  const queue = createPgBossQueue({
    url,
    pool,
    notifications,
    logger,
    workerId: `${hostname()}:${process.pid}`,
    expireInSeconds: Math.ceil(options.maxWallMs / 1000) + EXPIRY_MARGIN_SECONDS,
    ...options.queue,
    onAbandoned: async (job) => {
      const event = await recordEnd(options.store, job.investigationId, 'failed', {
        code: 'INVESTIGATION_ABANDONED',
        message: 'The workers running this investigation stopped too many times; it was given up.',
      });
      await bus.publish(event).catch(() => undefined);
    },
  });
  try {
    await queue.depth(); // starts pg-boss (its schema, the queue) so a bad database fails here, not on first use
  } catch (error) {
    await Promise.allSettled([notifications.close(), pool.end()]);
    throw error;
  }
  return finish({
    queue,
    bus,
    close: async () => {
      await notifications.close();
      await pool.end();
    },
  });

  /**
   * The FAQ tier (and the limits and access checks before it) in the caller's request: only a model investigation
   * waits in the queue. Its events are recorded by the run and published here, as a worker would.
   */
  async function answerFirst(
    request: StartInvestigationRequest & { investigationId: string },
    bus: EventBus,
  ): Promise<'answered' | 'queue'> {
    const events = options.run({
      question: request.question,
      db: request.connection,
      sessionId: request.sessionId,
      actor: request.actor,
      faq: request.faq,
      faqOnly: true,
      investigationId: request.investigationId,
      signal: new AbortController().signal,
    });
    try {
      for (;;) {
        const next = await events.next();
        if (next.done) return next.value.status === 'deferred' ? 'queue' : 'answered';
        await bus.publish(next.value);
      }
    } catch (error) {
      // refused or failed before a model was involved: the run recorded the end; let watchers know
      const last = (await options.store.listEvents(request.investigationId)).at(-1);
      if (last && isTerminalEvent(last)) await bus.publish(toInvestigationEvent(last));
      const record = await options.store.getInvestigation(request.investigationId);
      if (record && isFinishedStatus(record.status)) return 'answered';
      // not recorded (a bug or an outage): the queue runs it as before, and records how it ends
      logger.warn({ err: String(error), investigationId: request.investigationId }, 'answering in the request failed');
      return 'queue';
    }
  }

  async function finish(parts: { queue: JobQueue; bus: EventBus; close: () => Promise<void> }): Promise<JobRuntime> {
    if (role !== 'api') {
      const worker = createInvestigationWorker({ run: options.run, store: options.store, bus: parts.bus, logger });
      await parts.queue.work(worker, { concurrency: options.concurrency });
    }
    const service = createInvestigationService({
      store: options.store,
      queue: parts.queue,
      bus: parts.bus,
      defaultConnection: options.defaultConnection,
      answerFirst: (request) => answerFirst(request, parts.bus),
    });
    return {
      role,
      service,
      queue: parts.queue,
      bus: parts.bus,
      async close(graceMs) {
        await parts.queue.stop({ graceMs });
        await parts.bus.close();
        await parts.close();
      },
    };
  }
}
