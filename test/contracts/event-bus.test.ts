/**
 * The EventBus port's contract, run against the in-process bus and the PostgreSQL one. For PostgreSQL the publisher
 * and the subscriber are two buses with their own LISTEN connections (two processes), over one real memory store:
 * the notification carries only the id and seq, and the subscriber reads the event from the store.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InvestigationEvent } from '../../src/agent/index.js';
import { createInProcessEventBus, type EventBus } from '../../src/jobs/index.js';
import { type MemoryStore, openMemoryStore } from '../../src/memory/index.js';
import { silentLogger } from '../helpers/databases.js';
import {
  freshJobsDatabase,
  openPgProcess,
  type PgProcess,
  sleep,
  terminateSessions,
  waitFor,
} from '../helpers/jobs.js';

interface Buses {
  publisher: EventBus;
  subscriber: EventBus;
}

let pgUrl = '';
let pgStore: MemoryStore;
let embeddedStore: MemoryStore;
const opened: PgProcess[] = [];

beforeAll(async () => {
  pgUrl = await freshJobsDatabase('sleuth_test_jobs_bus');
  pgStore = await openMemoryStore({ url: pgUrl, logger: silentLogger });
  embeddedStore = await openMemoryStore({ logger: silentLogger });
});
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await Promise.allSettled([pgStore?.close(), embeddedStore?.close()]);
});

const adapters: { name: string; store: () => MemoryStore; open(): Promise<Buses> }[] = [
  {
    name: 'in-process',
    store: () => embeddedStore,
    async open() {
      const bus = createInProcessEventBus();
      return { publisher: bus, subscriber: bus };
    },
  },
  {
    name: 'postgres',
    store: () => pgStore,
    async open() {
      const publisher = openPgProcess(pgUrl, pgStore);
      const subscriber = openPgProcess(pgUrl, pgStore);
      opened.push(publisher, subscriber);
      return { publisher: publisher.bus, subscriber: subscriber.bus };
    },
  },
];

/** Records an event the way the engine does (append, then publish) and returns it as emitted. */
async function record(store: MemoryStore, investigationId: string, text: string): Promise<InvestigationEvent> {
  const { seq, createdAt } = await store.appendEvent(investigationId, {
    type: 'thinking',
    payload: { type: 'thinking', text },
  });
  return { type: 'thinking', text, investigationId, seq, at: new Date(createdAt).toISOString() };
}

async function newInvestigation(store: MemoryStore): Promise<string> {
  return (await store.createInvestigation({ question: 'bus?', connection: 'demo', status: 'running' })).id;
}

for (const adapter of adapters) {
  describe(`EventBus contract: ${adapter.name}`, () => {
    it('a subscriber gets every event published after it subscribed, in order, once', async () => {
      const { publisher, subscriber } = await adapter.open();
      const store = adapter.store();
      const id = await newInvestigation(store);
      const seen: InvestigationEvent[] = [];
      await subscriber.subscribe(id, (event) => seen.push(event));
      const sent: InvestigationEvent[] = [];
      for (let i = 1; i <= 5; i++) {
        const event = await record(store, id, `event ${i}`);
        sent.push(event);
        await publisher.publish(event);
      }
      await waitFor(() => seen.length >= 5, 'five events');
      await sleep(300);
      expect(seen.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(seen.map((e) => (e as { text?: string }).text)).toEqual(sent.map((e) => (e as { text?: string }).text));
      expect(seen.every((e) => e.investigationId === id && e.type === 'thinking')).toBe(true);
    });

    it('delivers only the investigation subscribed to, and nothing after unsubscribe', async () => {
      const { publisher, subscriber } = await adapter.open();
      const store = adapter.store();
      const watched = await newInvestigation(store);
      const other = await newInvestigation(store);
      const seen: InvestigationEvent[] = [];
      const unsubscribe = await subscriber.subscribe(watched, (event) => seen.push(event));
      await publisher.publish(await record(store, other, 'not for you'));
      await publisher.publish(await record(store, watched, 'for you'));
      await waitFor(() => seen.length === 1, 'the watched event');
      await unsubscribe();
      await publisher.publish(await record(store, watched, 'after unsubscribe'));
      await sleep(400);
      expect(seen.map((e) => [e.investigationId, (e as { text?: string }).text])).toEqual([[watched, 'for you']]);
    });

    it('every subscriber of an investigation gets each event, in the publishing process too', async () => {
      const { publisher, subscriber } = await adapter.open();
      const store = adapter.store();
      const id = await newInvestigation(store);
      const first: number[] = [];
      const second: number[] = [];
      const local: number[] = [];
      await subscriber.subscribe(id, (e) => first.push(e.seq));
      await subscriber.subscribe(id, (e) => second.push(e.seq));
      await publisher.subscribe(id, (e) => local.push(e.seq));
      for (let i = 0; i < 3; i++) await publisher.publish(await record(store, id, `e${i}`));
      await waitFor(() => first.length === 3 && second.length === 3 && local.length === 3, 'all three subscribers');
      await sleep(300);
      expect([first, second, local]).toEqual([
        [1, 2, 3],
        [1, 2, 3],
        [1, 2, 3],
      ]);
    });
  });
}

describe('EventBus on PostgreSQL: notifications, not payloads', () => {
  it('carries events far larger than the 8000-byte NOTIFY limit (only id and seq travel)', async () => {
    const publisher = openPgProcess(pgUrl, pgStore);
    const subscriber = openPgProcess(pgUrl, pgStore);
    opened.push(publisher, subscriber);
    const id = await newInvestigation(pgStore);
    const seen: InvestigationEvent[] = [];
    await subscriber.bus.subscribe(id, (e) => seen.push(e));
    const big = 'x'.repeat(20_000);
    await publisher.bus.publish(await record(pgStore, id, big));
    await waitFor(() => seen.length === 1, 'the large event');
    expect((seen[0] as { text?: string }).text).toHaveLength(20_000);
  });

  it('reconnects after its LISTEN connection is lost and delivers what was published meanwhile', async () => {
    const publisher = openPgProcess(pgUrl, pgStore);
    const subscriber = openPgProcess(pgUrl, pgStore, { listenReconnectMs: 1500 });
    opened.push(publisher, subscriber);
    const id = await newInvestigation(pgStore);
    const seen: number[] = [];
    await subscriber.bus.subscribe(id, (e) => seen.push(e.seq));
    await publisher.bus.publish(await record(pgStore, id, 'before'));
    await waitFor(() => seen.length === 1, 'the first event');
    expect(await terminateSessions(pgUrl, subscriber.listenName)).toBe(1);
    // published while the subscriber's LISTEN connection is down: its notification is lost for that process
    await publisher.bus.publish(await record(pgStore, id, 'during'));
    await publisher.bus.publish(await record(pgStore, id, 'during too'));
    await waitFor(() => seen.length === 3, 'the events published during the outage');
    await publisher.bus.publish(await record(pgStore, id, 'after'));
    await waitFor(() => seen.length === 4, 'an event after the reconnect');
    expect(seen).toEqual([1, 2, 3, 4]);
  });
});
