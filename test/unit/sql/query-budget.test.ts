import { describe, expect, it } from 'vitest';
import { streamingLimit } from '../../../src/sql/budget/limit.js';
import { checkQueryBudget, explainStatement, parseExplain, queryTooExpensive } from '../../../src/sql/index.js';

const table = (name: string, rows: number, filtered = 100, extra: Record<string, unknown> = {}) => ({
  table: { table_name: name, access_type: 'ALL', rows, filtered, ...extra },
});

describe('reading the planner estimate', () => {
  it('PostgreSQL: rows and total cost of the top plan node, from JSON or text', () => {
    const plan = [
      { Plan: { 'Node Type': 'Nested Loop', 'Total Cost': 1614933.62, 'Plan Rows': 129143945, Plans: [] } },
    ];
    expect(parseExplain('postgres', plan)).toEqual({ rows: 129143945, cost: 1614933.62 });
    expect(parseExplain('postgres', JSON.stringify(plan))).toEqual({ rows: 129143945, cost: 1614933.62 });
    expect(parseExplain('postgres', 'not json')).toBeUndefined();
    expect(parseExplain('postgres', [{ Plan: {} }])).toBeUndefined();
  });

  it('MariaDB: a nested loop examines r1 + r1*f1*r2 rows and produces r1*f1*r2*f2', () => {
    const plan = {
      query_block: { select_id: 1, nested_loop: [table('c', 5000), { 'block-nl-join': table('o', 25000, 10) }] },
    };
    expect(parseExplain('mariadb', JSON.stringify(plan))).toEqual({ rows: 12_500_000, cost: 5000 + 5000 * 25000 });
  });

  it('MariaDB: union parts add up; derived tables and subqueries are blocks of their own; correlated ones repeat', () => {
    const union = {
      query_block: {
        union_result: {
          query_specifications: [
            { query_block: { select_id: 1, nested_loop: [table('orders', 25000)] } },
            { query_block: { select_id: 2, nested_loop: [table('customers', 5000)] } },
          ],
        },
      },
    };
    expect(parseExplain('mariadb', union)).toEqual({ rows: 30000, cost: 30000 });
    const derived = {
      query_block: {
        select_id: 1,
        nested_loop: [
          table('<derived2>', 100, 100, {
            materialized: { query_block: { select_id: 2, nested_loop: [table('customers', 5000)] } },
          }),
        ],
        subqueries: [
          {
            expression_cache: {
              query_block: { select_id: 3, nested_loop: [table('o', 2, 100, { access_type: 'ref' })] },
            },
          },
        ],
      },
    };
    // own 100 + derived 5000 + correlated subquery 2 per outer row (100)
    expect(parseExplain('mariadb', derived)).toEqual({ rows: 100, cost: 100 + 5000 + 200 });
    expect(parseExplain('mariadb', { query_block: { select_id: 1, table: { message: 'No tables used' } } })).toEqual({
      rows: 1,
      cost: 0,
    });
    expect(parseExplain('mariadb', { query_block: { select_id: 1, table: { message: 'Impossible WHERE' } } })).toEqual({
      rows: 0,
      cost: 0,
    });
  });

  it('MariaDB: a streaming top-level LIMIT scales the estimate; sorting or grouping does not', () => {
    const cross = { query_block: { select_id: 1, nested_loop: [table('c', 5000), table('o', 25000)] } };
    const sql = 'SELECT * FROM orders o CROSS JOIN customers c';
    expect(parseExplain('mariadb', cross, `${sql} LIMIT 10`)).toEqual({ rows: 10, cost: 10 });
    expect(parseExplain('mariadb', cross, `${sql} LIMIT 5 OFFSET 5`)).toEqual({ rows: 10, cost: 10 });
    const sorted = {
      query_block: { select_id: 1, filesort: { sort_key: 'o.id', temporary_table: cross.query_block } },
    };
    expect(parseExplain('mariadb', sorted, `${sql} ORDER BY o.id LIMIT 10`)?.rows).toBe(125_000_000);
  });

  it('finds a streaming LIMIT only at the top level, outside strings and subqueries', () => {
    expect(streamingLimit('SELECT * FROM t LIMIT 5')).toEqual({ rows: 5 });
    expect(streamingLimit('SELECT * FROM t LIMIT 10, 5')).toEqual({ rows: 15 });
    expect(streamingLimit('SELECT * FROM (SELECT * FROM t LIMIT 5) x')).toBeUndefined();
    expect(streamingLimit('SELECT count(*) FROM t LIMIT 5')).toBeUndefined();
    expect(streamingLimit('SELECT a FROM t GROUP BY a LIMIT 5')).toBeUndefined();
    expect(streamingLimit('SELECT a FROM t ORDER BY a LIMIT 5')).toBeUndefined();
    expect(streamingLimit("SELECT 'x) group by (' AS a FROM t LIMIT 5")).toEqual({ rows: 5 });
    expect(streamingLimit('SELECT a FROM t WHERE b IN (SELECT max(b) FROM u) LIMIT 5')).toEqual({ rows: 5 });
  });

  it('EXPLAINs without ANALYZE, and not at all on SQLite', () => {
    expect(explainStatement('postgres', 'SELECT 1')).toBe('EXPLAIN (FORMAT JSON) SELECT 1');
    expect(explainStatement('mariadb', 'SELECT 1')).toBe('EXPLAIN FORMAT=JSON SELECT 1');
    expect(explainStatement('sqlite', 'SELECT 1')).toBeUndefined();
  });
});

describe('the budget', () => {
  it('says which estimate is over, with the numbers and how to narrow the query', () => {
    const budget = { maxRows: 10_000_000, maxCost: 1_000_000 };
    expect(checkQueryBudget({ rows: 100, cost: 500 }, budget)).toBeUndefined();
    const breach = checkQueryBudget({ rows: 129_143_945, cost: 1_614_933.62 }, budget)!;
    expect(breach.over).toEqual(['rows', 'cost']);
    const error = queryTooExpensive('warehouse', 'postgres', breach);
    expect(error.code).toBe('QUERY_TOO_EXPENSIVE');
    expect(error.fault).toBe('user');
    expect(error.message).toBe(
      'Query refused by the cost budget of "warehouse": the planner estimates 129,143,945 rows (budget 10,000,000) and planner cost 1,614,934 (budget 1,000,000). Narrow it: aggregate in SQL, filter with WHERE, join on keys instead of a cross join, or add a LIMIT.',
    );
    expect(error.details).toMatchObject({
      estimate: { rows: 129_143_945, cost: 1_614_933.62, costUnit: 'planner cost' },
      budget: { maxRows: 10_000_000, maxCost: 1_000_000 },
    });
    const onlyCost = queryTooExpensive(
      'shop',
      'mariadb',
      checkQueryBudget({ rows: 1, cost: 9e7 }, { maxRows: Infinity, maxCost: 5e7 })!,
    );
    expect(onlyCost.message).toContain('the planner estimates rows examined 90,000,000 (budget 50,000,000)');
  });
});
