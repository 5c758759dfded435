import { beforeAll, describe, expect, it } from 'vitest';
import { addRowLimit, createSqlGuard, type GuardAllowed, type SqlGuard } from '../../../src/sql/index.js';
import { attackCases, legitCases } from '../../helpers/fixtures.js';

let guard: SqlGuard;
beforeAll(async () => {
  guard = await createSqlGuard();
});

const attacks = attackCases();
const legit = legitCases();

describe('guard fixtures', () => {
  it('hold at least 80 attacks and 40 legitimate queries across the three dialects', () => {
    expect(attacks.length).toBeGreaterThanOrEqual(80);
    expect(legit.length).toBeGreaterThanOrEqual(40);
    for (const dialect of ['postgres', 'mariadb', 'sqlite']) {
      expect(attacks.filter((a) => a.dialect === dialect).length).toBeGreaterThanOrEqual(25);
      expect(legit.filter((a) => a.dialect === dialect).length).toBeGreaterThanOrEqual(15);
    }
  });

  it.each(attacks)('rejects [$dialect] $label with $code', ({ sql, dialect, code }) => {
    const verdict = guard.check(sql, dialect);
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) {
      expect(verdict.code).toBe(code);
      expect(verdict.reason.length).toBeGreaterThan(10);
    }
  });

  it.each(legit)('allows [$dialect] $label', ({ sql, dialect }) => {
    const verdict = guard.check(sql, dialect);
    expect(verdict).toMatchObject({ allowed: true });
  });
});

describe('guard behaviour', () => {
  it.each(['postgres', 'mariadb', 'sqlite'] as const)(
    'reports a misspelt leading keyword as a parse error [%s]',
    (d) => {
      for (const sql of ['SELEC 1', 'slect 1', 'SELETC 1', 'WTIH x AS (SELECT 1) SELECT * FROM x']) {
        const verdict = guard.check(sql, d);
        expect(verdict).toMatchObject({ allowed: false, code: 'PARSE_ERROR' });
        if (!verdict.allowed)
          expect(verdict.reason).toMatch(/does not parse: its first word ".+" .*did you mean (SELECT|WITH)\?/);
      }
      expect(guard.check('FROBNICATE 1', d)).toMatchObject({ allowed: false, code: 'FORBIDDEN_STATEMENT' });
    },
  );

  it('returns the statement without surrounding whitespace, trailing comments and semicolons', () => {
    const verdict = guard.check('  \n SELECT id FROM customers ; ; -- bye\n', 'postgres') as GuardAllowed;
    expect(verdict.sql).toBe('SELECT id FROM customers');
    expect(verdict.kind).toBe('select');
  });

  it('reports the tables and columns a query reads, resolving aliases and skipping CTE names', () => {
    const sql = `WITH recent AS (SELECT customer_id FROM orders WHERE total > 10)
      SELECT c.name, c.plan FROM customers c JOIN recent r ON r.customer_id = c.id`;
    for (const dialect of ['postgres', 'mariadb', 'sqlite'] as const) {
      const verdict = guard.check(sql, dialect) as GuardAllowed;
      expect(verdict.allowed).toBe(true);
      expect(verdict.tables.map((t) => t.name).sort()).toEqual(['customers', 'orders']);
      expect(verdict.columns).toEqual(
        expect.arrayContaining([{ table: 'customers', column: 'name', usage: 'output', as: 'name', qualified: true }]),
      );
    }
  });

  it('keeps schema-qualified tables', () => {
    const verdict = guard.check('SELECT * FROM analytics.events e', 'postgres') as GuardAllowed;
    expect(verdict.tables).toEqual([{ schema: 'analytics', name: 'events' }]);
  });

  it('treats MySQL "--1" as minus minus one but "-- " as a comment', () => {
    expect(guard.check('SELECT 1 --1', 'mariadb')).toMatchObject({ allowed: true, sql: 'SELECT 1 --1' });
    expect(guard.check('SELECT 1 -- 1', 'mariadb')).toMatchObject({ allowed: true, sql: 'SELECT 1' });
  });

  it('lexes backslashes per dialect', () => {
    // In MariaDB the backslash escapes the quote: one string, one statement. In PostgreSQL and SQLite it does not.
    const sql = "SELECT 'a\\'; SELECT 2; -- '";
    expect(guard.check(sql, 'mariadb')).toMatchObject({ allowed: true });
    expect(guard.check(sql, 'postgres')).toMatchObject({ allowed: false, code: 'MULTIPLE_STATEMENTS' });
    expect(guard.check(sql, 'sqlite')).toMatchObject({ allowed: false, code: 'MULTIPLE_STATEMENTS' });
  });

  it('rejects what node-sql-parser alone would accept: executable comments it reads as comments', () => {
    expect(guard.check('SELECT /*!50000 SLEEP(5) */ 1', 'mariadb')).toMatchObject({ code: 'EXECUTABLE_COMMENT' });
  });

  it('accepts valid PostgreSQL that node-sql-parser rejects, because it uses the server grammar', () => {
    const sql = 'SELECT DISTINCT ON (plan) plan, id FROM customers ORDER BY plan, id DESC';
    expect(guard.check(sql, 'postgres')).toMatchObject({ allowed: true });
  });

  it('fails closed on input the parser cannot read', () => {
    expect(guard.check('SELECT FROM WHERE )(', 'postgres')).toMatchObject({ allowed: false, code: 'PARSE_ERROR' });
    expect(guard.check('SELECT a FROM t WHERE ))', 'mariadb')).toMatchObject({ allowed: false, code: 'PARSE_ERROR' });
    expect(guard.check('SELECT a FROM t WHERE ))', 'sqlite')).toMatchObject({ allowed: false, code: 'PARSE_ERROR' });
  });

  it('enforces a maximum length and extra denied functions from the policy', () => {
    expect(guard.check(`SELECT '${'x'.repeat(200)}'`, 'postgres', { maxLength: 100 })).toMatchObject({
      code: 'TOO_LONG',
    });
    const policy = { extraDeniedFunctions: ['export_everything', 'audit_*'] };
    expect(guard.check('SELECT export_everything()', 'postgres', policy)).toMatchObject({ code: 'DENIED_FUNCTION' });
    expect(guard.check('SELECT audit_log_write(1)', 'mariadb', policy)).toMatchObject({ code: 'DENIED_FUNCTION' });
    // a function off the built-in allow-list is refused unless the connection names it
    expect(guard.check('SELECT export_everything()', 'postgres')).toMatchObject({ code: 'FUNCTION_NOT_ALLOWED' });
    expect(
      guard.check('SELECT export_everything()', 'postgres', { allowFunctions: ['export_everything'] }),
    ).toMatchObject({
      allowed: true,
    });
  });

  it('does not deny ordinary columns that share a name with a denied function', () => {
    expect(guard.check('SELECT sleep, benchmark FROM metrics', 'mariadb')).toMatchObject({ allowed: true });
  });

  it('adds a row cap to selects and leaves other kinds unchanged', () => {
    const select = guard.check('SELECT id FROM customers ORDER BY id', 'postgres') as GuardAllowed;
    expect(addRowLimit(select, 100)).toBe(
      'SELECT * FROM (\nSELECT id FROM customers ORDER BY id\n) AS sleuth_capped LIMIT 101',
    );
    const explain = guard.check('EXPLAIN SELECT 1', 'postgres') as GuardAllowed;
    expect(addRowLimit(explain, 100)).toBe('EXPLAIN SELECT 1');
    const capped = guard.check(addRowLimit(select, 5), 'postgres');
    expect(capped).toMatchObject({ allowed: true });
  });
});
