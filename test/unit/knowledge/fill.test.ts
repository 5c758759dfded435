import { beforeAll, describe, expect, it } from 'vitest';
import type { ParameterDefinition } from '../../../src/knowledge/files.js';
import { fillSql, sqlStringLiteral } from '../../../src/knowledge/fill.js';
import type { ExtractedParameter } from '../../../src/knowledge/parameters.js';
import { lexSql } from '../../../src/sql/guard/lexer.js';
import { createSqlGuard, type SqlDialect, type SqlGuard } from '../../../src/sql/index.js';

let guard: SqlGuard;
beforeAll(async () => {
  guard = await createSqlGuard();
});

const DIALECTS: readonly SqlDialect[] = ['postgres', 'mariadb', 'sqlite'];

const MYSQL_ESCAPES: Record<string, string> = { '0': '\0', n: '\n', r: '\r', t: '\t', b: '\b', Z: '\x1a' };

/** Decodes a string literal as the server would, independently of fill.ts. */
function decodeLiteral(raw: string, dialect: SqlDialect): string {
  expect(raw.startsWith("'") && raw.endsWith("'")).toBe(true);
  const body = raw.slice(1, -1);
  if (dialect !== 'mariadb') return body.replace(/''/g, "'");
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    const next = body[i + 1] ?? '';
    if (c === '\\') {
      out += MYSQL_ESCAPES[next] ?? next;
      i++;
    } else if (c === "'" && next === "'") {
      out += "'";
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

/** The string literals of a statement as the dialect's own lexer (the guard's first stage) reads them, decoded. */
function literalsOf(sql: string, dialect: SqlDialect): string[] {
  const lexed = lexSql(sql, dialect);
  if (!lexed.ok) throw new Error(lexed.failure.reason);
  // One statement: no `;` outside the literals.
  expect(lexed.tokens.filter((t) => t.kind === 'punct' && t.text === ';')).toEqual([]);
  return lexed.tokens.filter((t) => t.kind === 'string').map((t) => decodeLiteral(t.text, dialect));
}

function expectGuardAllows(sql: string, dialect: SqlDialect): void {
  const verdict = guard.check(sql, dialect);
  expect(verdict).toMatchObject({ allowed: true, kind: 'select', sql: sql.trim() });
  if (verdict.allowed) expect(verdict.tables.map((t) => t.name)).toEqual(['customers']);
}

const HOSTILE = [
  ['quote-or', "x' OR '1'='1"],
  ['stacked drop', "'; DROP TABLE customers; --"],
  ['backslash quote', "\\'"],
  ['backslash quote then statement', "\\'; DROP TABLE customers; -- "],
  ['trailing backslash', 'abc\\'],
  ['double backslash', "\\\\' OR 1=1 #"],
  ['NUL byte', "a\u0000' OR 1=1 --"],
  ['comment opener', "/* x' */ OR '1'='1"],
  ['executable comment', "/*!50000 SLEEP(5) */'"],
  ['hash comment', "x'# comment"],
  ['replacement patterns', "$' $& $` $1"],
  ['dollar quote', "$$; DROP TABLE customers; $$'"],
  ['newline and CR', "line1\r\n' OR 1=1 -- \rline2"],
  ['unicode quotes', 'Ｏ’Brien ＇ ʼ'],
  ['backslash n', 'a\\nb'],
] as const;

// The guard reads SQLite literals by SQLite's rules (no backslash escapes; one reading of the text, see
// src/sql/guard/canonical.ts), so every correctly quoted value, backslashes included, is allowed in every dialect.

describe('sqlStringLiteral', () => {
  it.each([
    ['postgres', "O'Brien", "'O''Brien'"],
    ['sqlite', "O'Brien", "'O''Brien'"],
    ['mariadb', "O'Brien", "'O''Brien'"],
    ['postgres', 'a\\b', "'a\\b'"],
    ['sqlite', 'a\\b', "'a\\b'"],
    ['mariadb', 'a\\b', "'a\\\\b'"],
    ['mariadb', "\\'", "'\\\\'''"],
    ['postgres', 'a\u0000b', "'ab'"],
  ] as const)('[%s] %j -> %s', (dialect, value, expected) => {
    expect(sqlStringLiteral(value, dialect)).toBe(expected);
  });

  const hostileQuery = (value: string, dialect: SqlDialect) =>
    `SELECT id FROM customers WHERE name = ${sqlStringLiteral(value, dialect)} AND plan = 'pro'`;

  describe.each(DIALECTS)('in %s', (dialect) => {
    it.each(HOSTILE)('keeps %s as ONE literal that round-trips', (_label, value) => {
      expect(literalsOf(hostileQuery(value, dialect), dialect)).toEqual([value.replaceAll('\u0000', ''), 'pro']);
    });

    it.each(HOSTILE)('the guard allows the query holding %s', (_label, value) => {
      expectGuardAllows(hostileQuery(value, dialect), dialect);
    });
  });

  it('would break out of the literal with naive splicing (control for the round-trip check)', () => {
    const naive = (value: string) => `SELECT id FROM customers WHERE name = '${value}'`;
    expect(guard.check(naive("'; DROP TABLE customers; --"), 'postgres')).toMatchObject({ allowed: false });
    const lexed = lexSql(naive("x' OR '1'='1"), 'postgres');
    if (!lexed.ok) throw new Error(lexed.failure.reason);
    expect(lexed.tokens.filter((t) => t.kind === 'string')).toHaveLength(3);
  });

  it('needs the MariaDB backslash doubling: PostgreSQL escaping breaks out under MariaDB lexing', () => {
    const value = "\\'; DROP TABLE customers; -- ";
    const wrong = `SELECT id FROM customers WHERE name = ${sqlStringLiteral(value, 'postgres')}`;
    expect(guard.check(wrong, 'mariadb')).toMatchObject({ allowed: false, code: 'MULTIPLE_STATEMENTS' });
    const right = `SELECT id FROM customers WHERE name = ${sqlStringLiteral(value, 'mariadb')}`;
    expect(guard.check(right, 'mariadb')).toMatchObject({ allowed: true });
  });
});

const DEFS: Record<string, ParameterDefinition> = {
  period: { type: 'date_range' },
  plan: { type: 'enum', values: ['free', 'pro', "o'reilly"] },
  limit: { type: 'number', min: 1, max: 100 },
  customer: { type: 'text', max_length: 100 },
};
const TEMPLATE = `SELECT id, name FROM customers
WHERE signup_date >= {{period.start}} AND signup_date < {{ period.end }}
  AND plan = {{plan}} AND name = {{customer}} AND email LIKE {{customer.contains}}
ORDER BY id LIMIT {{limit}}`;

function params(overrides: Partial<Record<string, ExtractedParameter['value']>> = {}): ExtractedParameter[] {
  const values: Record<string, ExtractedParameter['value']> = {
    period: { type: 'date_range', range: { start: '2026-10-01', end: '2026-11-01' } },
    plan: { type: 'enum', value: 'pro' },
    limit: { type: 'number', value: 10 },
    customer: { type: 'text', value: 'Acme' },
    ...overrides,
  } as Record<string, ExtractedParameter['value']>;
  return Object.entries(values).map(([name, value]) => ({ name, value, source: 'question' as const }));
}

describe('fillSql', () => {
  it('renders dates, enum, text, contains pattern and number as literals', () => {
    const sql = fillSql(TEMPLATE, DEFS, params(), 'postgres', new Map());
    expect(sql).toBe(`SELECT id, name FROM customers
WHERE signup_date >= '2026-10-01' AND signup_date < '2026-11-01'
  AND plan = 'pro' AND name = 'Acme' AND email LIKE '%Acme%'
ORDER BY id LIMIT 10`);
  });

  it('strips LIKE wildcards from a contains value', () => {
    const sql = fillSql(
      'SELECT 1 FROM customers WHERE name LIKE {{customer.contains}}',
      DEFS,
      params({
        customer: { type: 'text', value: '50%_off' },
      }),
      'sqlite',
      new Map(),
    );
    expect(sql).toBe("SELECT 1 FROM customers WHERE name LIKE '%50off%'");
  });

  it('quotes an enum value with the dialect escaping', () => {
    const sql = fillSql(
      'SELECT 1 FROM customers WHERE plan = {{plan}}',
      DEFS,
      params({
        plan: { type: 'enum', value: "o'reilly" },
      }),
      'mariadb',
      new Map(),
    );
    expect(sql).toBe("SELECT 1 FROM customers WHERE plan = 'o''reilly'");
  });

  const filled = (value: string, dialect: SqlDialect) =>
    fillSql(TEMPLATE, DEFS, params({ customer: { type: 'text', value } }), dialect, new Map());

  describe.each(DIALECTS)('in %s', (dialect) => {
    it.each(HOSTILE)('keeps a hostile text value (%s) inside its literals', (_label, value) => {
      const clean = value.replaceAll('\u0000', '');
      expect(literalsOf(filled(value, dialect), dialect)).toEqual([
        '2026-10-01',
        '2026-11-01',
        'pro',
        clean,
        `%${clean.replace(/[%_]/g, '')}%`,
      ]);
    });

    it.each(HOSTILE)('the guard allows the filled query holding %s', (_label, value) => {
      expectGuardAllows(filled(value, dialect), dialect);
    });
  });

  it.each([
    [
      'an enum value not among the known values',
      { plan: { type: 'enum', value: "pro' OR '1'='1" } },
      'not a known value',
    ],
    ['an enum value known only to the definition when the context lists others', {}, 'not a known value'],
    ['a non-integer number', { limit: { type: 'number', value: 1.5 } }, 'bad number'],
    ['an unsafe integer', { limit: { type: 'number', value: 2 ** 60 } }, 'bad number'],
    [
      'a malformed date',
      { period: { type: 'date_range', range: { start: "2026-10-01' OR '1'='1", end: '2026-11-01' } } },
      'bad date',
    ],
  ] as const)('throws a BugError for %s', (label, overrides, message) => {
    const enumValues = label.includes('context') ? new Map([['plan', ['free', 'enterprise']]]) : new Map();
    const call = () =>
      fillSql(TEMPLATE, DEFS, params(overrides as Record<string, ExtractedParameter['value']>), 'postgres', enumValues);
    expect(call).toThrow(message);
    expect(call).toThrow(expect.objectContaining({ name: 'BugError', code: 'INTERNAL' }));
  });

  it('accepts an enum value known from the context (values_from)', () => {
    const defs: Record<string, ParameterDefinition> = { plan: { type: 'enum', values_from: 'customers.plan' } };
    const parameters: ExtractedParameter[] = [
      { name: 'plan', value: { type: 'enum', value: 'enterprise' }, source: 'question' },
    ];
    const sql = fillSql(
      'SELECT 1 FROM customers WHERE plan = {{plan}}',
      defs,
      parameters,
      'postgres',
      new Map([['plan', ['free', 'enterprise']]]),
    );
    expect(sql).toBe("SELECT 1 FROM customers WHERE plan = 'enterprise'");
    expect(() => fillSql('SELECT {{plan}}', defs, parameters, 'postgres', new Map())).toThrow('not a known value');
  });

  it('throws when a placeholder has no value', () => {
    expect(() => fillSql('SELECT {{limit}}', DEFS, [], 'postgres', new Map())).toThrow('parameter limit has no value');
  });

  it('leaves text that only looks like a placeholder alone', () => {
    expect(fillSql("SELECT '{{ Not A Param }}' FROM customers", DEFS, [], 'postgres', new Map())).toBe(
      "SELECT '{{ Not A Param }}' FROM customers",
    );
  });
});
