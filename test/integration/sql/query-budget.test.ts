/**
 * The query cost budget on the real demo databases: the EXPLAIN estimate refuses a cross join (with the numbers)
 * before it runs, lets narrow queries through, passes through the guard itself, and never applies to Sleuth's own
 * introspection. SQLite has no estimates and is never EXPLAINed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSleuthError, type SleuthError } from '../../../src/common/errors.js';
import type { DataSource } from '../../../src/datasources/index.js';
import {
  createSqlExecutor,
  createSqlGuard,
  DEFAULT_QUERY_BUDGETS,
  type QueryBudget,
  type SqlExecutor,
  type SqlGuard,
} from '../../../src/sql/index.js';
import { createSchemaInspector } from '../../../src/sql/introspect/index.js';
import { silentLogger } from '../../helpers/databases.js';
import { openDemoSource } from '../../helpers/engine.js';

async function refusal(promise: Promise<unknown>): Promise<SleuthError> {
  try {
    await promise;
  } catch (error) {
    if (isSleuthError(error)) return error;
    throw error;
  }
  throw new Error('expected the statement to be refused');
}

describe.each(['postgres', 'mariadb'] as const)('query cost budget on real %s', (dialect) => {
  let source: DataSource;
  let guard: SqlGuard;
  let checked: string[];
  let budget: QueryBudget;
  let executor: SqlExecutor;

  beforeAll(async () => {
    source = await openDemoSource(dialect);
    const real = await createSqlGuard();
    // records what the guard is asked about (injected, like every seam in the executor)
    guard = {
      check(sql, d, policy) {
        checked.push(sql);
        return real.check(sql, d, policy);
      },
    };
    executor = createSqlExecutor({ guard, logger: silentLogger, queryBudget: () => budget });
  });
  afterAll(async () => {
    await source?.close();
  });

  it('refuses a cross join over the demo tables with the estimate, before running it', async () => {
    budget = DEFAULT_QUERY_BUDGETS[dialect];
    checked = [];
    // would fail at run time (division by zero on the first row): refused by the budget means it never ran
    const error = await refusal(
      executor.execute(source, 'SELECT o.id / (o.id - o.id) AS boom, c.id FROM orders o CROSS JOIN customers c'),
    );
    expect(error.code).toBe('QUERY_TOO_EXPENSIVE');
    expect(error.message).toMatch(/^Query refused by the cost budget of "test-\w+": the planner estimates [\d,]+ rows/);
    const estimate = error.details.estimate as { rows: number; cost: number };
    // 25k orders x 5k customers
    expect(estimate.rows).toBeGreaterThan(100_000_000);
    expect(estimate.cost).toBeGreaterThan(budget.maxCost);
    expect(error.details.over).toEqual(['rows', 'cost']);
    // the EXPLAIN itself went through the guard, after the statement
    expect(checked).toHaveLength(2);
    expect(checked[1]).toMatch(/^EXPLAIN (\(FORMAT JSON\)|FORMAT=JSON) SELECT o\.id/);
    expect(checked.some((sql) => /ANALYZE/i.test(sql))).toBe(false);
  });

  it('lets a narrow query run, with the estimate it passed', async () => {
    budget = DEFAULT_QUERY_BUDGETS[dialect];
    const result = await executor.execute(
      source,
      "SELECT acquisition_channel, COUNT(*) AS n FROM customers WHERE signup_date >= '2026-10-01' GROUP BY acquisition_channel",
    );
    expect(result.rowCount).toBeGreaterThan(2);
    expect(result.estimate).toBeDefined();
    expect(result.estimate!.cost).toBeLessThan(budget.maxCost);
    // a LIMIT that stops a streaming cross join early is narrow enough too
    const sample = await executor.execute(source, 'SELECT o.id, c.id FROM orders o CROSS JOIN customers c LIMIT 10');
    expect(sample.rowCount).toBe(10);
  });

  it('refuses on rows alone or cost alone, as configured', async () => {
    budget = { maxRows: 1000, maxCost: Number.POSITIVE_INFINITY };
    const rows = await refusal(executor.execute(source, 'SELECT id FROM orders'));
    expect(rows.details.over).toEqual(['rows']);
    expect(rows.message).toContain('(budget 1,000)');
    budget = { maxRows: Number.POSITIVE_INFINITY, maxCost: 10 };
    const cost = await refusal(executor.execute(source, 'SELECT COUNT(*) FROM orders'));
    expect(cost.details.over).toEqual(['cost']);
  });

  it("exempts Sleuth's own introspection, and statements that are not SELECTs", async () => {
    budget = { maxRows: 1, maxCost: 1 };
    const inspector = createSchemaInspector({ executor, source });
    const tables = await inspector.listTables();
    expect(tables.map((t) => t.name)).toContain('orders');
    expect((await inspector.describeTable('orders')).columns.length).toBeGreaterThan(3);
    expect((await inspector.sampleRows('orders', 3)).rowCount).toBe(3);
    expect((await inspector.profileColumn('orders', 'status')).rowCount).toBeGreaterThan(1000);
    const plan = await executor.execute(source, 'EXPLAIN SELECT * FROM orders o CROSS JOIN customers c');
    expect(plan.rowCount).toBeGreaterThan(0);
    expect(plan.estimate).toBeUndefined();
  });

  it('surfaces a planning error as the statement would have', async () => {
    budget = DEFAULT_QUERY_BUDGETS[dialect];
    const error = await refusal(executor.execute(source, 'SELECT no_such_column FROM orders'));
    expect(error.code).toBe('SQL_ERROR');
    expect(error.message).toMatch(/no_such_column/);
  });
});

describe('query cost budget on SQLite', () => {
  it('has no estimate to check, so statements run unexplained', async () => {
    const source = await openDemoSource('sqlite');
    const checked: string[] = [];
    const real = await createSqlGuard();
    const executor = createSqlExecutor({
      guard: {
        check(sql, d, p) {
          checked.push(sql);
          return real.check(sql, d, p);
        },
      },
      logger: silentLogger,
      queryBudget: () => ({ maxRows: 1, maxCost: 1 }),
    });
    try {
      const result = await executor.execute(source, 'SELECT COUNT(*) FROM orders');
      expect(result.rows[0]![0]).toBeGreaterThan(1000);
      expect(result.estimate).toBeUndefined();
      expect(checked).toEqual(['SELECT COUNT(*) FROM orders']);
    } finally {
      await source.close();
    }
  });
});
