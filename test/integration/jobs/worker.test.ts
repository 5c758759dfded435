/**
 * The worker's edges, on a real (embedded) memory store: a delivery of an investigation that already finished never
 * runs it again and only adds the closing event when its stream lacks one; a job handed back before it started
 * records nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FinalAnswer, InvestigationEvent } from '../../../src/agent/index.js';
import {
  createInProcessEventBus,
  createInvestigationWorker,
  type InvestigationJob,
  JobHandedBack,
  type RunInvestigation,
} from '../../../src/jobs/index.js';
import { type MemoryStore, openMemoryStore } from '../../../src/memory/index.js';
import { silentLogger } from '../../helpers/databases.js';

let store: MemoryStore;
beforeAll(async () => {
  store = await openMemoryStore({ logger: silentLogger });
});
afterAll(async () => {
  await store?.close();
});

const answer: FinalAnswer = {
  text: 'Organic led.',
  keyNumbers: [],
  evidence: [],
  caveats: [],
  followUps: [],
  partial: false,
};
const runs: string[] = [];
const run: RunInvestigation = (request) => {
  runs.push(request.investigationId);
  throw new Error('a finished investigation must not run again');
};

async function deliver(job: InvestigationJob, signal = new AbortController().signal) {
  const bus = createInProcessEventBus();
  const published: InvestigationEvent[] = [];
  await bus.subscribe(job.investigationId, (e) => published.push(e));
  await createInvestigationWorker({ run, store, bus, logger: silentLogger })(job, { signal, attempt: 2 });
  return published;
}

async function investigation(status: 'running' | 'queued'): Promise<InvestigationJob> {
  const { id } = await store.createInvestigation({ question: 'q', connection: 'demo', status });
  return { investigationId: id, question: 'q', actor: { kind: 'api', id: 'k' } };
}

describe('investigation worker', () => {
  it('closes the stream of an investigation that finished without its closing event, once, without running it', async () => {
    const job = await investigation('running');
    await store.appendEvent(job.investigationId, {
      type: 'step_started',
      payload: { type: 'step_started', step: 1, title: 'Planning' },
    });
    await store.updateInvestigation(job.investigationId, { status: 'succeeded', answer, finishedAt: new Date() });
    const published = await deliver(job);
    expect(published).toMatchObject([{ type: 'done', seq: 2, answer }]);
    expect(await deliver(job)).toEqual([]);
    expect((await store.listEvents(job.investigationId)).map((e) => e.type)).toEqual(['step_started', 'done']);

    const failed = await investigation('running');
    const error = { code: 'SQL_ERROR', message: 'boom' };
    await store.updateInvestigation(failed.investigationId, { status: 'failed', error, finishedAt: new Date() });
    expect(await deliver(failed)).toMatchObject([{ type: 'failed', seq: 1, error }]);
    expect(runs).toEqual([]);
  });

  it('records nothing for a job handed back before it started', async () => {
    const job = await investigation('queued');
    const controller = new AbortController();
    controller.abort(new JobHandedBack('the worker is stopping'));
    expect(await deliver(job, controller.signal)).toEqual([]);
    expect(await store.listEvents(job.investigationId)).toEqual([]);
    expect((await store.getInvestigation(job.investigationId))?.status).toBe('queued');
    expect(runs).toEqual([]);
  });
});
