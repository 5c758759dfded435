/**
 * Scale-out acceptance: two `sleuth serve --role worker` processes on the real PostgreSQL memory store (pg-boss queue,
 * LISTEN/NOTIFY events), the SQLite demo database and the Anthropic provider (the real SDK) against the local scripted
 * Messages API peer, whose turns take 2 s. This test process is the API (role api): it enqueues through the service,
 * watches the whole time, finds which worker took the job and SIGKILLs it while its fourth model turn is in flight.
 * The other worker takes the job over and resumes it from the recorded steps: the model is asked only for the turn
 * that was cut short (the peer counts the requests and the turns each one carries), the SQL that ran is not run again,
 * the recorded events are gapless and end with exactly one `done`, the final answer is written once (a trigger on the
 * real table counts the writes), and the watcher saw every recorded event exactly once.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { InvestigationEvent } from '../../../src/agent/index.js';
import { loadScript } from '../../../src/agent/models/script.js';
import { toInvestigationEvent } from '../../../src/jobs/index.js';
import { createSleuthContext, type SleuthContext } from '../../../src/main.js';
import { adminExec } from '../../helpers/databases.js';
import { demoUrl } from '../../helpers/demo.js';
import { freshJobsDatabase, waitFor } from '../../helpers/jobs.js';
import { type ServeProcess, startServeProcess } from '../../helpers/serve-process.js';
import { type ScriptPeer, startAnthropicPeer } from '../../peers/anthropic-peer.js';

const SCRIPT = join(import.meta.dirname, '..', '..', 'fixtures', 'scripts', 'failover-slow.yaml');

let memoryUrl = '';
let env: Record<string, string> = {};
let api: SleuthContext | undefined;
let peer: ScriptPeer | undefined;
const workers: ServeProcess[] = [];

function sleuthEnv(cwd: string, sqliteUrl: string): Record<string, string> {
  mkdirSync(join(cwd, 'knowledge'), { recursive: true });
  return {
    DATABASE_URL: memoryUrl,
    SLEUTH_DB_DEMO_URL: sqliteUrl,
    SLEUTH_LLM_PROVIDER: 'anthropic',
    ANTHROPIC_API_KEY: 'sk-ant-test',
    ANTHROPIC_BASE_URL: peer!.url,
    SLEUTH_NOW: '2026-11-15',
    SLEUTH_DATA_DIR: join(cwd, '.sleuth'),
    SLEUTH_KNOWLEDGE_DIR: join(cwd, 'knowledge'),
    SLEUTH_LOG_LEVEL: 'info',
  };
}

beforeAll(async () => {
  // The peer answers requests in order, one turn each: the fourth turn (finish) is scripted twice, once for the request
  // cut short by the kill and once for the worker that takes over. A restart from scratch would need seven requests.
  const turns = loadScript(SCRIPT);
  peer = await startAnthropicPeer([...turns, turns[3]!]);
  memoryUrl = await freshJobsDatabase('sleuth_test_failover');
  const cwd = mkdtempSync(join(tmpdir(), 'sleuth-failover-'));
  env = sleuthEnv(cwd, await demoUrl('sqlite'));
  api = await createSleuthContext({ cwd, env: { ...env, SLEUTH_LOG_LEVEL: 'silent' }, role: 'api' });
  await api.investigations(); // memory migrated, pg-boss schema and queue created
  // Test instrumentation on the real table: every write of a final answer is counted.
  await adminExec('postgres', memoryUrl, [
    'CREATE TABLE test_answer_writes (investigation_id text NOT NULL, answer jsonb NOT NULL)',
    `CREATE FUNCTION test_log_answer() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN INSERT INTO test_answer_writes VALUES (NEW.id, NEW.answer); RETURN NEW; END $$`,
    `CREATE TRIGGER test_answer_writes AFTER UPDATE OF answer ON investigations
       FOR EACH ROW WHEN (NEW.answer IS NOT NULL) EXECUTE FUNCTION test_log_answer()`,
  ]);
  for (const name of ['a', 'b']) {
    const cwd = mkdtempSync(join(tmpdir(), `sleuth-worker-${name}-`));
    workers.push(
      await startServeProcess(['--role', 'worker', '--port', '0'], sleuthEnv(cwd, env.SLEUTH_DB_DEMO_URL!), cwd),
    );
  }
}, 120_000);

afterAll(async () => {
  for (const worker of workers) worker.child.kill('SIGKILL');
  await api?.close();
  await peer?.close();
});

const jobLogs = (worker: ServeProcess, id: string, msg: string) =>
  worker.logs().filter((l) => l.investigationId === id && l.msg === msg);

/** The conversation turns a request to the peer carries: how many model turns the worker gave back to the model. */
const assistantTurns = (request: ScriptPeer['requests'][number]) =>
  (request.body.messages as { role: string }[]).filter((m) => m.role === 'assistant').length;

describe('two workers on PostgreSQL', () => {
  it('a worker killed mid-investigation: the other resumes it from the recorded steps, once, one final answer', async () => {
    onTestFailed(() => {
      for (const [i, worker] of workers.entries())
        console.error(`worker ${i} stderr:\n${worker.stderr().slice(-6000)}`);
    });
    const context = api!;
    const service = await context.investigations();
    for (const worker of workers) {
      const health = (await (await fetch(`${worker.url}/healthz`)).json()) as { components: Record<string, string> };
      expect(health.components).toMatchObject({ role: 'worker' });
      expect((await fetch(`${worker.url}/api/v1/investigations`)).status).toBe(404); // no public API on a worker
    }

    const record = await service.start({
      question: 'Which channel drove signups last month?',
      actor: { kind: 'api', id: 'key_failover' },
      faq: false,
    });
    const watched: InvestigationEvent[] = [];
    const watching = (async () => {
      for await (const event of service.watch(record.id)) watched.push(event);
    })();

    // which worker took it
    await waitFor(
      () => workers.some((w) => jobLogs(w, record.id, 'investigation job started').length > 0),
      'a worker to take the job',
    );
    const owner = workers.find((w) => jobLogs(w, record.id, 'investigation job started').length > 0)!;
    const other = workers.find((w) => w !== owner)!;
    expect(jobLogs(owner, record.id, 'investigation job started')).toMatchObject([{ attempt: 1 }]);

    // a process opening the same memory meanwhile (another api, a restarted worker) leaves the running job alone
    await waitFor(() => watched.some((e) => e.type === 'step_started'), 'the investigation to start');
    const late = await createSleuthContext({ cwd: tmpdir(), env: { ...env, SLEUTH_LOG_LEVEL: 'silent' }, role: 'api' });
    await late.memory();
    expect((await late.memory().then((m) => m.getInvestigation(record.id)))?.status).toBe('running');
    await late.close();

    // kill the owner while its fourth model turn is in flight (three steps recorded, the SQL among them)
    await waitFor(() => watched.some((e) => e.type === 'step_started' && e.step === 4), 'step 4 on the first worker');
    await waitFor(() => peer!.requests.length === 4, 'the fourth model request');
    owner.child.kill('SIGKILL');
    const killedAtSeq = watched.at(-1)!.seq;
    await owner.exited;

    await Promise.race([
      watching,
      new Promise((_, reject) => setTimeout(() => reject(new Error('the investigation did not finish')), 90_000)),
    ]);

    // the model was asked again only for the turn the kill cut short, with the recorded steps given back to it
    const requests = peer!.requests;
    expect(requests.map(assistantTurns)).toEqual([0, 1, 2, 3, 3]);
    expect(requests[4]!.body.messages).toEqual(requests[3]!.body.messages);
    expect(requests[4]!.body.system).toEqual(requests[3]!.body.system);

    // completed once, by the other worker, as a takeover (the worker acknowledges just after the last event)
    const jobRow = async () =>
      (
        (await adminExec('postgres', memoryUrl, [
          `SELECT state, retry_count FROM pgboss.job WHERE id = '${record.id}'`,
        ])) as { state: string; retry_count: number }[]
      )[0];
    await waitFor(async () => (await jobRow())?.state !== 'active', 'the job to be acknowledged');
    expect(await jobRow()).toEqual({ state: 'completed', retry_count: 1 });
    await waitFor(() => jobLogs(other, record.id, 'investigation job finished').length > 0, 'the finished log line');
    expect(jobLogs(other, record.id, 'investigation job started')).toMatchObject([{ attempt: 2 }]);
    expect(jobLogs(other, record.id, 'investigation job finished')).toHaveLength(1);
    expect(jobLogs(owner, record.id, 'investigation job finished')).toHaveLength(0);

    // the recorded stream: gapless, the first worker's events kept, a restart note, exactly one done at the end
    const memory = await context.memory();
    const recorded = (await memory.listEvents(record.id)).map(toInvestigationEvent);
    expect(recorded.map((e) => e.seq)).toEqual(recorded.map((_, i) => i + 1));
    expect(recorded.length).toBeGreaterThan(killedAtSeq);
    const restart = recorded.findIndex((e) => e.type === 'thinking' && /attempt 2/.test(e.text));
    expect(restart).toBeGreaterThanOrEqual(killedAtSeq);
    expect(
      recorded
        .slice(0, restart)
        .filter((e) => e.type === 'step_started')
        .map((e) => e.step),
    ).toEqual([1, 2, 3, 4]);
    // resumed: only the step cut short runs again
    expect(recorded.slice(restart)).toContainEqual(
      expect.objectContaining({ type: 'thinking', text: expect.stringMatching(/Continuing after step 3/) }),
    );
    expect(
      recorded
        .slice(restart)
        .filter((e) => e.type === 'step_started')
        .map((e) => e.step),
    ).toEqual([4]);
    // the SQL ran once, on the first worker
    expect(recorded.filter((e) => e.type === 'sql')).toHaveLength(1);
    expect(recorded.slice(restart).filter((e) => e.type === 'sql' || e.type === 'sql_result')).toHaveLength(0);
    expect(recorded.filter((e) => e.type === 'done')).toHaveLength(1);
    expect(recorded.filter((e) => e.type === 'failed')).toHaveLength(0);
    expect(recorded.at(-1)?.type).toBe('done');

    // the watcher that followed the whole time saw each recorded event once, in order
    expect(watched).toEqual(recorded);

    // one final answer, written once
    const final = await memory.getInvestigation(record.id);
    expect(final?.status).toBe('succeeded');
    const done = recorded.at(-1) as Extract<InvestigationEvent, { type: 'done' }>;
    expect(final?.answer).toEqual(done.answer);
    expect(JSON.stringify(done.answer)).toMatch(/organic/);
    const writes = (await adminExec('postgres', memoryUrl, [
      `SELECT answer FROM test_answer_writes WHERE investigation_id = '${record.id}'`,
    ])) as { answer: unknown }[];
    expect(writes).toHaveLength(1);
    // finished: the step records kept for a takeover are gone
    expect(await memory.listSteps(record.id)).toEqual([]);

    // the survivor stops cleanly on SIGTERM
    other.child.kill('SIGTERM');
    expect(await other.exited).toBe(0);
  }, 150_000);
});
