/**
 * Who may see and change what over the API, on the real server with real keys: two member keys (A, B) and an admin
 * key. B gets 404, exactly as for an id that does not exist, for A's investigation on GET, SSE, the WebSocket,
 * cancel and feedback, and for A's session; A gets its own; the admin gets both. A member's knowledge write is 403
 * and leaves the knowledge folder and the proposals as they were; the admin's works. Configured tokens carry their
 * configured role. Investigations use the slow script so there is time to act while one runs. Then MCP at /mcp of
 * the same server under an access policy: a key there is judged by its key rules (never as a local tool) and
 * continues only its own Sleuth sessions; knowledge search decides with the caller's policy.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createMcpHttpHandler, type McpHttpHandler } from '../../../src/mcp/index.js';
import { type ApiClient, type ApiHarness, readSse, SLOW_SCRIPT, startApiHarness } from './harness.js';

const ADMIN_TOKEN = 'admin-token-for-the-authz-tests-0123456789';
const BOT_TOKEN = 'member-token-for-the-authz-tests-987654321';

/** Every file under the knowledge folder with a hash of its content. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else out[relative(dir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

function ws(h: ApiHarness, key: string, id: string): WebSocket {
  return new WebSocket(`${h.url.replace('http', 'ws')}/ws/${id}`, { headers: { authorization: `Bearer ${key}` } });
}

/** The HTTP answer to a refused upgrade. */
function refused(socket: WebSocket): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    socket.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) }));
    });
    socket.on('open', () => reject(new Error('the upgrade was accepted')));
    socket.on('error', () => undefined);
  });
}

/** Every event until the server closes. */
function watched(socket: WebSocket): Promise<{ types: string[]; code: number }> {
  const types: string[] = [];
  return new Promise((resolve, reject) => {
    socket.on('message', (data) => types.push((JSON.parse(String(data)) as { type: string }).type));
    socket.on('close', (code) => resolve({ types, code }));
    socket.on('error', reject);
  });
}

describe('API authorization: roles and ownership', () => {
  let h: ApiHarness;
  let a: ApiClient;
  let b: ApiClient;
  let admin: ApiClient;
  let adminToken: ApiClient;
  let botToken: ApiClient;
  let aFinished: string;
  let bFinished: string;

  const start = async (who: ApiClient, question: string, sessionId?: string) => {
    const r = await who.call('/api/v1/investigations', { method: 'POST', json: { question, faq: false, sessionId } });
    expect(r.status).toBe(202);
    return ((await r.json()) as { id: string }).id;
  };
  const finish = async (who: ApiClient, id: string) => readSse(await who.call(`/api/v1/investigations/${id}/events`));
  const status = async (id: string) => (await (await h.context.memory()).getInvestigation(id))?.status;

  beforeAll(async () => {
    h = await startApiHarness({
      env: {
        SLEUTH_SCRIPT: SLOW_SCRIPT,
        SLEUTH_LIMITS: 'off',
        SLEUTH_API_TOKENS: `ops:${ADMIN_TOKEN}:admin,bot:${BOT_TOKEN}`,
      },
    });
    a = await h.newKey('member a');
    b = await h.newKey('member b');
    admin = await h.newKey('curator', 'admin');
    const withToken = (token: string): ApiClient => ({
      key: token,
      keyId: '',
      call: (path, init = {}) =>
        h.call(path, { ...init, headers: { ...(init.headers as object), authorization: `Bearer ${token}` } }),
    });
    adminToken = withToken(ADMIN_TOKEN);
    botToken = withToken(BOT_TOKEN);
    [aFinished, bFinished] = await Promise.all([
      start(a, 'Which channel drove signups last month? (A)'),
      start(b, 'Which channel drove signups last month? (B)'),
    ]);
    await Promise.all([finish(a, aFinished), finish(b, bFinished)]);
  }, 90_000);
  afterAll(async () => {
    await h?.close();
  });

  it('a member reads only its own investigations; an admin reads everyone’s', async () => {
    const missing = await (await b.call('/api/v1/investigations/no-such-id')).json();
    for (const [who, id, expected] of [
      [a, aFinished, 200],
      [b, bFinished, 200],
      [b, aFinished, 404],
      [a, bFinished, 404],
      [admin, aFinished, 200],
      [admin, bFinished, 200],
      [adminToken, aFinished, 200],
      [botToken, aFinished, 404],
    ] as const) {
      const r = await who.call(`/api/v1/investigations/${id}`);
      expect(r.status, `${id}`).toBe(expected);
      const body = (await r.json()) as { id?: string; status?: string; error?: { code: string; message: string } };
      if (expected === 200) expect(body).toMatchObject({ id, status: 'succeeded' });
      // another key's investigation looks exactly like one that does not exist
      else
        expect(body).toEqual({
          error: {
            code: 'NOT_FOUND',
            message: (missing as { error: { message: string } }).error.message.replace('no-such-id', id),
          },
        });
    }
  });

  it('streams SSE and WebSocket events only to the owner or an admin', async () => {
    const theirs = await b.call(`/api/v1/investigations/${aFinished}/events`);
    expect(theirs.status).toBe(404);
    expect(theirs.headers.get('content-type')).toMatch(/application\/json/);
    expect(await theirs.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });

    const own = await finish(a, aFinished);
    expect(own.at(-1)?.event).toBe('done');
    const asAdmin = await finish(admin, aFinished);
    expect(asAdmin.map((m) => m.id)).toEqual(own.map((m) => m.id));

    expect(await refused(ws(h, b.key, aFinished))).toEqual({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: `Investigation ${aFinished} was not found.` } },
    });
    expect((await refused(ws(h, BOT_TOKEN, aFinished))).status).toBe(404);
    const mine = await watched(ws(h, a.key, aFinished));
    expect(mine).toMatchObject({ code: 1000 });
    expect(mine.types.at(-1)).toBe('done');
    const adminWatch = await watched(ws(h, admin.key, bFinished));
    expect(adminWatch.types.at(-1)).toBe('done');
  }, 30_000);

  it('lets only the owner or an admin cancel; another member’s cancel is 404 and changes nothing', async () => {
    const running = await start(a, 'Signups by channel, to cancel?');
    const byB = await b.call(`/api/v1/investigations/${running}/cancel`, { method: 'POST' });
    expect(byB.status).toBe(404);
    expect(await byB.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(await status(running)).not.toBe('cancelled');
    const byA = await a.call(`/api/v1/investigations/${running}/cancel`, { method: 'POST' });
    expect([200, 202]).toContain(byA.status);
    const ended = await finish(a, running);
    expect(ended.at(-1)).toMatchObject({ event: 'failed', data: { error: { code: 'INVESTIGATION_CANCELLED' } } });

    const another = await start(b, 'Signups by channel, an admin cancels it?');
    expect((await a.call(`/api/v1/investigations/${another}/cancel`, { method: 'POST' })).status).toBe(404);
    const byAdmin = await admin.call(`/api/v1/investigations/${another}/cancel`, { method: 'POST' });
    expect([200, 202]).toContain(byAdmin.status);
    expect((await finish(b, another)).at(-1)?.event).toBe('failed');
    expect(await status(another)).toBe('cancelled');
  }, 60_000);

  it('takes feedback only from the owner or an admin; a member sees only its own proposals', async () => {
    const audit = async () =>
      (await (await h.context.memory()).listAudit({ limit: 200 })).filter(
        (e) => e.investigationId === aFinished && e.action.startsWith('feedback'),
      );
    const byB = await b.call(`/api/v1/investigations/${aFinished}/feedback`, {
      method: 'POST',
      json: { helpful: true, note: 'not mine' },
    });
    expect(byB.status).toBe(404);
    expect(await audit()).toEqual([]);
    expect(
      (await (await h.context.knowledge()).listProposals()).filter((p) => p.investigationId === aFinished),
    ).toEqual([]);

    const byA = await a.call(`/api/v1/investigations/${aFinished}/feedback`, {
      method: 'POST',
      json: { helpful: true, note: 'exactly right' },
    });
    expect(byA.status).toBe(200);
    const { proposal } = (await byA.json()) as { proposal: { id: string; status: string } };
    expect(proposal.status).toBe('pending');
    expect((await audit()).map((e) => e.actor)).toEqual([a.keyId, a.keyId]);

    const listed = async (who: ApiClient) =>
      ((await (await who.call('/api/v1/knowledge/proposals')).json()) as { proposals: { id: string }[] }).proposals.map(
        (p) => p.id,
      );
    expect(await listed(a)).toContain(proposal.id);
    expect(await listed(b)).not.toContain(proposal.id);
    expect(await listed(admin)).toContain(proposal.id);
  });

  it('keeps a member’s session to that member', async () => {
    const created = await a.call('/api/v1/sessions', { method: 'POST' });
    const { id: sessionId } = (await created.json()) as { id: string };
    const byB = await b.call('/api/v1/investigations', {
      method: 'POST',
      json: { question: 'And the month before?', sessionId, faq: false },
    });
    expect(byB.status).toBe(404);
    expect(await byB.json()).toEqual({ error: { code: 'NOT_FOUND', message: `Session ${sessionId} was not found.` } });
    const id = await start(a, 'And the month before?', sessionId);
    expect((await finish(a, id)).at(-1)?.event).toBe('done');
  }, 30_000);

  it('refuses a member’s knowledge writes with 403 and changes nothing; an admin’s work', async () => {
    const query = {
      name: 'authz_country_count',
      description: 'Number of countries we sell in.',
      questions: ['How many countries do we sell in?'],
      connection: 'demo',
      owner: 'ops',
      verified_on: '2026-11-01',
      sql: 'SELECT COUNT(*) AS countries FROM countries',
    };
    const kb = await h.context.knowledge();
    const pending = (await kb.listProposals()).find((p) => p.status === 'pending' && p.proposedBy === a.keyId);
    if (!pending) throw new Error('the feedback test left no pending proposal');
    const files = snapshot(h.knowledgeDir);
    const proposals = JSON.stringify(await kb.listProposals());
    const listing = JSON.stringify((await kb.list()).map((q) => q.name));
    expect(Object.keys(files)).toContain(join('verified', 'signups_by_channel.yaml'));

    for (const who of [a, b, botToken]) {
      for (const [method, path, json] of [
        ['POST', '/api/v1/knowledge/verified-queries', query],
        ['POST', '/api/v1/knowledge/verified-queries', { nonsense: true }],
        ['DELETE', '/api/v1/knowledge/verified-queries/signups_by_channel', undefined],
        ['POST', `/api/v1/knowledge/proposals/${pending.id}/confirm`, { name: 'authz_from_feedback', owner: 'ops' }],
        ['POST', `/api/v1/knowledge/proposals/${pending.id}/reject`, undefined],
      ] as const) {
        const r = await who.call(path, { method, json });
        expect(r.status, `${method} ${path}`).toBe(403);
        expect(await r.json()).toMatchObject({
          error: { code: 'PERMISSION_DENIED', message: expect.stringMatching(/^Only an admin key may .+ member/) },
        });
      }
    }
    expect(snapshot(h.knowledgeDir)).toEqual(files);
    expect(JSON.stringify(await kb.listProposals())).toBe(proposals);
    expect(JSON.stringify((await kb.list()).map((q) => q.name))).toBe(listing);
    // reads stay open to members
    expect((await b.call('/api/v1/knowledge/verified-queries')).status).toBe(200);
    const search = await b.call('/api/v1/knowledge/search?q=signups%20by%20channel%20last%20month');
    expect(await search.json()).toMatchObject({ faq: { result: 'hit', verifiedQuery: 'signups_by_channel' } });

    const added = await admin.call('/api/v1/knowledge/verified-queries', { method: 'POST', json: query });
    expect(added.status).toBe(201);
    expect(existsSync(join(h.knowledgeDir, 'verified', 'authz_country_count.yaml'))).toBe(true);
    const confirmed = await admin.call(`/api/v1/knowledge/proposals/${pending.id}/confirm`, {
      method: 'POST',
      json: { name: 'authz_from_feedback', owner: 'ops' },
    });
    expect(confirmed.status).toBe(200);
    expect(existsSync(join(h.knowledgeDir, 'verified', 'authz_from_feedback.yaml'))).toBe(true);
    expect((await kb.listProposals()).find((p) => p.id === pending.id)?.status).toBe('confirmed');
    // a configured token with role admin is an admin too
    const removed = await adminToken.call('/api/v1/knowledge/verified-queries/authz_country_count', {
      method: 'DELETE',
    });
    expect(removed.status).toBe(200);
    expect(existsSync(join(h.knowledgeDir, 'verified', 'authz_country_count.yaml'))).toBe(false);
  }, 60_000);

  it('documents the admin-only routes in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${h.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { description?: string; responses: Record<string, unknown> }>>;
    };
    const write = doc.paths['/api/v1/knowledge/verified-queries']?.post;
    expect(write).toMatchObject({ 'x-sleuth-role': 'admin', responses: { 403: expect.anything() } });
    expect(write?.description).toMatch(/^Admin keys only/);
    expect(doc.paths['/api/v1/knowledge/verified-queries']?.get).not.toHaveProperty('x-sleuth-role');
    expect(doc.paths['/api/v1/investigations/{id}']?.get?.description).toMatch(/member key sees .* only on the/);
  });
});

describe('MCP at /mcp and knowledge search under an access policy, behind the same keys', () => {
  let h: ApiHarness;
  let mcp: McpHttpHandler;
  const clients: Client[] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sleuth-authz-policy-'));
    // only local tools and the reporting bot's key may use any connection
    writeFileSync(
      join(dir, 'policy.yaml'),
      'access:\n  - { connections: ["*"], local: true }\n  - { connections: ["*"], apiKeys: [reporting-bot] }\n',
    );
    h = await startApiHarness({
      env: { SLEUTH_POLICY_FILE: join(dir, 'policy.yaml'), SLEUTH_LIMITS: 'off' },
      deps: async (context) => {
        mcp = createMcpHttpHandler({ context, logger: context.logger });
        return { mounts: [{ path: '/mcp', handle: (req, res, actor) => mcp.handle(req, res, actor) }] };
      },
    });
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.close()));
    await mcp?.close();
    await h?.close();
  });

  const connect = async (key: string) => {
    const client = new Client({ name: 'authz-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${h.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${key}` } },
      }),
    );
    clients.push(client);
    return client;
  };
  const text = (result: unknown) => ((result as CallToolResult).content[0] as { text: string }).text;

  it('judges a key through /mcp by its key rules, never as a local tool', async () => {
    const intern = await connect((await h.newKey('intern')).key);
    const refused = (await intern.callTool({
      name: 'run_sql',
      arguments: { sql: 'SELECT 1 AS one' },
    })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/^PERMISSION_DENIED: The API key intern may not use the "demo" connection/);
    const search = (await intern.callTool({
      name: 'search_knowledge',
      arguments: { query: 'signups by channel' },
    })) as CallToolResult;
    expect(text(search)).toMatch(/^PERMISSION_DENIED/);

    const bot = await connect((await h.newKey('reporting-bot')).key);
    const allowed = (await bot.callTool({ name: 'run_sql', arguments: { sql: 'SELECT 1 AS one' } })) as CallToolResult;
    expect(allowed.isError).toBeFalsy();
    // the FAQ tier decides with the caller (without it, an access section refused everyone)
    const faq = (await bot.callTool({
      name: 'ask_faq',
      arguments: { question: 'signups by channel last month' },
    })) as CallToolResult;
    expect(faq.structuredContent).toMatchObject({ kind: 'answered' });
  }, 60_000);

  it('continues only the caller’s own Sleuth sessions over MCP', async () => {
    const bot = await h.newKey('reporting-bot');
    const client = await connect(bot.key);
    const memory = await h.context.memory();
    for (const session of [
      await memory.createSession({ userId: 'key_someone_else' }),
      await memory.createSession({}), // a CLI session has no owner: an admin's only
    ]) {
      const result = await client.callTool({
        name: 'investigate',
        arguments: { question: 'And the month before?', sessionId: session.id },
      });
      expect(text(result)).toBe(`NOT_FOUND: No Sleuth session ${session.id}.`);
    }
  });

  it('applies the caller’s access policy to knowledge search over REST', async () => {
    const q = '/api/v1/knowledge/search?q=signups%20by%20channel%20last%20month';
    const intern = await (await h.newKey('intern')).call(q);
    expect(intern.status).toBe(403);
    expect(await intern.json()).toMatchObject({
      error: { code: 'PERMISSION_DENIED', message: expect.stringMatching(/The API key intern may not use/) },
    });
    const bot = await (await h.newKey('reporting-bot')).call(q);
    expect(bot.status).toBe(200);
    expect(await bot.json()).toMatchObject({ faq: { result: 'hit', verifiedQuery: 'signups_by_channel' } });
  });
});
