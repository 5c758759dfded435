/**
 * A guard worker thread: runs the whole guard pipeline for one statement at a time, so a grammar that backtracks
 * exponentially (node-sql-parser on nested CASE/parentheses) blocks this thread, never the server's event loop. The
 * pool (pool.ts) terminates a worker that exceeds its time budget and starts a fresh one.
 */
import { type MessagePort, parentPort } from 'node:worker_threads';
import type { SqlDialect } from '../dialect.js';
import type { GuardPolicy, GuardVerdict } from '../types.js';
import { checkSql } from './check.js';

export interface GuardJob {
  id: number;
  sql: string;
  dialect: SqlDialect;
  policy: GuardPolicy;
}

export type GuardWorkerMessage = { ready: true } | { started: number } | { id: number; verdict: GuardVerdict };

let postgresReady: Promise<(sql: string) => unknown> | undefined;
function postgresParser(): Promise<(sql: string) => unknown> {
  postgresReady ??= import('libpg-query').then(async (m) => {
    await m.loadModule();
    return (sql: string) => m.parseSync(sql) as unknown;
  });
  return postgresReady;
}

/** First parses are slow (the grammars' code is cold): done before the worker says it is ready, off the budget. */
function warmUp(): void {
  const samples = [
    "SELECT a.id, COUNT(*) AS n FROM t a JOIN u b ON a.id = b.id WHERE a.x IN (1, 2) AND b.y LIKE 'z%' GROUP BY a.id ORDER BY n DESC LIMIT 5",
    'WITH c AS (SELECT id, SUM(v) OVER (PARTITION BY k ORDER BY id) AS s FROM t) SELECT * FROM c WHERE s > (SELECT AVG(v) FROM t)',
    "SELECT CASE WHEN x = 1 THEN 'a' WHEN x = 2 THEN 'b' ELSE NULL END AS c, COALESCE(y, 0) + 1 FROM t UNION ALL SELECT 'd', 2",
  ];
  for (let round = 0; round < 5; round++) {
    for (const sql of samples) {
      for (const dialect of ['mariadb', 'sqlite'] as const)
        checkSql(sql, dialect, {}, { parsePostgres: () => undefined });
    }
  }
}

/** Serves jobs: the pool sends its reply port first, then one job at a time. */
function serve(replies: MessagePort): void {
  warmUp();
  parentPort?.on('message', async (job: GuardJob | { port: MessagePort }) => {
    if ('port' in job) return;
    let verdict: GuardVerdict;
    try {
      const parsePostgres = job.dialect === 'postgres' ? await postgresParser() : () => undefined;
      replies.postMessage({ started: job.id } satisfies GuardWorkerMessage);
      verdict = checkSql(job.sql, job.dialect, job.policy, { parsePostgres });
    } catch (error) {
      const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
      verdict = {
        allowed: false,
        dialect: job.dialect,
        code: 'PARSE_ERROR',
        reason: `The guard could not analyse the statement, so it is refused: ${detail}`,
      };
    }
    replies.postMessage({ id: job.id, verdict } satisfies GuardWorkerMessage);
  });
  replies.postMessage({ ready: true } satisfies GuardWorkerMessage);
}

parentPort?.once('message', (first: { port?: MessagePort }) => {
  if (first.port) serve(first.port);
});
