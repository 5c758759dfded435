/**
 * mcp:// connections through real external MCP servers started from mcp.json: `@modelcontextprotocol/server-postgres`
 * against the PostgreSQL demo database and `@bytebase/dbhub` against the MariaDB and PostgreSQL ones (installed dev
 * dependencies; nothing is downloaded). Everything goes through the context as a front end would: guarded queries
 * return rows, writes are refused before reaching the server (dbhub would run them: it opens no read-only
 * transaction), the row cap cuts, timeouts fire, introspection lists the demo tables, a killed server is restarted,
 * and shutdown stops the servers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../../../src/common/actor.js';
import { createSleuthContext, type SleuthContext } from '../../../src/main.js';
import { adminExec, ensureDatabase } from '../../helpers/databases.js';
import { demoUrl } from '../../helpers/demo.js';

/** `${NAME}` as mcp.json writes it (substituted from the environment by Sleuth). */
const ref = (name: string) => `$${'{'}${name}}`;
const ROOT = join(import.meta.dirname, '..', '..', '..');
const SERVER_POSTGRES = join(ROOT, 'node_modules', '@modelcontextprotocol', 'server-postgres', 'dist', 'index.js');
const DBHUB = join(ROOT, 'node_modules', '@bytebase', 'dbhub', 'dist', 'index.js');
const actor = cliActor({ USER: 'mcp-client-test' });

let context: SleuthContext;
let scratchUrl: string;
let oddUrl: string;

async function ledgerCount(): Promise<number> {
  const rows = (await adminExec('postgres', scratchUrl, ['SELECT count(*)::int AS n FROM ledger'])) as { n: number }[];
  return rows[0]!.n;
}

function withSsl(url: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}sslmode=disable`;
}

beforeAll(async () => {
  scratchUrl = await ensureDatabase('postgres', 'sleuth_test_mcp_client');
  await adminExec('postgres', scratchUrl, [
    'DROP TABLE IF EXISTS ledger',
    'CREATE TABLE ledger (id int PRIMARY KEY, note text)',
    "INSERT INTO ledger VALUES (1, 'a'), (2, 'b'), (3, 'c')",
  ]);
  // A database whose sessions lex backslashes differently from the guard (standard_conforming_strings off).
  oddUrl = await ensureDatabase('postgres', 'sleuth_test_mcp_odd');
  await adminExec('postgres', oddUrl, [
    `ALTER DATABASE "${new URL(oddUrl).pathname.slice(1)}" SET standard_conforming_strings = off`,
  ]);

  const cwd = mkdtempSync(join(tmpdir(), 'sleuth-mcp-client-'));
  const node = process.execPath;
  writeFileSync(
    join(cwd, 'mcp.json'),
    JSON.stringify({
      mcpServers: {
        postgres: { command: node, args: [SERVER_POSTGRES, ref('DEMO_PG_URL')] },
        odd: { command: node, args: [SERVER_POSTGRES, ref('ODD_PG_URL')] },
        hub_maria: { command: node, args: [DBHUB, '--transport', 'stdio', '--dsn', ref('DEMO_MARIA_URL')] },
        hub_scratch: { command: node, args: [DBHUB, '--transport', 'stdio', '--dsn', ref('SCRATCH_PG_URL')] },
        unused: { command: node, args: [ref('NOT_SET_ANYWHERE')] },
      },
    }),
  );
  context = await createSleuthContext({
    cwd,
    env: {
      SLEUTH_LOG_LEVEL: 'silent',
      SLEUTH_DATA_DIR: join(cwd, '.sleuth'),
      DEMO_PG_URL: await demoUrl('postgres'),
      ODD_PG_URL: oddUrl,
      DEMO_MARIA_URL: await demoUrl('mariadb'),
      SCRATCH_PG_URL: withSsl(scratchUrl),
      SLEUTH_DB_PGMCP_URL: 'mcp://postgres?dialect=postgres',
      SLEUTH_DB_CAPPED_URL: 'mcp://postgres?dialect=postgres',
      SLEUTH_DB_CAPPED_MAX_ROWS: '5',
      SLEUTH_DB_SLOW_URL: 'mcp://postgres?dialect=postgres',
      SLEUTH_DB_SLOW_TIMEOUT_MS: '300',
      SLEUTH_DB_ODD_URL: 'mcp://odd?dialect=postgres',
      SLEUTH_DB_MARIA_URL: 'mcp://hub_maria?dialect=mariadb&tool=execute_sql',
      SLEUTH_DB_MARIACAP_URL: 'mcp://hub_maria?dialect=mysql',
      SLEUTH_DB_MARIACAP_MAX_ROWS: '4',
      SLEUTH_DB_SCRATCH_URL: 'mcp://hub_scratch?dialect=postgres',
    },
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
});

const sql = (db: string, text: string) => context.runSql({ db, sql: text, actor });

describe('mcp:// connections through real MCP servers', () => {
  it('runs an allowed SELECT through server-postgres and through dbhub, starting each server once', async () => {
    const pg = await sql('pgmcp', 'SELECT code, name FROM countries ORDER BY code LIMIT 3');
    expect(pg.columns.map((c) => c.name)).toEqual(['code', 'name']);
    expect(pg.rows.map((r) => r[0])).toEqual(['AR', 'AU', 'BR']);
    expect(pg.truncated).toBe(false);
    const maria = await sql('maria', 'SELECT code, region FROM countries ORDER BY code LIMIT 3');
    expect(maria.rows).toEqual(pg.rows.map((r, i) => [r[0], maria.rows[i]![1]]));
    const native = (await adminExec('mariadb', await demoUrl('mariadb'), ['SELECT count(*) AS n FROM customers'])) as {
      n: number;
    }[];
    const counted = await sql('maria', 'SELECT count(*) AS n FROM customers');
    expect(Number(counted.rows[0]![0])).toBe(Number(native[0]!.n));
    await sql('pgmcp', 'SELECT 1 AS one');
    const status = Object.fromEntries(context.mcpClients.status().map((s) => [s.name, s]));
    expect(status.postgres).toMatchObject({ state: 'running', starts: 1, crashes: 0 });
    expect(status.hub_maria).toMatchObject({ state: 'running', starts: 1 });
    expect(status.unused).toBeUndefined(); // never started: servers start on first use
  }, 60_000);

  it('refuses writes with the guard before they reach the server, and the data is unchanged', async () => {
    // dbhub without readonly runs whatever it receives, outside any read-only transaction: the guard is the line.
    expect(await sql('scratch', 'SELECT count(*) AS n FROM ledger')).toMatchObject({ rows: [['3']] });
    const callsBefore = context.mcpClients.status().find((s) => s.name === 'hub_scratch')!.calls;
    for (const [text, guardCode] of [
      ['DELETE FROM ledger', 'WRITE_STATEMENT'],
      ['SELECT 1; DELETE FROM ledger', 'MULTIPLE_STATEMENTS'],
      ['SELECT /* /* */ ; DELETE FROM ledger; -- */ 1', 'MULTIPLE_STATEMENTS'],
      ["SELECT 'keep;going' AS s", 'MULTIPLE_STATEMENTS'],
      ['WITH d AS (DELETE FROM ledger RETURNING id) SELECT count(*) FROM d', 'WRITE_STATEMENT'],
    ] as const) {
      await expect(sql('scratch', text), text).rejects.toMatchObject({ code: 'SQL_REJECTED', details: { guardCode } });
    }
    const callsAfter = context.mcpClients.status().find((s) => s.name === 'hub_scratch')!.calls;
    expect(callsAfter).toBe(callsBefore); // nothing was sent
    // A trailing comment is not sent at all: the guard strips it, so only what it inspected runs.
    const trailing = await sql('scratch', 'SELECT 1 AS one /* /* */ ; DELETE FROM ledger; -- */');
    expect(trailing.verdict.sql).toBe('SELECT 1 AS one');
    expect(trailing.rows).toEqual([[1]]);
    expect(await ledgerCount()).toBe(3);
  }, 30_000);

  it('passes the server’s own SQL errors on, redacted and without internals', async () => {
    await expect(sql('pgmcp', 'SELECT no_such_column FROM countries')).rejects.toMatchObject({
      code: 'SQL_ERROR',
      message: expect.stringMatching(/no_such_column/),
    });
    await expect(sql('maria', 'SELECT no_such_column FROM countries')).rejects.toMatchObject({
      code: 'SQL_ERROR',
      message: expect.stringMatching(/Unknown column 'no_such_column'/),
    });
  });

  it('cuts at the row cap and flags it (PostgreSQL stops at the cap + 1; dbhub rows are cut on arrival)', async () => {
    const pg = await sql('capped', 'SELECT id FROM customers ORDER BY id');
    expect(pg).toMatchObject({ rowCount: 5, truncated: true, rows: [[1], [2], [3], [4], [5]] });
    const maria = await sql('mariacap', 'SELECT id FROM customers ORDER BY id DESC');
    expect(maria.rowCount).toBe(4);
    expect(maria.truncated).toBe(true);
    expect(maria.rows.map((r) => Number(r[0]))).toEqual([...maria.rows.map((r) => Number(r[0]))].sort((a, b) => b - a));
    const exact = await sql('capped', 'SELECT id FROM customers ORDER BY id LIMIT 5');
    expect(exact.truncated).toBe(false);
  });

  it('times out a slow statement and keeps the connection usable', async () => {
    await expect(sql('slow', 'SELECT count(*) FROM generate_series(1, 40000000)')).rejects.toMatchObject({
      code: 'SQL_TIMEOUT',
    });
    expect((await sql('slow', 'SELECT 2 AS two')).rows).toEqual([[2]]);
  }, 30_000);

  it('refuses backslashes when the server lexes them differently from the guard', async () => {
    expect((await sql('pgmcp', String.raw`SELECT 'a\b' AS s`)).rows).toEqual([[String.raw`a\b`]]);
    await expect(sql('odd', String.raw`SELECT 'a\' AS s`)).rejects.toMatchObject({
      code: 'SQL_REJECTED',
      details: { guardCode: 'PARSE_ERROR' },
    });
    expect((await sql('odd', 'SELECT 1 AS plain')).rows).toEqual([[1]]);
    expect((await sql('maria', String.raw`SELECT 'a\\b' AS s`)).rows).toEqual([[String.raw`a\b`]]);
  }, 30_000);

  it('lists the schema through the MCP server (catalog SQL with inlined numeric parameters)', async () => {
    const pg = await context.schema({ db: 'pgmcp', actor });
    expect(pg.dialect).toBe('postgres');
    const names = pg.tables.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['customers', 'orders', 'order_items', 'refunds', 'products']));
    const orders = pg.tables.find((t) => t.name === 'orders')!;
    expect(orders.primaryKey).toEqual(['id']);
    expect(orders.columns.find((c) => c.name === 'customer_id')).toMatchObject({ nullable: false });
    expect(orders.foreignKeys.map((f) => f.references.table)).toContain('customers');
    const maria = await context.schema({ db: 'maria', actor, table: 'customers' });
    expect(maria.tables[0]!.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['id', 'signup_date']));
  }, 60_000);

  it('restarts a server that crashed on the next call', async () => {
    const before = context.mcpClients.status().find((s) => s.name === 'postgres')!;
    expect(before.pid).toBeGreaterThan(0);
    process.kill(before.pid!, 'SIGKILL');
    await expect.poll(() => context.mcpClients.status().find((s) => s.name === 'postgres')!.state).toBe('stopped');
    const result = await sql('pgmcp', 'SELECT 42 AS answer');
    expect(result.rows).toEqual([[42]]);
    const after = context.mcpClients.status().find((s) => s.name === 'postgres')!;
    expect(after).toMatchObject({ state: 'running', starts: before.starts + 1, crashes: before.crashes + 1 });
    expect(after.pid).not.toBe(before.pid);
  }, 30_000);

  it('stops the servers on shutdown', async () => {
    const pids = context.mcpClients
      .status()
      .map((s) => s.pid)
      .filter((p): p is number => p !== null);
    expect(pids.length).toBeGreaterThanOrEqual(3);
    await context.close();
    for (const pid of pids) expect(() => process.kill(pid, 0), `pid ${pid}`).toThrow(/ESRCH/);
    // the data source itself (below the context's memory-backed guardrails, closed too) refuses to start a server again
    const source = await context.source('pgmcp');
    await expect(source.runReadOnly('SELECT 1', [], { timeoutMs: 5000, maxRows: 10 })).rejects.toMatchObject({
      code: 'CONNECTION_FAILED',
    });
  }, 30_000);
});
