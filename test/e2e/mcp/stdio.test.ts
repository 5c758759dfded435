/**
 * `sleuth mcp` as a real process over the TypeScript sources, driven by the SDK's real stdio Client: tools, guarded
 * SQL on the PostgreSQL demo database (a refused write changes nothing), schema, a resource, and `investigate` with
 * the scripted model and progress notifications. A raw session checks that stdout carries only JSON-RPC (logs go to
 * stderr) and that the server exits by itself when its client closes stdin.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminExec } from '../../helpers/databases.js';
import { demoUrl } from '../../helpers/demo.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const PROCESS = join(ROOT, 'test', 'helpers', 'sleuth-process.ts');
const SCRIPT = join(ROOT, 'test', 'fixtures', 'scripts', 'signups-sqlite.yaml');

async function sleuthEnv(): Promise<Record<string, string>> {
  const cwd = mkdtempSync(join(tmpdir(), 'sleuth-mcp-stdio-'));
  return {
    SLEUTH_LOG_LEVEL: 'info',
    SLEUTH_NOW: '2026-11-15',
    SLEUTH_DATA_DIR: join(cwd, '.sleuth'),
    SLEUTH_DB_DEMO_URL: await demoUrl('sqlite'),
    SLEUTH_DB_PG_URL: await demoUrl('postgres'),
    SLEUTH_DEFAULT_DB: 'demo',
    SLEUTH_LLM_PROVIDER: 'scripted',
    SLEUTH_SCRIPT: SCRIPT,
  };
}

async function customerCount(): Promise<number> {
  const rows = (await adminExec('postgres', await demoUrl('postgres'), [
    'SELECT count(*)::int AS n FROM customers',
  ])) as { n: number }[];
  return rows[0]!.n;
}

const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('sleuth mcp over stdio (SDK client)', () => {
  let client: Client;
  let transport: StdioClientTransport;
  let stderr = '';
  const errors: Error[] = [];

  beforeAll(async () => {
    transport = new StdioClientTransport({
      command: TSX,
      args: [PROCESS, 'mcp'],
      env: await sleuthEnv(),
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    client = new Client({ name: 'stdio-test', version: '1.0.0' });
    client.onerror = (error) => errors.push(error);
    await client.connect(transport);
  }, 60_000);

  afterAll(async () => {
    await client?.close();
  });

  it('lists the tools and runs guarded SQL; a write is refused and changes nothing', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'ask_faq',
      'get_schema',
      'investigate',
      'run_sql',
      'search_knowledge',
    ]);

    const before = await customerCount();
    const select = (await client.callTool({
      name: 'run_sql',
      arguments: { connection: 'pg', sql: 'SELECT count(*) AS n FROM customers' },
    })) as CallToolResult;
    expect(select.isError).toBeFalsy();
    expect(Number((select.structuredContent as { rows: unknown[][] }).rows[0]![0])).toBe(before);

    const write = (await client.callTool({
      name: 'run_sql',
      arguments: { connection: 'pg', sql: "UPDATE customers SET plan = 'free'" },
    })) as CallToolResult;
    expect(write.isError).toBe(true);
    expect(text(write)).toMatch(/^SQL_REJECTED: Query refused \(WRITE_STATEMENT\)/);
    expect(write._meta?.['sleuth/error']).toMatchObject({ guardCode: 'WRITE_STATEMENT' });
    expect(await customerCount()).toBe(before);
    const plans = (await adminExec('postgres', await demoUrl('postgres'), [
      'SELECT count(DISTINCT plan)::int AS n FROM customers',
    ])) as { n: number }[];
    expect(plans[0]!.n).toBeGreaterThan(1);
  }, 30_000);

  it('describes the schema and reads a table resource', async () => {
    const schema = (await client.callTool({
      name: 'get_schema',
      arguments: { connection: 'pg', table: 'refunds' },
    })) as CallToolResult;
    const table = (schema.structuredContent as { tables: { name: string; columns: { name: string }[] }[] }).tables[0]!;
    expect(table.name).toBe('refunds');
    expect(table.columns.map((c) => c.name)).toContain('amount');
    const resource = await client.readResource({ uri: 'sleuth://schema/demo/customers' });
    const body = JSON.parse((resource.contents[0] as { text: string }).text);
    expect(body.tables[0].columns.map((c: { name: string }) => c.name)).toContain('signup_date');
  }, 30_000);

  it('investigates with the scripted model and reports progress', async () => {
    const progress: string[] = [];
    const result = (await client.callTool(
      { name: 'investigate', arguments: { question: 'Which channel drove signups last month?', faq: false } },
      undefined,
      { onprogress: (p) => progress.push(p.message ?? '') },
    )) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      status: 'succeeded',
      answer: { text: expect.stringMatching(/organic/) },
    });
    expect(progress.find((m) => m.startsWith('plan: '))).toMatch(/Find where signups live/);
    expect(progress.some((m) => m.startsWith('sql (signups last month by channel): SELECT'))).toBe(true);
    expect(progress.some((m) => /^result: \d+ rows/.test(m))).toBe(true);
    expect(progress.at(-1)).toMatch(/^plan: \[done\] Find where signups live/);
  }, 60_000);

  it('keeps stdout for the protocol: the logs are on stderr', () => {
    // Any non-JSON-RPC line on stdout would have surfaced here as a parse error.
    expect(errors.map((e) => e.message)).toEqual([]);
    const lines = stderr.split('\n').filter((l) => l.startsWith('{'));
    expect(lines.some((l) => JSON.parse(l).msg === 'MCP server ready on stdio')).toBe(true);
    expect(lines.some((l) => JSON.parse(l).msg === 'MCP tool call')).toBe(true);
  });
});

describe('sleuth mcp over stdio (raw)', () => {
  it('writes only JSON-RPC to stdout and exits 0 when the client closes stdin', async () => {
    const child = spawn(TSX, [PROCESS, 'mcp'], { env: { PATH: process.env.PATH ?? '', ...(await sleuthEnv()) } });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const lines: string[] = [];
    const answers = new Map<number, unknown>();
    const waiting = new Map<number, () => void>();
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const message = JSON.parse(line) as { id?: number };
      if (typeof message.id === 'number') {
        answers.set(message.id, message);
        waiting.get(message.id)?.();
      }
    });
    const request = (id: number, method: string, params: unknown) =>
      new Promise<unknown>((resolve) => {
        waiting.set(id, () => resolve(answers.get(id)));
        child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
      });
    const init = await request(1, 'initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'raw', version: '0' },
    });
    expect(init).toMatchObject({ id: 1, result: { serverInfo: { name: 'sleuth' } } });
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
    const called = await request(2, 'tools/call', { name: 'run_sql', arguments: { sql: 'SELECT 1 AS one' } });
    expect(called).toMatchObject({ id: 2, result: { structuredContent: { rows: [[1]] } } });
    child.stdin.end();
    expect(await exited).toBe(0);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('jsonrpc', '2.0');
  }, 60_000);
});
