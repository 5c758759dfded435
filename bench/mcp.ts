/**
 * MCP latency. Client side: cold start (spawn + initialize + first query) of @modelcontextprotocol/server-postgres and
 * @bytebase/dbhub, and guarded query latency through them next to the native adapters on the same databases.
 * Server side: Sleuth's run_sql over Streamable HTTP with the SDK client. Needs the demo data loaded (the test run
 * does it). Usage: npm run bench:mcp [-- --runs 200 --pg URL --mariadb URL]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createSleuthContext } from '../src/main.js';
import { createMcpHttpHandler } from '../src/mcp/index.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const runs = Number(arg('runs', '200'));
const pgUrl = arg('pg', 'postgres://postgres@127.0.0.1:5432/sleuth_test_demo');
const mariadbUrl = arg('mariadb', 'mysql://root@127.0.0.1:3306/sleuth_test_demo');
const root = join(import.meta.dirname, '..');
const node = process.execPath;
const dollar = (name: string) => `$${'{'}${name}}`;

const pct = (values: number[], p: number) =>
  ([...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))] ?? 0).toFixed(2);

const cwd = mkdtempSync(join(tmpdir(), 'sleuth-bench-mcp-'));
writeFileSync(
  join(cwd, 'mcp.json'),
  JSON.stringify({
    mcpServers: {
      pg: {
        command: node,
        args: [join(root, 'node_modules/@modelcontextprotocol/server-postgres/dist/index.js'), dollar('PG')],
      },
      hub: {
        command: node,
        args: [
          join(root, 'node_modules/@bytebase/dbhub/dist/index.js'),
          '--transport',
          'stdio',
          '--dsn',
          dollar('MARIA'),
        ],
      },
    },
  }),
);
const env = {
  SLEUTH_LOG_LEVEL: 'silent',
  SLEUTH_DATA_DIR: join(cwd, '.sleuth'),
  PG: pgUrl,
  MARIA: mariadbUrl,
  SLEUTH_DB_PG_URL: pgUrl,
  SLEUTH_DB_PGMCP_URL: 'mcp://pg?dialect=postgres',
  SLEUTH_DB_MARIA_URL: mariadbUrl,
  SLEUTH_DB_HUBMCP_URL: 'mcp://hub?dialect=mariadb',
};
const actor = { kind: 'cli' as const, id: 'bench' };
const SMALL = 'SELECT code, name, region FROM countries ORDER BY code';
const LARGE = 'SELECT id, email, signup_date, plan FROM customers ORDER BY id';

console.log(`MCP client (${runs} runs per small query, ${Math.max(10, runs / 10)} per large one)`);
for (const db of ['pgmcp', 'hubmcp']) {
  const starts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const context = await createSleuthContext({ cwd, env });
    const started = performance.now();
    await context.runSql({ db, sql: 'SELECT 1 AS one', actor });
    starts.push(performance.now() - started);
    await context.close();
  }
  console.log(`  ${db}: cold start + first query ${pct(starts, 0.5)} ms (median of 3)`);
}
const context = await createSleuthContext({ cwd, env });
for (const [db, label] of [
  ['pg', 'PostgreSQL native'],
  ['pgmcp', 'PostgreSQL via server-postgres'],
  ['maria', 'MariaDB native'],
  ['hubmcp', 'MariaDB via dbhub'],
] as const) {
  for (const [sql, name] of [
    [SMALL, '21 rows'],
    [LARGE, `${(await context.runSql({ db, sql: LARGE, actor })).rowCount} rows`],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < (sql === LARGE ? Math.max(10, runs / 10) : runs); i++) {
      const started = performance.now();
      await context.runSql({ db, sql, actor });
      times.push(performance.now() - started);
    }
    console.log(`  ${label.padEnd(32)} ${name.padEnd(11)} p50 ${pct(times, 0.5)} ms  p95 ${pct(times, 0.95)} ms`);
  }
}

const handler = createMcpHttpHandler({ context, logger: context.logger });
const server = createServer((req, res) => void handler.handle(req, res, { kind: 'api', id: 'bench' }));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const client = new Client({ name: 'bench', version: '0' });
await client.connect(
  new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`)),
);
const times: number[] = [];
for (let i = 0; i < runs + 20; i++) {
  const started = performance.now();
  await client.callTool({ name: 'run_sql', arguments: { connection: 'pg', sql: SMALL } });
  if (i >= 20) times.push(performance.now() - started);
}
console.log(
  `MCP server: run_sql over Streamable HTTP (SDK client, PostgreSQL, 21 rows) p50 ${pct(times, 0.5)} ms  p95 ${pct(times, 0.95)} ms`,
);
await client.close();
await handler.close();
server.close();
await context.close();
