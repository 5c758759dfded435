/**
 * One reading of the text, and a guard that never blocks: every statement of test/fixtures/sql/one-reading.yaml is
 * refused by the guard with its code, or the guard sees the hidden table the server will read (so the policy refuses
 * it), through both `check` (in process) and `verify` (worker pool). The canonical text the grammar sees keeps the
 * real names and values; statements too deep, too long or too slow to parse are refused with SQL_TOO_COMPLEX.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { GuardPool } from '../../../src/sql/guard/index.js';
import { createSqlGuard, type GuardAllowed, type GuardVerdict, type SqlGuard } from '../../../src/sql/index.js';

const FIXTURES = z
  .array(
    z.object({
      name: z.string(),
      dialects: z.array(z.enum(['postgres', 'mariadb', 'sqlite'])),
      sql: z.string(),
      code: z.string().optional(),
      reads: z.string().optional(),
      refused: z.boolean().optional(),
    }),
  )
  .parse(parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'sql', 'one-reading.yaml'), 'utf8')));

const CASES = FIXTURES.flatMap((f) => f.dialects.map((dialect) => ({ ...f, dialect })));

let guard: SqlGuard;
let pool: GuardPool;
/** The fixtures are judged with a budget no busy test machine reaches; the budget itself is tested below. */
let patient: SqlGuard;
let patientPool: GuardPool;

beforeAll(async () => {
  pool = new GuardPool({ size: 2, budgetMs: 100 });
  guard = await createSqlGuard({}, { pool });
  patientPool = new GuardPool({ size: 1, budgetMs: 10_000 });
  patient = await createSqlGuard({}, { pool: patientPool });
});

afterAll(async () => {
  await pool.close();
  await patientPool.close();
});

function expectRefusedOrSeen(verdict: GuardVerdict, fixture: (typeof CASES)[number]): void {
  if (fixture.code) {
    expect(verdict).toMatchObject({ allowed: false, code: fixture.code });
  } else if (fixture.reads) {
    expect(verdict.allowed).toBe(true);
    expect((verdict as GuardAllowed).tables.map((t) => t.name)).toContain(fixture.reads);
  } else {
    const seen = verdict.allowed && verdict.tables.some((t) => t.name === 'salaries');
    expect(!verdict.allowed || seen).toBe(true);
  }
}

describe('one reading of the text (fixtures)', () => {
  it('has a family per dialect', () => {
    for (const dialect of ['postgres', 'mariadb', 'sqlite']) {
      expect(CASES.filter((c) => c.dialect === dialect).length).toBeGreaterThanOrEqual(5);
    }
  });

  it.each(CASES.map((c) => [`[${c.dialect}] ${c.name}`, c] as const))('%s', async (_name, fixture) => {
    expectRefusedOrSeen(guard.check(fixture.sql, fixture.dialect), fixture);
    expectRefusedOrSeen(await patient.verify!(fixture.sql, fixture.dialect), fixture);
  });
});

describe('the canonical text keeps what the server reads', () => {
  it('reads MariaDB --0 as minus minus zero, and -- followed by a space as a comment', () => {
    const minus = guard.check('SELECT 0 --0, (SELECT amount FROM salaries) AS s', 'mariadb') as GuardAllowed;
    expect(minus.tables).toEqual([{ name: 'salaries' }]);
    const comment = guard.check('SELECT 0 -- 0, (SELECT amount FROM salaries) AS s', 'mariadb') as GuardAllowed;
    expect(comment).toMatchObject({ allowed: true, tables: [], sql: 'SELECT 0' });
  });

  it('puts real names and string values back into the tree (aliases, quoted and bracket identifiers)', () => {
    const sqlite = guard.check(`SELECT [na me] AS 'it''s', "e\\x" FROM [my table]`, 'sqlite') as GuardAllowed;
    expect(sqlite.tables).toEqual([{ name: 'my table' }]);
    expect(sqlite.columns).toEqual(
      expect.arrayContaining([
        { table: 'my table', column: 'na me', usage: 'output', as: "it's" },
        { table: 'my table', column: 'e\\x', usage: 'output', as: 'e\\x' },
      ]),
    );
    const mariadb = guard.check("SELECT `we``ird` AS 'a\\'b', status FROM `t`", 'mariadb') as GuardAllowed;
    expect(mariadb.columns).toEqual(
      expect.arrayContaining([
        { table: 't', column: 'we`ird', usage: 'output', as: "a'b" },
        { table: 't', column: 'status', usage: 'output', as: 'status' },
      ]),
    );
  });

  it('parses SQLite with its own grammar only: window frames, EXCEPT, NULLS LAST, IS DISTINCT FROM', () => {
    const cases = [
      'SELECT id, SUM(total) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS r FROM orders',
      'SELECT ROW_NUMBER() OVER () AS n FROM orders',
      'SELECT id FROM orders EXCEPT SELECT id FROM customers',
      'SELECT id FROM orders ORDER BY total DESC NULLS LAST',
      'SELECT id FROM orders WHERE total IS NOT DISTINCT FROM 3',
    ];
    for (const sql of cases) expect(guard.check(sql, 'sqlite'), sql).toMatchObject({ allowed: true });
    const except = guard.check('SELECT id FROM orders EXCEPT SELECT amount FROM salaries', 'sqlite') as GuardAllowed;
    expect(except.tables.map((t) => t.name)).toEqual(['orders', 'salaries']);
  });

  it('refuses private-use characters the guard reserves for its placeholders', () => {
    expect(guard.check("SELECT '\uE000'", 'sqlite')).toMatchObject({ allowed: false, code: 'SQL_AMBIGUOUS' });
  });
});

describe('the guard never blocks', () => {
  const nested = `SELECT ${'(CASE WHEN ('.repeat(15)}1`;

  it.each(['mariadb', 'sqlite'] as const)(
    'refuses deep CASE nesting on %s within the budget',
    { timeout: 30_000 },
    async (dialect) => {
      await guard.verify!('SELECT 1', dialect); // workers started
      const started = performance.now();
      const verdict = await guard.verify!(nested, dialect);
      expect(verdict).toMatchObject({ allowed: false, code: 'SQL_TOO_COMPLEX' });
      expect(performance.now() - started).toBeLessThan(2000);
      // the worker was replaced: the next statement is judged normally
      expect(await patient.verify!('SELECT id FROM orders', dialect)).toMatchObject({ allowed: true });
      await new Promise((resolve) => setTimeout(resolve, 3000)); // the replacement has started
      const after = await Promise.all([1, 2].map(() => guard.verify!('SELECT id FROM orders', dialect)));
      expect(after.filter((v) => v.allowed).length).toBeGreaterThan(0);
    },
  );

  it.each(['postgres', 'mariadb', 'sqlite'] as const)(
    "a busy main thread does not refuse a quick statement on %s (the budget is the worker's time)",
    async (dialect) => {
      await guard.verify!('SELECT 1', dialect); // workers started, parser loaded
      const sql = 'SELECT c.id, COUNT(o.id) AS n FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.id';
      const verdicts = [1, 2].map(() => guard.verify!(sql, dialect));
      // the event loop is blocked for 3x the budget while the workers answer (PGlite or SQLite work on this thread)
      // (in a check-phase callback: the loop's next phase is the timers', before any message is read)
      await new Promise<void>((resolve) =>
        setImmediate(() => {
          const until = performance.now() + 300;
          while (performance.now() < until) {
            // busy
          }
          resolve();
        }),
      );
      for (const verdict of await Promise.all(verdicts)) expect(verdict).toMatchObject({ allowed: true });
    },
  );

  it.each(['postgres', 'mariadb', 'sqlite'] as const)('refuses 40k characters of 1+1+... on %s', async (dialect) => {
    const sql = `SELECT ${Array(20_000).fill('1').join('+')}`;
    expect(guard.check(sql, dialect)).toMatchObject({ allowed: false, code: 'SQL_TOO_COMPLEX' });
    expect(await guard.verify!(sql, dialect)).toMatchObject({ allowed: false, code: 'SQL_TOO_COMPLEX' });
  });

  it('refuses more than 100 nested parentheses before parsing', () => {
    const sql = `SELECT ${'('.repeat(101)}1${')'.repeat(101)}`;
    expect(guard.check(sql, 'postgres')).toMatchObject({ allowed: false, code: 'SQL_TOO_COMPLEX' });
  });
});
