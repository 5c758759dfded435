/**
 * A worker's lease on the jobs it runs: one dedicated PostgreSQL session per worker process holds a session-level
 * advisory lock per running investigation. PostgreSQL itself releases the locks when the session ends, so a worker
 * that dies (SIGKILL, crash, OOM) frees its jobs at once, and a live worker's jobs can never be taken over: whoever
 * wants to run, reap or cancel a job must get its lock first.
 *
 * The one way to lose a lock while alive is to lose the session (network, server restart). The lease notices (socket
 * error, or a heartbeat query that fails or takes longer than `heartbeatMs`) and calls `onLost` so the worker stops
 * its runs before anyone else can take the jobs over: the server only drops a silent session after its TCP keepalive
 * gives up (set here to 15 s idle + 4 x 5 s), well after the heartbeat has fired. Then it reconnects for new jobs.
 */
import pg from 'pg';
import type { Logger } from '../common/logger.js';

/** The advisory-lock key of an investigation's job (64 bits of md5, in a Sleuth namespace): `$1` is the id. */
export const JOB_LOCK_KEY_SQL = "('x' || substr(md5('sleuth.job:' || $1::text), 1, 16))::bit(64)::bigint";

export interface JobLease {
  /** True while the session is up (a worker takes no jobs otherwise). */
  healthy(): boolean;
  /** Takes the job's lock; false when another session (a live worker, a reaper, a canceller) holds it. */
  acquire(investigationId: string): Promise<boolean>;
  release(investigationId: string): Promise<void>;
  /** Called when the session was lost: every lock it held is gone. */
  onLost(handler: () => void): void;
  /** Ends the session (and with it every lock). */
  close(): Promise<void>;
}

export interface JobLeaseOptions {
  url: string;
  logger: Logger;
  applicationName: string;
  /** Heartbeat period and timeout in ms. Default 5000. */
  heartbeatMs?: number;
}

export async function openJobLease(options: JobLeaseOptions): Promise<JobLease> {
  const heartbeatMs = options.heartbeatMs ?? 5000;
  const log = options.logger.child({ component: 'job-lease' });
  const lostHandlers: (() => void)[] = [];
  /** The session each lock was taken on: a lock from a lost session is gone already and must not be "released". */
  const held = new Map<string, pg.Client>();
  let client: pg.Client | undefined;
  let closed = false;
  let reconnecting = false;

  async function connect(): Promise<pg.Client> {
    const candidate = new pg.Client({
      connectionString: options.url,
      application_name: options.applicationName,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    candidate.on('error', (error) => lose(candidate, error));
    candidate.on('end', () => lose(candidate));
    await candidate.connect();
    // the server drops a silent session (and its locks) only after these, long after our heartbeat noticed
    await candidate.query(
      'SET tcp_keepalives_idle = 15; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 4',
    );
    return candidate;
  }

  function lose(lost: pg.Client, error?: unknown): void {
    if (client !== lost) return;
    client = undefined;
    lost.end().catch(() => undefined);
    if (closed) return;
    log.warn({ err: error ? String(error) : 'session ended' }, 'job lease session lost: running jobs go back');
    for (const handler of lostHandlers) handler();
    void reconnect();
  }

  async function reconnect(): Promise<void> {
    if (reconnecting) return;
    reconnecting = true;
    let delay = 250;
    try {
      while (!closed && !client) {
        try {
          const fresh = await connect();
          if (closed) {
            await fresh.end().catch(() => undefined);
            return;
          }
          client = fresh;
          log.info('job lease session is back');
        } catch (error) {
          log.warn({ err: String(error), retryInMs: delay }, 'job lease session cannot connect');
          await new Promise((resolve) => setTimeout(resolve, delay).unref());
          delay = Math.min(delay * 2, 5000);
        }
      }
    } finally {
      reconnecting = false;
    }
  }

  client = await connect();
  const heartbeat = setInterval(() => {
    const current = client;
    if (!current) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`heartbeat took longer than ${heartbeatMs} ms`)), heartbeatMs);
    });
    Promise.race([current.query('SELECT 1'), timeout])
      .catch((error: unknown) => lose(current, error))
      .finally(() => clearTimeout(timer));
  }, heartbeatMs);
  heartbeat.unref();

  return {
    healthy: () => client !== undefined,
    async acquire(investigationId) {
      const current = client;
      if (!current) return false;
      const result = await current.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_lock(${JOB_LOCK_KEY_SQL}) AS locked`,
        [investigationId],
      );
      const locked = result.rows[0]?.locked === true;
      if (locked) held.set(investigationId, current);
      return locked;
    },
    async release(investigationId) {
      const current = held.get(investigationId);
      held.delete(investigationId);
      if (!current || current !== client) return;
      await current
        .query(`SELECT pg_advisory_unlock(${JOB_LOCK_KEY_SQL})`, [investigationId])
        .catch((error: unknown) => log.warn({ err: String(error), investigationId }, 'job lock release failed'));
    },
    onLost(handler) {
      lostHandlers.push(handler);
    },
    async close() {
      closed = true;
      clearInterval(heartbeat);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}
