import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MemoryStore, type OpenMemoryOptions, openMemoryStore } from '../../../src/memory/index.js';
import { ensureDatabase, silentLogger } from '../../helpers/databases.js';

async function freshPostgres(): Promise<string> {
  const url = await ensureDatabase('postgres', 'sleuth_test_memory');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  await client.end();
  return url;
}

const BACKENDS: [string, () => Promise<OpenMemoryOptions>][] = [
  ['embedded PGlite', async () => ({ dataDir: mkdtempSync(join(tmpdir(), 'sleuth-memory-')), logger: silentLogger })],
  ['real PostgreSQL', async () => ({ url: await freshPostgres(), logger: silentLogger })],
];

const ANSWER = {
  text: 'Organic led with 62 signups.',
  keyNumbers: [{ label: 'signups', value: '62' }],
  evidence: [{ claim: 'by channel', sql: 'SELECT \'x\' AS "quoted"', rowCount: 6 }],
  caveats: ['UTC dates'],
  followUps: [],
  partial: false,
};

describe.each(BACKENDS)('memory store on %s', (_name, optionsFor) => {
  let options: OpenMemoryOptions;
  let store: MemoryStore;

  beforeAll(async () => {
    options = await optionsFor();
    store = await openMemoryStore(options);
  }, 60_000);

  afterAll(async () => {
    await store?.close();
  });

  it('records investigations and their events in order, with gapless sequence numbers under concurrency', async () => {
    const ids = await Promise.all(
      [1, 2, 3, 4, 5].map(
        async (n) => (await store.createInvestigation({ question: `q${n}`, connection: 'demo', status: 'running' })).id,
      ),
    );
    await Promise.all(
      ids.flatMap((id) =>
        Array.from({ length: 10 }, (_, i) =>
          store.appendEvent(id, { type: 'thinking', payload: { type: 'thinking', text: `t${i}` } }),
        ),
      ),
    );
    for (const id of ids) {
      const events = await store.listEvents(id);
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
    await store.appendEvent(ids[0]!, { type: 'done', payload: { type: 'done', answer: ANSWER } });
    await store.updateInvestigation(ids[0]!, {
      status: 'succeeded',
      answer: ANSWER,
      inputTokens: 1200,
      costUsd: 0.0125,
      finishedAt: new Date(),
    });
    const record = await store.getInvestigation(ids[0]!);
    expect(record).toMatchObject({ status: 'succeeded', answer: ANSWER, inputTokens: 1200, costUsd: 0.0125 });
    expect((await store.listEvents(ids[0]!)).at(-1)?.payload).toEqual({ type: 'done', answer: ANSWER });
  });

  it('keeps sessions with summaries and lists history newest first', async () => {
    const session = await store.createSession({ channel: 'C1', thread: '171.1', userId: 'U1' });
    expect((await store.findSession({ channel: 'C1', thread: '171.1' }))?.id).toBe(session.id);
    await store.updateSessionSummary(session.id, 'Q: signups? A: 62');
    expect((await store.getSession(session.id))?.summary).toBe('Q: signups? A: 62');
    const first = await store.createInvestigation({
      question: 'first',
      connection: 'demo',
      status: 'succeeded',
      sessionId: session.id,
      userId: 'U1',
    });
    await new Promise((r) => setTimeout(r, 5));
    const second = await store.createInvestigation({
      question: 'second',
      connection: 'demo',
      status: 'succeeded',
      sessionId: session.id,
      userId: 'U1',
    });
    expect((await store.listInvestigations({ sessionId: session.id })).map((i) => i.id)).toEqual([second.id, first.id]);
    expect((await store.listInvestigations({ userId: 'U1', limit: 1 })).map((i) => i.id)).toEqual([second.id]);
  });

  it('caches query results with a TTL and cleans up expired entries', async () => {
    const key = await store.putCached({
      connection: 'demo',
      dataVersion: 'v1',
      sql: 'SELECT  1 ;',
      result: { rows: [[1]] },
      ttlMs: 60_000,
    });
    expect(await store.getCached(key)).toEqual({ rows: [[1]] });
    const expired = await store.putCached({
      connection: 'demo',
      dataVersion: 'v1',
      sql: 'SELECT 2',
      result: [2],
      ttlMs: -1,
    });
    expect(await store.getCached(expired)).toBeUndefined();
    expect(await store.cleanupExpired()).toBe(1);
    expect(await store.getCached(key)).toEqual({ rows: [[1]] });
  });

  it('appends and lists the audit log', async () => {
    await store.appendAudit({
      actor: 'U1',
      action: 'sql',
      connection: 'demo',
      sql: 'DELETE FROM x',
      verdict: 'rejected',
      detail: { code: 'SQL_REJECTED' },
    });
    expect((await store.listAudit({ limit: 1 }))[0]).toMatchObject({
      actor: 'U1',
      verdict: 'rejected',
      detail: { code: 'SQL_REJECTED' },
    });
  });

  it('after a restart marks running investigations interrupted and keeps every recorded event', async () => {
    const running = await store.createInvestigation({ question: 'running', connection: 'demo', status: 'running' });
    for (let i = 0; i < 3; i++) await store.appendEvent(running.id, { type: 'thinking', payload: { i } });
    await store.markInterrupted(); // earlier tests' running rows
    const live = await store.createInvestigation({ question: 'live', connection: 'demo', status: 'running' });
    await store.appendEvent(live.id, { type: 'step_started', payload: { step: 1 } });
    await store.close();
    store = await openMemoryStore(options); // migrations are idempotent
    expect(await store.markInterrupted()).toBe(1);
    expect((await store.getInvestigation(live.id))?.status).toBe('interrupted');
    expect((await store.listEvents(running.id)).map((e) => e.payload)).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    expect(await store.markInterrupted()).toBe(0);
  }, 60_000);
});
