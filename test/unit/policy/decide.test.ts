/**
 * The policy's verdict on statements, as a pure function of the rules, a catalog snapshot and the guard's verdict:
 * hidden tables through joins, subqueries, CTEs, views and stars; denied and masked columns; views judged by what
 * they read; catalog access; masking of results.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { accessPolicySchema } from '../../../src/config/index.js';
import {
  type CatalogRelation,
  type CatalogSnapshot,
  compileDataRules,
  decideStatement,
  MASKED_VALUE,
  maskResult,
  relationKey,
  type StatementDecision,
  type ViewDefinition,
} from '../../../src/policy/index.js';
import { createSqlGuard, type SqlDialect, type SqlGuard } from '../../../src/sql/index.js';

let guard: SqlGuard;
beforeAll(async () => {
  guard = await createSqlGuard();
});

const COLUMNS: Record<string, string[]> = {
  customers: ['id', 'name', 'email', 'phone', 'country'],
  orders: ['id', 'customer_id', 'total'],
  leads: ['id', 'email', 'source'],
  salaries: ['id', 'employee', 'amount'],
  employees: ['id', 'name', 'department', 'ssn'],
  payroll: ['employee', 'amount'],
  contacts: ['id', 'name', 'email'],
  gmail: ['id', 'name'],
  countries: ['id', 'country'],
  everything: ['id', 'name', 'email', 'phone', 'country'],
};
const VIEWS: Record<string, string> = {
  payroll: 'SELECT employee, amount FROM salaries',
  contacts: 'SELECT id, name, email FROM customers',
  gmail: "SELECT id, name FROM customers WHERE email LIKE '%@gmail.com'",
  countries: 'SELECT c.id, c.country FROM customers c',
  everything: 'SELECT * FROM customers',
};

function snapshot(dialect: SqlDialect = 'postgres'): CatalogSnapshot {
  const schema = dialect === 'sqlite' ? undefined : 'public';
  const relations: CatalogRelation[] = Object.keys(COLUMNS).map((name) => ({
    ...(schema ? { schema } : {}),
    name,
    kind: name in VIEWS ? 'view' : 'table',
  }));
  const views = new Map<string, ViewDefinition>();
  const columns = new Map<string, string[]>();
  for (const relation of relations) {
    columns.set(relationKey(relation), COLUMNS[relation.name]!);
    const definition = VIEWS[relation.name];
    if (!definition) continue;
    const verdict = guard.check(definition, dialect);
    views.set(relationKey(relation), {
      verdict: verdict.allowed ? verdict : { problem: verdict.reason },
      renamesColumns: false,
    });
  }
  return { dialect, relations, views, columns };
}

const POLICY = accessPolicySchema.parse({
  connections: {
    shop: {
      tables: { deny: ['salaries'] },
      columns: { deny: ['customers.email'], mask: ['customers.phone'], allow: ['employees.id', 'employees.name'] },
    },
  },
});

function decide(sql: string, dialect: SqlDialect = 'postgres', policy = POLICY): StatementDecision {
  const verdict = guard.check(sql, dialect);
  if (!verdict.allowed) throw new Error(verdict.reason);
  return decideStatement(compileDataRules(policy, 'shop'), snapshot(dialect), verdict);
}

const DIALECTS: readonly SqlDialect[] = ['postgres', 'mariadb', 'sqlite'];

describe.each(DIALECTS)('statements under the policy [%s]', (dialect) => {
  it.each([
    ['a join', 'SELECT c.name FROM customers c JOIN salaries s ON s.employee = c.name'],
    ['a subquery', 'SELECT name FROM customers WHERE id IN (SELECT id FROM salaries)'],
    ['a derived table', 'SELECT t.amount FROM (SELECT amount FROM salaries) t'],
    ['a CTE', 'WITH pay AS (SELECT amount FROM salaries) SELECT sum(amount) FROM pay'],
    ['a view over it', 'SELECT employee FROM payroll'],
    ['SELECT *', 'SELECT * FROM salaries'],
    ['EXPLAIN', 'EXPLAIN SELECT * FROM salaries'],
  ])('refuses a hidden table through %s, naming it', (_label, sql) => {
    const decision = decide(sql, dialect);
    expect(decision.allowed).toBe(false);
    if (!decision.allowed) {
      expect(decision.reason).toMatch(/(salaries|payroll) is not available to you/);
      expect(['salaries', 'payroll']).toContain(decision.denied.table);
    }
  });

  it.each([
    ['selected', 'SELECT email FROM customers'],
    ['through an alias', 'SELECT c.email AS contact FROM customers c'],
    ['in WHERE', "SELECT name FROM customers WHERE email = 'a@b.c'"],
    ['in a CTE', 'WITH x AS (SELECT email FROM customers) SELECT count(*) FROM x'],
    ['through SELECT *', 'SELECT * FROM customers'],
    ['through a star in a subquery', 'SELECT name FROM (SELECT * FROM customers) t'],
    ['through a view that passes it on', 'SELECT email FROM contacts'],
    ['through a star on such a view', 'SELECT * FROM contacts'],
    ['in a join condition with USING', 'SELECT 1 FROM customers JOIN leads USING (email)'],
    ['outside the allow list', 'SELECT ssn FROM employees'],
    ['through a star on an allow-listed table', 'SELECT * FROM employees'],
  ])('refuses a denied column %s, naming it', (_label, sql) => {
    const decision = decide(sql, dialect);
    expect(decision.allowed).toBe(false);
    if (!decision.allowed) {
      expect(decision.denied.column).toMatch(/^(email|ssn|department)$/);
      expect(decision.reason).toMatch(/(customers|contacts|employees)\.(email|ssn|department)/);
    }
  });

  it('does not blame a star or a column on a table of another scope', () => {
    expect(
      decide("SELECT * FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE country = 'DE')", dialect),
    ).toEqual({
      allowed: true,
      maskedColumns: [],
    });
    expect(decide('SELECT email FROM leads WHERE id IN (SELECT id FROM customers)', dialect).allowed).toBe(true);
    // but a correlated reference inside the subquery may be the subquery's own table's column
    expect(
      decide("SELECT id FROM leads WHERE EXISTS (SELECT 1 FROM customers WHERE email = 'x')", dialect).allowed,
    ).toBe(false);
  });

  it('lets the same name through when it belongs to another table (qualified)', () => {
    expect(decide('SELECT l.email FROM leads l', dialect)).toEqual({ allowed: true, maskedColumns: [] });
    expect(decide('SELECT l.email, c.name FROM leads l JOIN customers c ON c.name = l.source', dialect).allowed).toBe(
      true,
    );
    expect(decide('SELECT id, name FROM employees', dialect).allowed).toBe(true);
  });

  it('masks a masked column selected as it is, bare, aliased or through a star, also through views', () => {
    expect(decide('SELECT id, phone FROM customers', dialect)).toEqual({ allowed: true, maskedColumns: ['phone'] });
    expect(decide('SELECT c.phone AS tel FROM customers c', dialect)).toEqual({
      allowed: true,
      maskedColumns: ['tel'],
    });
    const star = decide(
      'SELECT * FROM everything',
      dialect,
      accessPolicySchema.parse({
        connections: { shop: { columns: { mask: ['customers.phone', 'customers.email'] } } },
      }),
    );
    expect(star).toEqual({ allowed: true, maskedColumns: expect.arrayContaining(['phone', 'email']) });
  });

  it.each([
    ['filtered', "SELECT name FROM customers WHERE phone LIKE '+49%'"],
    ['sorted', 'SELECT name FROM customers ORDER BY phone'],
    ['sorted by position', 'SELECT phone, name FROM customers ORDER BY 1'],
    ['sorted by its alias', 'SELECT phone AS p FROM customers ORDER BY p'],
    ['computed on', 'SELECT upper(phone) FROM customers'],
    ['grouped', 'SELECT phone, count(*) FROM customers GROUP BY phone'],
    ['in a subquery', 'SELECT p FROM (SELECT phone AS p FROM customers) t'],
    ['in a UNION', 'SELECT phone FROM customers UNION SELECT source FROM leads'],
  ])('refuses a masked column %s', (_label, sql) => {
    const decision = decide(sql, dialect);
    expect(decision).toMatchObject({ allowed: false, denied: { column: 'phone' } });
    if (!decision.allowed) expect(decision.reason).toMatch(/customers\.phone is masked/);
  });

  it('judges views by what they read: hidden when they filter on a denied column, fine otherwise', () => {
    expect(decide('SELECT * FROM gmail', dialect)).toMatchObject({ allowed: false, denied: { table: 'gmail' } });
    expect(decide('SELECT * FROM countries', dialect)).toEqual({ allowed: true, maskedColumns: [] });
    expect(decide('SELECT id, name FROM contacts', dialect).allowed).toBe(true);
  });

  it('refuses relations the catalog does not know (system catalogs among them)', () => {
    const decision = decide('SELECT * FROM information_schema.tables', dialect);
    expect(decision).toMatchObject({ allowed: false });
    if (!decision.allowed) expect(decision.reason).toMatch(/not a table or view you can use/);
  });

  it('allows everything the policy does not restrict', () => {
    expect(decide('SELECT o.total, c.country FROM orders o JOIN customers c ON c.id = o.customer_id', dialect)).toEqual(
      {
        allowed: true,
        maskedColumns: [],
      },
    );
  });
});

describe('statements under the policy: dialect specifics', () => {
  it('refuses PostgreSQL catalog functions and whole-row references that would read a denied column', () => {
    // the guard's function allow-list refuses catalog functions first; one a connection allows is still refused here
    expect(guard.check("SELECT pg_get_viewdef('payroll')", 'postgres')).toMatchObject({ code: 'FUNCTION_NOT_ALLOWED' });
    const allowed = guard.check("SELECT pg_get_viewdef('payroll')", 'postgres', { allowFunctions: ['pg_get_viewdef'] });
    if (!allowed.allowed) throw new Error(allowed.reason);
    expect(decideStatement(compileDataRules(POLICY, 'shop'), snapshot('postgres'), allowed)).toMatchObject({
      allowed: false,
      denied: { table: '(catalog)' },
    });
    expect(decide('SELECT row_to_json(c) FROM customers c')).toMatchObject({
      allowed: false,
      denied: { column: 'email' },
    });
  });

  it('refuses PostgreSQL functional notation (o.f or (o).f where f is no column of o), nowhere else', () => {
    for (const sql of ['SELECT o.id, o.f_secret FROM orders o', 'SELECT (o).f_secret FROM orders o']) {
      expect(decide(sql)).toMatchObject({ allowed: false, denied: { table: 'orders', column: 'f_secret' } });
    }
    expect(decide('SELECT o.id, o.total, (o).customer_id FROM orders o')).toMatchObject({ allowed: true });
    // unqualified names are attributed to every table in scope: not a call, and not refused for the other tables
    expect(decide('SELECT total, country FROM orders o JOIN customers c ON c.id = o.customer_id')).toMatchObject({
      allowed: true,
    });
  });

  it('refuses catalog listings (SHOW TABLES, PRAGMA table_list) and pragma table functions', () => {
    expect(decide('SHOW TABLES', 'mariadb')).toMatchObject({ allowed: false });
    expect(decide('PRAGMA table_list', 'sqlite')).toMatchObject({ allowed: false });
    expect(decide("SELECT * FROM pragma_table_info('salaries')", 'sqlite')).toMatchObject({ allowed: false });
    expect(decide('DESCRIBE salaries', 'mariadb')).toMatchObject({ allowed: false, denied: { table: 'salaries' } });
    // a listing of a relation with a denied column would name it (describe_table leaves it out)
    expect(decide('DESCRIBE customers', 'mariadb')).toMatchObject({ allowed: false, denied: { column: 'email' } });
    expect(decide('PRAGMA table_info(customers)', 'sqlite')).toMatchObject({ allowed: false });
    expect(decide('DESCRIBE orders', 'mariadb').allowed).toBe(true);
    // SHOW CREATE shows the whole DDL (foreign keys to hidden tables, view definitions): refused under rules
    expect(decide('SHOW CREATE TABLE orders', 'mariadb')).toMatchObject({ allowed: false });
  });

  it('does not take a parenthesized column without an alias as a plain output (MariaDB names it "(phone)")', () => {
    for (const dialect of ['mariadb', 'sqlite'] as const) {
      expect(decide('SELECT (phone) FROM customers', dialect)).toMatchObject({ allowed: false });
      expect(decide('SELECT (phone) AS p FROM customers', dialect)).toEqual({ allowed: true, maskedColumns: ['p'] });
    }
  });

  it('reads a SQLite double-quoted name as the column', () => {
    expect(decide('SELECT "email" FROM customers', 'sqlite')).toMatchObject({ allowed: false });
  });

  it('inspects nothing on a connection without restrictions', () => {
    const open = accessPolicySchema.parse({ access: [{ connections: ['*'], local: true }] });
    expect(decide('SELECT * FROM information_schema.tables', 'postgres', open)).toEqual({
      allowed: true,
      maskedColumns: [],
    });
  });

  it('combines the "*" rules with the connection own rules, and globs', () => {
    const policy = accessPolicySchema.parse({
      connections: { '*': { columns: { deny: ['*.email'] } }, shop: { tables: { allow: ['c*', 'orders'] } } },
    });
    expect(decide('SELECT email FROM leads', 'postgres', policy)).toMatchObject({ allowed: false });
    expect(decide('SELECT id FROM leads', 'postgres', policy)).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/leads is not available/),
    });
    expect(decide('SELECT total FROM orders', 'postgres', policy).allowed).toBe(true);
  });
});

describe('maskResult', () => {
  it('replaces values of the named columns, keeps NULL, leaves other columns alone', () => {
    const result = {
      columns: [
        { name: 'name', type: 'text' },
        { name: 'Phone', type: 'text' },
      ],
      rows: [
        ['Alice', '+49 30 1'],
        ['Bob', null],
      ],
      rowCount: 2,
      truncated: false,
      elapsedMs: 1,
    };
    expect(maskResult(result, ['phone']).rows).toEqual([
      ['Alice', MASKED_VALUE],
      ['Bob', null],
    ]);
    expect(result.rows[0]![1]).toBe('+49 30 1');
  });
});
