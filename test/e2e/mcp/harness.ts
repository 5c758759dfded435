/**
 * MCP server tests' setup: a real Sleuth context on the demo databases (SQLite as the default `demo` connection, so
 * the starter knowledge applies, and PostgreSQL as `pg`), the model behind the local Anthropic peer, and the MCP
 * HTTP handler mounted at /mcp on a plain node:http server on 127.0.0.1. The host's authentication is played by a
 * test header (`x-test-key`) resolved to an actor, as the API server's key check will do.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ScriptTurn } from '../../../src/agent/models/script.js';
import { createSleuthContext, type SleuthContext } from '../../../src/main.js';
import { createMcpHttpHandler, type McpHttpHandler } from '../../../src/mcp/index.js';
import { demoUrl } from '../../helpers/demo.js';
import { type ScriptPeer, startAnthropicPeer } from '../../peers/anthropic-peer.js';

export interface McpHttpHarness {
  url: string;
  context: SleuthContext;
  handler: McpHttpHandler;
  peer: ScriptPeer;
  /** A connected SDK client authenticated as `key`. */
  connect(key: string, name?: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }>;
  close(): Promise<void>;
}

export async function startMcpHttpHarness(turns: ScriptTurn[]): Promise<McpHttpHarness> {
  const peer = await startAnthropicPeer(turns);
  const cwd = mkdtempSync(join(tmpdir(), 'sleuth-mcp-http-'));
  const context = await createSleuthContext({
    cwd,
    env: {
      SLEUTH_LOG_LEVEL: 'silent',
      SLEUTH_NOW: '2026-11-15',
      SLEUTH_DATA_DIR: join(cwd, '.sleuth'),
      SLEUTH_DB_DEMO_URL: await demoUrl('sqlite'),
      SLEUTH_DB_PG_URL: await demoUrl('postgres'),
      SLEUTH_DEFAULT_DB: 'demo',
      ANTHROPIC_API_KEY: 'sk-ant-test-key-0000000000',
      ANTHROPIC_BASE_URL: peer.url,
    },
  });
  const handler = createMcpHttpHandler({ context, logger: context.logger });
  const server: Server = createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] !== '/mcp') {
      res.writeHead(404).end();
      return;
    }
    const key = req.headers['x-test-key'];
    if (typeof key !== 'string' || !/^[a-z]+$/.test(key)) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"code":"UNAUTHORIZED"}}');
      return;
    }
    handler.handle(req, res, { kind: 'api', id: `key_${key}`, label: key }).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: Client[] = [];
  return {
    url,
    context,
    handler,
    peer,
    async connect(key, name = 'mcp-test') {
      const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
        requestInit: { headers: { 'x-test-key': key } },
      });
      const client = new Client({ name, version: '1.0.0' });
      await client.connect(transport);
      clients.push(client);
      return { client, transport };
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.close()));
      await handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await context.close();
      await peer.close();
    },
  };
}
