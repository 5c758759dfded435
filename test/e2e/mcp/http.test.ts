/**
 * Sleuth's MCP server over Streamable HTTP, used by the SDK's real Client: tools and their schemas, guarded SQL on
 * the real demo databases (a refused write changes nothing), the schema as tools and resources, the FAQ tier and
 * knowledge search, `investigate` with progress notifications (model: the real Anthropic SDK path against the local
 * peer) and cancellation, and sessions bound to the actor that opened them.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScript } from '../../../src/agent/models/script.js';
import { adminExec } from '../../helpers/databases.js';
import { demoUrl } from '../../helpers/demo.js';
import { type McpHttpHarness, startMcpHttpHarness } from './harness.js';

const SIGNUPS = loadScript(join(import.meta.dirname, '..', '..', 'fixtures', 'scripts', 'signups-sqlite.yaml'));

let harness: McpHttpHarness;
let client: Client;
let sessionId: string | undefined;

beforeAll(async () => {
  // The signups investigation, then a model turn slow enough to cancel.
  harness = await startMcpHttpHarness([...SIGNUPS, { delay_ms: 30_000, text: 'still thinking' }]);
  const connected = await harness.connect('alice');
  client = connected.client;
  sessionId = connected.transport.sessionId;
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

function call(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return client.callTool({ name, arguments: args }) as Promise<CallToolResult>;
}

function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

async function pgCustomerCount(): Promise<number> {
  const rows = (await adminExec('postgres', await demoUrl('postgres'), [
    'SELECT count(*)::int AS n FROM customers',
  ])) as {
    n: number;
  }[];
  return rows[0]!.n;
}

describe('MCP over Streamable HTTP', () => {
  it('opens a session and lists the tools with input and output schemas', async () => {
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'ask_faq',
      'get_schema',
      'investigate',
      'run_sql',
      'search_knowledge',
    ]);
    const runSql = tools.find((t) => t.name === 'run_sql')!;
    expect(runSql.inputSchema.required).toEqual(['sql']);
    expect(runSql.outputSchema?.properties).toHaveProperty('truncated');
    expect(runSql.annotations?.readOnlyHint).toBe(true);
    expect(client.getInstructions()).toMatch(/Connections: demo \(sqlite, default\), pg \(postgres\)/);
  });

  it('runs a guarded SELECT on the PostgreSQL demo database', async () => {
    const result = await call('run_sql', {
      connection: 'pg',
      sql: 'SELECT plan, count(*) AS customers FROM customers GROUP BY plan ORDER BY plan',
    });
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as { columns: { name: string }[]; rows: unknown[][]; tables: string[] };
    expect(structured.columns.map((c) => c.name)).toEqual(['plan', 'customers']);
    const total = structured.rows.reduce((sum, row) => sum + Number(row[1]), 0);
    expect(total).toBe(await pgCustomerCount());
    expect(structured.tables).toEqual(['customers']);
    expect(JSON.parse(textOf(result))).toEqual(structured);
  });

  it('cuts to maxRows and says so', async () => {
    const result = await call('run_sql', { connection: 'pg', sql: 'SELECT id FROM customers ORDER BY id', maxRows: 3 });
    expect(result.structuredContent).toMatchObject({ rowCount: 3, truncated: true, rows: [[1], [2], [3]] });
  });

  it('refuses a write with the guard code, and the data is unchanged', async () => {
    const before = await pgCustomerCount();
    for (const [sql, guardCode] of [
      ['DELETE FROM customers', 'WRITE_STATEMENT'],
      ['SELECT 1; DROP TABLE customers', 'MULTIPLE_STATEMENTS'],
      ['WITH gone AS (DELETE FROM customers RETURNING id) SELECT count(*) FROM gone', 'WRITE_STATEMENT'],
    ] as const) {
      const result = await call('run_sql', { connection: 'pg', sql });
      expect(result.isError, sql).toBe(true);
      expect(textOf(result)).toMatch(/^SQL_REJECTED: Query refused/);
      expect(result._meta?.['sleuth/error']).toMatchObject({ code: 'SQL_REJECTED', guardCode });
      expect(result.structuredContent).toBeUndefined();
    }
    expect(await pgCustomerCount()).toBe(before);
  });

  it('validates arguments with a stable code and never accepts a URL as the connection', async () => {
    const empty = await call('run_sql', { sql: '' });
    expect(empty.isError).toBe(true);
    expect(textOf(empty)).toMatch(/^USAGE: Invalid arguments for run_sql: sql:/);
    const url = await call('run_sql', { sql: 'SELECT 1', connection: 'sqlite:/etc/passwd' });
    expect(textOf(url)).toMatch(/^USAGE: .*connection/);
    const unknown = await call('run_sql', { sql: 'SELECT 1', connection: 'nope' });
    expect(textOf(unknown)).toMatch(/^CONNECTION_UNKNOWN: No connection named "nope"/);
    const database = await call('run_sql', { sql: 'SELECT no_such_column FROM customers', connection: 'pg' });
    expect(textOf(database)).toMatch(/^SQL_ERROR: .*no_such_column/);
    expect(textOf(database)).not.toMatch(/\n\s+at /); // no stack trace
    const tool = await call('drop_everything', {});
    expect(textOf(tool)).toMatch(/^NOT_FOUND: No tool named "drop_everything"/);
  });

  it('describes the schema and one table', async () => {
    const all = await call('get_schema', { connection: 'pg' });
    const tables = (all.structuredContent as { tables: { name: string }[] }).tables.map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['customers', 'orders', 'refunds', 'support_tickets']));
    const one = await call('get_schema', { table: 'customers' });
    const view = one.structuredContent as {
      connection: string;
      dialect: string;
      tables: { columns: { name: string }[] }[];
    };
    expect(view).toMatchObject({ connection: 'demo', dialect: 'sqlite' });
    expect(view.tables[0]!.columns.map((c) => c.name)).toContain('acquisition_channel');
    const missing = await call('get_schema', { table: 'zebras' });
    expect(textOf(missing)).toMatch(/^NOT_FOUND: No table or view named "zebras"/);
  });

  it('exposes the schema as resources: a table list per connection and one resource per table', async () => {
    const { resources } = await client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toEqual(
      expect.arrayContaining([
        'sleuth://schema/demo',
        'sleuth://schema/demo/customers',
        'sleuth://schema/pg',
        'sleuth://schema/pg/public.customers',
      ]),
    );
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain('sleuth://schema/{connection}/{table}');

    const table = await client.readResource({ uri: 'sleuth://schema/pg/public.orders' });
    const body = JSON.parse((table.contents[0] as { text: string }).text);
    expect(body.tables[0]).toMatchObject({ schema: 'public', name: 'orders', primaryKey: ['id'] });
    expect(body.tables[0].foreignKeys.map((f: { references: { table: string } }) => f.references.table)).toContain(
      'customers',
    );
    const list = JSON.parse(
      ((await client.readResource({ uri: 'sleuth://schema/demo' })).contents[0] as { text: string }).text,
    );
    expect(list.tables.map((t: { name: string }) => t.name)).toContain('orders');
    expect(list.tables[0]).not.toHaveProperty('columns');
    await expect(client.readResource({ uri: 'sleuth://schema/nope' })).rejects.toThrow(/No resource/);
  });

  it('answers from the FAQ tier without a model, and searches the knowledge base', async () => {
    const requestsBefore = harness.peer.requests.length;
    const answered = await call('ask_faq', { question: 'How many customers signed up last month?' });
    expect(answered.structuredContent).toMatchObject({ kind: 'answered', connection: 'demo' });
    const faq = answered.structuredContent as { sql: string; rows: unknown[][]; verifiedQuery: { name: string } };
    expect(faq.sql).toMatch(/signup_date/);
    expect(faq.rows.length).toBeGreaterThan(0);
    const miss = await call('ask_faq', { question: 'How many zebras do we have?' });
    expect(miss.structuredContent).toMatchObject({ kind: 'miss' });
    expect(textOf(miss)).toMatch(/use investigate/);
    expect(harness.peer.requests.length).toBe(requestsBefore); // no model call

    const audit = await (await harness.context.memory()).listAudit({ limit: 5 });
    expect(audit.find((a) => a.action === 'faq' && a.verdict === 'allowed')).toMatchObject({
      actor: 'key_alice',
      sql: faq.sql,
    });

    const search = await call('search_knowledge', { query: 'refund rate by country', limit: 3 });
    const hits = (search.structuredContent as { hits: { kind: string; title: string }[] }).hits;
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.some((h) => h.kind === 'verified_query')).toBe(true);
  });

  it('investigates with progress notifications and returns the answer with evidence and caveats', async () => {
    const progress: string[] = [];
    const result = (await client.callTool(
      { name: 'investigate', arguments: { question: 'Which channel drove signups last month?', faq: false } },
      undefined,
      { onprogress: (p) => progress.push(p.message ?? '') },
    )) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as {
      investigationId: string;
      sessionId: string;
      status: string;
      answer: { text: string; evidence: { sql: string }[]; caveats: string[] };
    };
    expect(structured.status).toBe('succeeded');
    expect(structured.answer.text).toMatch(/organic/);
    expect(structured.answer.evidence[0]!.sql).toMatch(/GROUP BY acquisition_channel/);
    expect(structured.answer.caveats).toContain('signup_date is the account creation date in UTC.');
    expect(textOf(result)).toMatch(/Evidence:[\s\S]*```sql[\s\S]*Caveats:/);

    const kinds = progress.map((m) => m.split(/[:( ]/)[0]);
    expect(kinds).toEqual(expect.arrayContaining(['plan', 'step', 'tool', 'sql', 'result']));
    expect(new Set(kinds)).not.toContain('done'); // the result says it is done
    expect(progress.some((m) => /^sql error: SQL_REJECTED/.test(m))).toBe(true); // the CREATE TABLE the guard refused
    expect(progress.some((m) => /^result: \d+ rows in \d+ ms$/.test(m))).toBe(true);

    const store = await harness.context.memory();
    const record = await store.getInvestigation(structured.investigationId);
    expect(record).toMatchObject({ status: 'succeeded', userId: 'key_alice', sessionId: structured.sessionId });
  }, 60_000);

  it('cancels an investigation when the client cancels the request', async () => {
    const controller = new AbortController();
    const progress: string[] = [];
    const pending = client.callTool(
      { name: 'investigate', arguments: { question: 'Why did churn change?', faq: false } },
      undefined,
      {
        signal: controller.signal,
        onprogress: (p) => {
          progress.push(p.message ?? '');
          if (p.message?.startsWith('step 1')) controller.abort(new Error('user cancelled'));
        },
      },
    );
    await expect(pending).rejects.toThrow(/cancelled/);
    const store = await harness.context.memory();
    await expect
      .poll(async () => (await store.listInvestigations({ limit: 1 }))[0], { timeout: 10_000 })
      .toMatchObject({ question: 'Why did churn change?', status: 'cancelled' });
    expect(progress[0]).toMatch(/^step 1/);
  }, 60_000);

  it('continues a Sleuth session only for the actor it belongs to', async () => {
    const memory = await harness.context.memory();
    const theirs = await memory.createSession({ userId: 'key_bob' });
    const refused = await call('investigate', { question: 'And the month before?', sessionId: theirs.id });
    expect(textOf(refused)).toBe(`NOT_FOUND: No Sleuth session ${theirs.id}.`);
    const invalid = await call('investigate', { question: 'x', sessionId: 'not-a-uuid' });
    expect(textOf(invalid)).toMatch(/^USAGE: Invalid arguments for investigate: sessionId:/);
  });

  it('binds a session to the actor that opened it', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'tools/list', params: {} });
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-session-id': sessionId!,
      'mcp-protocol-version': '2025-06-18',
    };
    const stolen = await fetch(`${harness.url}/mcp`, {
      method: 'POST',
      headers: { ...headers, 'x-test-key': 'bob' },
      body,
    });
    expect(stolen.status).toBe(404);
    const unknown = await fetch(`${harness.url}/mcp`, {
      method: 'POST',
      headers: { ...headers, 'x-test-key': 'alice', 'mcp-session-id': '00000000-0000-0000-0000-000000000000' },
      body,
    });
    expect(unknown.status).toBe(404);
    const noSession = await fetch(`${harness.url}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'x-test-key': 'alice',
      },
      body,
    });
    expect(noSession.status).toBe(400);
    // Bob gets his own session; both stay open.
    const bob = await harness.connect('bob');
    expect(bob.transport.sessionId).not.toBe(sessionId);
    expect((await bob.client.listTools()).tools).toHaveLength(5);
    expect(harness.handler.sessionCount()).toBe(2);
    await bob.transport.terminateSession();
    await expect.poll(() => harness.handler.sessionCount()).toBe(1);
  });
});

describe('MCP handler mounted on express', () => {
  it('serves /mcp behind a body parser (the parsed body is handed over)', async () => {
    const app = express();
    app.use(express.json());
    app.all('/mcp', (req, res) => {
      void harness.handler.handle(req, res, { kind: 'api', id: 'key_express' }, req.body);
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const transport = new StreamableHTTPClientTransport(
      new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`),
    );
    const expressClient = new Client({ name: 'express-test', version: '1.0.0' });
    try {
      await expressClient.connect(transport);
      const result = (await expressClient.callTool({
        name: 'run_sql',
        arguments: { connection: 'pg', sql: 'SELECT 40 + 2 AS answer' },
      })) as CallToolResult;
      expect(result.structuredContent).toMatchObject({ rows: [[42]] });
      await transport.terminateSession();
    } finally {
      await expressClient.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
