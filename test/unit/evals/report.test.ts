import { describe, expect, it } from 'vitest';
import { goldenMarkdown, summarizeGoldenRun } from '../../../evals/golden/report.js';
import type { GoldenCaseResult } from '../../../evals/golden/runner.js';

const result = (id: string, overrides: Partial<GoldenCaseResult> = {}): GoldenCaseResult => ({
  id,
  category: 'filter',
  difficulty: 'easy',
  kind: 'sql',
  tier: 'agent',
  instant: false,
  match: true,
  rule: 'exact',
  reason: 'same rows',
  steps: 2,
  sqlRuns: 1,
  guardRefusals: {},
  inputTokens: 100,
  outputTokens: 10,
  costUsd: 0.001,
  latencyMs: 50,
  ...overrides,
});

describe('golden run summary', () => {
  const labels = { suite: 'golden', provider: 'replay', dialect: 'sqlite', promptVersion: 'system.v2' };

  it('adds up guard refusals by code and shows them with steps, tokens and cost', () => {
    const results = [
      result('a', { guardRefusals: { WRITE_STATEMENT: 2 } }),
      result('b', { guardRefusals: { WRITE_STATEMENT: 1, DENIED_FUNCTION: 1 }, match: false, rule: 'row_count' }),
      result('c', { steps: 5 }),
    ];
    const summary = summarizeGoldenRun(results, labels);
    expect(summary.guardRefusals).toEqual({ WRITE_STATEMENT: 3, DENIED_FUNCTION: 1 });
    expect(summary.executionAccuracy).toBeCloseTo(2 / 3);
    expect(summary.meanSteps).toBeCloseTo(3);
    const markdown = goldenMarkdown(summary, results);
    expect(markdown).toContain('| guard refusals | 4 (WRITE_STATEMENT 3, DENIED_FUNCTION 1) | |');
    expect(markdown).toContain('| tokens in / out, cost | 300 / 30, $0.00 | |');
    expect(markdown).toContain('- b (filter, agent tier): row_count: same rows');
  });

  it('says 0 when the guard refused nothing, and compares with a baseline', () => {
    const baseline = summarizeGoldenRun([result('a', { match: false }), result('b')], labels);
    const summary = summarizeGoldenRun([result('a'), result('b')], labels);
    const markdown = goldenMarkdown(summary, [result('a'), result('b')], baseline);
    expect(markdown).toContain('| guard refusals | 0 | |');
    expect(markdown).toContain('| execution accuracy (2 SQL cases) | 100.0% | +50.0 pts |');
  });
});
