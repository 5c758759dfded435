/**
 * Test access to the PostgreSQL job layer: a fresh memory database (its own pg-boss schema), queues and buses built
 * the way the composition root builds them (each "process" with its own pool and LISTEN connection), and polling.
 */
import pg from 'pg';
import {
  createPgBossQueue,
  createPgEventBus,
  createPgNotifications,
  type EventBus,
  type PgBossQueue,
  type PgBossQueueOptions,
} from '../../src/jobs/index.js';
import type { MemoryStore } from '../../src/memory/index.js';
import { adminExec, ensureDatabase, silentLogger } from './databases.js';

/** A memory database with no Sleuth tables and no pg-boss schema. */
export async function freshJobsDatabase(baseName: string): Promise<string> {
  const url = await ensureDatabase('postgres', baseName);
  await adminExec('postgres', url, [
    'DROP SCHEMA IF EXISTS pgboss CASCADE',
    'DROP SCHEMA IF EXISTS public CASCADE',
    'CREATE SCHEMA public',
  ]);
  return url;
}

/** Queue timings short enough for tests (the defaults are seconds). */
export const FAST_QUEUE = { pollMs: 200, reapIntervalMs: 300, claimGraceMs: 1000, heartbeatMs: 500 } as const;

export interface PgProcess {
  queue: PgBossQueue;
  bus: EventBus;
  /** application_name of this process's LISTEN connection (to cut it in tests). */
  listenName: string;
  close(): Promise<void>;
}

let processes = 0;

/** What one Sleuth process opens for jobs: a pool, one LISTEN connection, the pg-boss queue and the event bus. */
export function openPgProcess(
  url: string,
  store: Pick<MemoryStore, 'listEvents'> | undefined,
  overrides: Partial<PgBossQueueOptions> & { listenReconnectMs?: number } = {},
): PgProcess {
  const n = ++processes;
  const pool = new pg.Pool({ connectionString: url, max: 4, application_name: `test-jobs-${n}` });
  pool.on('error', () => undefined);
  const listenName = `test-listen-${process.pid}-${n}`;
  const notifications = createPgNotifications({
    url,
    pool,
    logger: silentLogger,
    applicationName: listenName,
    reconnectMs: overrides.listenReconnectMs,
  });
  const queue = createPgBossQueue({
    url,
    pool,
    notifications,
    logger: silentLogger,
    workerId: `test-${process.pid}-${n}`,
    expireInSeconds: 600,
    ...FAST_QUEUE,
    ...overrides,
  });
  const bus = createPgEventBus({ notifications, store: store ?? { listEvents: async () => [] }, logger: silentLogger });
  return {
    queue,
    bus,
    listenName,
    async close() {
      await queue.stop({ graceMs: 2000 });
      await bus.close();
      await notifications.close();
      await pool.end();
    },
  };
}

/** Ends the server sessions with this application_name (a lost connection, as the network or a restart does it). */
export async function terminateSessions(url: string, applicationName: string): Promise<number> {
  const rows = (await adminExec('postgres', url, [
    `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = '${applicationName.replace(/'/g, "''")}'`,
  ])) as { done: boolean }[];
  return rows.filter((r) => r.done).length;
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
