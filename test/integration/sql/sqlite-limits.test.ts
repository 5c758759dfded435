/**
 * SQLite below the guard: sqlite3_interrupt is only seen between VM steps, so one function call is bounded by
 * SQLITE_LIMIT_LENGTH (16 MB) instead. Before, `randomblob(1000000000)` with a 3 s timeout ran 24 s and took 1.4 GB;
 * now each of these fails (or, for printf, gives NULL) at once, and the connection answers the next query.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource, type DataSource } from '../../../src/datasources/index.js';
import { SQLITE_MAX_VALUE_BYTES } from '../../../src/sql/dialects/sqlite.js';
import { connectionFor, silentLogger } from '../../helpers/databases.js';
import { ensurePolicyFixture } from '../../helpers/policy-fixture.js';

describe('SQLite limits that bite', () => {
  let source: DataSource;
  const limits = { timeoutMs: 3_000, maxRows: 10 };

  beforeAll(async () => {
    const url = await ensurePolicyFixture('sqlite', 'sleuth_test_sqlite_limits');
    source = createDataSource(connectionFor('sqlite', url, { timeoutMs: 3_000 }), { logger: silentLogger });
  });
  afterAll(async () => {
    await source?.close();
  });

  it.each([
    'SELECT length(randomblob(1000000000)) AS n',
    'SELECT length(zeroblob(1000000000)) AS n',
    "SELECT length(replace(printf('%.*c', 10000000, 'x'), 'x', 'xxxx')) AS n",
    "SELECT length(hex(printf('%.*c', 9000000, 'x'))) AS n",
    "WITH RECURSIVE r(s, n) AS (SELECT 'x', 0 UNION ALL SELECT s || s, n + 1 FROM r WHERE n < 40) SELECT max(length(s)) AS n FROM r",
  ])('fails at once with SQL_ERROR naming the limit: %s', async (sql) => {
    const started = performance.now();
    const error = await source.runReadOnly(sql, [], limits).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message?: string },
    );
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(error?.code).toBe('SQL_ERROR');
    expect(error?.message).toMatch(/16 MB limit for one string or blob/);
    const next = await source.runReadOnly('SELECT count(*) AS n FROM orders', [], limits);
    expect(next.rows).toEqual([[4]]);
  });

  it('gives NULL for printf past the limit, and still allows values up to it', async () => {
    const started = performance.now();
    const huge = await source.runReadOnly("SELECT printf('%.*c', 1000000000, 'x') AS s", [], limits);
    expect(huge.rows).toEqual([[null]]);
    expect(performance.now() - started).toBeLessThan(1_500);
    const fits = await source.runReadOnly(`SELECT length(zeroblob(${SQLITE_MAX_VALUE_BYTES})) AS n`, [], limits);
    expect(fits.rows).toEqual([[SQLITE_MAX_VALUE_BYTES]]);
  });

  it('still times out a long query made of many small steps, and stays usable', async () => {
    const started = performance.now();
    const error = await source
      .runReadOnly('WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n', [], {
        timeoutMs: 500,
        maxRows: 10,
      })
      .then(
        () => undefined,
        (e: unknown) => e as { code?: string },
      );
    expect(error?.code).toBe('SQL_TIMEOUT');
    expect(performance.now() - started).toBeLessThan(1_500);
    expect((await source.runReadOnly('SELECT 1 AS one', [], limits)).rows).toEqual([[1]]);
  });
});
