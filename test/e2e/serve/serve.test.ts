/**
 * `sleuth serve` as a real process: health, and Slack's /slack/events through the real Bolt HTTP receiver with the
 * Web API pointed at the local Slack recorder; a bad signature is refused; SIGTERM stops it cleanly. The API with a
 * key made by `sleuth api-key create`: an investigation started before SIGTERM still streams to its end, then the
 * process exits 0.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { runSleuth } from '../../helpers/cli.js';
import { demoUrl } from '../../helpers/demo.js';
import { startServeProcess } from '../../helpers/serve-process.js';
import { createSlackSender, signature } from '../../peers/slack-requests.js';
import { type SlackPeer, startSlackPeer } from '../../peers/slack-web-api.js';
import { readSse } from '../api/harness.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SECRET = 'serve-test-signing-secret';

let child: ChildProcess | undefined;
let peer: SlackPeer | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  await peer?.close();
  child = undefined;
  peer = undefined;
});

function newCwd(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'sleuth-serve-'));
  mkdirSync(join(cwd, 'knowledge'));
  return cwd;
}

async function startServe(
  env: Record<string, string>,
  cwd = newCwd(),
): Promise<{ url: string; stderr: () => string; exited: Promise<number | null> }> {
  // node with tsx as a loader (not the tsx wrapper): a SIGKILL then reaches the server itself, leaving nothing behind
  const server = await startServeProcess(
    ['--port', '0'],
    { SLEUTH_LOG_LEVEL: 'silent', SLEUTH_NOW: '2026-11-15', ...env },
    cwd,
  );
  child = server.child;
  return server;
}

describe('sleuth serve', () => {
  it('serves health and Slack events; refuses a bad signature; stops on SIGTERM', async () => {
    peer = await startSlackPeer();
    const server = await startServe({
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: peer.apiUrl,
    });
    expect(server.stderr()).toMatch(/Slack: http:\/\/127\.0\.0\.1:\d+\/slack\/events/);

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', components: { slack: 'http' } });

    // Slack's URL verification handshake, correctly signed, is answered with the challenge.
    const body = JSON.stringify({ type: 'url_verification', challenge: 'challenge-123', token: 'x' });
    const timestamp = Math.floor(Date.now() / 1000);
    const verified = await fetch(`${server.url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signature(SECRET, timestamp, body),
      },
      body,
    });
    expect(verified.status).toBe(200);
    expect(await verified.text()).toContain('challenge-123');

    const forged = createSlackSender(server.url, 'not-the-secret');
    const refused = await forged.event({
      type: 'app_mention',
      user: 'U1',
      channel: 'C1',
      text: '<@UBOT> hi',
      ts: '1.1',
    });
    expect(refused.status).toBe(401);

    expect((await fetch(`${server.url}/nope`)).status).toBe(404);

    child?.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 90_000);

  it('runs without Slack and says how to turn it on', async () => {
    const server = await startServe({});
    expect(server.stderr()).toMatch(/Slack: off \(set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET\)/);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({ components: { engine: 'ok' } });
    expect((await fetch(`${server.url}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
    child?.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 90_000);

  it('serves the API with a key from sleuth api-key create, and on SIGTERM lets a running investigation finish', async () => {
    const cwd = newCwd();
    const env = {
      SLEUTH_NOW: '2026-11-15',
      SLEUTH_LLM_PROVIDER: 'scripted',
      SLEUTH_SCRIPT: join(ROOT, 'test', 'fixtures', 'scripts', 'signups-sqlite-slow.yaml'),
      SLEUTH_DB_DEMO_URL: await demoUrl('sqlite'),
    };
    const created = await runSleuth(['api-key', 'create', 'serve-test', '--format', 'json'], { cwd, env });
    expect(created.code).toBe(0);
    const { key, id } = JSON.parse(created.stdout) as { key: string; id: string };
    const listed = await runSleuth(['api-key', 'list'], { cwd, env });
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).not.toContain(key);

    const server = await startServe(env, cwd);
    expect(server.stderr()).toMatch(/API: http:\/\/127\.0\.0\.1:\d+\/api\/v1/);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    expect((await fetch(`${server.url}/api/v1/knowledge/proposals`)).status).toBe(401);

    const auth = { authorization: `Bearer ${key}` };
    // MCP at /mcp of the same server, behind the same keys: the SDK's real client over Streamable HTTP
    const anonymous = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(anonymous.status).toBe(401);
    const mcp = new Client({ name: 'serve-test', version: '1.0.0' });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: auth } }),
    );
    const tools = (await mcp.listTools()).tools.map((t) => t.name);
    expect(tools).toEqual(
      expect.arrayContaining(['investigate', 'run_sql', 'get_schema', 'search_knowledge', 'ask_faq']),
    );
    const counted = await mcp.callTool({ name: 'run_sql', arguments: { sql: 'SELECT COUNT(*) AS n FROM customers' } });
    expect(counted.isError).toBeFalsy();
    expect(JSON.stringify(counted.structuredContent)).toMatch(/"rows":\[\[\d+\]\]/);
    const refused = await mcp.callTool({ name: 'run_sql', arguments: { sql: 'DELETE FROM customers' } });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toContain('SQL_REJECTED');
    await mcp.close();

    const started = await fetch(`${server.url}/api/v1/investigations`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'Which channel drove signups last month?', faq: false }),
    });
    expect(started.status).toBe(202);
    const { links } = (await started.json()) as { links: { events: string } };
    const stream = await fetch(`${server.url}${links.events}`, { headers: auth });
    const events = readSse(stream);
    child?.kill('SIGTERM');
    const received = await events;
    expect(received.map((m) => Number(m.id))).toEqual(received.map((_, i) => i + 1));
    expect(received.at(-1)?.event).toBe('done');
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toMatch(/Stopping: finishing requests and running investigations[\s\S]*Stopped\./);
  }, 120_000);
});
