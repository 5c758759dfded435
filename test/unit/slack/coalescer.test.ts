/** The live-message throttle with a virtual clock: one send per interval, latest value wins, 429 waits Retry-After. */

import { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { createCoalescer } from '../../../src/slack/live/coalescer.js';

function virtualClock() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function rateLimited(seconds: number): Error {
  return Object.assign(new Error('rate limited'), { code: webApi.ErrorCode.RateLimitedError, retryAfter: seconds });
}

describe('coalescer', () => {
  it('sends at most once per interval and only the latest pending value', async () => {
    const clock = virtualClock();
    const sent: { value: number; at: number }[] = [];
    const c = createCoalescer<number>({
      intervalMs: 1000,
      ...clock,
      send: async (value) => void sent.push({ value, at: clock.now() }),
    });
    for (let i = 1; i <= 10; i++) c.push(i);
    await c.drain();
    expect(sent).toEqual([
      { value: 1, at: 0 },
      { value: 10, at: 1000 },
    ]);
    c.push(11);
    c.push(12);
    await c.drain();
    expect(sent.at(-1)).toEqual({ value: 12, at: 2000 });
    expect(sent).toHaveLength(3);
  });

  it('respects a write made before it took over', async () => {
    const clock = virtualClock();
    clock.advance(5000);
    const at: number[] = [];
    const c = createCoalescer<number>({
      intervalMs: 1000,
      ...clock,
      lastSentAt: 5000,
      send: async () => void at.push(clock.now()),
    });
    c.push(1);
    await c.drain();
    expect(at).toEqual([6000]);
  });

  it('waits Retry-After on 429, keeping the value unless a newer one arrives', async () => {
    const clock = virtualClock();
    const sent: { value: string; at: number }[] = [];
    let calls = 0;
    const c = createCoalescer<string>({
      intervalMs: 1000,
      ...clock,
      send: async (value) => {
        calls++;
        if (calls === 1) throw rateLimited(3);
        sent.push({ value, at: clock.now() });
      },
    });
    c.push('a');
    await c.drain();
    expect(sent).toEqual([{ value: 'a', at: 3000 }]);
  });

  it('reports other errors and carries on with the next value', async () => {
    const clock = virtualClock();
    const errors: string[] = [];
    const sent: string[] = [];
    const c = createCoalescer<string>({
      intervalMs: 10,
      ...clock,
      send: async (value) => {
        if (value === 'bad') throw new Error('message_not_found');
        sent.push(value);
      },
      onError: (error, value) => errors.push(`${value}: ${(error as Error).message}`),
    });
    c.push('bad');
    await c.drain();
    c.push('good');
    await c.drain();
    expect(errors).toEqual(['bad: message_not_found']);
    expect(sent).toEqual(['good']);
  });

  it('gives up on a value after repeated 429s', async () => {
    const clock = virtualClock();
    const errors: unknown[] = [];
    const c = createCoalescer<string>({
      intervalMs: 10,
      ...clock,
      maxRateLimitedTries: 3,
      send: async () => {
        throw rateLimited(1);
      },
      onError: (error) => errors.push(error),
    });
    c.push('x');
    await c.drain();
    expect(errors).toHaveLength(1);
    expect(clock.now()).toBe(2000);
  });
});
