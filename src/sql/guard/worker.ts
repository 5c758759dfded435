/**
 * A guard worker thread: runs the whole guard pipeline for one statement at a time, so a grammar that backtracks
 * exponentially (node-sql-parser on nested CASE/parentheses) blocks this thread, never the server's event loop. The
 * pool (pool.ts) terminates a worker that exceeds its time budget and starts a fresh one.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { SqlDialect } from '../dialect.js';
import type { GuardPolicy, GuardVerdict } from '../types.js';
import { checkSql } from './check.js';

export interface GuardJob {
  id: number;
  sql: string;
  dialect: SqlDialect;
  policy: GuardPolicy;
}

/** What the pool sends: a statement, or a dialect to warm up before statements of it come. */
export type GuardWorkerRequest = GuardJob | { warm: SqlDialect };

/** Given at start: the dialects to warm up before the first `ready`. */
export interface GuardWorkerData {
  warm: SqlDialect[];
  /** Where replies go: the pool's own port, so it can read a waiting verdict synchronously. */
  replies: MessagePort;
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

/**
 * First parses are slow (the grammars' code is cold): done before the worker says it is ready, off the budget. Only
 * for the dialects asked for (each grammar is megabytes of code to load and warm); PostgreSQL's parser needs none.
 */
function warmUp(dialects: readonly SqlDialect[]): void {
  const generic = dialects.filter((d): d is 'mariadb' | 'sqlite' => d === 'mariadb' || d === 'sqlite');
  if (generic.length === 0) return;
  const samples = [
    "SELECT a.id, COUNT(*) AS n FROM t a JOIN u b ON a.id = b.id WHERE a.x IN (1, 2) AND b.y LIKE 'z%' GROUP BY a.id ORDER BY n DESC LIMIT 5",
    'WITH c AS (SELECT id, SUM(v) OVER (PARTITION BY k ORDER BY id) AS s FROM t) SELECT * FROM c WHERE s > (SELECT AVG(v) FROM t)',
    "SELECT CASE WHEN x = 1 THEN 'a' WHEN x = 2 THEN 'b' ELSE NULL END AS c, COALESCE(y, 0) + 1 FROM t UNION ALL SELECT 'd', 2",
  ];
  for (let round = 0; round < 5; round++) {
    for (const sql of samples) {
      for (const dialect of generic) checkSql(sql, dialect, {}, { parsePostgres: () => undefined });
    }
  }
}

const requests = parentPort;
const port = (workerData as GuardWorkerData | undefined)?.replies;
if (requests && port) {
  const warm = (workerData as GuardWorkerData | undefined)?.warm ?? [];
  warmUp(warm);
  if (warm.includes('postgres')) await postgresParser();
  requests.on('message', async (request: GuardWorkerRequest) => {
    if ('warm' in request) {
      if (request.warm === 'postgres') await postgresParser();
      else warmUp([request.warm]);
      port.postMessage({ ready: true } satisfies GuardWorkerMessage);
      return;
    }
    const job = request;
    let verdict: GuardVerdict;
    try {
      const parsePostgres = job.dialect === 'postgres' ? await postgresParser() : () => undefined;
      port.postMessage({ started: job.id } satisfies GuardWorkerMessage);
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
    port.postMessage({ id: job.id, verdict } satisfies GuardWorkerMessage);
  });
  port.postMessage({ ready: true } satisfies GuardWorkerMessage);
}
