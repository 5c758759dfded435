/**
 * SQLite adapter (node-sqlite3: runs queries off the event loop and can interrupt them). Defense in depth below the
 * guard:
 * - the file is opened with SQLITE_OPEN_READONLY, so no SQL can write, whatever PRAGMA it tries (query_only can be
 *   switched off by SQL; the open mode cannot); `PRAGMA query_only = 1` is set as well;
 * - a statement is prepared on its own (the driver compiles only the first statement of the text);
 * - the statement timeout and the row cap both use sqlite3_interrupt (called from the event loop while the query
 *   runs on a libuv worker), so no more rows are produced than needed;
 * - sqlite3_interrupt is only seen between VM steps, so one function call is bounded by SQLITE_LIMIT_LENGTH instead:
 *   no string or blob may exceed SQLITE_MAX_VALUE_BYTES (16 MB; SQLite's default is 1 GB), so `randomblob(1e9)`,
 *   `zeroblob`, `printf('%.*c', ...)`, `replace` or a recursive CTE doubling a string fail at once with
 *   SQLITE_TOOBIG instead of running for seconds and allocating gigabytes;
 * - a timed-out caller gets its SQL_TIMEOUT at the deadline, while the next query on the connection waits for the
 *   interrupted one to end;
 * - queries on one connection are serialised.
 *
 * Limitation: node-sqlite3 returns rows as objects, so two result columns with the same name collapse into one;
 * give such columns distinct aliases.
 */
import { existsSync } from 'node:fs';
import sqlite3 from 'sqlite3';
import { UpstreamError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { ConnectionConfig, DataSource } from '../../datasources/types.js';
import { parseConnectionUrl } from '../../datasources/url.js';
import type { QueryResult, ReadOnlyLimits, ResultColumn } from '../types.js';
import { connectionError, messageOf, sqlError, sqlTimeoutError } from './errors.js';

/** The largest string or blob any expression may produce (SQLITE_LIMIT_LENGTH). */
export const SQLITE_MAX_VALUE_BYTES = 16_000_000;

export function createSqliteSource(config: ConnectionConfig, deps: { logger: Logger }): DataSource {
  const path = parseConnectionUrl(config.url).path ?? '';
  const limits: ReadOnlyLimits = { timeoutMs: config.timeoutMs, maxRows: config.maxRows };
  let opening: Promise<sqlite3.Database> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  function open(): Promise<sqlite3.Database> {
    opening ??= new Promise<sqlite3.Database>((resolve, reject) => {
      if (!existsSync(path)) {
        reject(connectionError(config.name, new Error(`SQLite database file not found: ${path}`)));
        return;
      }
      const db = new sqlite3.Database(path, sqlite3.OPEN_READONLY, (error) => {
        if (error) {
          reject(connectionError(config.name, error));
          return;
        }
        db.configure('limit', sqlite3.LIMIT_LENGTH, SQLITE_MAX_VALUE_BYTES);
        db.exec('PRAGMA query_only = 1', (pragmaError) => {
          if (pragmaError) reject(connectionError(config.name, pragmaError));
          else resolve(db);
        });
      });
    });
    opening.catch(() => {
      opening = undefined;
    });
    return opening;
  }

  /** Runs one statement: `result` settles at the latest at the deadline, `finished` when SQLite is done with it. */
  function runOne(
    sql: string,
    params: readonly unknown[],
    run: ReadOnlyLimits,
  ): { result: Promise<QueryResult>; finished: Promise<void> } {
    let markFinished: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => {
      markFinished = resolve;
    });
    const result = open()
      .catch((error: unknown) => {
        markFinished();
        throw error;
      })
      .then((db) => execute(db, sql, params, run, markFinished));
    return { result, finished };
  }

  function execute(
    db: sqlite3.Database,
    sql: string,
    params: readonly unknown[],
    run: ReadOnlyLimits,
    markFinished: () => void,
  ): Promise<QueryResult> {
    const started = performance.now();
    return new Promise<QueryResult>((resolve, reject) => {
      const rows: unknown[][] = [];
      let columns: ResultColumn[] | undefined;
      let names: string[] = [];
      let stop: 'cap' | 'timeout' | undefined;
      let stepError: Error | null = null;
      const timer = setTimeout(
        () => {
          stop = 'timeout';
          db.interrupt();
          // the caller learns of the timeout now; the connection's queue waits for SQLite to stop
          reject(sqlTimeoutError(run.timeoutMs));
        },
        Math.max(1, run.timeoutMs),
      );
      const done = (error: Error | null) => {
        clearTimeout(timer);
        markFinished();
        if (stop === 'timeout') return reject(sqlTimeoutError(run.timeoutMs, error ?? undefined));
        if (error && /SQLITE_TOOBIG|too big/i.test(error.message)) return reject(tooBigError(error));
        if (error && stop !== 'cap') return reject(sqlError(messageOf(error), error));
        resolve({
          columns: columns ?? [],
          rows,
          rowCount: rows.length,
          truncated: stop === 'cap',
          elapsedMs: Math.round(performance.now() - started),
        });
      };
      const statement = db.prepare(sql, [...params], (error) => {
        if (error) {
          done(error);
          return;
        }
        statement.each(
          (rowError: Error | null, row: Record<string, unknown>) => {
            if (rowError) {
              stepError ??= rowError;
              return;
            }
            if (stop) return;
            if (!columns) {
              names = Object.keys(row);
              columns = names.map((name) => ({ name, type: 'unknown' }));
            }
            if (rows.length >= run.maxRows) {
              stop = 'cap';
              db.interrupt();
              return;
            }
            rows.push(names.map((n) => row[n]));
          },
          (error: Error | null) => {
            statement.finalize(() => done(error ?? stepError));
          },
        );
      });
    }).then(withValueTypes);
  }

  function runReadOnly(sql: string, params: readonly unknown[], run: ReadOnlyLimits): Promise<QueryResult> {
    const started = queue.then(() => runOne(sql, params, run));
    queue = started.then((r) => r.finished);
    return started.then((r) => r.result);
  }

  return {
    name: config.name,
    dialect: 'sqlite',
    limits,
    runReadOnly,
    // The file is opened read-only: this connection cannot write whatever the file permissions are.
    canWrite: async () => false,
    async ping() {
      await runReadOnly('SELECT 1', [], { timeoutMs: 5_000, maxRows: 1 });
    },
    async close() {
      const pending = opening;
      opening = undefined;
      if (!pending) return;
      const db = await pending.catch(() => undefined);
      if (!db) return;
      await queue;
      await new Promise<void>((resolve) => db.close(() => resolve()));
      deps.logger.debug({ connection: config.name }, 'sqlite connection closed');
    },
  };
}

function tooBigError(cause: Error): UpstreamError {
  return new UpstreamError(
    'SQL_ERROR',
    `The database returned an error: a value grew past the ${SQLITE_MAX_VALUE_BYTES / 1_000_000} MB limit for one string or blob on this connection (SQLITE_TOOBIG); produce smaller values.`,
    { cause, details: { limitBytes: SQLITE_MAX_VALUE_BYTES } },
  );
}

/** SQLite has no column types in results; report the storage class of the first non-null value. */
function withValueTypes(result: QueryResult): QueryResult {
  const columns = result.columns.map((column, index) => {
    const value = result.rows.find((row) => row[index] !== null && row[index] !== undefined)?.[index];
    let type = 'null';
    if (typeof value === 'number') type = Number.isInteger(value) ? 'integer' : 'real';
    else if (typeof value === 'string') type = 'text';
    else if (value instanceof Buffer) type = 'blob';
    else if (typeof value === 'bigint') type = 'integer';
    return { ...column, type };
  });
  return { ...result, columns };
}
