/**
 * The per-investigation event writer over a store whose transactions the test completes by hand: appends coalesce
 * into one transaction per flush, numbers stay gapless and in order, an event is handed on only once its transaction
 * committed, the events a front end must not lose are waited for, and a failed flush stops the writer.
 */
import { describe, expect, it } from 'vitest';
import { createEventWriter, type RecordedBody } from '../../../src/agent/event-writer.js';
import type { InvestigationEventBody } from '../../../src/agent/index.js';
import type { InvestigationStore } from '../../../src/agent/store.js';

interface Call {
  events: { type: string; payload: unknown }[];
  steps: { step: number; state: unknown }[];
  commit(): void;
  fail(error: Error): void;
}

function manualStore() {
  const calls: Call[] = [];
  let seq = 0;
  const store: Pick<InvestigationStore, 'appendEvents'> = {
    appendEvents(_id, events, steps) {
      return new Promise((resolve, reject) => {
        calls.push({
          events: [...events],
          steps: [...(steps ?? [])],
          commit: () => resolve(events.map(() => ({ seq: ++seq, createdAt: new Date(0) }))),
          fail: reject,
        });
      });
    },
  };
  return { store, calls };
}

const thinking = (text: string): InvestigationEventBody => ({ type: 'thinking', text });
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('event writer', () => {
  it('coalesces appends into one transaction and hands events on only after it committed', async () => {
    const { store, calls } = manualStore();
    const recorded: RecordedBody[] = [];
    const writer = createEventWriter('i1', store, (e) => recorded.push(e), { maxDelayMs: 1 });
    // ordinary events: the caller goes on at once
    await writer.append(thinking('a'));
    await writer.append(thinking('b'));
    await writer.append(thinking('c'));
    await settle();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.events.map((e) => (e.payload as { text: string }).text)).toEqual(['a', 'b', 'c']);
    expect(recorded).toEqual([]); // not committed yet: nothing is shown
    calls[0]?.commit();
    await writer.flush();
    expect(recorded.map((e) => [e.seq, (e.body as { text: string }).text])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
  });

  it('one transaction in flight at a time: what comes meanwhile is the next batch, numbers in emission order', async () => {
    const { store, calls } = manualStore();
    const recorded: RecordedBody[] = [];
    const writer = createEventWriter('i1', store, (e) => recorded.push(e), { maxDelayMs: 1 });
    const first = writer.append(thinking('start'), { wait: true });
    await settle();
    expect(calls).toHaveLength(1);
    await writer.append(thinking('x'));
    await writer.append(thinking('y'));
    await settle();
    expect(calls).toHaveLength(1); // waits for the first to commit
    let waited = false;
    void first.then(() => {
      waited = true;
    });
    await settle();
    expect(waited).toBe(false); // a waited event resolves only once recorded
    calls[0]?.commit();
    await first;
    await settle();
    expect(calls).toHaveLength(2);
    calls[1]?.commit();
    await writer.flush();
    expect(recorded.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(recorded.map((e) => (e.body as { text: string }).text)).toEqual(['start', 'x', 'y']);
  });

  it('a full batch is flushed at once; a step goes with the events queued before it', async () => {
    const { store, calls } = manualStore();
    const writer = createEventWriter('i1', store, () => undefined, { maxDelayMs: 60_000, maxBatch: 2 });
    await writer.append(thinking('a'));
    await writer.append(thinking('b'));
    await settle();
    expect(calls).toHaveLength(1); // no timer needed
    calls[0]?.commit();
    await settle();
    await writer.append(thinking('c'));
    const step = writer.step(1, { v: 1 });
    await settle();
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({ events: [{ type: 'thinking' }], steps: [{ step: 1, state: { v: 1 } }] });
    calls[1]?.commit();
    await step;
  });

  it('a failed flush fails its waiters, then every later ordinary append; a waited event is still tried', async () => {
    const { store, calls } = manualStore();
    const recorded: RecordedBody[] = [];
    const writer = createEventWriter('i1', store, (e) => recorded.push(e), { maxDelayMs: 1 });
    await writer.append(thinking('lost'));
    const step = writer.step(1, {});
    await settle();
    calls[0]?.fail(new Error('memory down'));
    await expect(step).rejects.toThrow('memory down');
    await expect(writer.append(thinking('after'))).rejects.toThrow('memory down');
    await expect(writer.step(2, {})).rejects.toThrow('memory down');
    const closing = writer.append({ type: 'failed', error: { code: 'MEMORY_ERROR', message: 'x' } }, { wait: true });
    await settle();
    calls[1]?.commit();
    await closing;
    expect(recorded.map((e) => [e.seq, e.body.type])).toEqual([[1, 'failed']]);
  });
});
