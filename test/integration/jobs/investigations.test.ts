/**
 * Investigations as jobs through the real context: the in-process queue and bus, the real engine with a scripted
 * model, the real SQLite demo database and embedded memory. Start returns a queued record at once; watchers get every
 * event once, in order, live or replayed from any seq; cancellation works queued and running; a job whose setup fails
 * still ends with a closing event.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvestigationEvent } from '../../../src/agent/index.js';
import type { Actor } from '../../../src/common/actor.js';
import { createInProcessEventBus, createInProcessQueue, createInvestigationService } from '../../../src/jobs/index.js';
import { createSleuthContext, type SleuthContext } from '../../../src/main.js';
import { demoUrl } from '../../helpers/demo.js';

const SCRIPT = join(import.meta.dirname, '..', '..', 'fixtures', 'scripts', 'signups-sqlite.yaml');
const actor: Actor = { kind: 'api', id: 'key_test', label: 'tests' };

async function collect(events: AsyncIterable<InvestigationEvent>): Promise<InvestigationEvent[]> {
  const out: InvestigationEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describe('investigation jobs', () => {
  let context: SleuthContext;
  const cwd = mkdtempSync(join(tmpdir(), 'sleuth-jobs-'));

  beforeAll(async () => {
    context = await createSleuthContext({
      cwd,
      env: {
        SLEUTH_NOW: '2026-11-15',
        SLEUTH_LLM_PROVIDER: 'scripted',
        SLEUTH_SCRIPT: SCRIPT,
        SLEUTH_DB_DEMO_URL: await demoUrl('sqlite'),
        SLEUTH_DATA_DIR: join(cwd, '.sleuth'),
        SLEUTH_LOG_LEVEL: 'silent',
      },
    });
  });
  afterAll(async () => {
    await context?.close();
  });

  it('starts queued, runs on the worker, and every watcher sees each event once and in order', async () => {
    const service = await context.investigations();
    const record = await service.start({ question: 'Which channel drove signups last month?', actor, faq: false });
    expect(record.status).toBe('queued');
    expect(record.userId).toBe('key_test');
    const [first, second] = await Promise.all([collect(service.watch(record.id)), collect(service.watch(record.id))]);
    expect(first.map((e) => e.seq)).toEqual(first.map((_, i) => i + 1));
    expect(second).toEqual(first);
    expect(first.at(-1)?.type).toBe('done');
    expect(first.filter((e) => e.type === 'sql_result').length).toBeGreaterThan(0);
    const memory = await context.memory();
    expect((await memory.getInvestigation(record.id))?.status).toBe('succeeded');

    // a reconnecting watcher passes the last seq it saw and gets the rest, then the stream ends
    const resumed = await collect(service.watch(record.id, { afterSeq: 3 }));
    expect(resumed).toEqual(first.slice(3));
    expect(await collect(service.watch(record.id, { afterSeq: first.length }))).toEqual([]);
  }, 60_000);

  it('runs concurrent investigations from one scripted model, each to its own answer', async () => {
    const service = await context.investigations();
    const records = await Promise.all(
      [1, 2, 3].map((n) => service.start({ question: `Signups by channel, take ${n}?`, actor, faq: false })),
    );
    const streams = await Promise.all(records.map((r) => collect(service.watch(r.id))));
    for (const [i, events] of streams.entries()) {
      expect(events.every((e) => e.investigationId === records[i]?.id)).toBe(true);
      expect(events.at(-1)?.type).toBe('done');
    }
  }, 60_000);

  it('ends a job whose setup fails with a failed event instead of leaving it queued', async () => {
    const service = await context.investigations();
    const record = await service.start({ question: 'anything', connection: 'nope', actor, faq: false });
    const events = await collect(service.watch(record.id));
    expect(events.at(-1)).toMatchObject({ type: 'failed', error: { code: 'CONNECTION_UNKNOWN' } });
    expect((await (await context.memory()).getInvestigation(record.id))?.status).toBe('failed');
  });

  it('cancels a queued job before it runs and a running one through its signal', async () => {
    const store = await context.memory();
    const queue = createInProcessQueue();
    const bus = createInProcessEventBus();
    const service = createInvestigationService({ store, queue, bus, defaultConnection: 'demo', pollMs: 50 });
    const started: string[] = [];
    let release: () => void = () => undefined;
    await queue.work(
      async (job, { signal }) => {
        started.push(job.investigationId);
        await new Promise<void>((resolve) => {
          release = resolve;
          signal.addEventListener('abort', () => resolve());
        });
      },
      { concurrency: 1 },
    );
    const running = await service.start({ question: 'first', actor });
    const waiting = await service.start({ question: 'second', actor });
    expect(await queue.depth()).toEqual({ queued: 1, running: 1 });

    expect(await service.cancel(waiting.id)).toBe('dequeued');
    const cancelled = await collect(service.watch(waiting.id));
    expect(cancelled).toMatchObject([{ type: 'failed', error: { code: 'INVESTIGATION_CANCELLED' } }]);
    expect((await store.getInvestigation(waiting.id))?.status).toBe('cancelled');

    expect(await service.cancel(running.id)).toBe('signalled');
    await queue.stop({ graceMs: 1000 });
    expect(started).toEqual([running.id]);
    expect(await service.cancel(running.id)).toBe('unknown');
    release();
  });
});
