/**
 * What the guard extracts for the access policy: every way a statement reads a column yields a ColumnRef that may
 * name it (stars, scopes, aliases reused across scopes, subqueries, CTEs, USING, whole-row references, ORDER BY
 * positions),
 * plain outputs of the outermost SELECT are told apart from every other use, and a CTE cannot hide a real table.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ColumnRef,
  createSqlGuard,
  type GuardAllowed,
  type SqlDialect,
  type SqlGuard,
} from '../../../src/sql/index.js';

let guard: SqlGuard;
beforeAll(async () => {
  guard = await createSqlGuard();
});

const ALL: readonly SqlDialect[] = ['postgres', 'mariadb', 'sqlite'];

function check(sql: string, dialect: SqlDialect): GuardAllowed {
  const verdict = guard.check(sql, dialect);
  if (!verdict.allowed) throw new Error(`${dialect} refused ${sql}: ${verdict.reason}`);
  return verdict;
}

function has(columns: readonly ColumnRef[], wanted: ColumnRef): boolean {
  return columns.some(
    (c) =>
      c.column === wanted.column &&
      c.table === wanted.table &&
      (wanted.usage === undefined || c.usage === wanted.usage) &&
      (wanted.as === undefined || c.as === wanted.as),
  );
}

describe.each(ALL)('column extraction [%s]', (dialect) => {
  it('marks bare columns and stars of the outermost SELECT as outputs, with their result names', () => {
    const v = check('SELECT c.email AS contact, name, * FROM customers c', dialect);
    expect(has(v.columns, { table: 'customers', column: 'email', usage: 'output', as: 'contact' })).toBe(true);
    expect(has(v.columns, { table: 'customers', column: 'name', usage: 'output', as: 'name' })).toBe(true);
    expect(has(v.columns, { table: 'customers', column: '*', usage: 'output' })).toBe(true);
  });

  it('reads (never outputs) what is filtered, joined, grouped, computed on or selected in a subquery or CTE', () => {
    const v = check(
      `WITH x AS (SELECT email FROM customers)
       SELECT upper(c.phone), (SELECT max(l.email) FROM leads l) FROM orders o JOIN customers c ON c.id = o.customer_id
       WHERE c.country = 'DE' GROUP BY c.phone`,
      dialect,
    );
    expect(v.columns.filter((c) => c.usage === 'output')).toEqual([]);
    for (const wanted of [
      { table: 'customers', column: 'email' },
      { table: 'customers', column: 'phone' },
      { table: 'leads', column: 'email' },
      { table: 'customers', column: 'country' },
      { table: 'customers', column: 'id' },
    ]) {
      expect(has(v.columns, { ...wanted, usage: 'read' }), JSON.stringify(wanted)).toBe(true);
    }
    expect(v.tables.map((t) => t.name).sort()).toEqual(['customers', 'leads', 'orders']);
  });

  it('resolves an alias reused in two scopes to both tables', () => {
    const v = check('SELECT (SELECT c.email FROM customers c LIMIT 1) AS e FROM orders c', dialect);
    expect(has(v.columns, { table: 'customers', column: 'email', usage: 'read' })).toBe(true);
    expect(has(v.columns, { table: 'orders', column: 'email', usage: 'read' })).toBe(true);
  });

  it('attributes a column of a subquery or CTE to what the subquery reads, not to the outer query', () => {
    const v = check('SELECT t.e FROM (SELECT email AS e FROM customers) t', dialect);
    expect(v.columns.filter((c) => c.column === 'e')).toEqual([]);
    expect(v.columns).toEqual([{ table: 'customers', column: 'email', usage: 'read' }]);
  });

  it('resolves unqualified columns in their own scope and the enclosing ones, stars in their own scope only', () => {
    const v = check(
      'SELECT * FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE country = total)',
      dialect,
    );
    expect(v.columns.filter((c) => c.column === '*')).toEqual([{ table: 'orders', column: '*', usage: 'output' }]);
    // inside the subquery both its own table and the outer one are visible (correlation)
    expect(has(v.columns, { table: 'customers', column: 'total', usage: 'read' })).toBe(true);
    expect(has(v.columns, { table: 'orders', column: 'total', usage: 'read' })).toBe(true);
    // the outer query does not see the subquery's table
    expect(has(v.columns, { table: 'customers', column: 'customer_id' })).toBe(false);
  });

  it('leaves a qualifier nobody registered unattributed (any table of the statement)', () => {
    const v = check('SELECT x.email FROM customers c', dialect);
    expect(v.columns).toEqual([{ column: 'email', usage: 'output', as: 'email' }]);
  });

  it('reports a star inside a subquery as a read star', () => {
    const v = check('SELECT name FROM (SELECT * FROM customers) t', dialect);
    expect(has(v.columns, { table: 'customers', column: '*', usage: 'read' })).toBe(true);
  });

  it('reads the columns of USING', () => {
    const v = check('SELECT a.id FROM customers a JOIN leads b USING (email)', dialect);
    expect(has(v.columns, { table: 'customers', column: 'email', usage: 'read' })).toBe(true);
    expect(has(v.columns, { table: 'leads', column: 'email', usage: 'read' })).toBe(true);
  });

  it('resolves ORDER BY positions and output aliases to the column sorted by, as a read', () => {
    const v = check('SELECT email AS e, name FROM customers ORDER BY 1, name', dialect);
    expect(has(v.columns, { table: 'customers', column: 'email', usage: 'read' })).toBe(true);
    const aliased = check('SELECT email AS e FROM customers ORDER BY e', dialect);
    expect(has(aliased.columns, { table: 'customers', column: 'email', usage: 'read' })).toBe(true);
    // a position after a star cannot be placed without the catalog: every target is read
    const starred = check('SELECT *, name FROM customers ORDER BY 2', dialect);
    expect(has(starred.columns, { table: 'customers', column: '*', usage: 'read' })).toBe(true);
  });

  it('has no outputs for a set operation: UNION compares and merges the values', () => {
    const v = check('SELECT email FROM customers UNION SELECT email FROM leads', dialect);
    expect(v.columns.filter((c) => c.usage === 'output')).toEqual([]);
    expect(has(v.columns, { table: 'customers', column: 'email', usage: 'read' })).toBe(true);
    expect(has(v.columns, { table: 'leads', column: 'email', usage: 'read' })).toBe(true);
  });

  it('has no outputs for EXPLAIN', () => {
    const v = check('EXPLAIN SELECT email FROM customers', dialect);
    expect(v.columns.filter((c) => c.usage === 'output')).toEqual([]);
    expect(v.tables.map((t) => t.name)).toEqual(['customers']);
  });

  it('does not let a CTE defined in a subquery hide the real table of the same name', () => {
    const v = check('SELECT (WITH salaries AS (SELECT 1 AS x) SELECT x FROM salaries), s.* FROM salaries s', dialect);
    expect(v.tables.map((t) => t.name)).toEqual(['salaries']);
    expect(has(v.columns, { table: 'salaries', column: '*', usage: 'output' })).toBe(true);
  });

  it('does not let a later CTE hide a real table from an earlier CTE body', () => {
    const v = check('WITH a AS (SELECT * FROM salaries), salaries AS (SELECT 1 AS x) SELECT * FROM a', dialect);
    expect(v.tables.map((t) => t.name)).toContain('salaries');
  });

  it('skips CTE names that are in scope', () => {
    const v = check('WITH recent AS (SELECT id FROM orders) SELECT * FROM recent', dialect);
    expect(v.tables.map((t) => t.name)).toEqual(['orders']);
  });

  it('lists the functions called', () => {
    const v = check("SELECT lower(name), count(*) FROM customers WHERE name IN ('a')", dialect);
    expect(v.functions).toEqual(expect.arrayContaining(['lower', 'count']));
    expect(v.functions).not.toContain('in');
  });
});

describe('dialect-specific reads', () => {
  it('PostgreSQL: a whole-row reference reads every column of the table', () => {
    for (const sql of [
      'SELECT c FROM customers c',
      'SELECT row_to_json(c) FROM customers c',
      'SELECT (c).email FROM customers c',
    ]) {
      expect(has(check(sql, 'postgres').columns, { table: 'customers', column: '*', usage: 'read' }), sql).toBe(true);
    }
  });

  it('PostgreSQL: NATURAL JOIN reads every shared column', () => {
    const v = check('SELECT 1 FROM customers NATURAL JOIN leads', 'postgres');
    expect(has(v.columns, { table: 'customers', column: '*', usage: 'read' })).toBe(true);
    expect(has(v.columns, { table: 'leads', column: '*', usage: 'read' })).toBe(true);
  });

  it('SQLite and MariaDB: a double-quoted name is taken as a column too', () => {
    for (const dialect of ['sqlite', 'mariadb'] as const) {
      const v = check('SELECT "email" FROM customers WHERE "phone" IS NOT NULL', dialect);
      expect(has(v.columns, { table: 'customers', column: 'email', usage: 'output' })).toBe(true);
      expect(has(v.columns, { table: 'customers', column: 'phone', usage: 'read' })).toBe(true);
    }
  });

  it('MariaDB: backquoted, database-qualified names (as in view definitions) resolve', () => {
    const v = check(
      'select `shop`.`customers`.`id` AS `id`,`shop`.`customers`.`email` AS `contact` from `shop`.`customers`',
      'mariadb',
    );
    expect(has(v.columns, { table: 'customers', column: 'email', usage: 'output', as: 'contact' })).toBe(true);
    expect(v.tables).toEqual([{ schema: 'shop', name: 'customers' }]);
  });
});
