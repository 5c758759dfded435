import { loadModule, parseSync } from 'libpg-query';
import type { SqlDialect } from '../dialect.js';
import type { GuardAllowed, GuardPolicy, GuardVerdict, SqlGuard } from '../types.js';
import { checkSql } from './check.js';

export { DEFAULT_MAX_SQL_LENGTH } from './check.js';
export { deniedFunctionMatcher } from './deny-list.js';
export { functionAllowList, INTROSPECTION_FUNCTIONS } from './functions.js';

let parserReady: Promise<void> | undefined;

/**
 * Creates the SQL guard. Async only because PostgreSQL's parser is WebAssembly and loads once per process; after
 * that every check is synchronous and pure.
 */
export async function createSqlGuard(defaultPolicy: GuardPolicy = {}): Promise<SqlGuard> {
  parserReady ??= loadModule();
  await parserReady;
  const parsers = { parsePostgres: (sql: string) => parseSync(sql) as unknown };
  return {
    check(sql: string, dialect: SqlDialect, policy?: GuardPolicy): GuardVerdict {
      const merged: GuardPolicy = {
        maxLength: policy?.maxLength ?? defaultPolicy.maxLength,
        extraDeniedFunctions: [...(defaultPolicy.extraDeniedFunctions ?? []), ...(policy?.extraDeniedFunctions ?? [])],
        allowFunctions: [...(defaultPolicy.allowFunctions ?? []), ...(policy?.allowFunctions ?? [])],
      };
      return checkSql(sql, dialect, merged, parsers);
    },
  };
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
