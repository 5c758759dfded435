/**
 * The access policy enforced through SleuthContext (the one path every front end takes) on the real databases:
 * a fixture per dialect with a `salaries` table, a view over it, `customers.email` (denied) and `customers.phone`
 * (masked). Views are judged from the database's own catalog. Refusals name what was denied and never its data;
 * masked values never leave; without a policy everything runs as before.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Actor } from '../../../src/common/actor.js';
import { isSleuthError } from '../../../src/common/errors.js';
import { accessPolicySchema } from '../../../src/config/index.js';
import { createDataSource } from '../../../src/datasources/index.js';
import { createSleuthContext, type SleuthContext } from '../../../src/main.js';
import { createPolicyEnforcer, MASKED_VALUE } from '../../../src/policy/index.js';
import { createSqlExecutor, createSqlGuard, type SqlExecutor } from '../../../src/sql/index.js';
import { connectionFor, DIALECTS, ensureDatabase, silentLogger } from '../../helpers/databases.js';
import { ensurePolicyFixture, FIXTURE_DATA_RULES, SECRET_EMAIL, SECRET_SALARY } from '../../helpers/policy-fixture.js';

const ANALYST: Actor = { kind: 'slack', id: 'U0ANALYST', channel: 'C0DATA', groups: ['S0ANALYSTS'] };

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string; details: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (!isSleuthError(error)) throw error;
    return { code: error.code, message: error.message, details: error.details };
  }
  throw new Error('expected a refusal');
}

describe.each(DIALECTS)('the access policy on %s', (dialect) => {
  let context: SleuthContext;
  let open: SleuthContext;
  let dir: string;

  beforeAll(async () => {
    const url = await ensurePolicyFixture(dialect, 'sleuth_test_policy_int');
    dir = mkdtempSync(join(tmpdir(), 'sleuth-policy-'));
    const policy = {
      access: [
        { name: 'analysts', connections: ['fixture'], channels: ['C0DATA'], groups: ['S0ANALYSTS'] },
        { connections: ['fixture'], apiKeys: ['reporting-bot'] },
      ],
      connections: { fixture: FIXTURE_DATA_RULES },
    };
    writeFileSync(join(dir, 'policy.yaml'), stringify(policy));
    const env = { SLEUTH_DB_FIXTURE_URL: url, SLEUTH_DATA_DIR: dir, SLEUTH_LOG_LEVEL: 'silent' };
    context = await createSleuthContext({ env: { ...env, SLEUTH_POLICY_FILE: join(dir, 'policy.yaml') }, cwd: dir });
    open = await createSleuthContext({ env, cwd: dir });
  });

  afterAll(async () => {
    await context?.close();
    await open?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (sql: string, actor: Actor = ANALYST) => context.runSql({ sql, actor });

  it.each([
    ['a join', 'SELECT c.name FROM customers c JOIN salaries s ON s.employee = c.name'],
    ['a subquery', 'SELECT name FROM customers WHERE id IN (SELECT id FROM salaries)'],
    ['a CTE', 'WITH pay AS (SELECT amount FROM salaries) SELECT max(amount) AS top FROM pay'],
    ['a view over it (found in the catalog)', 'SELECT employee, amount FROM payroll'],
    ['SELECT *', 'SELECT * FROM salaries'],
  ])('refuses the hidden table through %s, naming it, never its data', async (_label, sql) => {
    const refused = await refusal(run(sql));
    expect(refused.code).toBe('PERMISSION_DENIED');
    expect(refused.message).toMatch(/(salaries|payroll) is not available to you/);
    expect(refused.message).not.toContain(SECRET_SALARY);
    expect(refused.details).toMatchObject({ denied: { table: expect.stringMatching(/salaries|payroll/) } });
  });

  it('refuses the denied column, selected, filtered, through SELECT * and through a view that passes it on', async () => {
    for (const sql of [
      'SELECT email FROM customers',
      `SELECT name FROM customers WHERE email = '${SECRET_EMAIL}'`,
      'SELECT * FROM customers',
      'SELECT * FROM customer_contacts',
    ]) {
      const refused = await refusal(run(sql));
      expect(refused.code, sql).toBe('PERMISSION_DENIED');
      expect(refused.message, sql).toMatch(/(customers|customer_contacts)\.email/);
      expect(refused.message.replace(SECRET_EMAIL, ''), sql).not.toContain('@example.com');
    }
    // a view that filters on it is hidden as a whole
    expect((await refusal(run('SELECT id, name FROM gmail_customers'))).message).toMatch(
      /gmail_customers is not available/,
    );
  });

  it('masks the masked column when selected as it is, and refuses filtering on it', async () => {
    const result = await run('SELECT id, name, phone FROM customers ORDER BY id');
    expect(result.rows).toEqual([
      [1, 'Alice', MASKED_VALUE],
      [2, 'Bob', null],
      [3, 'Chen', MASKED_VALUE],
    ]);
    expect(JSON.stringify(result.rows)).not.toContain('+49');
    const refused = await refusal(run("SELECT name FROM customers WHERE phone LIKE '+49%'"));
    expect(refused.message).toMatch(/customers\.phone is masked/);
  });

  it('runs what the policy allows, views included', async () => {
    const result = await run(
      'SELECT s.country, count(*) AS n FROM order_summary s GROUP BY s.country ORDER BY s.country',
    );
    expect(result.rows.map((r) => [r[0], Number(r[1])])).toEqual([
      ['DE', 2],
      ['FR', 2],
    ]);
    expect((await run('SELECT l.email FROM leads l ORDER BY l.id')).rowCount).toBe(2);
  });

  it('refuses catalog queries that would show hidden tables', async () => {
    const sql =
      dialect === 'sqlite' ? 'SELECT name FROM sqlite_master' : 'SELECT table_name FROM information_schema.tables';
    expect((await refusal(run(sql))).code).toBe('PERMISSION_DENIED');
  });

  it('refuses a user in an allowed channel who is not in an allowed group, before any SQL', async () => {
    const outsider: Actor = { kind: 'slack', id: 'U0OUTSIDER', channel: 'C0DATA', groups: ['S0OTHER'] };
    const refused = await refusal(context.runSql({ sql: 'SELECT 1 AS one', actor: outsider }));
    expect(refused.code).toBe('PERMISSION_DENIED');
    expect(refused.message).toMatch(/not in a user group it is granted to/);
    expect(await context.access({ actor: outsider })).toMatchObject({ allowed: false });
    expect(await context.access({ actor: ANALYST })).toMatchObject({ allowed: true, connection: 'fixture' });
    // an API key is matched by its name
    const bot: Actor = { kind: 'api', id: 'key_1', label: 'reporting-bot' };
    expect((await context.runSql({ sql: 'SELECT id FROM orders', actor: bot })).rowCount).toBe(4);
  });

  it('shows the schema without hidden tables or denied columns, with masked columns marked', async () => {
    const view = await context.schema({ actor: ANALYST });
    const names = view.tables.map((t) => t.name).sort();
    expect(names).toEqual(['customer_contacts', 'customer_countries', 'customers', 'leads', 'order_summary', 'orders']);
    const customers = view.tables.find((t) => t.name === 'customers')!;
    expect(customers.columns.map((c) => c.name)).toEqual(['id', 'name', 'phone', 'country']);
    expect(customers.columns.find((c) => c.name === 'phone')?.masked).toBe(true);
    const missing = await refusal(context.schema({ actor: ANALYST, table: 'salaries' }));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).not.toMatch(/payroll|gmail_customers/);
  });

  it('changes nothing without a policy', async () => {
    const everyone: Actor = { kind: 'slack', id: 'U0ANY', channel: 'C0ANY' };
    const rows = await open.runSql({ sql: 'SELECT employee, amount FROM payroll ORDER BY employee', actor: everyone });
    expect(rows.rows.map((r) => [r[0], Number(r[1])])).toEqual([
      ['Erin', Number(SECRET_SALARY)],
      ['Frank', 55000],
    ]);
    const all = await open.runSql({ sql: 'SELECT * FROM customers ORDER BY id', actor: everyone });
    // no policy masking ([masked]); personal-data masking applies to everyone, with or without a policy
    expect(JSON.stringify(all.rows)).not.toContain('[masked]');
    expect(JSON.stringify(all.rows)).toContain(`${SECRET_EMAIL.slice(0, 1)}***@${SECRET_EMAIL.split('@')[1]}`);
    expect((await open.schema({ actor: everyone })).tables.map((t) => t.name)).toContain('salaries');
  });
});

describe('the masking safety net', () => {
  it('returns nothing when a masked column comes back under a name the decision did not expect', async () => {
    const url = await ensurePolicyFixture('sqlite', 'sleuth_test_policy_net');
    const guard = await createSqlGuard();
    const real = createSqlExecutor({ guard, logger: silentLogger });
    const sql = 'SELECT id, phone FROM customers';
    // a database (or driver) naming the result column differently than the statement suggests
    const renaming: SqlExecutor = {
      async execute(source, text, options) {
        const result = await real.execute(source, text, options);
        if (text !== sql) return result;
        return { ...result, columns: result.columns.map((c) => ({ ...c, name: c.name === 'phone' ? 'tel' : c.name })) };
      },
    };
    const policy = accessPolicySchema.parse({ connections: { fixture: FIXTURE_DATA_RULES } });
    const enforcer = createPolicyEnforcer({ policy, guard, executor: renaming, logger: silentLogger });
    const source = createDataSource(connectionFor('sqlite', url, { name: 'fixture' }), { logger: silentLogger });
    try {
      const refused = await refusal(enforcer.executorFor({ kind: 'cli', id: 'me' }).execute(source, sql));
      expect(refused.code).toBe('PERMISSION_DENIED');
      expect(refused.message).toMatch(/masked column phone came back under another name/);
      const fine = await enforcer
        .executorFor({ kind: 'cli', id: 'me' })
        .execute(source, 'SELECT id, phone AS p FROM customers');
      expect(fine.rows[0]).toEqual([1, MASKED_VALUE]);
    } finally {
      await source.close();
    }
  });
});

describe('the knowledge base under the policy', () => {
  let context: SleuthContext;
  let open: SleuthContext;
  let dir: string;
  const actor: Actor = { kind: 'cli', id: 'me' };
  const verified = (name: string, question: string, sql: string) =>
    stringify({
      name,
      description: `${name} for the policy tests`,
      questions: [question],
      connection: 'fixture',
      owner: 'tests',
      verified_on: '2026-11-01',
      sql,
    });

  beforeAll(async () => {
    const url = await ensurePolicyFixture('sqlite', 'sleuth_test_policy_kb');
    dir = mkdtempSync(join(tmpdir(), 'sleuth-policy-kb-'));
    mkdirSync(join(dir, 'knowledge', 'verified'), { recursive: true });
    const files = {
      'payroll_total.yaml': verified(
        'payroll_total',
        'What is our total payroll?',
        'SELECT sum(amount) AS total FROM salaries',
      ),
      'order_count.yaml': verified(
        'order_count',
        'How many orders do we have?',
        'SELECT count(*) AS orders FROM orders',
      ),
      'customer_phones.yaml': verified(
        'customer_phones',
        'List the customer phone numbers',
        'SELECT name, phone FROM customers ORDER BY id',
      ),
    };
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, 'knowledge', 'verified', file), text);
    writeFileSync(join(dir, 'policy.yaml'), stringify({ connections: { fixture: FIXTURE_DATA_RULES } }));
    const env = {
      SLEUTH_DB_FIXTURE_URL: url,
      SLEUTH_DATA_DIR: dir,
      SLEUTH_LOG_LEVEL: 'silent',
      SLEUTH_KNOWLEDGE_DIR: join(dir, 'knowledge'),
      DATABASE_URL: await ensureDatabase('postgres', 'sleuth_test_policy_kb_memory'),
    };
    context = await createSleuthContext({ env: { ...env, SLEUTH_POLICY_FILE: join(dir, 'policy.yaml') }, cwd: dir });
    open = await createSleuthContext({ env, cwd: dir });
  });

  afterAll(async () => {
    await context?.close();
    await open?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('does not answer from a verified query over a hidden table, and masks what it answers', async () => {
    const kb = await context.knowledge();
    const question = 'What is our total payroll?';
    expect((await (await open.knowledge()).answerFaq({ question, connection: 'fixture', actor })).kind).toBe(
      'answered',
    );
    expect((await kb.answerFaq({ question, connection: 'fixture', actor })).kind).toBe('miss');
    const phones = await kb.answerFaq({ question: 'List the customer phone numbers', connection: 'fixture', actor });
    expect(phones.kind).toBe('answered');
    if (phones.kind === 'answered') expect(phones.result.rows[0]).toEqual(['Alice', MASKED_VALUE]);
  });

  it('keeps hidden tables out of search results and suggested questions', async () => {
    const kb = await context.knowledge();
    const hits = await kb.search('total payroll salaries amount', { connection: 'fixture', limit: 10 });
    expect(hits.length).toBeGreaterThan(0);
    expect(JSON.stringify(hits)).not.toMatch(/salaries|payroll_total|gmail_customers/);
    const openHits = await (await open.knowledge()).search('total payroll salaries amount', {
      connection: 'fixture',
      limit: 10,
    });
    expect(JSON.stringify(openHits)).toMatch(/salaries/);
    const suggested = await kb.suggestedQuestions(5, 'fixture');
    expect(suggested).toContain('How many orders do we have?');
    expect(suggested).not.toContain('What is our total payroll?');
  });
});
