import { describe, expect, it } from 'vitest';
import type { InvestigationEvent, InvestigationOutcome } from '../../../src/agent/index.js';
import { createMetrics, createObserverHub, observeInvestigation } from '../../../src/metrics/index.js';

const event = (seq: number): InvestigationEvent => ({
  type: 'thinking',
  text: `step ${seq}`,
  investigationId: 'inv-1',
  seq,
  at: new Date(0).toISOString(),
});

describe('observer hub', () => {
  it('fans out to every observer, keeps going past one that throws, and removes observers', () => {
    const hub = createObserverHub();
    const seen: string[] = [];
    const removeA = hub.add({ faqRequest: ({ result }) => seen.push(`a:${result}`) });
    hub.add({
      faqRequest: () => {
        throw new Error('broken observer');
      },
    });
    hub.add({ faqRequest: ({ result }) => seen.push(`c:${result}`) });
    hub.faqRequest({ result: 'hit' });
    removeA();
    hub.faqRequest({ result: 'miss' });
    expect(seen).toEqual(['a:hit', 'c:hit', 'c:miss']);
  });
});

describe('observeInvestigation', () => {
  async function* engine(closed: string[]): AsyncGenerator<InvestigationEvent, InvestigationOutcome> {
    try {
      for (let seq = 1; seq <= 3; seq++) yield event(seq);
      return { investigationId: 'inv-1', status: 'succeeded' };
    } finally {
      closed.push('engine closed');
    }
  }
  const record = {
    startedAt: new Date(1000),
    finishedAt: new Date(3500),
    steps: 4,
    provider: 'scripted',
    model: 'm',
    inputTokens: 10,
    outputTokens: 2,
    costUsd: 0.5,
  };

  it('relays events unchanged and reports the recorded totals at the end', async () => {
    const reports: unknown[] = [];
    const closed: string[] = [];
    const relayed = observeInvestigation(
      {
        investigationStarted: (i) => reports.push(['started', i]),
        investigationEvent: (e) => reports.push(['event', e.seq]),
        investigationEnded: (i) => reports.push(['ended', i]),
      },
      'demo',
      engine(closed),
      async () => record as never,
    );
    const out: number[] = [];
    for (;;) {
      const next = await relayed.next();
      if (next.done) {
        expect(next.value).toEqual({ investigationId: 'inv-1', status: 'succeeded' });
        break;
      }
      out.push(next.value.seq);
    }
    expect(out).toEqual([1, 2, 3]);
    expect(reports).toEqual([
      ['started', { connection: 'demo' }],
      ['event', 1],
      ['event', 2],
      ['event', 3],
      [
        'ended',
        {
          connection: 'demo',
          finished: {
            investigationId: 'inv-1',
            status: 'succeeded',
            durationMs: 2500,
            steps: 4,
            provider: 'scripted',
            model: 'm',
            inputTokens: 10,
            outputTokens: 2,
            costUsd: 0.5,
          },
        },
      ],
    ]);
    expect(closed).toEqual(['engine closed']);
  });

  it('closes the engine and still reports the end when the caller stops early', async () => {
    const ended: unknown[] = [];
    const closed: string[] = [];
    const relayed = observeInvestigation(
      { investigationEnded: (i) => ended.push(i) },
      'demo',
      engine(closed),
      async () => undefined,
    );
    for await (const e of relayed) if (e.seq === 1) break;
    expect(closed).toEqual(['engine closed']);
    expect(ended).toEqual([{ connection: 'demo', finished: undefined }]);
  });

  it('moves the metrics: running up and down, totals by status, tokens by direction', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const relayed = observeInvestigation(metrics.observer, 'demo', engine([]), async () => record as never);
    const first = await relayed.next();
    expect(first.done).toBe(false);
    expect((await metrics.scrape()).body).toMatch(/^sleuth_investigations_running 1$/m);
    while (!(await relayed.next()).done);
    const { body } = await metrics.scrape();
    expect(body).toMatch(/^sleuth_investigations_running 0$/m);
    expect(body).toMatch(/^sleuth_investigations_total\{status="succeeded"\} 1$/m);
    expect(body).toMatch(/^sleuth_investigation_duration_seconds_sum\{status="succeeded"\} 2.5$/m);
    expect(body).toMatch(/^sleuth_model_tokens_total\{provider="scripted",model="m",direction="output"\} 2$/m);
    expect(body).toMatch(/^sleuth_model_cost_usd_total\{provider="scripted",model="m"\} 0.5$/m);
    expect(body).not.toMatch(/sleuth_process_/);
  });
});
