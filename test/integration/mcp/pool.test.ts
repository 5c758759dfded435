/**
 * The MCP client pool on real processes: a server that dies at start fails with its stderr in the message and is
 * retried with a doubling backoff; a missing command and an undeclared or unusable server are clear errors; a
 * flaky server answers on the next try and a successful call resets the backoff.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMcpClientPool, readMcpServersFile } from '../../../src/mcp/client/index.js';
import { silentLogger } from '../../helpers/databases.js';
import { demoUrl } from '../../helpers/demo.js';

/** `${NAME}` as mcp.json writes it (substituted from the environment by Sleuth). */
const ref = (name: string) => `$${'{'}${name}}`;
const ROOT = join(import.meta.dirname, '..', '..', '..');
const SERVER_POSTGRES = join(ROOT, 'node_modules', '@modelcontextprotocol', 'server-postgres', 'dist', 'index.js');

async function poolFor(servers: Record<string, unknown>, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sleuth-mcp-pool-'));
  writeFileSync(join(dir, 'mcp.json'), JSON.stringify({ mcpServers: servers }));
  const config = readMcpServersFile({ path: 'mcp.json', cwd: dir, explicit: false, env });
  const sleeps: number[] = [];
  const pool = createMcpClientPool({
    config,
    logger: silentLogger,
    now: () => 1_000_000, // frozen clock: every backoff is waited in full
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { pool, sleeps };
}

const signal = () => new AbortController().signal;

describe('MCP client pool', () => {
  it('reports a server that dies at start with its stderr, and backs off before each restart', async () => {
    const { pool, sleeps } = await poolFor({
      dying: {
        command: process.execPath,
        args: ['-e', "process.stderr.write('boom: no database\\n'); process.exit(3)"],
      },
    });
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        await expect(pool.callTool('dying', 'query', { sql: 'SELECT 1' }, { signal: signal() })).rejects.toMatchObject({
          code: 'CONNECTION_FAILED',
          message: expect.stringMatching(/MCP server "dying" cannot start .*boom: no database/),
        });
      }
      expect(sleeps).toEqual([250, 500]);
      expect(pool.status()[0]).toMatchObject({ name: 'dying', state: 'stopped', starts: 3, crashes: 3 });
    } finally {
      await pool.close();
    }
  }, 30_000);

  it('starts a flaky server on the second try and resets the backoff once it has answered', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'sleuth-mcp-flaky-')), 'started-once');
    const flaky = `import { existsSync, writeFileSync } from 'node:fs';
if (!existsSync(${JSON.stringify(marker)})) { writeFileSync(${JSON.stringify(marker)}, ''); process.exit(1); }
process.argv.splice(1, 0, 'server');
await import(${JSON.stringify(SERVER_POSTGRES)});`;
    const { pool, sleeps } = await poolFor(
      { flaky: { command: process.execPath, args: ['--input-type=module', '-e', flaky, '--', ref('PG')] } },
      { PG: await demoUrl('postgres') },
    );
    try {
      await expect(pool.listTools('flaky')).rejects.toMatchObject({ code: 'CONNECTION_FAILED' });
      const answer = await pool.callTool('flaky', 'query', { sql: 'SELECT 1 AS one' }, { signal: signal() });
      expect(JSON.parse(answer.text)).toEqual([{ one: 1 }]);
      expect(sleeps).toEqual([250]);
      process.kill(pool.status()[0]!.pid!, 'SIGKILL');
      await expect.poll(() => pool.status()[0]!.state).toBe('stopped');
      await pool.callTool('flaky', 'query', { sql: 'SELECT 1 AS one' }, { signal: signal() });
      expect(sleeps).toEqual([250, 250]); // one crash since the last answer: the first step again, not 500
      expect(pool.status()[0]).toMatchObject({ starts: 3, crashes: 2, state: 'running' });
    } finally {
      await pool.close();
    }
  }, 30_000);

  it('explains a missing command, an undeclared server and an unusable entry', async () => {
    const { pool } = await poolFor({
      ghost: { command: '/nonexistent/mcp-server' },
      needs_env: { command: 'node', args: [ref('NOT_SET_FOR_THIS_TEST')] },
      remote: { type: 'http', url: 'https://mcp.example.com/mcp' },
    });
    try {
      await expect(pool.listTools('ghost')).rejects.toMatchObject({
        code: 'CONNECTION_FAILED',
        message: expect.stringMatching(/"ghost" cannot start \(\/nonexistent\/mcp-server\).*ENOENT/),
      });
      await expect(pool.listTools('nope')).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(
          /No MCP server named "nope" in .*mcp\.json \(declared: ghost, needs_env, remote\)/,
        ),
      });
      await expect(pool.listTools('needs_env')).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(/uses \$\{NOT_SET_FOR_THIS_TEST\}, which is not set/),
      });
      await expect(pool.listTools('remote')).rejects.toMatchObject({
        message: expect.stringMatching(/remote \(url\) server; Sleuth starts stdio servers only/),
      });
    } finally {
      await pool.close();
    }
  });

  it('lists tools and calls them on a real server; a JSON-RPC error is an error result', async () => {
    const { pool, sleeps } = await poolFor(
      { pg: { command: process.execPath, args: [SERVER_POSTGRES, ref('PG')] } },
      { PG: await demoUrl('postgres') },
    );
    try {
      const tools = await pool.listTools('pg');
      expect(tools).toEqual([{ name: 'query', inputSchema: expect.objectContaining({ type: 'object' }) }]);
      const ok = await pool.callTool('pg', 'query', { sql: 'SELECT 7 AS seven' }, { signal: signal() });
      expect(ok).toMatchObject({ isError: false });
      expect(JSON.parse(ok.text)).toEqual([{ seven: 7 }]);
      const failed = await pool.callTool('pg', 'query', { sql: 'SELECT nope' }, { signal: signal() });
      expect(failed).toMatchObject({ isError: true, text: expect.stringMatching(/column "nope" does not exist/) });
      expect(sleeps).toEqual([]);
      const aborted = new AbortController();
      aborted.abort(new Error('gave up'));
      await expect(pool.callTool('pg', 'query', { sql: 'SELECT 1' }, { signal: aborted.signal })).rejects.toThrow(
        /gave up/,
      );
    } finally {
      await pool.close();
    }
    expect(pool.status()[0]).toMatchObject({ crashes: 0, starts: 1 });
  }, 30_000);
});
