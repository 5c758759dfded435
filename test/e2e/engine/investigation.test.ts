/**
 * End to end: the real loop, guard and executor on the real demo databases, the real memory store, and the real
 * Anthropic SDK against the local Messages API peer replaying scripted turns.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScript, type ScriptTurn } from '../../../src/agent/index.js';
import type { DataSource } from '../../../src/datasources/index.js';
import { type MemoryStore, openMemoryStore } from '../../../src/memory/index.js';
import { silentLogger } from '../../helpers/databases.js';
import { ofType, openDemoSource, peerModel, runInvestigation } from '../../helpers/engine.js';

const SIGNUPS_SCRIPT = loadScript(join(import.meta.dirname, '..', '..', 'fixtures', 'scripts', 'signups-sqlite.yaml'));
const QUESTION = 'How many customers signed up last month, and which channel drove it?';

const finish = (answer: string, sql?: string): ScriptTurn => ({
  tool_calls: [
    {
      name: 'finish',
      input: { answer, evidence: sql ? [{ claim: answer, sql }] : [], caveats: [], follow_ups: [] },
    },
  ],
});

describe('investigations on the SQLite demo database', () => {
  let source: DataSource;
  let store: MemoryStore;

  beforeAll(async () => {
    source = await openDemoSource('sqlite');
    store = await openMemoryStore({ logger: silentLogger });
  });

  afterAll(async () => {
    await source?.close();
    await store?.close();
  });

  it('plans, discovers tables, recovers from a SQL error and a guard rejection, and finishes with cited SQL', async () => {
    const { provider, peer } = await peerModel(SIGNUPS_SCRIPT);
    try {
      const { events, outcome } = await runInvestigation({ question: QUESTION, source, model: provider, store });
      expect(outcome.status).toBe('succeeded');
      const types = events.map((e) => e.type);
      expect(types[0]).toBe('step_started');
      expect(types).toContain('plan');
      expect(types.at(-1)).toBe('done');
      expect(ofType(events, 'tool_call').map((e) => e.tool)).toEqual(
        expect.arrayContaining(['list_tables', 'describe_table', 'profile_column', 'run_sql']),
      );
      const errors = ofType(events, 'sql_error');
      expect(errors.map((e) => e.code).sort()).toEqual(['SQL_ERROR', 'SQL_REJECTED']);
      const results = ofType(events, 'sql_result');
      expect(results).toHaveLength(1);
      expect(results[0]?.columns.map((c) => c.name)).toEqual(['acquisition_channel', 'signups']);
      const done = ofType(events, 'done')[0]!;
      expect(done.answer.partial).toBe(false);
      expect(done.answer.evidence[0]).toMatchObject({ rowCount: results[0]?.rowCount });

      // The model saw the database's error and the guard's reason as tool results.
      const toolResults = JSON.stringify(peer.requests.slice(3).map((r) => r.body));
      expect(toolResults).toContain('no such column: acquisition_chanel');
      expect(toolResults).toContain('WRITE_STATEMENT');
      // Large results are summarised, and the system prompt carries the dialect rules and the table list.
      expect(JSON.stringify(peer.requests[0]?.body)).toContain('customers');

      // Everything yielded was recorded, in order, with gapless sequence numbers.
      const recorded = await store.listEvents(outcome.investigationId);
      expect(recorded.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(recorded.map((e) => e.type)).toEqual(types);
      const row = await store.getInvestigation(outcome.investigationId);
      expect(row).toMatchObject({ status: 'succeeded', question: QUESTION, provider: 'anthropic' });
      expect(row?.inputTokens).toBeGreaterThan(0);
    } finally {
      await peer.close();
    }
  });

  it('never repeats the identical failing statement', async () => {
    const bad = 'SELECT nope FROM customers';
    const { provider, peer } = await peerModel([
      { tool_calls: [{ name: 'run_sql', input: { sql: bad } }] },
      { tool_calls: [{ name: 'run_sql', input: { sql: `  ${bad} ;` } }] },
      finish('Could not find the column.'),
    ]);
    try {
      const { events } = await runInvestigation({ question: 'q', source, model: provider, store });
      expect(ofType(events, 'sql')).toHaveLength(1);
      expect(JSON.stringify(peer.requests[2]?.body)).toContain('already failed');
    } finally {
      await peer.close();
    }
  });

  it('ends cleanly with a partial answer when the step budget runs out', async () => {
    const sql = 'SELECT COUNT(*) AS n FROM customers';
    const { provider, peer } = await peerModel([
      { text: 'Counting customers.', tool_calls: [{ name: 'run_sql', input: { sql } }] },
      { tool_calls: [{ name: 'list_tables', input: {} }] },
      { tool_calls: [{ name: 'list_tables', input: {} }] },
    ]);
    try {
      const { events, outcome } = await runInvestigation({
        question: 'q',
        source,
        model: provider,
        store,
        budgets: { maxSteps: 2 },
      });
      expect(outcome.status).toBe('succeeded');
      expect(ofType(events, 'budget')[0]).toMatchObject({ kind: 'steps', exhausted: true });
      const answer = ofType(events, 'done')[0]!.answer;
      expect(answer.partial).toBe(true);
      expect(answer.caveats.join(' ')).toMatch(/steps/);
      expect(answer.evidence.map((e) => e.sql)).toContain(sql);
      expect(peer.requests).toHaveLength(2);
    } finally {
      await peer.close();
    }
  });

  it('retries 429 and 500 from the model API with backoff and carries on', async () => {
    const { provider, peer, delays } = await peerModel([
      { fault: { status: 429, retry_after_seconds: 1 } },
      { fault: { status: 500 } },
      { tool_calls: [{ name: 'list_tables', input: {} }] },
      { fault: { status: 529, type: 'overloaded_error' } },
      finish('There are 10 demo tables.'),
    ]);
    try {
      const { outcome, events } = await runInvestigation({ question: 'q', source, model: provider, store });
      expect(outcome.status).toBe('succeeded');
      expect(peer.requests).toHaveLength(5);
      expect(delays).toHaveLength(3);
      expect(delays[0]).toBeGreaterThanOrEqual(1000);
      expect(ofType(events, 'done')).toHaveLength(1);
    } finally {
      await peer.close();
    }
  });

  it('can be cancelled while the model is thinking', async () => {
    const { provider, peer } = await peerModel([
      { tool_calls: [{ name: 'list_tables', input: {} }] },
      { delay_ms: 5_000, text: 'slow' },
    ]);
    const abort = new AbortController();
    try {
      const started = Date.now();
      const { outcome, events } = await runInvestigation({
        question: 'q',
        source,
        model: provider,
        store,
        signal: abort.signal,
        onEvent: (event) => {
          if (event.type === 'step_started' && event.step === 2) setTimeout(() => abort.abort(), 100);
        },
      });
      expect(outcome.status).toBe('cancelled');
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(ofType(events, 'failed')[0]?.error.code).toBe('INVESTIGATION_CANCELLED');
      expect((await store.getInvestigation(outcome.investigationId))?.status).toBe('cancelled');
    } finally {
      await peer.close();
    }
  });

  it('gives a follow-up question the session summary of earlier turns', async () => {
    const session = await store.createSession({ channel: 'C1', thread: '1700000000.0001' });
    const first = await peerModel([finish('Organic drove most signups in October 2026.')]);
    const second = await peerModel([finish('The month before, email led.')]);
    try {
      await runInvestigation({ question: QUESTION, source, model: first.provider, store, sessionId: session.id });
      await runInvestigation({
        question: 'And the month before?',
        source,
        model: second.provider,
        store,
        sessionId: session.id,
      });
      const firstMessage = JSON.stringify(second.peer.requests[0]?.body.messages?.[0]);
      expect(firstMessage).toContain('Organic drove most signups in October 2026.');
      expect(firstMessage).toContain('And the month before?');
      const history = await store.listInvestigations({ sessionId: session.id });
      expect(history.map((h) => h.question)).toEqual(['And the month before?', QUESTION]);
    } finally {
      await first.peer.close();
      await second.peer.close();
    }
  });

  it('runs a queued record in place, continuing its events after the ones already recorded', async () => {
    const queued = await store.createInvestigation({
      question: QUESTION,
      connection: source.name,
      userId: 'U0QUEUED',
      status: 'queued',
    });
    await store.appendEvent(queued.id, { type: 'thinking', payload: { type: 'thinking', text: 'first worker' } });
    const { provider, peer } = await peerModel([finish('Organic drove most signups.')]);
    try {
      const { events, outcome } = await runInvestigation({
        question: QUESTION,
        source,
        model: provider,
        store,
        investigationId: queued.id,
      });
      expect(outcome).toEqual({ investigationId: queued.id, status: 'succeeded' });
      expect(events.every((e) => e.investigationId === queued.id)).toBe(true);
      expect(events[0]?.seq).toBe(2);
      const record = await store.getInvestigation(queued.id);
      expect(record).toMatchObject({ status: 'succeeded', userId: 'U0QUEUED', provider: 'anthropic' });
      expect(record?.startedAt).toBeInstanceOf(Date);
      const stored = await store.listEvents(queued.id);
      expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
      expect(stored.filter((e) => e.type === 'done')).toHaveLength(1);
      expect((await store.listInvestigations({ userId: 'U0QUEUED' })).map((i) => i.id)).toEqual([queued.id]);
    } finally {
      await peer.close();
    }
  });
});
