/**
 * Every attack fixture, sent through the real executor to each real database: rejected by the guard with
 * SQL_REJECTED, and nothing in the database changed (canary rows and the table list are identical).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource, type DataSource } from '../../../src/datasources/index.js';
import { createSqlExecutor, createSqlGuard, type SqlDialect, type SqlExecutor } from '../../../src/sql/index.js';
import { adminExec, connectionFor, DIALECTS, ensureDatabase, silentLogger } from '../../helpers/databases.js';
import { attackCases } from '../../helpers/fixtures.js';

const TABLES_SQL: Record<SqlDialect, string> = {
  postgres: "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
  mariadb: 'SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1',
  sqlite: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1",
};

describe.each(DIALECTS)('attack fixtures against real %s', (dialect) => {
  let url: string;
  let source: DataSource;
  let executor: SqlExecutor;
  const snapshot = async () => ({
    canary: await adminExec(dialect, url, ['SELECT id, note FROM sleuth_canary ORDER BY id']),
    tables: await adminExec(dialect, url, [TABLES_SQL[dialect]]),
  });
  let before: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    url = await ensureDatabase(dialect, 'sleuth_test_guard');
    await adminExec(dialect, url, [
      'DROP TABLE IF EXISTS sleuth_canary',
      'CREATE TABLE sleuth_canary (id INTEGER PRIMARY KEY, note VARCHAR(100))',
      "INSERT INTO sleuth_canary (id, note) VALUES (1, 'one'), (2, 'two')",
    ]);
    executor = createSqlExecutor({ guard: await createSqlGuard(), logger: silentLogger });
    source = createDataSource(connectionFor(dialect, url, { timeoutMs: 2_000 }), { logger: silentLogger });
    before = await snapshot();
  });

  afterAll(async () => {
    await source?.close();
  });

  const cases = attackCases().filter((c) => c.dialect === dialect);

  it.each(cases)('$label is refused with SQL_REJECTED ($code)', async ({ sql, code }) => {
    await expect(executor.execute(source, sql)).rejects.toMatchObject({
      code: 'SQL_REJECTED',
      details: { guardCode: code },
    });
  });

  it('left the database unchanged after all attacks', async () => {
    expect(cases.length).toBeGreaterThan(20);
    expect(await snapshot()).toEqual(before);
    // And the connection still answers.
    const result = await executor.execute(source, 'SELECT COUNT(*) AS n FROM sleuth_canary');
    expect(result.rows).toEqual([[2]]);
  });
});
