/**
 * Graceful stop with the real engine on the real PostgreSQL: a worker that stops while an investigation is still
 * running hands it back instead of cancelling it. Its run is fenced from that moment (nothing more is recorded, no
 * `failed`, no cancelled status), and another worker takes it over and finishes it with exactly one `done`.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvestigationEvent } from '../../../src/agent/index.js';
import { createJobRuntime, type JobRuntime } from '../../../src/jobs/index.js';
import { createSleuthContext, type SleuthContext } from '../../../src/main.js';
import { silentLogger } from '../../helpers/databases.js';
import { demoUrl } from '../../helpers/demo.js';
import { FAST_QUEUE, freshJobsDatabase, sleep, waitFor } from '../../helpers/jobs.js';

const SCRIPT = join(import.meta.dirname, '..', '..', 'fixtures', 'scripts', 'failover-slow.yaml');

let context: SleuthContext;
let memoryUrl = '';
const runtimes: JobRuntime[] = [];

beforeAll(async () => {
  memoryUrl = await freshJobsDatabase('sleuth_test_jobs_handback');
  const cwd = mkdtempSync(join(tmpdir(), 'sleuth-handback-'));
  mkdirSync(join(cwd, 'knowledge'));
  context = await createSleuthContext({
    cwd,
    role: 'api',
    env: {
      DATABASE_URL: memoryUrl,
      SLEUTH_DB_DEMO_URL: await demoUrl('sqlite'),
      SLEUTH_LLM_PROVIDER: 'scripted',
      SLEUTH_SCRIPT: SCRIPT,
      SLEUTH_NOW: '2026-11-15',
      SLEUTH_DATA_DIR: join(cwd, '.sleuth'),
      SLEUTH_KNOWLEDGE_DIR: join(cwd, 'knowledge'),
      SLEUTH_LOG_LEVEL: 'silent',
    },
  });
});
afterAll(async () => {
  await Promise.allSettled(runtimes.map((r) => r.close(1000)));
  await context?.close();
});

async function worker(): Promise<JobRuntime> {
  const runtime = await createJobRuntime({
    role: 'worker',
    memoryUrl,
    store: await context.memory(),
    run: context.ask,
    logger: silentLogger,
    defaultConnection: 'demo',
    concurrency: 2,
    maxWallMs: 120_000,
    queue: FAST_QUEUE,
  });
  runtimes.push(runtime);
  return runtime;
}

describe('graceful stop on PostgreSQL', () => {
  it('hands a running investigation back, fenced, and another worker finishes it once', async () => {
    const service = await context.investigations();
    const memory = await context.memory();
    const first = await worker();
    const record = await service.start({
      question: 'Signups by channel?',
      actor: { kind: 'api', id: 'k' },
      faq: false,
    });
    const watched: InvestigationEvent[] = [];
    const watching = (async () => {
      for await (const event of service.watch(record.id)) watched.push(event);
    })();
    await waitFor(() => watched.some((e) => e.type === 'step_started' && e.step === 2), 'step 2');

    await first.close(100); // grace over while the second model turn is in flight
    const afterStop = (await memory.listEvents(record.id)).length;
    expect((await memory.getInvestigation(record.id))?.status).toBe('running');
    await sleep(2500); // longer than the model turn: the fenced run records nothing more
    expect(await memory.listEvents(record.id)).toHaveLength(afterStop);

    const second = await worker();
    expect(second.role).toBe('worker');
    await Promise.race([watching, sleep(60_000).then(() => Promise.reject(new Error('not finished')))]);
    const recorded = await memory.listEvents(record.id);
    expect(recorded.map((e) => e.seq)).toEqual(recorded.map((_, i) => i + 1));
    expect(recorded.filter((e) => e.type === 'failed')).toHaveLength(0);
    expect(recorded.filter((e) => e.type === 'done')).toHaveLength(1);
    expect(recorded[afterStop]).toMatchObject({
      type: 'thinking',
      payload: { text: expect.stringMatching(/attempt 2/) },
    });
    expect(watched.map((e) => e.seq)).toEqual(recorded.map((e) => e.seq));
    expect((await memory.getInvestigation(record.id))?.status).toBe('succeeded');
  }, 90_000);
});
