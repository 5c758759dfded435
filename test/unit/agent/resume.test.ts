/**
 * The resume point rebuilt from recorded steps: the conversation is the recorded messages in step order, the counters
 * those of the last step, and only an unbroken run of steps from the first counts.
 */
import { describe, expect, it } from 'vitest';
import type { ModelMessage } from '../../../src/agent/models/types.js';
import { resumePoint, stepRecord } from '../../../src/agent/steps/resume.js';

const user = (text: string): ModelMessage => ({ role: 'user', content: [{ type: 'text', text }] });
const call = (id: string): ModelMessage => ({
  role: 'assistant',
  content: [{ type: 'tool_use', id, name: 'run_sql', input: { sql: 'select 1' } }],
});
const result = (id: string): ModelMessage => ({
  role: 'user',
  content: [{ type: 'tool_result', toolUseId: id, content: '1 row' }],
});

function rows() {
  const usage = { steps: 1, sqlRuns: 1, wallMs: 40, tokens: 100, costUsd: 0.01 };
  const state = {
    sqlRuns: 1,
    failedSql: new Map([['select x', 'no column x']]),
    succeededSql: [{ sql: 'select 1', rowCount: 1 }],
    planRevision: 1,
  };
  const one = stepRecord({
    step: 1,
    messages: [user('question'), call('a'), result('a')],
    system: 'system prompt',
    usage,
    tokens: { input: 80, output: 20 },
    state,
    lastText: 'first',
  });
  const two = stepRecord({
    step: 2,
    messages: [call('b'), result('b')],
    usage: { ...usage, steps: 2, sqlRuns: 2, wallMs: 90 },
    tokens: { input: 160, output: 40 },
    state: { ...state, sqlRuns: 2 },
    lastText: 'second',
  });
  // as stored: JSON
  return [one, two].map((r) => ({ step: r.step, state: JSON.parse(JSON.stringify(r)) as unknown }));
}

describe('resume point', () => {
  it('rebuilds the conversation and the counters of the last recorded step', () => {
    const point = resumePoint(rows());
    expect(point?.system).toBe('system prompt');
    expect(point?.step).toBe(2);
    expect(point?.messages).toEqual([user('question'), call('a'), result('a'), call('b'), result('b')]);
    expect(point?.usage).toEqual({ steps: 2, sqlRuns: 2, wallMs: 90, tokens: 100, costUsd: 0.01 });
    expect(point?.tokens).toEqual({ input: 160, output: 40 });
    expect(point?.state.failedSql.get('select x')).toBe('no column x');
    expect(point?.state.sqlRuns).toBe(2);
    expect(point?.lastText).toBe('second');
  });

  it('uses only the unbroken run of steps from the first, and nothing without the first', () => {
    const [one, two] = rows();
    const three = { step: 3, state: { ...(two!.state as object), step: 3 } };
    expect(resumePoint([one!, three])?.step).toBe(1);
    expect(resumePoint([two!])).toBeUndefined();
    expect(resumePoint([])).toBeUndefined();
    expect(resumePoint([{ step: 1, state: { v: 99 } }])).toBeUndefined();
  });
});
