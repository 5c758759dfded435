/**
 * Issue 15 cases 1, 2, 3 and 10 (functions, operators, reg* casts, catalog relations) on the real databases with the
 * access policy in force, through the three front ends a member reaches: `sleuth sql`, `POST
 * /api/v1/database/execute` with a member API key, and MCP `run_sql` at /mcp with that key. Every case of
 * test/fixtures/sql/policy-functions.yaml is refused with its code, and nothing protected comes back: no hidden
 * salary, no denied email, no masked phone in any answer, no advisory lock held, statistics not reset.
 *
 * The databases carry real dangers first (a control proves they leak when called directly): PostgreSQL with
 * tablefunc, a SETOF function over the hidden table, a function reachable as `o.f_order_secret`, an operator backed by
 * a function; MariaDB stored functions reading the denied column and the hidden table. Then `allowFunctions` is shown
 * to let a reviewed function through on its connection only.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createMcpHttpHandler, type McpHttpHandler } from '../../../src/mcp/index.js';
import type { SqlDialect } from '../../../src/sql/index.js';
import { runSleuth } from '../../helpers/cli.js';
import { adminExec, ensureDatabase } from '../../helpers/databases.js';
import { policyFunctionCases } from '../../helpers/fixtures.js';
import { ensurePolicyFixture, FIXTURE_DATA_RULES, SECRET_EMAIL, SECRET_SALARY } from '../../helpers/policy-fixture.js';
import { type ApiClient, type ApiHarness, startApiHarness } from '../api/harness.js';

const DATABASE = 'sleuth_test_policy_functions';
const SECRETS = [SECRET_SALARY, SECRET_EMAIL, '+49 30', '1234567'];
const CONNECTION: Record<SqlDialect, string> = { postgres: 'fx_postgres', mariadb: 'fx_mariadb', sqlite: 'fx_sqlite' };

const PG_DROP = [
  'DROP OPERATOR IF EXISTS === (int, int)',
  'DROP FUNCTION IF EXISTS f_op(int, int)',
  'DROP FUNCTION IF EXISTS f_tickets()',
  'DROP FUNCTION IF EXISTS f_order_secret(orders)',
  'DROP FUNCTION IF EXISTS f_double(int)',
];
const PG_SETUP = [
  "CREATE FUNCTION f_tickets() RETURNS SETOF salaries LANGUAGE sql AS 'SELECT * FROM salaries'",
  "CREATE FUNCTION f_order_secret(o orders) RETURNS text LANGUAGE sql AS 'SELECT string_agg(employee || amount, '','') FROM salaries'",
  "CREATE FUNCTION f_op(a int, b int) RETURNS boolean LANGUAGE sql AS 'SELECT (SELECT max(amount) FROM salaries) > 900000'",
  'CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = f_op)',
  "CREATE FUNCTION f_double(n int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT n * 2'",
];
const MARIADB_DROP = ['DROP FUNCTION IF EXISTS f_subj', 'DROP FUNCTION IF EXISTS f_pay'];
const MARIADB_SETUP = [
  'CREATE FUNCTION f_subj(i INT) RETURNS VARCHAR(200) READS SQL DATA RETURN (SELECT email FROM customers WHERE id = i)',
  'CREATE FUNCTION f_pay() RETURNS VARCHAR(2000) READS SQL DATA RETURN (SELECT GROUP_CONCAT(amount) FROM salaries)',
];

const cases = policyFunctionCases();

/** Advisory locks held anywhere, and when this database's statistics were last reset. */
async function postgresState(url: string): Promise<{ locks: number; statsReset: string }> {
  const [locks] = (await adminExec('postgres', url, [
    "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'",
  ])) as { n: number }[];
  const [stats] = (await adminExec('postgres', url, [
    "SELECT coalesce(stats_reset::text, 'never') AS r FROM pg_stat_database WHERE datname = current_database()",
  ])) as { r: string }[];
  return { locks: locks?.n ?? -1, statsReset: stats?.r ?? '' };
}

describe('functions, operators, casts and catalog relations under the access policy, on every front end', () => {
  const urls = {} as Record<SqlDialect, string>;
  let tablefunc = false;
  let before: { locks: number; statsReset: string };
  let h: ApiHarness;
  let mcp: McpHttpHandler;
  let member: ApiClient;
  let client: Client;
  let env: Record<string, string>;
  const cwd = mkdtempSync(join(tmpdir(), 'sleuth-policy-functions-'));

  beforeAll(async () => {
    await adminExec('postgres', await ensureDatabase('postgres', DATABASE), PG_DROP);
    await adminExec('mariadb', await ensureDatabase('mariadb', DATABASE), MARIADB_DROP);
    urls.postgres = await ensurePolicyFixture('postgres', DATABASE);
    urls.mariadb = await ensurePolicyFixture('mariadb', DATABASE);
    urls.sqlite = await ensurePolicyFixture('sqlite', DATABASE);
    try {
      await adminExec('postgres', urls.postgres, ['CREATE EXTENSION IF NOT EXISTS tablefunc']);
      tablefunc = true;
    } catch {
      tablefunc = false; // the cases are still refused by name; the control below says whether they could run
    }
    await adminExec('postgres', urls.postgres, PG_SETUP);
    await adminExec('mariadb', urls.mariadb, MARIADB_SETUP);
    before = await postgresState(urls.postgres);

    const rules = Object.fromEntries(Object.values(CONNECTION).map((name) => [name, FIXTURE_DATA_RULES]));
    writeFileSync(join(cwd, 'policy.yaml'), stringify({ connections: rules }));
    env = {
      SLEUTH_DB_FX_POSTGRES_URL: urls.postgres,
      SLEUTH_DB_FX_MARIADB_URL: urls.mariadb,
      SLEUTH_DB_FX_SQLITE_URL: urls.sqlite,
      SLEUTH_POLICY_FILE: join(cwd, 'policy.yaml'),
      SLEUTH_LIMITS: 'off',
      SLEUTH_QUERY_BUDGET: 'off',
      // Sleuth's own memory on the server (much faster to open per CLI run than the embedded one)
      DATABASE_URL: await ensureDatabase('postgres', `${DATABASE}_memory`),
    };
    h = await startApiHarness({
      env,
      deps: async (context) => {
        mcp = createMcpHttpHandler({ context, logger: context.logger });
        return { mounts: [{ path: '/mcp', handle: (req, res, actor) => mcp.handle(req, res, actor) }] };
      },
    });
    member = await h.newKey('analyst');
    client = new Client({ name: 'policy-functions-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${h.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${member.key}` } },
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await mcp?.close();
    await h?.close();
  });

  it('runs on databases where the dangers are real (a direct call leaks, bypassing Sleuth)', async () => {
    const rows = (await adminExec('postgres', urls.postgres, ['SELECT amount::text AS a FROM f_tickets()'])) as {
      a: string;
    }[];
    expect(rows.map((r) => r.a)).toContain(`${SECRET_SALARY}.00`);
    const [secret] = (await adminExec('postgres', urls.postgres, [
      'SELECT o.f_order_secret AS s FROM orders o LIMIT 1',
    ])) as { s: string }[];
    expect(secret?.s).toContain(SECRET_SALARY);
    const subj = (await adminExec('mariadb', urls.mariadb, ['SELECT f_subj(1) AS s'])) as { s: string }[];
    expect(subj[0]?.s).toBe(SECRET_EMAIL);
    if (tablefunc) {
      const crosstab = (await adminExec('postgres', urls.postgres, [
        "SELECT * FROM crosstab('SELECT employee, ''a'', amount::text FROM salaries ORDER BY 1') AS ct(e text, a text)",
      ])) as { a: string }[];
      expect(crosstab.map((r) => r.a)).toContain(`${SECRET_SALARY}.00`);
    }
    // and the front ends work on these connections for ordinary statements (with the masked column masked)
    for (const dialect of ['postgres', 'mariadb', 'sqlite'] as const) {
      const r = await member.call('/api/v1/database/execute', {
        method: 'POST',
        json: { connection: CONNECTION[dialect], sql: 'SELECT id, upper(name) AS n, phone FROM customers ORDER BY id' },
      });
      expect(r.status).toBe(200);
      const text = await r.text();
      expect(text).toContain('ALICE');
      expect(text).not.toContain('+49 30');
    }
  });

  it.each(cases)('refuses [$dialect] case $case: $label with $code through the HTTP API (member key)', async (c) => {
    const r = await member.call('/api/v1/database/execute', {
      method: 'POST',
      json: { connection: CONNECTION[c.dialect], sql: c.sql },
    });
    const text = await r.text();
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    const body = JSON.parse(text) as { error?: { code: string; guardCode?: string } };
    if (c.code === 'PERMISSION_DENIED') {
      expect(r.status).toBe(403);
      expect(body.error?.code).toBe('PERMISSION_DENIED');
    } else {
      expect(r.status).toBe(422);
      expect(body.error).toMatchObject({ code: 'SQL_REJECTED', guardCode: c.code });
    }
  });

  it.each(cases)('refuses [$dialect] case $case: $label with $code through MCP run_sql', async (c) => {
    const result = (await client.callTool({
      name: 'run_sql',
      arguments: { connection: CONNECTION[c.dialect], sql: c.sql },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    const text = JSON.stringify(result);
    expect(text).toContain(c.code);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });

  it('refuses every case through `sleuth sql`, exit 1, naming the code and nothing protected', async () => {
    const failures: string[] = [];
    for (const c of cases) {
      const run = await runSleuth(['sql', '--db', CONNECTION[c.dialect], c.sql], { cwd, env });
      const out = run.stdout + run.stderr;
      const expected = c.code === 'PERMISSION_DENIED' ? 'Refused by the access policy' : c.code;
      if (run.code !== 1 || !out.includes(expected) || SECRETS.some((s) => out.includes(s))) {
        failures.push(`[${c.dialect}] ${c.label}: exit ${run.code}: ${out.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('left no trace on PostgreSQL: no advisory lock held, statistics not reset', async () => {
    expect(await postgresState(urls.postgres)).toEqual(before);
  });

  it('lets a connection allow a reviewed function with allowFunctions, on that connection only', async () => {
    const sql = 'SELECT f_double(21) AS answer';
    const refused = await runSleuth(['sql', '--db', 'fx_postgres', '--format', 'json', sql], { cwd, env });
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain('FUNCTION_NOT_ALLOWED');
    const dir = mkdtempSync(join(tmpdir(), 'sleuth-allow-functions-'));
    writeFileSync(
      join(dir, 'sleuth.config.yaml'),
      stringify({ connections: { fx_postgres: { url: urls.postgres, allowFunctions: ['public.f_double'] } } }),
    );
    const rules = { fx_postgres: FIXTURE_DATA_RULES, fx_other: FIXTURE_DATA_RULES };
    writeFileSync(join(dir, 'policy.yaml'), stringify({ connections: rules }));
    const allowedEnv = {
      SLEUTH_POLICY_FILE: join(dir, 'policy.yaml'),
      SLEUTH_DB_FX_OTHER_URL: urls.postgres,
      DATABASE_URL: env.DATABASE_URL!,
    };
    const allowed = await runSleuth(['sql', '--db', 'fx_postgres', '--format', 'json', sql], {
      cwd: dir,
      env: allowedEnv,
    });
    expect(allowed.stderr).toBe('');
    expect(allowed.stdout).toContain('42');
    const elsewhere = await runSleuth(['sql', '--db', 'fx_other', sql], { cwd: dir, env: allowedEnv });
    expect(elsewhere.stdout + elsewhere.stderr).toContain('FUNCTION_NOT_ALLOWED');
    // a misspelled key is still an error
    writeFileSync(
      join(dir, 'sleuth.config.yaml'),
      stringify({ connections: { fx_postgres: { url: urls.postgres, allowFunction: ['f_double'] } } }),
    );
    const typo = await runSleuth(['sql', '--db', 'fx_postgres', sql], { cwd: dir, env: allowedEnv });
    expect(typo.code).toBe(2);
  }, 60_000);
});
