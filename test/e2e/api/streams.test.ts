/**
 * Following investigations as clients do, on the real server: Server-Sent Events parsed from the real stream (whole,
 * resumed with Last-Event-ID mid-run and after the end), WebSocket clients (two on one investigation, one that drops
 * and reconnects with its last seq, subprotocol auth, refusals, heartbeats), cancelling queued and running
 * investigations, and a shutdown that closes streams with 1001. Investigations use the slow script (300 ms per
 * model turn) so there is time to act while they run.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { WS_PROTOCOL } from '../../../src/api/index.js';
import { type ApiHarness, readSse, SLOW_SCRIPT, type SseMessage, startApiHarness } from './harness.js';

interface WsRun {
  events: { seq: number; type: string }[];
  code: number;
  reason: string;
  pings: number;
}

function openWs(h: ApiHarness, id: string, options: { after?: number; protocols?: string[]; auth?: boolean } = {}) {
  const url = `${h.url.replace('http', 'ws')}/ws/${id}${options.after !== undefined ? `?after=${options.after}` : ''}`;
  const headers: Record<string, string> = options.auth === false ? {} : { authorization: `Bearer ${h.key}` };
  return new WebSocket(url, options.protocols ?? [], { headers });
}

/** Collects every event until the server closes (or `stopAfter` events, then the client closes). */
function collectWs(ws: WebSocket, stopAfter?: number): Promise<WsRun> {
  const run: WsRun = { events: [], code: 0, reason: '', pings: 0 };
  return new Promise((resolve, reject) => {
    ws.on('ping', () => run.pings++);
    ws.on('message', (data) => {
      // a client that has left sees nothing more, whatever was already on the wire
      if (stopAfter !== undefined && run.events.length >= stopAfter) return;
      run.events.push(JSON.parse(String(data)));
      if (stopAfter !== undefined && run.events.length === stopAfter) ws.close(1000, 'client leaves');
    });
    ws.on('close', (code, reason) => {
      run.code = code;
      run.reason = String(reason);
      resolve(run);
    });
    ws.on('error', reject);
  });
}

function refusal(ws: WebSocket): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => undefined);
  });
}

const seqs = (events: { seq: number }[]) => events.map((e) => e.seq);
const gapless = (events: { seq: number }[]) => events.map((_, i) => i + 1);

describe('SSE and WebSocket progress', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    // nine investigations of one key at once: the per-user concurrency limit (3) would refuse most of them
    h = await startApiHarness({ env: { SLEUTH_SCRIPT: SLOW_SCRIPT, SLEUTH_LIMITS: 'off' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  const start = async (question = 'Which channel drove signups last month?') => {
    const r = await h.call('/api/v1/investigations', { method: 'POST', json: { question, faq: false } });
    expect(r.status).toBe(202);
    return ((await r.json()) as { id: string }).id;
  };

  it('streams SSE live to the end, and resumes with Last-Event-ID mid-run and after the end', async () => {
    const id = await start();
    const fullReader = h.call(`/api/v1/investigations/${id}/events`).then((r) => readSse(r));
    const firstPart = await readSse(await h.call(`/api/v1/investigations/${id}/events`), {
      until: (m) => m.id === '3',
    });
    expect(firstPart.map((m) => m.id)).toEqual(['1', '2', '3']);
    // reconnect as EventSource does: the same URL with Last-Event-ID
    const resumed = h.call(`/api/v1/investigations/${id}/events`, { headers: { 'last-event-id': '3' } });
    const rest = await readSse(await resumed);
    const full = await fullReader;

    expect(full.map((m) => Number(m.id))).toEqual(full.map((_, i) => i + 1));
    expect(full.at(-1)?.event).toBe('done');
    expect(full.every((m: SseMessage) => m.data.seq === Number(m.id) && m.data.type === m.event)).toBe(true);
    expect(full.filter((m) => m.event === 'sql_error').map((m) => m.data.code)).toEqual(['SQL_ERROR', 'SQL_REJECTED']);
    expect([...firstPart, ...rest]).toEqual(full);

    const afterEnd = await readSse(await h.call(`/api/v1/investigations/${id}/events?after=${full.length - 2}`));
    expect(afterEnd).toEqual(full.slice(-2));
    const header = await readSse(
      await h.call(`/api/v1/investigations/${id}/events?after=1`, {
        headers: { 'last-event-id': String(full.length - 1) },
      }),
    );
    expect(header).toEqual(full.slice(-1));
    // every stream, also the one the client left early, has let go of its watcher
    await vi.waitFor(() => expect(h.api.openStreams()).toBe(0));
  }, 60_000);

  it('streams to two WebSocket clients, and one that drops and reconnects with its last seq misses nothing', async () => {
    const id = await start();
    const a = collectWs(openWs(h, id));
    const b = collectWs(openWs(h, id, { protocols: [WS_PROTOCOL, `sleuth.bearer.${h.key}`], auth: false }));
    const dropped = await collectWs(openWs(h, id), 4);
    expect(dropped.events).toHaveLength(4);
    const last = dropped.events.at(-1)?.seq as number;
    const reconnected = await collectWs(openWs(h, id, { after: last }));
    const [first, second] = await Promise.all([a, b]);

    expect(seqs(first.events)).toEqual(gapless(first.events));
    expect(first.events.at(-1)?.type).toBe('done');
    expect(second.events).toEqual(first.events);
    expect([...dropped.events, ...reconnected.events]).toEqual(first.events);
    for (const run of [first, second, reconnected]) {
      expect(run.code).toBe(1000);
      expect(run.reason).toBe('investigation finished');
    }
    // the harness pings every 300 ms; the investigation takes longer than that
    expect(first.pings).toBeGreaterThan(0);

    const replay = await collectWs(openWs(h, id, { after: 0 }));
    expect(replay.events).toEqual(first.events);
    expect(replay.code).toBe(1000);
    await vi.waitFor(() => expect(h.api.openStreams()).toBe(0));
  }, 60_000);

  it('selects sleuth.v1 for subprotocol auth and never echoes the key', async () => {
    const id = await start('Signups by channel, subprotocol?');
    const ws = openWs(h, id, { protocols: [WS_PROTOCOL, `sleuth.bearer.${h.key}`], auth: false });
    const opened = new Promise<string>((resolve) => ws.on('open', () => resolve(ws.protocol)));
    const run = collectWs(ws);
    expect(await opened).toBe(WS_PROTOCOL);
    expect((await run).events.at(-1)?.type).toBe('done');
  }, 60_000);

  it('refuses an upgrade without a valid key (401), for an unknown investigation (404) or a bad after (400)', async () => {
    const id = await start('Signups, refused upgrades?');
    expect(await refusal(openWs(h, id, { auth: false }))).toMatchObject({
      status: 401,
      body: expect.stringMatching(/UNAUTHORIZED/),
    });
    const wrong = new WebSocket(`${h.url.replace('http', 'ws')}/ws/${id}`, {
      headers: { authorization: 'Bearer slk_nope' },
    });
    expect((await refusal(wrong)).status).toBe(401);
    // a key in the query string is not a credential
    const query = new WebSocket(`${h.url.replace('http', 'ws')}/ws/${id}?token=${h.key}`);
    expect((await refusal(query)).status).toBe(401);
    expect(await refusal(openWs(h, 'no-such-investigation'))).toMatchObject({
      status: 404,
      body: expect.stringMatching(/NOT_FOUND/),
    });
    expect((await refusal(openWs(h, id, { after: -1 }))).status).toBe(400);
    const elsewhere = new WebSocket(`${h.url.replace('http', 'ws')}/ws/`, {
      headers: { authorization: `Bearer ${h.key}` },
    });
    expect((await refusal(elsewhere)).status).toBe(404);
    await readSse(await h.call(`/api/v1/investigations/${id}/events`));
  }, 60_000);

  it('cancels a queued investigation at once and a running one through the engine', async () => {
    // the worker runs eight at a time; each takes about 1.5 s, so the ninth waits
    const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => start(`Signups by channel, cancel ${i}?`)));
    ids.push(await start('Signups by channel, cancel 8?'));
    const queued = ids[8] as string;
    const running = ids[0] as string;
    const cancelQueued = await h.call(`/api/v1/investigations/${queued}/cancel`, { method: 'POST' });
    expect(cancelQueued.status).toBe(200);
    expect(await cancelQueued.json()).toEqual({ id: queued, status: 'cancelled' });
    expect((await readSse(await h.call(`/api/v1/investigations/${queued}/events`))).map((m) => m.data)).toMatchObject([
      { type: 'failed', error: { code: 'INVESTIGATION_CANCELLED' } },
    ]);

    const cancelRunning = await h.call(`/api/v1/investigations/${running}/cancel`, { method: 'POST' });
    expect(cancelRunning.status).toBe(202);
    expect(await cancelRunning.json()).toEqual({ id: running, status: 'cancelling' });
    const events = await readSse(await h.call(`/api/v1/investigations/${running}/events`));
    expect(events.at(-1)).toMatchObject({ event: 'failed', data: { error: { code: 'INVESTIGATION_CANCELLED' } } });
    expect(((await (await h.call(`/api/v1/investigations/${running}`)).json()) as { status: string }).status).toBe(
      'cancelled',
    );
    await Promise.all(ids.slice(1, 8).map(async (id) => readSse(await h.call(`/api/v1/investigations/${id}/events`))));
    const finished = await h.call(`/api/v1/investigations/${ids[1]}/cancel`, { method: 'POST' });
    expect(finished.status).toBe(409);
    expect(await finished.json()).toMatchObject({
      error: { code: 'CONFLICT', message: expect.stringMatching(/already succeeded/) },
    });
  }, 90_000);
});

describe('shutdown', () => {
  it('lets running investigations finish for their streams, then refuses new work and closes what is left with 1001', async () => {
    const h = await startApiHarness({ env: { SLEUTH_SCRIPT: SLOW_SCRIPT } });
    try {
      const post = (question: string) =>
        h
          .call('/api/v1/investigations', { method: 'POST', json: { question, faq: false } })
          .then(async (r) => ((await r.json()) as { id: string }).id);
      const finishing = await post('Signups by channel, finishing during the grace?');
      const sse = h.call(`/api/v1/investigations/${finishing}/events`).then((r) => readSse(r));
      const ws = collectWs(openWs(h, finishing));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const stopping = h.server.stop({
        graceMs: 20_000,
        idle: async () => {
          const depth = await (await h.context.investigations()).depth();
          return depth.queued + depth.running === 0;
        },
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      // the listener is closed: new connections are refused
      await expect(fetch(`${h.url}/health`)).rejects.toThrow();
      await stopping;
      const [events, socket] = await Promise.all([sse, ws]);
      expect(events.at(-1)?.event).toBe('done');
      expect(socket.events.at(-1)?.type).toBe('done');
      expect(socket.code).toBe(1000);
    } finally {
      await h.close();
    }

    const g = await startApiHarness({ env: { SLEUTH_SCRIPT: SLOW_SCRIPT } });
    try {
      const r = await g.call('/api/v1/investigations', {
        method: 'POST',
        json: { question: 'Signups, cut short?', faq: false },
      });
      const { id } = (await r.json()) as { id: string };
      const socket = collectWs(openWs(g, id));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await g.server.stop({ graceMs: 0 });
      const run = await socket;
      expect(run.code).toBe(1001);
      expect(run.reason).toBe('server shutting down');
      expect(run.events.at(-1)?.type).not.toBe('done');
    } finally {
      await g.close();
    }
  }, 90_000);
});
