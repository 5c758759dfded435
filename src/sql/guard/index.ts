import { loadModule, parseSync } from 'libpg-query';
import type { SqlDialect } from '../dialect.js';
import type { GuardAllowed, GuardPolicy, GuardVerdict, SqlGuard } from '../types.js';
import { checkSql } from './check.js';
import { GuardPool, type GuardPoolOptions } from './pool.js';

export { DEFAULT_MAX_SQL_LENGTH } from './check.js';
export { deniedFunctionMatcher } from './deny-list.js';
export { functionAllowList, INTROSPECTION_FUNCTIONS } from './functions.js';
export { DEFAULT_GUARD_BUDGET_MS, GuardPool, type GuardPoolOptions } from './pool.js';

let parserReady: Promise<void> | undefined;

/** One worker pool per process, shared by every guard (created on first use). */
let sharedPool: GuardPool | undefined;

/**
 * Creates the SQL guard. Async only because PostgreSQL's parser is WebAssembly and loads once per process.
 *
 * `check` is synchronous and in-process. `verify` never blocks the event loop for long: the lexer, its size, depth
 * and chain limits and every token check run in-process (microseconds, linear); PostgreSQL's parser (the server's
 * own LALR grammar, linear time) runs in-process too; the MariaDB/SQLite grammar parse (node-sql-parser, a PEG that
 * can backtrack exponentially) runs in the worker pool with a per-statement time budget (SQL_TOO_COMPLEX past it).
 * The split was chosen by measurement: see docs/design.md "Guard speed and the worker pool" (numbers: docs/benchmarks.md).
 */
export async function createSqlGuard(
  defaultPolicy: GuardPolicy = {},
  options: { pool?: GuardPool | GuardPoolOptions } = {},
): Promise<SqlGuard> {
  parserReady ??= loadModule();
  await parserReady;
  const parsers = { parsePostgres: (sql: string) => parseSync(sql) as unknown };
  const mergeWith = (policy?: GuardPolicy): GuardPolicy => ({
    maxLength: policy?.maxLength ?? defaultPolicy.maxLength,
    extraDeniedFunctions: [...(defaultPolicy.extraDeniedFunctions ?? []), ...(policy?.extraDeniedFunctions ?? [])],
    allowFunctions: [...(defaultPolicy.allowFunctions ?? []), ...(policy?.allowFunctions ?? [])],
  });
  // the merged default policy, built once (the guard never changes a policy it is given)
  const base = mergeWith(undefined);
  const merged: GuardPolicy = Object.freeze({
    ...base,
    extraDeniedFunctions: Object.freeze(base.extraDeniedFunctions ?? []),
    allowFunctions: Object.freeze(base.allowFunctions ?? []),
  });
  const merge = (policy?: GuardPolicy): GuardPolicy => (policy === undefined ? merged : mergeWith(policy));
  let pool = options.pool instanceof GuardPool ? options.pool : undefined;
  const poolFor = (): GuardPool => {
    if (pool) return pool;
    if (options.pool) pool = new GuardPool(options.pool as GuardPoolOptions);
    else pool = sharedPool ??= new GuardPool();
    return pool;
  };
  return {
    check(sql: string, dialect: SqlDialect, policy?: GuardPolicy): GuardVerdict {
      return checkSql(sql, dialect, merge(policy), parsers);
    },
    verify(sql: string, dialect: SqlDialect, policy?: GuardPolicy): Promise<GuardVerdict> {
      const merged = merge(policy);
      const quick = checkSql(sql, dialect, merged, { ...parsers, deferGrammar: true });
      if (quick) return Promise.resolve(quick);
      return poolFor().run(sql, dialect, merged);
    },
    prepare(dialect: SqlDialect): void {
      // PostgreSQL's parser runs in-process; only MariaDB and SQLite statements go to the workers
      if (dialect !== 'postgres') poolFor().prepare(dialect);
    },
  };
}

/** The guard's verdict without blocking the event loop when the guard can (`verify`), else `check`. */
export function verifySql(
  guard: SqlGuard,
  sql: string,
  dialect: SqlDialect,
  policy?: GuardPolicy,
): Promise<GuardVerdict> {
  if (guard.verify) return guard.verify(sql, dialect, policy);
  return Promise.resolve(guard.check(sql, dialect, policy));
}

/**
 * Wraps an allowed SELECT/VALUES so the database itself stops after `maxRows` rows (one more than the cap is asked
 * for, so the caller can tell that rows were cut). Other kinds (EXPLAIN, SHOW...) are returned unchanged. The drivers
 * enforce the cap as well, so this is an optimisation for the server, not the safety mechanism.
 */
export function addRowLimit(verdict: GuardAllowed, maxRows: number): string {
  if (verdict.kind !== 'select' && verdict.kind !== 'values') return verdict.sql;
  const limit = Math.max(0, Math.floor(maxRows)) + 1;
  return `SELECT * FROM (\n${verdict.sql}\n) AS sleuth_capped LIMIT ${limit}`;
}
