/**
 * Issue 15's column cases (test/fixtures/sql/policy-columns.yaml) on the real databases with the fixture policy in
 * force, through the three ways a caller sends SQL: `sleuth sql`, `POST /api/v1/database/execute` with a member key,
 * and MCP `run_sql` at /mcp of the same server. Every entry is refused (or masked, or fails at the size limit) and
 * no protected value comes back in the result or the error. PostgreSQL also gets a partitioned hidden table
 * (`ledger`, partitions of partitions) and INHERITS children of `salaries` (hidden) and `customers` (denied and
 * masked columns); schema discovery must not show them either.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { createMcpHttpHandler, type McpHttpHandler } from '../../../src/mcp/index.js';
import { MASKED_VALUE } from '../../../src/policy/index.js';
import type { SqlDialect } from '../../../src/sql/index.js';
import { runSleuth } from '../../helpers/cli.js';
import { adminExec, DIALECTS, ensureDatabase } from '../../helpers/databases.js';
import { ensurePolicyFixture, FIXTURE_DATA_RULES, SECRET_EMAIL, SECRET_SALARY } from '../../helpers/policy-fixture.js';
import { type ApiHarness, startApiHarness } from '../api/harness.js';

const CONNECTION: Record<SqlDialect, string> = { postgres: 'pgfix', mariadb: 'myfix', sqlite: 'litefix' };
const DATABASE = 'sleuth_test_policy_cols';

/** Values that must never come back: denied emails, raw phone numbers, salaries, hidden ledger rows. */
const SECRETS = [
  SECRET_EMAIL,
  SECRET_SALARY,
  '1234567',
  '2345678',
  '4242424',
  '4242425',
  'dora@secret.example',
  '7654321',
  'Erin',
];

const PG_EXTRAS_DROP = ['DROP TABLE IF EXISTS ledger, salaries_archive, customers_eu CASCADE'];
const PG_EXTRAS = [
  'CREATE TABLE ledger (id INTEGER NOT NULL, amount DECIMAL(12,2) NOT NULL, booked DATE NOT NULL) PARTITION BY RANGE (booked)',
  "CREATE TABLE ledger_2025 PARTITION OF ledger FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY RANGE (booked)",
  "CREATE TABLE ledger_2025_h1 PARTITION OF ledger_2025 FOR VALUES FROM ('2025-01-01') TO ('2025-07-01')",
  "CREATE TABLE ledger_2025_h2 PARTITION OF ledger_2025 FOR VALUES FROM ('2025-07-01') TO ('2026-01-01')",
  "INSERT INTO ledger VALUES (1, 4242424, '2025-03-01'), (2, 10, '2025-09-01')",
  'CREATE TABLE salaries_archive () INHERITS (salaries)',
  "INSERT INTO salaries_archive VALUES (3, 'Grace', 4242425)",
  'CREATE TABLE customers_eu () INHERITS (customers)',
  "INSERT INTO customers_eu VALUES (4, 'Dora', 'dora@secret.example', '+49 40 7654321', 'DE')",
];
const PG_HIDDEN = ['ledger', 'ledger_2025', 'ledger_2025_h1', 'ledger_2025_h2', 'salaries_archive', 'salaries'];

const caseSchema = z.array(
  z
    .object({
      case: z.string(),
      sql: z.string(),
      dialects: z.array(z.enum(['postgres', 'mariadb', 'sqlite'])).optional(),
      expect: z.enum(['refused', 'masked', 'allowed', 'too_big', 'stopped', 'null_fast']),
      code: z.enum(['PERMISSION_DENIED', 'SQL_REJECTED']).optional(),
      cli: z.boolean().optional(),
    })
    .strict(),
);
type Case = z.infer<typeof caseSchema>[number] & { dialect: SqlDialect };

const CASES: Case[] = caseSchema
  .parse(parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'sql', 'policy-columns.yaml'), 'utf8')))
  .flatMap((c) => (c.dialects ?? DIALECTS).map((dialect) => ({ ...c, dialect })));

/** What one front end answered, reduced to: refused with a code, or rows (and all its text, to look for secrets). */
interface Outcome {
  code: string | undefined;
  rows: unknown[][] | undefined;
  text: string;
  ms: number;
}

function judge(c: Case, outcome: Outcome, via: string): void {
  const label = `${via} [${c.dialect}] ${c.case}: ${c.sql}`;
  for (const secret of SECRETS) expect(outcome.text, `${label} leaked ${secret}`).not.toContain(secret);
  switch (c.expect) {
    case 'refused':
      expect(outcome.code, label).toMatch(c.code ? new RegExp(`^${c.code}$`) : /^(PERMISSION_DENIED|SQL_REJECTED)$/);
      break;
    case 'masked':
      expect(outcome.code, `${label}: ${outcome.text}`).toBeUndefined();
      expect(JSON.stringify(outcome.rows), label).toContain(MASKED_VALUE);
      break;
    case 'allowed':
      expect(outcome.code, `${label}: ${outcome.text}`).toBeUndefined();
      expect(outcome.rows?.length, label).toBeGreaterThan(0);
      break;
    case 'stopped':
    case 'too_big':
      if (c.expect === 'stopped' && outcome.code === 'SQL_REJECTED') break;
      expect(outcome.code, label).toBe('SQL_ERROR');
      expect(outcome.text, label).toMatch(/16 MB limit/);
      // the CLI's time includes starting a context; the API and MCP measure the statement
      if (via !== 'cli') expect(outcome.ms, label).toBeLessThan(2_000);
      break;
    case 'null_fast':
      expect(outcome.code, `${label}: ${outcome.text}`).toBeUndefined();
      expect(outcome.rows, label).toEqual([[null]]);
      if (via !== 'cli') expect(outcome.ms, label).toBeLessThan(2_000);
      break;
  }
}

describe('the access policy against column uses, through sleuth sql, the HTTP API (member key) and MCP run_sql', () => {
  let h: ApiHarness;
  let mcp: McpHttpHandler;
  let client: Client;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    const pgUrl = await ensureDatabase('postgres', DATABASE);
    await adminExec('postgres', pgUrl, PG_EXTRAS_DROP);
    const urls = {} as Record<SqlDialect, string>;
    for (const dialect of DIALECTS) urls[dialect] = await ensurePolicyFixture(dialect, DATABASE);
    await adminExec('postgres', urls.postgres, PG_EXTRAS);
    dir = mkdtempSync(join(tmpdir(), 'sleuth-policy-cols-'));
    const rules = FIXTURE_DATA_RULES;
    const policy = {
      connections: {
        [CONNECTION.postgres]: { ...rules, tables: { deny: [...rules.tables.deny, 'ledger'] } },
        [CONNECTION.mariadb]: rules,
        [CONNECTION.sqlite]: rules,
      },
    };
    writeFileSync(join(dir, 'policy.yaml'), stringify(policy));
    env = {
      SLEUTH_POLICY_FILE: join(dir, 'policy.yaml'),
      SLEUTH_LIMITS: 'off',
      SLEUTH_DB_PGFIX_URL: urls.postgres,
      SLEUTH_DB_MYFIX_URL: urls.mariadb,
      SLEUTH_DB_LITEFIX_URL: urls.sqlite,
    };
    h = await startApiHarness({
      env,
      deps: async (context) => {
        mcp = createMcpHttpHandler({ context, logger: context.logger });
        return { mounts: [{ path: '/mcp', handle: (req, res, actor) => mcp.handle(req, res, actor) }] };
      },
    });
    client = new Client({ name: 'policy-columns-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${h.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${h.key}` } },
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await mcp?.close();
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function viaApi(c: Case): Promise<Outcome> {
    const started = performance.now();
    const response = await h.call('/api/v1/database/execute', {
      method: 'POST',
      json: { sql: c.sql, connection: CONNECTION[c.dialect] },
    });
    const text = await response.text();
    const body = JSON.parse(text) as { rows?: unknown[][]; error?: { code: string } };
    return { code: body.error?.code, rows: body.rows, text, ms: performance.now() - started };
  }

  async function viaMcp(c: Case): Promise<Outcome> {
    const started = performance.now();
    const result = (await client.callTool({
      name: 'run_sql',
      arguments: { sql: c.sql, connection: CONNECTION[c.dialect] },
    })) as CallToolResult;
    const text = JSON.stringify(result);
    const first = (result.content[0] as { text?: string } | undefined)?.text ?? '';
    const code = result.isError ? /^([A-Z_]+):/.exec(first)?.[1] : undefined;
    const rows = (result.structuredContent as { rows?: unknown[][] } | undefined)?.rows;
    return { code, rows, text, ms: performance.now() - started };
  }

  async function viaCli(c: Case): Promise<Outcome> {
    const started = performance.now();
    const run = await runSleuth(['sql', '--db', CONNECTION[c.dialect], '--format', 'json', c.sql], { cwd: dir, env });
    const text = run.stdout + run.stderr;
    if (run.code === 0)
      return { code: undefined, rows: JSON.parse(run.stdout).rows, text, ms: performance.now() - started };
    // the CLI prints the error's message (no code): each kind of refusal has its own opening
    const code = [
      ['PERMISSION_DENIED', /^sleuth: Refused by the access policy/],
      ['SQL_REJECTED', /^sleuth: Query refused \([A-Z_]+\)/],
      ['SQL_ERROR', /^sleuth: The database returned an error/],
      ['SQL_TIMEOUT', /^sleuth: The query was cancelled/],
    ].find(([, pattern]) => (pattern as RegExp).test(run.stderr))?.[0] as string | undefined;
    return { code: code ?? `exit ${run.code}`, rows: undefined, text, ms: performance.now() - started };
  }

  it.each(DIALECTS)('refuses or masks every case over the HTTP API with a member key [%s]', async (dialect) => {
    for (const c of CASES.filter((x) => x.dialect === dialect)) judge(c, await viaApi(c), 'api');
  });

  it.each(DIALECTS)('refuses or masks every case over MCP run_sql [%s]', async (dialect) => {
    for (const c of CASES.filter((x) => x.dialect === dialect)) judge(c, await viaMcp(c), 'mcp');
  });

  it.each(DIALECTS)(
    'refuses or masks every case through sleuth sql [%s]',
    async (dialect) => {
      for (const c of CASES.filter((x) => x.dialect === dialect && x.cli)) judge(c, await viaCli(c), 'cli');
    },
    120_000,
  );

  it('keeps the SQLite connection usable after a value hit the size limit', async () => {
    const big = CASES.find((c) => c.expect === 'too_big' && c.sql.includes('RECURSIVE'))!;
    judge(big, await viaApi(big), 'api');
    const after = await viaApi({ ...big, sql: 'SELECT count(*) AS n FROM orders', expect: 'allowed' });
    expect(after.rows).toEqual([[4]]);
  });

  it('hides partitions and inheritance children of hidden tables from schema discovery (API and MCP)', async () => {
    const response = await h.call(`/api/v1/database/schema?connection=${CONNECTION.postgres}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      tables: { name: string; columns: { name: string; masked?: boolean }[] }[];
    };
    const names = body.tables.map((t) => t.name);
    for (const hidden of PG_HIDDEN) expect(names).not.toContain(hidden);
    const eu = body.tables.find((t) => t.name === 'customers_eu');
    expect(eu?.columns.map((c) => c.name)).toEqual(['id', 'name', 'phone', 'country']);
    expect(eu?.columns.find((c) => c.name === 'phone')?.masked).toBe(true);
    const missing = await h.call(`/api/v1/database/schema?connection=${CONNECTION.postgres}&table=ledger_2025`);
    expect(missing.status).toBe(404);

    const viaMcpSchema = (await client.callTool({
      name: 'get_schema',
      arguments: { connection: CONNECTION.postgres },
    })) as CallToolResult;
    const listed = JSON.stringify(viaMcpSchema.structuredContent);
    for (const hidden of PG_HIDDEN) expect(listed).not.toContain(`"${hidden}"`);
    expect(listed).toContain('"customers_eu"');
  });
});
