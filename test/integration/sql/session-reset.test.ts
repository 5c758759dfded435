/**
 * MariaDB pooled connections start every use clean (COM_RESET_CONNECTION): a user variable or a session setting left
 * by one request is gone in the next on the same pooled connection, and the safe sql_mode is pinned again. Run below
 * the guard (the guard refuses `@x :=` and SET, so only a statement that slipped past it could leave state).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource, type DataSource } from '../../../src/datasources/index.js';
import { connectionFor, ensureDatabase, silentLogger } from '../../helpers/databases.js';

describe('session state on pooled MariaDB connections', () => {
  let source: DataSource;
  const limits = { timeoutMs: 5_000, maxRows: 10 };

  beforeAll(async () => {
    const url = await ensureDatabase('mariadb', 'sleuth_test_session_reset');
    source = createDataSource(connectionFor('mariadb', url), { logger: silentLogger });
  });
  afterAll(async () => {
    await source?.close();
  });

  it('forgets a user variable set by the previous request on the same connection', async () => {
    const first = await source.runReadOnly('SELECT CONNECTION_ID() AS id, @leak := 42 AS v', [], limits);
    expect(first.rows[0]?.[1]).toBe(42);
    const second = await source.runReadOnly('SELECT CONNECTION_ID() AS id, @leak AS v', [], limits);
    // the same pooled connection (sequential requests reuse it), without the variable
    expect(second.rows[0]?.[0]).toBe(first.rows[0]?.[0]);
    expect(second.rows[0]?.[1]).toBeNull();
  });

  it('drops session settings and pins the safe sql_mode again', async () => {
    const first = await source.runReadOnly(
      "SELECT CONNECTION_ID() AS id, @@SESSION.sql_mode AS mode, (@ignored := 'x') AS a",
      [],
      limits,
    );
    await source.runReadOnly("SET SESSION sql_mode = 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES'", [], limits);
    const after = await source.runReadOnly(
      'SELECT CONNECTION_ID() AS id, @@SESSION.sql_mode AS mode, @@SESSION.max_statement_time AS t',
      [],
      limits,
    );
    expect(after.rows[0]?.[0]).toBe(first.rows[0]?.[0]);
    expect(String(after.rows[0]?.[1])).not.toMatch(/ANSI_QUOTES|NO_BACKSLASH_ESCAPES/);
    expect(after.rows[0]?.[1]).toBe(first.rows[0]?.[1]);
    expect(Number(after.rows[0]?.[2])).toBe(5);
  });
});
