/**
 * The function allow-list, reg* casts, operators and catalog relations, without a database: every case of
 * policy-functions.yaml the guard refuses on its own gets its code; the rest are left to the access policy. Then the
 * allow-list's matching rules (case, quoting, schemas, per-connection additions) and what analysts use still passing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createSqlGuard, type SqlGuard } from '../../../src/sql/index.js';
import { policyFunctionCases } from '../../helpers/fixtures.js';

let guard: SqlGuard;
beforeAll(async () => {
  guard = await createSqlGuard();
});

const cases = policyFunctionCases();
const byGuard = cases.filter((c) => c.code !== 'PERMISSION_DENIED');
const byPolicy = cases.filter((c) => c.code === 'PERMISSION_DENIED');

describe('policy-functions.yaml through the guard', () => {
  it('covers cases 1, 2, 3 and 10 on every dialect', () => {
    expect(new Set(cases.map((c) => c.case))).toEqual(new Set([1, 2, 3, 10]));
    expect(new Set(cases.map((c) => c.dialect))).toEqual(new Set(['postgres', 'mariadb', 'sqlite']));
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it.each(byGuard)('refuses [$dialect] $label with $code', ({ sql, dialect, code }) => {
    const verdict = guard.check(sql, dialect);
    expect(verdict).toMatchObject({ allowed: false, code });
  });

  it.each(byPolicy)('leaves [$dialect] $label to the access policy, marking the qualified name', ({ sql, dialect }) => {
    const verdict = guard.check(sql, dialect);
    expect(verdict.allowed).toBe(true);
    if (verdict.allowed) {
      expect(verdict.columns).toContainEqual(
        expect.objectContaining({ table: 'orders', column: 'f_order_secret', qualified: true }),
      );
    }
  });
});

describe('the function allow-list', () => {
  it('matches names case-insensitively, quoted or not, and pg_catalog-qualified as built-ins', () => {
    for (const sql of [
      'SELECT LOWER(name), "upper"(name), pg_catalog.length(name) FROM customers',
      "SELECT date_trunc('month', created_at), count(*) FROM orders GROUP BY 1",
      "SELECT extract(year FROM created_at), created_at AT TIME ZONE 'UTC', substring(name FROM 1 FOR 2) FROM orders",
      "SELECT jsonb_build_object('a', 1) ->> 'a', array_agg(id ORDER BY id) FROM orders",
      'SELECT id, row_number() OVER (PARTITION BY customer_id ORDER BY id), lag(total) OVER w FROM orders WINDOW w AS (ORDER BY id)',
      'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY total) FROM orders',
      'SELECT * FROM generate_series(1, 3) AS g(n), unnest(ARRAY[1, 2]) WITH ORDINALITY AS u(x, i)',
      "SELECT '2026-01-01'::date + interval '1 day', CAST(total AS numeric(10, 2)) FROM orders",
    ]) {
      expect(guard.check(sql, 'postgres'), sql).toMatchObject({ allowed: true });
    }
    for (const sql of [
      "SELECT DATE_FORMAT(created_at, '%Y-%m'), IFNULL(total, 0), `concat`(name, 'x') FROM orders",
      "SELECT GROUP_CONCAT(name ORDER BY name SEPARATOR ', '), COUNT(DISTINCT id) FROM customers",
      'SELECT CAST(total AS DECIMAL(10, 2)), CONVERT(name, CHAR(20)), EXTRACT(YEAR FROM created_at) FROM orders',
      'WITH t(a, b) AS (SELECT 1, 2) SELECT a, b FROM t',
    ]) {
      expect(guard.check(sql, 'mariadb'), sql).toMatchObject({ allowed: true });
    }
    for (const sql of [
      "SELECT strftime('%Y-%m', created_at), julianday('now') - julianday(created_at), iif(total > 1, 1, 0) FROM orders",
      "SELECT value FROM json_each('[1, 2]')",
    ]) {
      expect(guard.check(sql, 'sqlite'), sql).toMatchObject({ allowed: true });
    }
  });

  it('refuses a built-in name in another schema, and functions of one dialect used in another', () => {
    expect(guard.check('SELECT public.lower(name) FROM customers', 'postgres')).toMatchObject({
      code: 'FUNCTION_NOT_ALLOWED',
    });
    expect(guard.check('SELECT shop.lower(name) FROM customers', 'mariadb')).toMatchObject({
      code: 'FUNCTION_NOT_ALLOWED',
    });
    expect(guard.check("SELECT strftime('%Y', created_at) FROM orders", 'postgres')).toMatchObject({
      code: 'FUNCTION_NOT_ALLOWED',
    });
  });

  it('names the function in a stable code and one sentence', () => {
    const verdict = guard.check('SELECT * FROM public.f_tickets()', 'postgres');
    expect(verdict).toMatchObject({ allowed: false, code: 'FUNCTION_NOT_ALLOWED' });
    if (!verdict.allowed) expect(verdict.reason).toMatch(/^The function public\.f_tickets\(\) is not on Sleuth's list/);
  });

  it('allows the functions a connection names in allowFunctions, by name or schema.name', () => {
    expect(guard.check('SELECT * FROM f_tickets()', 'postgres', { allowFunctions: ['f_tickets'] })).toMatchObject({
      allowed: true,
    });
    expect(
      guard.check('SELECT * FROM public.f_tickets()', 'postgres', { allowFunctions: ['public.f_tickets'] }),
    ).toMatchObject({ allowed: true });
    expect(
      guard.check('SELECT * FROM other.f_tickets()', 'postgres', { allowFunctions: ['public.f_tickets'] }),
    ).toMatchObject({ code: 'FUNCTION_NOT_ALLOWED' });
    expect(guard.check('SELECT F_SUBJ(id) FROM customers', 'mariadb', { allowFunctions: ['f_subj'] })).toMatchObject({
      allowed: true,
    });
    // the deny-list still wins over an addition
    expect(guard.check("SELECT pg_read_file('x')", 'postgres', { allowFunctions: ['pg_read_file'] })).toMatchObject({
      code: 'DENIED_FUNCTION',
    });
  });

  it('allows built-in operators and catalog relations that describe the schema', () => {
    expect(
      guard.check(
        "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname ~ '^o' AND NOT c.relispartition",
        'postgres',
      ),
    ).toMatchObject({ allowed: true });
    expect(guard.check("SELECT '{\"a\":1}'::jsonb @> '{}' AND 2 ^ 3 > 1", 'postgres')).toMatchObject({
      allowed: true,
    });
    // a user type whose name merely starts with "reg" is not a name-lookup type
    expect(guard.check("SELECT 'north'::region, CAST('x' AS registry_kind)", 'postgres')).toMatchObject({
      allowed: true,
    });
    expect(
      guard.check(
        'SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1',
        'mariadb',
      ),
    ).toMatchObject({ allowed: true });
  });
});
