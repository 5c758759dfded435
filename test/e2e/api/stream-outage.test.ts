/**
 * An SSE client connected when the server loses its memory store gets a last message (a reconnect hint), never a
 * stream that just ends. Through the real express server; the embedded memory store is closed under the stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, readSse, SLOW_SCRIPT, startApiHarness } from './harness.js';

describe('SSE when the memory store goes away', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness({ env: { SLEUTH_SCRIPT: SLOW_SCRIPT, SLEUTH_LIMITS: 'off' } });
  });
  afterAll(async () => {
    await h?.close().catch(() => undefined);
  });

  it('ends with a terminal event or a reconnect hint with a retry delay', async () => {
    const created = await h.call('/api/v1/investigations', {
      method: 'POST',
      json: { question: 'Which channel drove signups last month?', faq: false },
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    const stream = await h.call(`/api/v1/investigations/${id}/events`);
    const reading = readSse(stream);
    // the stream is open and replaying; then the memory database disappears
    await new Promise((resolve) => setTimeout(resolve, 300));
    await (await h.context.memory()).close();
    const messages = await reading;
    const last = messages.at(-1);
    expect(['done', 'failed', 'reconnect']).toContain(last?.event);
    if (last?.event === 'reconnect') {
      expect(last.data).toMatchObject({ code: expect.any(String), retryMs: 3000 });
    }
    // what was delivered before the outage kept its order
    const seqs = messages.filter((m) => m.event !== 'reconnect').map((m) => Number(m.id));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  }, 120_000);
});
