/**
 * The JobQueue port's contract, run against every adapter: the in-process queue and pg-boss on the real PostgreSQL.
 * For pg-boss the "api" and the "worker" are two queue instances with their own connections, as two processes would
 * be, so cancel and depth cross processes. Then what only a durable queue promises: a job whose worker is gone is taken
 * over (attempt 2), a live worker's job is never run twice even when pg-boss expires it, and stop hands work back.
 */
import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createInProcessQueue,
  INVESTIGATION_QUEUE,
  type InvestigationJob,
  isHandedBack,
  type JobQueue,
  type JobRunContext,
} from '../../src/jobs/index.js';
import { adminExec } from '../helpers/databases.js';
import {
  freshJobsDatabase,
  openPgProcess,
  type PgProcess,
  sleep,
  terminateSessions,
  waitFor,
} from '../helpers/jobs.js';

const actor = { kind: 'api' as const, id: 'key_contract' };
const job = (question = 'q'): InvestigationJob => ({ investigationId: randomUUID(), question, actor, faq: false });

interface Pair {
  /** Enqueues, cancels and reads depth (the api process). */
  api: JobQueue;
  /** Works the queue (the worker process); the same object for the in-process queue. */
  worker: JobQueue;
}

interface Adapter {
  name: string;
  open(): Promise<Pair>;
}

let pgUrl = '';
const opened: PgProcess[] = [];
const inProcessQueues: JobQueue[] = [];

const adapters: Adapter[] = [
  {
    name: 'in-process',
    async open() {
      const queue = createInProcessQueue();
      inProcessQueues.push(queue);
      return { api: queue, worker: queue };
    },
  },
  {
    name: 'pg-boss',
    async open() {
      const api = openPgProcess(pgUrl, undefined);
      const worker = openPgProcess(pgUrl, undefined);
      opened.push(api, worker);
      return { api: api.queue, worker: worker.queue };
    },
  },
];

beforeAll(async () => {
  pgUrl = await freshJobsDatabase('sleuth_test_jobs_queue');
});

afterEach(async () => {
  await Promise.allSettled([
    ...opened.splice(0).map((p) => p.close()),
    ...inProcessQueues.splice(0).map((q) => q.stop({ graceMs: 100 })),
  ]);
  // every test starts from an empty queue
  await adminExec('postgres', pgUrl, [
    "DO $$ BEGIN IF to_regclass('pgboss.job') IS NOT NULL THEN DELETE FROM pgboss.job; END IF; END $$",
  ]);
});

/** A worker that fetched the job and died: pg-boss has it active, and nobody holds its lock. */
async function fetchAndDie(): Promise<string[]> {
  const dead = new PgBoss({ connectionString: pgUrl, supervise: false, schedule: false, migrate: false });
  dead.on('error', () => undefined);
  await dead.start();
  const fetched = await dead.fetch(INVESTIGATION_QUEUE);
  await dead.stop({ graceful: false });
  return fetched.map((j) => j.id);
}

/** A handler whose jobs run until the test releases them (or their signal aborts). */
function blockingHandler() {
  const started: { job: InvestigationJob; context: JobRunContext }[] = [];
  const releases = new Map<string, () => void>();
  let active = 0;
  let maxActive = 0;
  const finished: string[] = [];
  const handler = async (j: InvestigationJob, context: JobRunContext) => {
    started.push({ job: j, context });
    active++;
    maxActive = Math.max(maxActive, active);
    await new Promise<void>((resolve) => {
      releases.set(j.investigationId, resolve);
      context.signal.addEventListener('abort', () => resolve());
    });
    active--;
    finished.push(j.investigationId);
  };
  return {
    handler,
    started,
    finished,
    release: (id: string) => releases.get(id)?.(),
    releaseAll: () => {
      for (const release of releases.values()) release();
    },
    maxActive: () => maxActive,
  };
}

for (const adapter of adapters) {
  describe(`JobQueue contract: ${adapter.name}`, () => {
    it('runs an enqueued job once, on attempt 1, with the job as it was sent', async () => {
      const { api, worker } = await adapter.open();
      const runs: { job: InvestigationJob; attempt: number }[] = [];
      await worker.work(async (j, { attempt }) => void runs.push({ job: j, attempt }), { concurrency: 2 });
      const sent = { ...job('how many?'), connection: 'demo', sessionId: 'session-1' };
      await api.enqueue(sent);
      await waitFor(() => runs.length === 1, 'the job to run');
      expect(runs[0]).toEqual({ job: sent, attempt: 1 });
      await waitFor(async () => (await api.depth()).running === 0, 'the job to finish');
      await sleep(500);
      expect(runs).toHaveLength(1);
      expect(await api.depth()).toEqual({ queued: 0, running: 0 });
    });

    it('runs at most `concurrency` jobs at a time; depth counts queued and running', async () => {
      const { api, worker } = await adapter.open();
      const blocking = blockingHandler();
      await worker.work(blocking.handler, { concurrency: 2 });
      const jobs = [job('1'), job('2'), job('3'), job('4')];
      for (const j of jobs) await api.enqueue(j);
      await waitFor(() => blocking.started.length === 2, 'two jobs to start');
      await sleep(400);
      expect(blocking.started).toHaveLength(2);
      expect(await api.depth()).toEqual({ queued: 2, running: 2 });
      blocking.releaseAll();
      await waitFor(() => blocking.started.length === 4, 'the other two to start');
      blocking.releaseAll();
      await waitFor(() => blocking.finished.length === 4, 'all four to finish');
      expect(blocking.maxActive()).toBe(2);
      expect(new Set(blocking.started.map((s) => s.job.investigationId))).toEqual(
        new Set(jobs.map((j) => j.investigationId)),
      );
    });

    it('cancels a queued job before it runs; an unknown or finished one is "unknown"', async () => {
      const { api, worker } = await adapter.open();
      const blocking = blockingHandler();
      await worker.work(blocking.handler, { concurrency: 1 });
      const first = job('first');
      const second = job('second');
      await api.enqueue(first);
      await waitFor(() => blocking.started.length === 1, 'the first job to start');
      await api.enqueue(second);
      expect(await api.cancel(second.investigationId)).toBe('dequeued');
      expect(await api.cancel(second.investigationId)).toBe('unknown');
      expect(await api.cancel(randomUUID())).toBe('unknown');
      blocking.release(first.investigationId);
      await waitFor(() => blocking.finished.length === 1, 'the first job to finish');
      await sleep(500);
      expect(blocking.started.map((s) => s.job.investigationId)).toEqual([first.investigationId]);
      expect(await api.cancel(first.investigationId)).toBe('unknown');
    });

    it('cancels a running job in the process that runs it: its signal aborts, not as a hand-back', async () => {
      const { api, worker } = await adapter.open();
      const blocking = blockingHandler();
      await worker.work(blocking.handler, { concurrency: 1 });
      const running = job('running');
      await api.enqueue(running);
      await waitFor(() => blocking.started.length === 1, 'the job to start');
      expect(await api.cancel(running.investigationId)).toBe('signalled');
      const { signal } = blocking.started[0]!.context;
      await waitFor(() => signal.aborted, 'the signal to abort');
      expect(isHandedBack(signal.reason)).toBe(false);
      await waitFor(async () => (await api.depth()).running === 0, 'the job to end');
      expect(await api.cancel(running.investigationId)).toBe('unknown');
    });

    it('stop lets running work finish within the grace period and takes no new job', async () => {
      const { api, worker } = await adapter.open();
      const runs: string[] = [];
      const abortedAtEnd: boolean[] = [];
      await worker.work(
        async (j, { signal }) => {
          runs.push(j.investigationId);
          await sleep(400);
          abortedAtEnd.push(signal.aborted);
        },
        { concurrency: 1 },
      );
      const first = job('first');
      await api.enqueue(first);
      await waitFor(() => runs.length === 1, 'the first job to start');
      const stopping = worker.stop({ graceMs: 10_000 });
      if (api !== worker) await api.enqueue(job('second'));
      await stopping;
      await sleep(300);
      expect(runs).toEqual([first.investigationId]);
      expect(abortedAtEnd).toEqual([false]);
      if (api !== worker) expect(await api.depth()).toEqual({ queued: 1, running: 0 });
      else await expect(api.enqueue(job('late'))).rejects.toThrow(/stopping/);
    });

    it('stop does not cancel work still running after the grace period', async () => {
      const { worker, api } = await adapter.open();
      const blocking = blockingHandler();
      await worker.work(blocking.handler, { concurrency: 1 });
      await api.enqueue(job('long'));
      await waitFor(() => blocking.started.length === 1, 'the job to start');
      await worker.stop({ graceMs: 200 });
      const { signal } = blocking.started[0]!.context;
      // either left running (in-process: marked interrupted at the next start) or handed back, never cancelled
      expect(!signal.aborted || isHandedBack(signal.reason)).toBe(true);
      blocking.releaseAll();
    });
  });
}

describe('JobQueue on pg-boss: what a durable queue adds', () => {
  it('comes up when several processes start at once on a fresh database (one creates the schema)', async () => {
    const url = await freshJobsDatabase('sleuth_test_jobs_start');
    const processes = [openPgProcess(url, undefined), openPgProcess(url, undefined), openPgProcess(url, undefined)];
    opened.push(...processes);
    const depths = await Promise.all(processes.map((p) => p.queue.depth()));
    expect(depths).toEqual([0, 1, 2].map(() => ({ queued: 0, running: 0 })));
    await processes[0]!.queue.enqueue(job('after a concurrent start'));
    expect(await processes[2]!.queue.depth()).toEqual({ queued: 1, running: 0 });
  });

  it('hands work still running at stop back, and another worker takes it over on attempt 2', async () => {
    const api = openPgProcess(pgUrl, undefined);
    const first = openPgProcess(pgUrl, undefined);
    const second = openPgProcess(pgUrl, undefined);
    opened.push(api, first, second);
    const blocking = blockingHandler();
    await first.queue.work(blocking.handler, { concurrency: 1 });
    const long = job('long');
    await api.queue.enqueue(long);
    await waitFor(() => blocking.started.length === 1, 'the first worker to start it');
    await first.queue.stop({ graceMs: 200 });
    expect(isHandedBack(blocking.started[0]!.context.signal.reason)).toBe(true);

    const takeover: { attempt: number; id: string }[] = [];
    await second.queue.work(async (j, { attempt }) => void takeover.push({ attempt, id: j.investigationId }), {
      concurrency: 1,
    });
    await waitFor(() => takeover.length === 1, 'the second worker to take it over');
    expect(takeover[0]).toEqual({ attempt: 2, id: long.investigationId });
  });

  it('takes over a job whose worker died after fetching it (its lock is free), on attempt 2', async () => {
    const api = openPgProcess(pgUrl, undefined);
    const survivor = openPgProcess(pgUrl, undefined);
    opened.push(api, survivor);
    const orphan = job('orphan');
    await api.queue.enqueue(orphan);
    expect(await fetchAndDie()).toEqual([orphan.investigationId]);

    const runs: number[] = [];
    await survivor.queue.work(async (_j, { attempt }) => void runs.push(attempt), { concurrency: 1 });
    await waitFor(() => runs.length === 1, 'the survivor to take the job over');
    expect(runs).toEqual([2]);
  });

  it('never runs a live worker’s job twice, even when pg-boss expires it and hands it to another worker', async () => {
    const expiring = { expireInSeconds: 1, maintenanceIntervalSeconds: 1, retryLimit: 20 };
    const api = openPgProcess(pgUrl, undefined, expiring);
    const a = openPgProcess(pgUrl, undefined, expiring);
    const b = openPgProcess(pgUrl, undefined, expiring);
    opened.push(api, a, b);
    const runs: { worker: string; aborted: boolean }[] = [];
    const slow =
      (worker: string) =>
      async (_j: InvestigationJob, { signal }: JobRunContext) => {
        runs.push({ worker, aborted: false });
        await sleep(4000);
        runs[runs.length - 1]!.aborted = signal.aborted;
      };
    await a.queue.work(slow('a'), { concurrency: 1 });
    const long = job('long');
    await api.queue.enqueue(long);
    await waitFor(() => runs.length === 1, 'worker a to start it');
    await b.queue.work(slow('b'), { concurrency: 1 });
    await sleep(6000);
    expect(runs).toEqual([{ worker: 'a', aborted: false }]);
    // pg-boss did expire it and deliver it again meanwhile; the lock kept the second delivery from running
    const [row] = (await adminExec('postgres', pgUrl, [
      `SELECT state, retry_count FROM pgboss.job WHERE id = '${long.investigationId}'`,
    ])) as { state: string; retry_count: number }[];
    expect(row?.retry_count).toBeGreaterThanOrEqual(1);
    expect(row?.state).toBe('completed');
  }, 30_000);

  it('a running job whose worker died is cancelled as dequeued (nobody will run it)', async () => {
    const api = openPgProcess(pgUrl, undefined);
    opened.push(api);
    const orphan = job('orphan');
    await api.queue.enqueue(orphan);
    expect(await fetchAndDie()).toEqual([orphan.investigationId]);
    expect(await api.queue.depth()).toEqual({ queued: 0, running: 1 });
    expect(await api.queue.cancel(orphan.investigationId)).toBe('dequeued');
    expect(await api.queue.depth()).toEqual({ queued: 0, running: 0 });
  });

  it('a worker that loses its lease session hands its jobs back, fenced, and takes new ones once it is back', async () => {
    const api = openPgProcess(pgUrl, undefined);
    const worker = openPgProcess(pgUrl, undefined);
    opened.push(api, worker);
    const runs: { attempt: number; context: JobRunContext }[] = [];
    await worker.queue.work(
      async (_j, context) => {
        runs.push({ attempt: context.attempt, context });
        await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve()));
      },
      { concurrency: 1 },
    );
    const long = job('long');
    await api.queue.enqueue(long);
    await waitFor(() => runs.length === 1, 'the job to start');
    expect(await terminateSessions(pgUrl, `sleuth-worker ${worker.queue.workerId}`)).toBe(1);
    await waitFor(() => runs[0]!.context.signal.aborted, 'the run to be aborted');
    expect(isHandedBack(runs[0]!.context.signal.reason)).toBe(true);
    // back in the queue: the same worker takes it again once its session is back, as a takeover
    await waitFor(() => runs.length === 2, 'the job to run again', 30_000);
    expect(runs[1]!.attempt).toBe(2);
    expect(await api.queue.cancel(long.investigationId)).toBe('signalled');
  }, 40_000);
});
