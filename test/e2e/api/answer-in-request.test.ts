/**
 * POST /investigations answers in the request what needs no model: a verified query (FAQ hit) and a refusal by a
 * limit are finished before the response (200), and only model investigations wait in the queue (202). Through the
 * real express server over HTTP, with the scripted model and the embedded memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, readSse, startApiHarness } from './harness.js';

describe('answers without the queue', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    // two questions an hour: the FAQ hit takes one, the model question the other, a third is refused
    h = await startApiHarness({ env: { SLEUTH_LIMIT_USER_PER_HOUR: '2' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  const post = (json: unknown) => h.call('/api/v1/investigations', { method: 'POST', json });
  const events = async (id: string) => readSse(await h.call(`/api/v1/investigations/${id}/events`));

  it('a verified query is answered in the request; a model question is queued and takes the rate once', async () => {
    const faq = await post({ question: 'How many active customers do we have?' });
    expect(faq.status).toBe(200);
    const answered = (await faq.json()) as { id: string; status: string };
    expect(answered.status).toBe('succeeded');
    const read = (await (await h.call(`/api/v1/investigations/${answered.id}`)).json()) as {
      answer: { text: string; caveats: string[] };
      steps: number;
    };
    expect(read.answer.text).toMatch(/answered instantly without a model/);
    const replay = await events(answered.id);
    expect(replay.map((e) => e.event)).toEqual(['thinking', 'sql', 'sql_result', 'done']);
    expect(await (await h.context.investigations()).depth()).toMatchObject({ queued: 0, running: 0 });

    const model = await post({ question: 'Which channel drove signups last month?' });
    expect(model.status).toBe(202);
    const queued = (await model.json()) as { id: string; status: string };
    expect(queued.status).toBe('queued');
    // the worker does not take the question rate again (a third take would be refused): it runs to done
    const run = await events(queued.id);
    expect(run.at(-1)?.event).toBe('done');

    const refused = await post({ question: 'How many active customers do we have?' });
    expect(refused.status).toBe(200);
    const body = (await refused.json()) as { id: string; status: string };
    expect(body.status).toBe('failed');
    const ended = await events(body.id);
    expect(ended.at(-1)?.event).toBe('failed');
    expect(JSON.stringify(ended.at(-1)?.data)).toMatch(/LIMIT|limit/);
  }, 120_000);
});
