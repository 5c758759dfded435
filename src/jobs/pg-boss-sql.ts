/**
 * The few statements the queue runs on pg-boss's own job table, where its API has no call for them: state counts for
 * the depth metric, "active jobs" for the reaper, a conditional dequeue and a persistent cancel request. Written
 * against the pg-boss 10 schema (`<schema>.job`, state enum created < retry < active < completed < cancelled <
 * failed); the JobQueue contract tests run every one of them on the real server.
 */
import type pg from 'pg';
import { JOB_LOCK_KEY_SQL } from './pg-lease.js';
import type { QueueDepth } from './types.js';

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export interface JobRow {
  id: string;
  state: string;
  data: { investigationId: string; cancelRequested?: boolean } & Record<string, unknown>;
}

export function createJobTableSql(schema: string, queue: string) {
  const table = `${schema}.job`;
  return {
    async depth(db: Queryable): Promise<QueueDepth> {
      const { rows } = await db.query<{ queued: string; running: string }>(
        `SELECT count(*) FILTER (WHERE state < 'active') AS queued, count(*) FILTER (WHERE state = 'active') AS running
           FROM ${table} WHERE name = $1`,
        [queue],
      );
      return { queued: Number(rows[0]?.queued ?? 0), running: Number(rows[0]?.running ?? 0) };
    },

    async find(db: Queryable, id: string): Promise<JobRow | undefined> {
      const { rows } = await db.query<JobRow>(`SELECT id, state, data FROM ${table} WHERE name = $1 AND id = $2`, [
        queue,
        id,
      ]);
      return rows[0];
    },

    /** Active jobs started more than `graceSeconds` ago: candidates for the reaper. */
    async activeSince(db: Queryable, graceSeconds: number): Promise<JobRow[]> {
      const { rows } = await db.query<JobRow>(
        `SELECT id, state, data FROM ${table}
          WHERE name = $1 AND state = 'active' AND started_on < now() - make_interval(secs => $2)`,
        [queue, graceSeconds],
      );
      return rows;
    },

    /** Locks one such job row for this transaction (skipping it when another reaper has it). */
    async lockActive(db: Queryable, id: string, graceSeconds: number): Promise<boolean> {
      const { rowCount } = await db.query(
        `SELECT 1 FROM ${table}
          WHERE name = $1 AND id = $2 AND state = 'active' AND started_on < now() - make_interval(secs => $3)
          FOR UPDATE SKIP LOCKED`,
        [queue, id, graceSeconds],
      );
      return rowCount === 1;
    },

    /**
     * Completes a job its worker finished (under its lock), whatever pg-boss did with it meanwhile: an expiry may have
     * put it back for a retry, and that delivery must not run a finished job again.
     */
    async complete(db: Queryable, id: string): Promise<boolean> {
      const { rowCount } = await db.query(
        `UPDATE ${table} SET state = 'completed', completed_on = now()
          WHERE name = $1 AND id = $2 AND state < 'completed'`,
        [queue, id],
      );
      return rowCount === 1;
    },

    /** Cancels the job if no worker has it yet (created or waiting for a retry). */
    async dequeue(db: Queryable, id: string): Promise<boolean> {
      const { rowCount } = await db.query(
        `UPDATE ${table} SET state = 'cancelled', completed_on = now()
          WHERE name = $1 AND id = $2 AND state < 'active'`,
        [queue, id],
      );
      return rowCount === 1;
    },

    /** Cancels an active job whose worker is gone (the caller holds its lock). */
    async cancelActive(db: Queryable, id: string): Promise<boolean> {
      const { rowCount } = await db.query(
        `UPDATE ${table} SET state = 'cancelled', completed_on = now() WHERE name = $1 AND id = $2 AND state = 'active'`,
        [queue, id],
      );
      return rowCount === 1;
    },

    /** Records a cancel request on an active job, so a worker that takes it over later sees it too. */
    async requestCancel(db: Queryable, id: string): Promise<boolean> {
      const { rowCount } = await db.query(
        `UPDATE ${table} SET data = data || '{"cancelRequested": true}'::jsonb
          WHERE name = $1 AND id = $2 AND state = 'active'`,
        [queue, id],
      );
      return rowCount === 1;
    },
  };
}

export type JobTableSql = ReturnType<typeof createJobTableSql>;

/**
 * Runs `work` in a transaction that tried to take the investigation's job lock (held until commit, then released):
 * `free` is true when it got it, i.e. no live worker holds the job.
 */
export async function withJobLockProbe<T>(
  pool: pg.Pool,
  investigationId: string,
  work: (client: pg.PoolClient, free: boolean) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const probe = await client.query<{ free: boolean }>(
      `SELECT pg_try_advisory_xact_lock(${JOB_LOCK_KEY_SQL}) AS free`,
      [investigationId],
    );
    const result = await work(client, probe.rows[0]?.free === true);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
