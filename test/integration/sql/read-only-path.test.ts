/**
 * Defense in depth: with the guard bypassed through the test-only seam, each real database must still refuse
 * writes inside Sleuth's read-only path, time statements out, and cap rows; the connection stays usable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSleuthError } from '../../../src/common/errors.js';
import { createDataSource, type DataSource } from '../../../src/datasources/index.js';
import { createSqlExecutor, type SqlDialect } from '../../../src/sql/index.js';
import { adminExec, connectionFor, DIALECTS, ensureDatabase, silentLogger } from '../../helpers/databases.js';
import { allowEverythingGuard } from '../../helpers/seams.js';

const CANARY_SETUP = [
  'DROP TABLE IF EXISTS sleuth_canary',
  'CREATE TABLE sleuth_canary (id INTEGER PRIMARY KEY, note VARCHAR(100))',
  "INSERT INTO sleuth_canary (id, note) VALUES (1, 'one'), (2, 'two'), (3, 'three')",
];

const WRITES: Record<SqlDialect, string[]> = {
  postgres: [
    "INSERT INTO sleuth_canary (id, note) VALUES (4, 'pwned')",
    "UPDATE sleuth_canary SET note = 'pwned'",
    'DELETE FROM sleuth_canary',
    'DROP TABLE sleuth_canary',
    'CREATE TABLE sleuth_evil (id int)',
    'WITH d AS (DELETE FROM sleuth_canary RETURNING *) SELECT count(*) FROM d',
    'SELECT * INTO sleuth_evil FROM sleuth_canary',
  ],
  mariadb: [
    "INSERT INTO sleuth_canary (id, note) VALUES (4, 'pwned')",
    "UPDATE sleuth_canary SET note = 'pwned'",
    'DELETE FROM sleuth_canary',
    'DROP TABLE sleuth_canary',
    'CREATE TABLE sleuth_evil (id int)',
    'TRUNCATE TABLE sleuth_canary',
    'SELECT 1; DELETE FROM sleuth_canary',
  ],
  sqlite: [
    "INSERT INTO sleuth_canary (id, note) VALUES (4, 'pwned')",
    "UPDATE sleuth_canary SET note = 'pwned'",
    'DELETE FROM sleuth_canary',
    'DROP TABLE sleuth_canary',
    'CREATE TABLE sleuth_evil (id int)',
  ],
};

const SLOW: Record<SqlDialect, string> = {
  postgres: 'SELECT pg_sleep(5)',
  mariadb: 'SELECT SLEEP(5)',
  // SQLite has no sleep: a long recursive count stands in for it.
  sqlite: 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT COUNT(*) FROM n',
};

const MANY_ROWS: Record<SqlDialect, string> = {
  postgres: 'SELECT g AS n FROM generate_series(1, 50000) AS g',
  mariadb: 'SELECT seq AS n FROM seq_1_to_50000',
  sqlite: 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000) SELECT i AS n FROM n',
};

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isSleuthError(error)) return error.code;
    throw error;
  }
  return 'NO_ERROR';
}

describe.each(DIALECTS)('read-only path on real %s', (dialect) => {
  let url: string;
  let source: DataSource;
  const unguarded = createSqlExecutor({ guard: allowEverythingGuard, logger: silentLogger });

  const canary = () => adminExec(dialect, url, ['SELECT id, note FROM sleuth_canary ORDER BY id']);

  beforeAll(async () => {
    url = await ensureDatabase(dialect, 'sleuth_test_readonly');
    await adminExec(dialect, url, CANARY_SETUP);
    source = createDataSource(connectionFor(dialect, url, { timeoutMs: 1_000, maxRows: 1_000 }), {
      logger: silentLogger,
    });
  });

  afterAll(async () => {
    await source?.close();
  });

  it.each(WRITES[dialect])('refuses a write that slipped past the guard: %s', async (sql) => {
    const before = await canary();
    const code = await codeOf(unguarded.execute(source, sql));
    expect(code).toBe('SQL_ERROR');
    expect(await canary()).toEqual(before);
    expect(before).toHaveLength(3);
  });

  it('undoes session changes that slipped past the guard before the next statement', async () => {
    const before = await canary();
    if (dialect === 'postgres') {
      // set_config(..., false) is session-wide, but the read-only transaction is rolled back, which reverts it.
      await unguarded.execute(source, "SELECT set_config('default_transaction_read_only', 'off', false)");
      await unguarded.execute(source, "SELECT set_config('statement_timeout', '0', false)");
      expect(await codeOf(unguarded.execute(source, SLOW[dialect], { limits: { timeoutMs: 300 } }))).toBe(
        'SQL_TIMEOUT',
      );
    } else if (dialect === 'mariadb') {
      // These succeed on the session, but every statement re-enters a fresh read-only transaction with its timeout.
      expect(await codeOf(unguarded.execute(source, 'SET SESSION TRANSACTION READ WRITE'))).toBe('NO_ERROR');
      expect(await codeOf(unguarded.execute(source, 'COMMIT'))).toBe('NO_ERROR');
      expect(await codeOf(unguarded.execute(source, 'SET SESSION max_statement_time = 0'))).toBe('NO_ERROR');
      expect(await codeOf(unguarded.execute(source, SLOW[dialect], { limits: { timeoutMs: 300 } }))).toBe(
        'SQL_TIMEOUT',
      );
    } else {
      // query_only can be switched off by SQL; the connection was opened read-only, which SQL cannot change.
      expect(await codeOf(unguarded.execute(source, 'PRAGMA query_only = 0'))).toBe('NO_ERROR');
    }
    expect(await codeOf(unguarded.execute(source, "INSERT INTO sleuth_canary (id, note) VALUES (9, 'x')"))).toBe(
      'SQL_ERROR',
    );
    expect(await canary()).toEqual(before);
  });

  it('times out a slow statement with SQL_TIMEOUT and the connection stays usable', async () => {
    const started = Date.now();
    expect(await codeOf(unguarded.execute(source, SLOW[dialect], { limits: { timeoutMs: 300 } }))).toBe('SQL_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(4_000);
    const after = await unguarded.execute(source, 'SELECT 41 + 1 AS answer');
    expect(after.rows).toEqual([[42]]);
  });

  it('cuts results at the row cap and flags them, then keeps working', async () => {
    const capped = await unguarded.execute(source, MANY_ROWS[dialect], { limits: { maxRows: 100 } });
    expect(capped.rowCount).toBe(100);
    expect(capped.rows).toHaveLength(100);
    expect(capped.truncated).toBe(true);
    expect(capped.rows[0]).toEqual([1]);
    const uncapped = await unguarded.execute(source, MANY_ROWS[dialect].replace('50000', '10'));
    expect(uncapped.truncated).toBe(false);
    expect(uncapped.rowCount).toBe(10);
  });

  it('returns typed columns, elapsed time, and the database message on errors', async () => {
    const result = await unguarded.execute(source, "SELECT 1 AS one, 'x' AS label, 2.5 AS ratio");
    expect(result.columns.map((c) => c.name)).toEqual(['one', 'label', 'ratio']);
    expect(result.columns.every((c) => c.type.length > 0 && c.type !== 'unknown')).toBe(true);
    expect(result.rows).toEqual([[1, 'x', 2.5]]);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(0);
    await expect(unguarded.execute(source, 'SELECT nope FROM sleuth_no_such_table')).rejects.toMatchObject({
      code: 'SQL_ERROR',
      message: expect.stringMatching(/sleuth_no_such_table/),
    });
  });

  it('reports whether the account can write', async () => {
    // The test servers run as superuser/root (writable) except SQLite, which Sleuth opens read-only.
    expect(await source.canWrite()).toBe(dialect !== 'sqlite');
  });
});
