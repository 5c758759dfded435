/**
 * The memory store contract, run against every backend: in-memory PGlite, PGlite on a data directory, and the real
 * PostgreSQL server (database sleuth_test_memory, emptied at the start of the suite).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FinalAnswer } from '../../../src/agent/events.js';
import { cacheKey, type MemoryStore, type OpenMemoryOptions, openMemoryStore } from '../../../src/memory/index.js';
import { ensureDatabase, silentLogger } from '../../helpers/databases.js';

interface Backend {
  name: string;
  /** Survives close + reopen (the restart and idempotent-migration tests need it). */
  persistent: boolean;
  setup(): Promise<{ options: OpenMemoryOptions; cleanup(): void }>;
}

const BACKENDS: Backend[] = [
  {
    name: 'in-memory PGlite',
    persistent: false,
    setup: async () => ({ options: { logger: silentLogger }, cleanup() {} }),
  },
  {
    name: 'PGlite on a data directory',
    persistent: true,
    async setup() {
      const dataDir = mkdtempSync(join(tmpdir(), 'sleuth-memory-'));
      return {
        options: { dataDir, logger: silentLogger },
        cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'the real PostgreSQL server',
    persistent: true,
    async setup() {
      const url = await ensureDatabase('postgres', 'sleuth_test_memory');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
      } finally {
        await client.end();
      }
      return { options: { url, logger: silentLogger }, cleanup() {} };
    },
  },
];

const ANSWER: FinalAnswer = {
  text: 'Organic led with 62 signups — «ünïcode», "quotes", \\backslash\\ and a\nnewline.',
  keyNumbers: [
    { label: 'signups', value: '62' },
    { label: 'share', value: '41.5', unit: '%' },
  ],
  evidence: [{ claim: 'by channel', sql: 'SELECT \'x\' AS "quoted", 1.50 AS n;', rowCount: 6 }],
  caveats: ['UTC dates'],
  followUps: [],
  partial: false,
  chart: 'bar',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(BACKENDS)('memory store on $name', (backend) => {
  let options: OpenMemoryOptions;
  let cleanup: () => void = () => {};
  let store: MemoryStore;

  beforeAll(async () => {
    ({ options, cleanup } = await backend.setup());
    store = await openMemoryStore(options);
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    cleanup();
  });

  persistentIt(backend.persistent)(
    'runs migrations idempotently: reopening keeps the schema and the data',
    async () => {
      const { id } = await store.createInvestigation({ question: 'kept?', connection: 'demo', status: 'succeeded' });
      await store.close();
      store = await openMemoryStore(options);
      expect((await store.getInvestigation(id))?.question).toBe('kept?');
    },
  );

  it('creates and updates an investigation', async () => {
    const { id } = await store.createInvestigation({
      question: 'Why did signups drop?',
      connection: 'demo',
      userId: 'U1',
      status: 'queued',
      model: 'claude-x',
      provider: 'anthropic',
      promptVersion: 'p1',
    });
    expect(await store.getInvestigation(id)).toMatchObject({
      id,
      question: 'Why did signups drop?',
      status: 'queued',
      model: 'claude-x',
      provider: 'anthropic',
      promptVersion: 'p1',
      sessionId: null,
      answer: null,
      error: null,
      inputTokens: 0,
      costUsd: 0,
      steps: 0,
      sqlRuns: 0,
      startedAt: null,
      finishedAt: null,
    });
    const startedAt = new Date('2026-01-02T03:04:05.678Z');
    const finishedAt = new Date('2026-01-02T03:05:00.001Z');
    await store.updateInvestigation(id, { status: 'running', startedAt });
    await store.updateInvestigation(id, {
      status: 'succeeded',
      answer: ANSWER,
      inputTokens: 1200,
      outputTokens: 345,
      costUsd: 0.0125,
      steps: 4,
      sqlRuns: 3,
      finishedAt,
    });
    await store.updateInvestigation(id, {}); // a no-op patch is fine
    const record = await store.getInvestigation(id);
    expect(record).toMatchObject({ status: 'succeeded', answer: ANSWER, inputTokens: 1200, outputTokens: 345 });
    expect(record).toMatchObject({ costUsd: 0.0125, steps: 4, sqlRuns: 3, startedAt, finishedAt });
    expect(record?.createdAt).toBeInstanceOf(Date);
    await store.updateInvestigation(id, { status: 'failed', answer: null, error: { code: 'SQL_ERROR', message: 'x' } });
    expect(await store.getInvestigation(id)).toMatchObject({
      answer: null,
      error: { code: 'SQL_ERROR', message: 'x' },
    });
    expect(await store.getInvestigation('no-such-id')).toBeUndefined();
  });

  it('assigns event seqs 1..n in order and returns payloads intact', async () => {
    const { id } = await store.createInvestigation({ question: 'q', connection: 'demo', status: 'running' });
    const payloads: unknown[] = [
      { type: 'thinking', text: 'first' },
      'a bare string',
      [1, 'two', { three: 3 }],
      null,
      { type: 'done', answer: ANSWER },
    ];
    const appended = [];
    for (const payload of payloads) appended.push(await store.appendEvent(id, { type: 'x', payload }));
    expect(appended.map((a) => a.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(appended[0]?.createdAt).toBeInstanceOf(Date);
    const events = await store.listEvents(id);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(events.map((e) => e.payload)).toEqual(payloads);
    expect(events[4]).toMatchObject({ investigationId: id, type: 'x', payload: { type: 'done', answer: ANSWER } });
    await store.updateInvestigation(id, { status: 'succeeded' });
  });

  it('gives 50 concurrent appends across 5 investigations gapless per-investigation seqs', async () => {
    const ids = await Promise.all(
      [1, 2, 3, 4, 5].map(
        async (n) =>
          (await store.createInvestigation({ question: `q${n}`, connection: 'demo', status: 'succeeded' })).id,
      ),
    );
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const id = ids[i % 5] as string;
        return store.appendEvent(id, { type: 'thinking', payload: { i } }).then((r) => ({ id, i, seq: r.seq }));
      }),
    );
    const expected = Array.from({ length: 10 }, (_, k) => k + 1);
    for (const id of ids) {
      const events = await store.listEvents(id);
      expect(events.map((e) => e.seq)).toEqual(expected);
      // Each stored payload sits at the seq its append returned.
      for (const r of results.filter((x) => x.id === id)) expect(events[r.seq - 1]?.payload).toEqual({ i: r.i });
    }
    expect(await store.appendEvent(ids[0] as string, { type: 'insight', payload: {} })).toMatchObject({ seq: 11 });
  });

  it('appends a batch in one go with consecutive seqs, interleaving with single appends, and records steps with it', async () => {
    const { id } = await store.createInvestigation({ question: 'q', connection: 'demo', status: 'running' });
    await store.appendEvent(id, { type: 'thinking', payload: { i: 0 } });
    const [first, second] = await Promise.all([
      store.appendEvents(
        id,
        [1, 2, 3].map((i) => ({ type: 'thinking', payload: { i } })),
      ),
      store.appendEvents(
        id,
        [4, 5].map((i) => ({ type: 'thinking', payload: { i } })),
        [{ step: 1, state: { a: 1 } }],
      ),
    ]);
    const seqs = [...(first ?? []), ...(second ?? [])].map((r) => r.seq).sort((a, b) => a - b);
    expect(seqs).toEqual([2, 3, 4, 5, 6]);
    const events = await store.listEvents(id);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    // each batch keeps its order and its block of numbers
    expect(first?.map((r) => (events[r.seq - 1]!.payload as { i: number }).i)).toEqual([1, 2, 3]);
    expect(second?.map((r) => (events[r.seq - 1]!.payload as { i: number }).i)).toEqual([4, 5]);
    // a step alone, and the same step again (a takeover redoing it) replaces the earlier record
    await store.appendEvents(id, [], [{ step: 2, state: { b: 1 } }]);
    await store.appendEvents(id, [], [{ step: 2, state: { b: 2 } }]);
    expect(await store.listSteps(id)).toEqual([
      { step: 1, state: { a: 1 } },
      { step: 2, state: { b: 2 } },
    ]);
    expect(await store.listSteps('no-such-id')).toEqual([]);
    await expect(store.appendEvents('no-such-id', [{ type: 'x', payload: {} }])).rejects.toMatchObject({
      code: 'MEMORY_ERROR',
    });
    expect((await store.getInvestigation(id))?.status).toBe('running');
    // finished: never resumed, so its step records go
    await store.updateInvestigation(id, { steps: 2 });
    expect(await store.listSteps(id)).toHaveLength(2);
    await store.updateInvestigation(id, { status: 'succeeded' });
    expect(await store.listSteps(id)).toEqual([]);
  });

  it('refuses events for an unknown investigation with MEMORY_ERROR', async () => {
    await expect(store.appendEvent('no-such-id', { type: 'x', payload: {} })).rejects.toMatchObject({
      code: 'MEMORY_ERROR',
    });
  });

  it('keeps one session per thread, with a summary that bumps updated_at', async () => {
    const session = await store.createSession({ channel: 'C1', thread: '171.1', userId: 'U1' });
    expect(session).toMatchObject({ channel: 'C1', thread: '171.1', userId: 'U1', summary: null });
    expect((await store.findSession({ channel: 'C1', thread: '171.1' }))?.id).toBe(session.id);
    expect((await store.createSession({ channel: 'C1', thread: '171.1' })).id).toBe(session.id);
    expect(await store.findSession({ channel: 'C1', thread: 'other' })).toBeUndefined();
    const [a, b] = [await store.createSession({}), await store.createSession({})];
    expect(a.id).not.toBe(b.id); // API sessions without a thread never collide
    await sleep(5);
    await store.updateSessionSummary(session.id, 'Q: signups? A: 62');
    const updated = await store.getSession(session.id);
    expect(updated?.summary).toBe('Q: signups? A: 62');
    expect(updated?.updatedAt.getTime()).toBeGreaterThan(session.updatedAt.getTime());
    expect(await store.getSession('no-such-session')).toBeUndefined();
  });

  it('lists investigations by user and by session, newest first', async () => {
    const session = await store.createSession({ channel: 'C2', thread: '172.1', userId: 'U2' });
    const ids: string[] = [];
    for (const question of ['first', 'second', 'third']) {
      const base = { connection: 'demo', status: 'succeeded' as const, userId: 'U2' };
      ids.push((await store.createInvestigation({ ...base, question, sessionId: session.id })).id);
      await sleep(3);
    }
    const other = await store.createInvestigation({ question: 'elsewhere', connection: 'demo', status: 'failed' });
    const bySession = await store.listInvestigations({ sessionId: session.id });
    expect(bySession.map((i) => i.id)).toEqual([...ids].reverse());
    expect(bySession[0]).toMatchObject({ question: 'third', userId: 'U2', sessionId: session.id, status: 'succeeded' });
    expect((await store.listInvestigations({ userId: 'U2', limit: 2 })).map((i) => i.question)).toEqual([
      'third',
      'second',
    ]);
    expect((await store.listInvestigations({ limit: 1 }))[0]?.id).toBe(other.id);
  });

  it('caches query results by normalized SQL until the TTL runs out, and cleans up expired entries', async () => {
    await store.cleanupExpired(); // start from a known state
    const result = { columns: ['n'], rows: [[1]] };
    const key = await store.putCached({
      connection: 'demo',
      dataVersion: 'v1',
      sql: 'SELECT\n  1 ;',
      result,
      ttlMs: 60_000,
    });
    expect(key).toBe(cacheKey('demo', 'v1', 'SELECT 1'));
    expect(await store.getCached(key)).toEqual(result);
    expect(await store.getCached(cacheKey('demo', 'v2', 'SELECT 1'))).toBeUndefined();
    expect(await store.getCached(cacheKey('demo', 'v1', 'select 1'))).toBeUndefined();
    const short = await store.putCached({
      connection: 'demo',
      dataVersion: 'v1',
      sql: 'SELECT 2',
      result: [2],
      ttlMs: 50,
    });
    expect(await store.getCached(short)).toEqual([2]);
    await store.putCached({ connection: 'demo', dataVersion: 'v1', sql: 'SELECT 3', result: 3, ttlMs: -1 });
    await sleep(80);
    expect(await store.getCached(short)).toBeUndefined();
    expect(await store.cleanupExpired()).toBe(2);
    expect(await store.cleanupExpired()).toBe(0);
    expect(await store.getCached(key)).toEqual(result);
  });

  it('appends to the audit log and lists it newest first', async () => {
    await store.appendAudit({ actor: 'U1', action: 'ask', connection: 'demo', detail: { question: 'why?' } });
    await store.appendAudit({
      actor: 'U1',
      action: 'sql',
      connection: 'demo',
      investigationId: 'inv-1',
      sql: 'DELETE FROM x',
      verdict: 'rejected',
      detail: { code: 'SQL_REJECTED' },
    });
    const [latest, previous] = await store.listAudit({ limit: 2 });
    expect(latest).toMatchObject({
      action: 'sql',
      investigationId: 'inv-1',
      sql: 'DELETE FROM x',
      verdict: 'rejected',
    });
    expect(latest?.detail).toEqual({ code: 'SQL_REJECTED' });
    expect(latest?.at).toBeInstanceOf(Date);
    expect(previous).toMatchObject({ action: 'ask', sql: null, verdict: null, detail: { question: 'why?' } });
    expect((latest?.id ?? 0) > (previous?.id ?? 0)).toBe(true);
  });

  it('wraps database failures as MEMORY_ERROR', async () => {
    const bad = { question: 'q', connection: 'demo', status: 'exploded' as 'running' };
    await expect(store.createInvestigation(bad)).rejects.toMatchObject({
      code: 'MEMORY_ERROR',
      fault: 'upstream',
      details: { operation: 'createInvestigation', sqlState: '23514' },
    });
  });

  persistentIt(backend.persistent)(
    'after a restart marks the running investigation interrupted, events intact',
    async () => {
      await store.markInterrupted(); // whatever earlier tests left running or queued
      const done = await store.createInvestigation({ question: 'done', connection: 'demo', status: 'running' });
      await store.appendEvent(done.id, { type: 'done', payload: { type: 'done', answer: ANSWER } });
      const finishedAt = new Date('2026-03-04T05:06:07.089Z');
      await store.updateInvestigation(done.id, { status: 'succeeded', answer: ANSWER, finishedAt });
      const running = await store.createInvestigation({ question: 'running', connection: 'demo', status: 'running' });
      for (let i = 0; i < 3; i++) await store.appendEvent(running.id, { type: 'thinking', payload: { text: `t${i}` } });

      await store.close();
      store = await openMemoryStore(options);

      expect(await store.markInterrupted()).toBe(1);
      const interrupted = await store.getInvestigation(running.id);
      expect(interrupted?.status).toBe('interrupted');
      expect(interrupted?.finishedAt).toBeInstanceOf(Date);
      const events = await store.listEvents(running.id);
      expect(events.map((e) => [e.seq, e.payload])).toEqual([
        [1, { text: 't0' }],
        [2, { text: 't1' }],
        [3, { text: 't2' }],
      ]);
      expect(await store.getInvestigation(done.id)).toMatchObject({ status: 'succeeded', answer: ANSWER, finishedAt });
      expect((await store.appendEvent(running.id, { type: 'failed', payload: {} })).seq).toBe(4);
      expect(await store.markInterrupted()).toBe(0);
    },
    60_000,
  );
});

/** Tests that need a store to survive a close exist only for persistent backends (no skipped placeholders). */
function persistentIt(persistent: boolean): typeof it {
  return persistent ? it : ((() => undefined) as unknown as typeof it);
}
