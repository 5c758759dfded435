/**
 * Every legitimate fixture passes the guard and runs on its dialect's real database over the demo schema
 * (loaded by test/global-setup.ts), through the real executor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource, type DataSource } from '../../../src/datasources/index.js';
import { createSqlExecutor, createSqlGuard, type SqlExecutor } from '../../../src/sql/index.js';
import { connectionFor, DIALECTS, silentLogger } from '../../helpers/databases.js';
import { demoUrl } from '../../helpers/demo.js';
import { legitCases } from '../../helpers/fixtures.js';

describe.each(DIALECTS)('legitimate fixtures on real %s', (dialect) => {
  let source: DataSource;
  let executor: SqlExecutor;

  beforeAll(async () => {
    executor = createSqlExecutor({ guard: await createSqlGuard(), logger: silentLogger });
    source = createDataSource(connectionFor(dialect, await demoUrl(dialect)), { logger: silentLogger });
  });

  afterAll(async () => {
    await source?.close();
  });

  it.each(legitCases().filter((c) => c.dialect === dialect))('runs $label', async ({ sql }) => {
    const result = await executor.execute(source, sql);
    expect(result.verdict.allowed).toBe(true);
    expect(result.columns.length).toBeGreaterThan(0);
    expect(result.truncated).toBe(false);
  });
});
