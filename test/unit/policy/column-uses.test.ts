/**
 * Column uses the parsers hid from the policy (issue 15), as pure decisions of the rules, a catalog snapshot and the
 * guard's verdict: MariaDB keywords node-sql-parser reads as names (`BINARY email`), COLLATE, DISTINCT, NATURAL JOIN,
 * `@x :=`, and tables that inherit from a hidden or restricted one (PostgreSQL partitions and INHERITS children).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { accessPolicySchema } from '../../../src/config/index.js';
import {
  type CatalogRelation,
  type CatalogSnapshot,
  compileDataRules,
  createRelationJudge,
  decideStatement,
  type RelationName,
  relationKey,
  type StatementDecision,
} from '../../../src/policy/index.js';
import { createSqlGuard, type GuardVerdict, type SqlDialect, type SqlGuard } from '../../../src/sql/index.js';

let guard: SqlGuard;
beforeAll(async () => {
  guard = await createSqlGuard();
});

const COLUMNS: Record<string, string[]> = {
  customers: ['id', 'name', 'email', 'phone', 'country'],
  leads: ['id', 'email', 'source'],
  orders: ['id', 'customer_id', 'total'],
  salaries: ['id', 'employee', 'amount'],
  ledger: ['id', 'amount', 'booked'],
  ledger_2025: ['id', 'amount', 'booked'],
  ledger_2025_h1: ['id', 'amount', 'booked'],
  customers_eu: ['id', 'name', 'email', 'phone', 'country'],
};
const PARENTS: Record<string, string> = {
  ledger_2025: 'ledger',
  ledger_2025_h1: 'ledger_2025',
  customers_eu: 'customers',
};

function snapshot(dialect: SqlDialect): CatalogSnapshot {
  const schema = dialect === 'sqlite' ? undefined : 'public';
  const relations: CatalogRelation[] = Object.keys(COLUMNS).map((name) => ({
    ...(schema ? { schema } : {}),
    name,
    kind: 'table',
  }));
  const columns = new Map(relations.map((r) => [relationKey(r), COLUMNS[r.name]!]));
  const parents = new Map<string, RelationName[]>();
  if (dialect === 'postgres') {
    for (const [child, parent] of Object.entries(PARENTS)) {
      parents.set(relationKey({ schema: 'public', name: child }), [{ schema: 'public', name: parent }]);
    }
  }
  return { dialect, relations, views: new Map(), columns, parents };
}

const POLICY = accessPolicySchema.parse({
  connections: {
    shop: {
      tables: { deny: ['salaries', 'ledger'] },
      columns: { deny: ['customers.email'], mask: ['customers.phone'] },
    },
  },
});
const RULES = compileDataRules(POLICY, 'shop');

function verdict(sql: string, dialect: SqlDialect): GuardVerdict {
  return guard.check(sql, dialect);
}

function decide(sql: string, dialect: SqlDialect): StatementDecision | { guard: string } {
  const checked = verdict(sql, dialect);
  if (!checked.allowed) return { guard: checked.code };
  return decideStatement(RULES, snapshot(dialect), checked);
}

const refused = (result: StatementDecision | { guard: string }) => 'guard' in result || !result.allowed;

describe('MariaDB keywords the parser reads as names', () => {
  it.each([
    'SELECT id, BINARY email, BINARY name FROM customers',
    'SELECT BINARY phone FROM customers',
    'SELECT DISTINCTROW phone FROM customers',
    'SELECT HIGH_PRIORITY phone FROM customers',
    'SELECT STRAIGHT_JOIN phone FROM customers',
    'SELECT UNIQUE phone FROM customers',
    'SELECT id, BINARY name FROM orders',
  ])('refuses %s in the guard (the columns it applies to are unknown)', (sql) => {
    const checked = verdict(sql, 'mariadb');
    expect(checked).toMatchObject({ allowed: false, code: 'PARSE_ERROR' });
    if (!checked.allowed) expect(checked.reason).toMatch(/reads the keyword [A-Z_]+ as a column name/);
  });

  it('still takes a quoted name, a name after a dot and the CAST form', () => {
    expect(verdict('SELECT `binary` FROM t', 'mariadb').allowed).toBe(true);
    expect(verdict('SELECT t.unique FROM t', 'mariadb').allowed).toBe(true);
    expect(decide('SELECT CAST(phone AS BINARY) AS phone FROM customers', 'mariadb')).toMatchObject({
      allowed: false,
    });
    expect(decide('SELECT CAST(name AS BINARY) AS name FROM customers', 'mariadb')).toEqual({
      allowed: true,
      maskedColumns: [],
    });
  });

  it('refuses a user variable assignment as session control, and reading one is harmless', () => {
    expect(verdict('SELECT @x := phone FROM customers', 'mariadb')).toMatchObject({ code: 'SESSION_CONTROL' });
    expect(verdict('SELECT id, @n:=id FROM orders', 'mariadb')).toMatchObject({ code: 'SESSION_CONTROL' });
    expect(verdict("SELECT ':=' AS s, @x AS x", 'mariadb').allowed).toBe(true);
  });
});

describe.each(['postgres', 'mariadb', 'sqlite'] as const)('computation and deduplication [%s]', (dialect) => {
  const collate = { postgres: '"C"', mariadb: 'utf8mb4_bin', sqlite: 'BINARY' }[dialect];

  it('takes COLLATE on a masked column as a use, aliased or not', () => {
    expect(refused(decide(`SELECT phone COLLATE ${collate} AS phone FROM customers`, dialect))).toBe(true);
    expect(refused(decide(`SELECT phone COLLATE ${collate} FROM customers`, dialect))).toBe(true);
    expect(decide(`SELECT name COLLATE ${collate} AS name FROM customers`, dialect)).toMatchObject({ allowed: true });
  });

  it.each([
    'SELECT DISTINCT phone FROM customers',
    'SELECT DISTINCT country, phone FROM customers',
    'SELECT DISTINCT * FROM customers',
    'SELECT COUNT(DISTINCT phone) AS n FROM customers',
    'SELECT -phone AS phone FROM customers',
  ])('refuses %s like GROUP BY on the masked column', (sql) => {
    expect(refused(decide(sql, dialect))).toBe(true);
  });

  it('allows DISTINCT on columns without rules, and the masked column as it is', () => {
    expect(decide('SELECT DISTINCT country FROM customers', dialect)).toEqual({ allowed: true, maskedColumns: [] });
    expect(decide('SELECT DISTINCT * FROM orders', dialect)).toEqual({ allowed: true, maskedColumns: [] });
    expect(decide('SELECT id, phone FROM customers', dialect)).toEqual({ allowed: true, maskedColumns: ['phone'] });
  });

  it('takes the implicit columns of NATURAL JOIN and USING as reads', () => {
    expect(refused(decide('SELECT id, name FROM customers NATURAL JOIN leads', dialect))).toBe(true);
    expect(refused(decide('SELECT customers.id FROM customers NATURAL LEFT JOIN leads', dialect))).toBe(true);
    expect(refused(decide('SELECT customers.id FROM customers JOIN leads USING (email)', dialect))).toBe(true);
  });
});

it('reads SQLite NATURAL JOIN (which the parser takes for an alias) as a read of every column', () => {
  const checked = verdict('SELECT id FROM customers NATURAL JOIN leads', 'sqlite');
  expect(checked.allowed && checked.columns).toEqual(
    expect.arrayContaining([
      { table: 'customers', column: '*', usage: 'read' },
      { table: 'leads', column: '*', usage: 'read' },
    ]),
  );
  expect(decide('SELECT count(*) AS n FROM orders NATURAL JOIN orders o2', 'sqlite')).toMatchObject({
    allowed: true,
  });
});

describe('partitions and inheritance children (PostgreSQL)', () => {
  it.each([
    ['a partition of a hidden table', 'SELECT * FROM ledger_2025'],
    ['a partition of a partition', 'SELECT amount FROM public.ledger_2025_h1'],
    ['a partition in a subquery', 'SELECT id FROM orders WHERE id IN (SELECT id FROM ledger_2025_h1)'],
  ])('hides %s', (_label, sql) => {
    const decision = decide(sql, 'postgres');
    expect(decision).toMatchObject({ allowed: false, reason: expect.stringMatching(/is not available to you/) });
  });

  it('gives a child the denied and masked columns of its parent', () => {
    expect(decide('SELECT email FROM customers_eu', 'postgres')).toMatchObject({
      allowed: false,
      denied: { column: 'email' },
    });
    expect(decide('SELECT id, phone FROM customers_eu', 'postgres')).toEqual({
      allowed: true,
      maskedColumns: ['phone'],
    });
    expect(refused(decide("SELECT id FROM customers_eu WHERE phone LIKE '+49%'", 'postgres'))).toBe(true);
    expect(decide('SELECT id, name FROM customers_eu', 'postgres')).toEqual({ allowed: true, maskedColumns: [] });
  });

  it('says why, for admins (sleuth policy check)', () => {
    const judge = createRelationJudge(RULES, snapshot('postgres'));
    expect(judge.facts({ schema: 'public', name: 'ledger_2025_h1', kind: 'table' }).hidden).toMatch(
      /partition or child of public\.ledger(_2025)? \(tables\.deny: ledger\)|partition or child of public\.ledger/,
    );
  });

  it('judges an allow-list by the table’s own name (an admin may allow one partition)', () => {
    const rules = compileDataRules(
      accessPolicySchema.parse({ connections: { shop: { tables: { allow: ['ledger_2025', 'orders'] } } } }),
      'shop',
    );
    const judge = createRelationJudge(rules, snapshot('postgres'));
    expect(judge.facts({ schema: 'public', name: 'ledger_2025', kind: 'table' }).hidden).toBeUndefined();
    expect(judge.facts({ schema: 'public', name: 'ledger_2025_h1', kind: 'table' }).hidden).toBe('not in tables.allow');
  });
});
