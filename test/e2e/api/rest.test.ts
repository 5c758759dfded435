/**
 * The REST API as a client uses it, over real HTTP against the real server and engine: investigations (create, read,
 * feedback, sessions), guarded SQL with a refusal, schema, the knowledge base, validation errors, 404s, and
 * authentication (missing, invalid, revoked keys; configured tokens; the rate-limit slot; a mounted handler).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimitHook } from '../../../src/api/index.js';
import type { Actor } from '../../../src/common/actor.js';
import { type ApiHarness, readSse, startApiHarness } from './harness.js';

const TOKEN = 'static-token-for-the-rest-tests-0123456789';

describe('REST API', () => {
  let h: ApiHarness;
  const limited: string[] = [];
  const mounted: Actor[] = [];
  const rateLimit: RateLimitHook = ({ key, route }) => {
    if (route !== '/api/v1/knowledge/proposals' || key !== 'token:ci') return { allowed: true };
    limited.push(key);
    return { allowed: false, retryAfterMs: 2500, message: 'Too many API requests (60 a minute); retry in 3 s.' };
  };

  beforeAll(async () => {
    h = await startApiHarness({
      // these tests change the knowledge base, which takes an admin key (members: see authz.test.ts)
      role: 'admin',
      env: { SLEUTH_API_TOKENS: `ci:${TOKEN}` },
      deps: {
        rateLimit,
        mounts: [
          {
            path: '/mcp',
            handle(req, res, actor) {
              mounted.push(actor);
              res.writeHead(200, { 'content-type': 'application/json' });
              res.end(JSON.stringify({ url: req.url, method: req.method }));
            },
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const finish = async (id: string) => readSse(await h.call(`/api/v1/investigations/${id}/events`));

  it('creates an investigation (202, queued, links), follows it to the end and reads the answer', async () => {
    const created = await h.call('/api/v1/investigations', {
      method: 'POST',
      json: { question: 'Which channel drove signups last month?', faq: false },
    });
    expect(created.status).toBe(202);
    const body = (await created.json()) as { id: string; status: string; links: Record<string, string> };
    expect(body.status).toBe('queued');
    expect(created.headers.get('location')).toBe(`/api/v1/investigations/${body.id}`);
    expect(body.links).toMatchObject({
      events: `/api/v1/investigations/${body.id}/events`,
      websocket: `/ws/${body.id}`,
    });

    const events = await finish(body.id);
    expect(events.at(-1)?.event).toBe('done');

    const read = await h.call(`/api/v1/investigations/${body.id}`);
    expect(read.status).toBe(200);
    const view = (await read.json()) as {
      answer: { text: string };
      steps: number;
      sqlRuns: number;
      usage: unknown;
      timings: { durationMs: number; queuedMs: number };
    };
    expect(view).toMatchObject({ id: body.id, status: 'succeeded', connection: 'demo', error: null });
    expect(view.answer.text).toMatch(/organic/);
    expect(view.steps).toBeGreaterThan(0);
    expect(view.sqlRuns).toBeGreaterThan(0);
    expect(view.usage).toMatchObject({ provider: 'scripted', inputTokens: expect.any(Number) });
    expect(view.timings.durationMs).toBeGreaterThanOrEqual(0);
    expect(view.timings.queuedMs).toBeGreaterThanOrEqual(0);
    // the actor behind the key is who the investigation belongs to
    expect((await (await h.context.memory()).getInvestigation(body.id))?.userId).toBe(h.keyId);
  }, 60_000);

  it('answers follow-ups in a session, and hides another key’s session', async () => {
    const session = await h.call('/api/v1/sessions', { method: 'POST' });
    expect(session.status).toBe(201);
    const { id: sessionId } = (await session.json()) as { id: string };
    const first = await h.call('/api/v1/investigations', {
      method: 'POST',
      json: { question: 'Signups by channel last month?', sessionId, faq: false },
    });
    const { id } = (await first.json()) as { id: string };
    await finish(id);
    expect((await (await h.context.memory()).getSession(sessionId))?.summary).toMatch(/Signups by channel/);

    const other = await h.call('/api/v1/investigations', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      json: { question: 'And the month before?', sessionId },
    });
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  }, 60_000);

  it('records feedback; a helpful answer with SQL becomes one pending proposal', async () => {
    const created = await h.call('/api/v1/investigations', {
      method: 'POST',
      json: { question: 'Which channel drove signups in October?', faq: false },
    });
    const { id } = (await created.json()) as { id: string };
    await finish(id);
    const helpful = await h.call(`/api/v1/investigations/${id}/feedback`, {
      method: 'POST',
      json: { helpful: true, note: 'exactly what I needed' },
    });
    expect(helpful.status).toBe(200);
    const first = (await helpful.json()) as { recorded: boolean; proposal: { id: string; status: string } };
    expect(first).toMatchObject({ recorded: true, proposal: { status: 'pending' } });
    const twice = (await (
      await h.call(`/api/v1/investigations/${id}/feedback`, { method: 'POST', json: { helpful: true } })
    ).json()) as typeof first;
    expect(twice.proposal.id).toBe(first.proposal.id);
    const notHelpful = await h.call(`/api/v1/investigations/${id}/feedback`, {
      method: 'POST',
      json: { helpful: false },
    });
    expect(await notHelpful.json()).toEqual({ recorded: true, proposal: null });

    const audit = (await (await h.context.memory()).listAudit({ limit: 50 })).filter(
      (a) => a.investigationId === id && a.action.startsWith('feedback'),
    );
    expect(audit.map((a) => [a.action, a.actor, a.detail]).reverse()).toEqual([
      ['feedback', h.keyId, { helpful: true }],
      ['feedback_note', h.keyId, { note: 'exactly what I needed' }],
      ['feedback', h.keyId, { helpful: true }],
      ['feedback', h.keyId, { helpful: false }],
    ]);

    const proposals = (await (await h.call('/api/v1/knowledge/proposals')).json()) as {
      proposals: { id: string; sql: string }[];
    };
    const proposal = proposals.proposals.find((p) => p.id === first.proposal.id);
    if (!proposal) throw new Error('the proposal is not listed');
    expect(proposal).toMatchObject({ investigationId: id, proposedBy: h.keyId, note: 'exactly what I needed' });
    expect(proposal.sql).toMatch(/acquisition_channel/);

    const confirmed = await h.call(`/api/v1/knowledge/proposals/${proposal.id}/confirm`, {
      method: 'POST',
      json: { name: 'october_signups_by_channel', owner: 'growth' },
    });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toEqual({
      id: proposal.id,
      status: 'confirmed',
      file: join('verified', 'october_signups_by_channel.yaml'),
    });
    expect(existsSync(join(h.knowledgeDir, 'verified', 'october_signups_by_channel.yaml'))).toBe(true);
    const reject = await h.call(`/api/v1/knowledge/proposals/${proposal.id}/reject`, { method: 'POST' });
    expect(reject.status).toBe(409);
    expect((await h.call('/api/v1/knowledge/proposals/nope/reject', { method: 'POST' })).status).toBe(404);
  }, 60_000);

  it('runs guarded SQL, and refuses a write with 422, its guard code, and nothing changed', async () => {
    const ok = await h.call('/api/v1/database/execute', {
      method: 'POST',
      json: { sql: 'SELECT COUNT(*) AS n FROM countries', connection: 'demo' },
    });
    expect(ok.status).toBe(200);
    const result = (await ok.json()) as { rows: unknown[][]; columns: { name: string }[]; connection: string };
    expect(result.connection).toBe('demo');
    expect(result.columns.map((c) => c.name)).toEqual(['n']);
    const before = result.rows[0]?.[0];
    expect(Number(before)).toBeGreaterThan(0);

    for (const [sql, code] of [
      ['DELETE FROM countries', 'WRITE_STATEMENT'],
      ['SELECT 1; DROP TABLE countries', 'MULTIPLE_STATEMENTS'],
    ] as const) {
      const refused = await h.call('/api/v1/database/execute', { method: 'POST', json: { sql } });
      expect(refused.status).toBe(422);
      expect(await refused.json()).toMatchObject({ error: { code: 'SQL_REJECTED', guardCode: code } });
    }
    const after = (await (
      await h.call('/api/v1/database/execute', { method: 'POST', json: { sql: 'SELECT COUNT(*) AS n FROM countries' } })
    ).json()) as { rows: unknown[][] };
    expect(after.rows[0]?.[0]).toBe(before);

    const dbError = await h.call('/api/v1/database/execute', {
      method: 'POST',
      json: { sql: 'SELECT nope FROM countries' },
    });
    expect(dbError.status).toBe(422);
    expect(await dbError.json()).toMatchObject({ error: { code: 'SQL_ERROR' } });

    // a connection is a configured name, never a URL from the caller
    const url = await h.call('/api/v1/database/execute', {
      method: 'POST',
      json: { sql: 'SELECT 1', connection: 'sqlite:/etc/passwd' },
    });
    expect(url.status).toBe(400);
    expect(await url.json()).toMatchObject({
      error: { code: 'INVALID_REQUEST', issues: [{ path: 'body.connection' }] },
    });
    const unknown = await h.call('/api/v1/database/execute', {
      method: 'POST',
      json: { sql: 'SELECT 1', connection: 'warehouse' },
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { code: 'CONNECTION_UNKNOWN' } });
  });

  it('describes the schema, or one table, and 404s an unknown table', async () => {
    const all = await h.call('/api/v1/database/schema');
    expect(all.status).toBe(200);
    const schema = (await all.json()) as { dialect: string; tables: { name: string }[] };
    expect(schema.dialect).toBe('sqlite');
    expect(schema.tables.map((t) => t.name)).toEqual(expect.arrayContaining(['customers', 'orders', 'countries']));
    const one = (await (await h.call('/api/v1/database/schema?table=customers&connection=demo')).json()) as {
      tables: { name: string; columns: { name: string }[] }[];
    };
    expect(one.tables).toHaveLength(1);
    expect(one.tables[0]?.columns.map((c) => c.name)).toContain('acquisition_channel');
    const missing = await h.call('/api/v1/database/schema?table=zebras');
    expect(missing.status).toBe(404);
  });

  it('lists, searches, adds and removes verified queries', async () => {
    const list = (await (await h.call('/api/v1/knowledge/verified-queries')).json()) as {
      verifiedQueries: { name: string }[];
    };
    expect(list.verifiedQueries.length).toBeGreaterThan(40);
    expect(list.verifiedQueries.find((q) => q.name === 'signups_by_channel')).toMatchObject({ stale: false });

    const search = (await (
      await h.call('/api/v1/knowledge/search?q=signups%20by%20channel%20last%20month&limit=3')
    ).json()) as {
      faq: unknown;
      hits: unknown[];
    };
    expect(search.faq).toMatchObject({ result: 'hit', verifiedQuery: 'signups_by_channel' });
    expect(search.hits.length).toBeGreaterThan(0);

    const query = {
      name: 'country_count',
      description: 'Number of countries we sell in.',
      questions: ['How many countries do we sell in?'],
      connection: 'demo',
      owner: 'ops',
      verified_on: '2026-11-01',
      sql: 'SELECT COUNT(*) AS countries FROM countries',
    };
    const added = await h.call('/api/v1/knowledge/verified-queries', { method: 'POST', json: query });
    expect(added.status).toBe(201);
    expect(await added.json()).toEqual({ name: 'country_count', file: join('verified', 'country_count.yaml') });
    expect((await h.call('/api/v1/knowledge/verified-queries', { method: 'POST', json: query })).status).toBe(409);

    const stale = await h.call('/api/v1/knowledge/verified-queries', {
      method: 'POST',
      json: { ...query, name: 'zebra_count', sql: 'SELECT COUNT(zebra) FROM customers' },
    });
    expect(stale.status).toBe(400);
    expect(await stale.json()).toMatchObject({
      error: { code: 'KNOWLEDGE_INVALID', message: expect.stringMatching(/does not fit/) },
    });
    expect(existsSync(join(h.knowledgeDir, 'verified', 'zebra_count.yaml'))).toBe(false);

    const invalid = await h.call('/api/v1/knowledge/verified-queries', {
      method: 'POST',
      json: { ...query, name: 'Bad Name', sql: 'SELECT {{nope}}' },
    });
    expect(invalid.status).toBe(400);
    const problems = ((await invalid.json()) as { error: { issues: { path: string }[] } }).error.issues.map(
      (i) => i.path,
    );
    expect(problems).toEqual(expect.arrayContaining(['body.name', 'body.sql']));

    const removed = await h.call('/api/v1/knowledge/verified-queries/country_count', { method: 'DELETE' });
    expect(await removed.json()).toEqual({ name: 'country_count', removed: true });
    expect(existsSync(join(h.knowledgeDir, 'verified', 'country_count.yaml'))).toBe(false);
    expect((await h.call('/api/v1/knowledge/verified-queries/country_count', { method: 'DELETE' })).status).toBe(404);
  }, 60_000);

  it('validates input with zod and says what is wrong, and 404s unknown things', async () => {
    const empty = await h.call('/api/v1/investigations', { method: 'POST', json: { question: '   ', extra: true } });
    expect(empty.status).toBe(400);
    const problem = (await empty.json()) as { error: { code: string; issues: { path: string }[] } };
    expect(problem.error.code).toBe('INVALID_REQUEST');
    expect(problem.error.issues.map((i) => i.path).sort()).toEqual(['body', 'body.question']);

    const notJson = await h.call('/api/v1/investigations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"question":',
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({
      error: { code: 'INVALID_REQUEST', message: 'The request body is not valid JSON.' },
    });

    const badQuery = await h.call('/api/v1/knowledge/search?q=x&limit=1000');
    expect(badQuery.status).toBe(400);
    expect(await badQuery.json()).toMatchObject({ error: { issues: [{ path: 'query.limit' }] } });

    const feedback = await h.call('/api/v1/investigations/x/feedback', { method: 'POST', json: { helpful: 'yes' } });
    expect(feedback.status).toBe(400);

    for (const [method, path] of [
      ['GET', '/api/v1/investigations/no-such-id'],
      ['GET', '/api/v1/investigations/no-such-id/events'],
      ['POST', '/api/v1/investigations/no-such-id/cancel'],
      ['GET', '/api/v1/nothing-here'],
    ] as const) {
      const r = await h.call(path, { method });
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(await r.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });

  it('refuses missing, invalid and revoked keys with 401, and accepts configured tokens', async () => {
    const missing = await fetch(`${h.url}/api/v1/knowledge/proposals`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await missing.json()).toMatchObject({
      error: { code: 'UNAUTHORIZED', message: expect.stringMatching(/api-key create/) },
    });

    const invalid = await h.call('/api/v1/investigations/x', {
      headers: { authorization: 'Bearer slk_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    });
    expect(invalid.status).toBe(401);
    expect(await invalid.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Invalid API key or token.' } });
    expect(
      (await h.call('/api/v1/investigations/x', { headers: { authorization: 'Basic dXNlcjpwdw==' } })).status,
    ).toBe(401);

    const { createApiKey } = await import('../../../src/api/index.js');
    const memory = await h.context.memory();
    const temporary = await createApiKey(memory.apiKeys, { name: 'temporary', createdBy: 'test' });
    const before = await fetch(`${h.url}/api/v1/database/schema?table=countries`, {
      headers: { authorization: `Bearer ${temporary.key}` },
    });
    expect(before.status).toBe(200);
    await memory.apiKeys.revoke(temporary.record.id, new Date());
    const after = await fetch(`${h.url}/api/v1/database/schema?table=countries`, {
      headers: { authorization: `Bearer ${temporary.key}` },
    });
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({
      error: { code: 'UNAUTHORIZED', message: expect.stringMatching(/revoked/) },
    });

    const withToken = await fetch(`${h.url}/api/v1/knowledge/verified-queries`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(withToken.status).toBe(200);

    // open routes need nothing
    for (const path of ['/health', '/healthz', '/ready', '/openapi.json', '/docs']) {
      expect((await fetch(`${h.url}${path}`)).status, path).toBe(200);
    }
    expect((await fetch(`${h.url}/metrics`)).status).toBe(401);
  });

  it('asks the rate-limit slot after authentication: 429 with Retry-After when it refuses', async () => {
    const refused = await fetch(`${h.url}/api/v1/knowledge/proposals`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('3');
    expect(await refused.json()).toEqual({
      error: { code: 'RATE_LIMITED', message: 'Too many API requests (60 a minute); retry in 3 s.' },
    });
    expect(limited).toEqual(['token:ci']);
    // the slot is never reached without valid credentials, and other keys are not limited
    expect((await fetch(`${h.url}/api/v1/knowledge/proposals`)).status).toBe(401);
    expect((await h.call('/api/v1/knowledge/proposals')).status).toBe(200);
    expect(limited).toEqual(['token:ci']);
  });

  it('serves a mounted handler behind the same auth, with the actor and the full URL', async () => {
    expect((await fetch(`${h.url}/mcp`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect(mounted).toEqual([]);
    const r = await h.call('/mcp/session?x=1', { method: 'POST', body: '{"jsonrpc":"2.0"}' });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ url: '/mcp/session?x=1', method: 'POST' });
    expect(mounted).toEqual([{ kind: 'api', id: h.keyId, label: 'tests', role: 'admin', remote: true }]);
  });

  it('reports readiness per component', async () => {
    const ready = await fetch(`${h.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      components: { memory: { status: 'ok' }, 'db:demo': { status: 'ok' } },
    });
  });
});

describe('readiness with a database down', () => {
  it('answers 503 naming the unreachable connection, without saying why', async () => {
    const h = await startApiHarness({
      env: { SLEUTH_DEFAULT_DB: 'demo', SLEUTH_DB_WAREHOUSE_URL: 'postgres://sleuth:s3cret@127.0.0.1:1/warehouse' },
    });
    try {
      const ready = await fetch(`${h.url}/ready`);
      expect(ready.status).toBe(503);
      const body = await ready.text();
      expect(JSON.parse(body)).toMatchObject({
        status: 'not_ready',
        components: {
          memory: { status: 'ok' },
          'db:demo': { status: 'ok' },
          'db:warehouse': { status: 'unavailable' },
        },
      });
      expect(body).not.toMatch(/s3cret|127\.0\.0\.1|ECONNREFUSED/);
      // alive all the same
      expect((await fetch(`${h.url}/health`)).status).toBe(200);
    } finally {
      await h.close();
    }
  }, 60_000);
});
