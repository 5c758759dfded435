/** Paired comparison with a baseline: McNemar's exact test and the verdict that makes `npm run eval` exit 1. */
import { describe, expect, it } from 'vitest';
import { type Baseline, baselineFrom, comparePaired, mcnemarExact } from '../../../evals/golden/baseline.js';
import type { GoldenCaseResult } from '../../../evals/golden/runner.js';

const result = (id: string, match: boolean, category = 'filter'): GoldenCaseResult => ({
  id,
  category,
  difficulty: 'easy',
  kind: 'sql',
  tier: 'agent',
  instant: false,
  match,
  rule: match ? 'exact' : 'row_count',
  reason: '',
  steps: 3,
  sqlRuns: 1,
  guardRefusals: {},
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
  latencyMs: 1,
});
const labels = { provider: 'anthropic', model: 'm', promptVersion: 'system.v3', dialect: 'sqlite' };
const ids = Array.from({ length: 20 }, (_, i) => `q${String(i).padStart(2, '0')}`);
const run = (failing: readonly string[]) => ids.map((id) => result(id, !failing.includes(id)));

describe('mcnemarExact', () => {
  it('is the two-sided binomial tail on the discordant pairs', () => {
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(mcnemarExact(8, 0)).toBeCloseTo(2 / 256, 10);
    expect(mcnemarExact(3, 3)).toBe(1);
    expect(mcnemarExact(6, 1)).toBeCloseTo((2 * (1 + 7)) / 128, 10);
  });
});

describe('comparePaired', () => {
  const baseline: Baseline = baselineFrom([run(['q19'])], labels);

  it('records pass rates per question and per category', () => {
    expect(baseline.questions.q00).toBe(1);
    expect(baseline.questions.q19).toBe(0);
    expect(baseline.overall).toBe(0.95);
    expect(baseline.byCategory.filter).toEqual({ cases: 20, accuracy: 0.95 });
  });

  it('calls a run with six regressions and no improvement significantly worse, listing them', () => {
    const worse = baselineFrom([run(['q00', 'q01', 'q02', 'q03', 'q04', 'q05', 'q19'])], labels);
    const comparison = comparePaired(baseline, worse);
    expect(comparison.verdict).toBe('significantly_worse');
    expect(comparison.regressed).toEqual(['q00', 'q01', 'q02', 'q03', 'q04', 'q05']);
    expect(comparison.pValue).toBeLessThan(0.05);
  });

  it('sees no significant change in an equal run or in two flips', () => {
    expect(comparePaired(baseline, baselineFrom([run(['q19'])], labels)).verdict).toBe('no_significant_change');
    expect(comparePaired(baseline, baselineFrom([run(['q00', 'q01', 'q19'])], labels)).verdict).toBe(
      'no_significant_change',
    );
  });

  it('takes the majority over trials', () => {
    const trials = [run(['q00']), run(['q00']), run([])];
    const candidate = baselineFrom(trials, labels);
    expect(candidate.questions.q00).toBeCloseTo(1 / 3, 3);
    expect(candidate.trials).toBe(3);
  });
});
