/**
 * Execution-accuracy comparator: a table of edge cases with the verdict under Spider's rules (test-suite
 * `exec_eval.py` `result_eq`: bag of rows, order only with ORDER BY, column permutations) and BIRD's
 * (`evaluation.py`: set of row tuples), each case naming the rule that decides it; then the column-mapping search on
 * wide results, reasons, options, value normalisation, the timeout helper and the aggregate.
 */
import { describe, expect, it } from 'vitest';
import {
  type CompareOptions,
  compareResults,
  compareWithTimeout,
  executionAccuracy,
  goldIsOrdered,
  normalizeValue,
  type ResultSet,
} from '../../../evals/comparator.js';
import { COMPARATOR_CASES as CASES, one, rs } from '../../../evals/comparator-cases.js';

describe('compareResults: Spider and BIRD rules', () => {
  const runs = CASES.flatMap((c) => (['spider', 'bird'] as const).map((mode) => ({ ...c, mode, expected: c[mode] })));

  it.each(runs)('$name [$mode]', ({ predicted, gold, ordered, ties, mode, expected }) => {
    const outcome = compareResults(predicted, gold, { ordered: ordered ?? false, mode, ties });
    expect({ match: outcome.match, rule: outcome.rule }).toEqual({ match: expected[0], rule: expected[1] });
    expect(outcome.reason).not.toBe('');
  });
});

describe('column mapping search on wide results', () => {
  const WIDTH = 12;
  const ROWS = 23;
  // Every column is a permutation of 0..22 (same value multiset), so pruning by column values keeps all 12 candidates.
  const names = Array.from({ length: WIDTH }, (_, c) => `c${c}`);
  const goldRows = Array.from({ length: ROWS }, (_, r) => names.map((_, c) => (r * (c + 1)) % ROWS));
  const shuffle = [7, 3, 11, 0, 9, 5, 1, 10, 2, 8, 4, 6];
  const gold = rs(names, ...goldRows);
  const predicted = rs(
    shuffle.map((c) => `p${c}`),
    ...goldRows.map((row) => shuffle.map((c) => row[c])).reverse(),
  );

  it('finds the column permutation of 12 equal-looking columns', () => {
    const outcome = compareResults(predicted, gold, { ordered: false });
    expect(outcome).toMatchObject({ match: true, rule: 'column_permutation' });
    expect(outcome.reason).toContain('c0 <- predicted column 4');
  });

  it('rejects the same columns once two cells of one column trade places', () => {
    const broken = predicted.rows.map((row) => [...row]);
    [broken[1]![0], broken[2]![0]] = [broken[2]![0], broken[1]![0]];
    const outcome = compareResults(rs(predicted.columns, ...broken), gold, { ordered: false });
    expect(outcome).toMatchObject({ match: false, rule: 'row_values' });
  });

  it('maps 12 identical columns without trying their permutations', () => {
    const same = Array.from({ length: 50 }, (_, r) => names.map(() => r % 3));
    expect(compareResults(rs(names, ...same), rs(names, ...same.slice().reverse()), { ordered: false })).toMatchObject({
      match: true,
      rule: 'exact',
    });
  });

  it('reports a capped search as a mismatch and says so', () => {
    const outcome = compareResults(predicted, gold, { ordered: false, searchLimit: 5 });
    expect(outcome).toMatchObject({ match: false, rule: 'search_capped' });
    expect(outcome.reason).toContain('capped after 5');
  });

  it('maps permuted columns of an ordered result without search', () => {
    const ordered = compareResults(rs(predicted.columns, ...predicted.rows.slice().reverse()), gold, { ordered: true });
    expect(ordered).toMatchObject({ match: true, rule: 'column_permutation' });
  });
});

describe('reasons', () => {
  const gold = rs(['region', 'revenue'], ['north', 10], ['south', 10.6], ['east', 3], ['west', 4]);

  it('give both row counts', () => {
    const outcome = compareResults(rs(gold.columns, ...gold.rows.slice(0, 3)), gold, { ordered: false });
    expect(outcome).toMatchObject({ match: false, rule: 'row_count' });
    expect(outcome.reason).toBe('row count differs: 3 vs 4 (predicted vs gold)');
  });

  it('name the row and column of a differing value, predicted first', () => {
    const rows = gold.rows.map((row) => (row[0] === 'south' ? ['south', 10.5] : row));
    for (const ordered of [true, false]) {
      const outcome = compareResults(rs(gold.columns, ...rows), gold, { ordered });
      expect(outcome).toMatchObject({ match: false, rule: 'column_values' });
      expect(outcome.reason).toContain('row 2 differs in column revenue: 10.5 vs 10.6 (predicted vs gold)');
    }
  });
});

describe('options and invalid input', () => {
  it('default to Spider rules', () => {
    expect(compareResults(rs(['v'], [1], [1]), rs(['v'], [1]), { ordered: false })).toMatchObject({
      match: false,
      rule: 'row_count',
    });
  });

  it('compare floats exactly with floatTolerance 0, like both scripts', () => {
    const options: CompareOptions = { ordered: false, floatTolerance: 0 };
    expect(compareResults(one(0.1 + 0.2), one(0.3), options)).toMatchObject({ match: false, rule: 'column_values' });
    expect(compareResults(one('10.50'), one(10.5), options)).toMatchObject({ match: true, rule: 'exact' });
  });

  it('widen the relative tolerance on request', () => {
    expect(compareResults(one(1.0001), one(1), { ordered: false, floatTolerance: 1e-3 })).toMatchObject({
      match: true,
      rule: 'exact',
    });
  });

  it('throw on a tolerance outside [0, 1)', () => {
    expect(() => compareResults(one(1), one(1), { ordered: false, floatTolerance: -1 })).toThrow(RangeError);
  });

  it('score a row that does not fit its columns as invalid', () => {
    const outcome = compareResults(rs(['a', 'b'], [1]), rs(['a'], [1]), { ordered: false });
    expect(outcome).toMatchObject({ match: false, rule: 'invalid_result' });
    expect(outcome.reason).toBe('predicted row 1 has 1 values for 2 columns');
  });
});

describe('normalizeValue', () => {
  it.each([
    ["string '10.50'", '10.50', { kind: 'number', value: 10.5 }],
    ["string '-3'", '-3', { kind: 'number', value: -3 }],
    ["string '007'", '007', { kind: 'string', value: '007' }],
    ["string '1e3'", '1e3', { kind: 'string', value: '1e3' }],
    ['true', true, { kind: 'number', value: 1 }],
    ['-0', -0, { kind: 'number', value: 0 }],
    ['10n', 10n, { kind: 'number', value: 10 }],
    ["string '9007199254740993'", '9007199254740993', { kind: 'bigint', value: 9007199254740993n }],
    ['undefined', undefined, { kind: 'null' }],
    ["string '2026-10-01'", '2026-10-01', { kind: 'time', value: Date.UTC(2026, 9, 1) / 1000 }],
    ["string '2026-02-30'", '2026-02-30', { kind: 'string', value: '2026-02-30' }],
    ["string '12:30:00'", '12:30:00', { kind: 'string', value: '12:30:00' }],
    ['{ b: 2, a: 1 }', { b: 2, a: 1 }, { kind: 'json', value: '{"a":1,"b":2}' }],
  ])('%s', (_label, input, expected) => {
    expect(normalizeValue(input)).toEqual(expected);
  });
});

describe('goldIsOrdered (Spider: ORDER BY anywhere in the gold SQL)', () => {
  it.each([
    ['SELECT a FROM t ORDER BY a', true],
    ['select a from t order\n  by a desc', true],
    ['SELECT a FROM t GROUP BY a', false],
    ['SELECT border_by FROM t', false],
  ])('%s -> %s', (sql, expected) => {
    expect(goldIsOrdered(sql)).toBe(expected);
  });
});

describe('compareWithTimeout', () => {
  const gold = rs(['v'], [1]);

  it('scores a predicted query slower than the timeout as rule timeout and aborts it', async () => {
    let aborted = false;
    const slow = (signal: AbortSignal) =>
      new Promise<ResultSet>(() => {
        signal.addEventListener('abort', () => {
          aborted = true;
        });
      });
    const outcome = await compareWithTimeout(slow, 20, gold, { ordered: false });
    expect(outcome).toMatchObject({ match: false, rule: 'timeout' });
    expect(outcome.reason).toContain('20 ms');
    expect(aborted).toBe(true);
  });

  it('compares a result that arrives in time', async () => {
    const outcome = await compareWithTimeout(async () => rs(['x'], [1]), 1_000, gold, { ordered: false });
    expect(outcome).toMatchObject({ match: true, rule: 'exact' });
  });

  it('scores a failing predicted query as rule execution_error', async () => {
    const outcome = await compareWithTimeout(
      async () => {
        throw new Error('no such column: revenu');
      },
      1_000,
      gold,
      { ordered: false },
    );
    expect(outcome).toMatchObject({ match: false, rule: 'execution_error' });
    expect(outcome.reason).toContain('no such column: revenu');
  });
});

describe('executionAccuracy', () => {
  it('counts matches and rules', () => {
    const summary = executionAccuracy([
      { match: true, rule: 'exact', reason: '' },
      { match: true, rule: 'column_permutation', reason: '' },
      { match: false, rule: 'timeout', reason: '' },
      { match: false, rule: 'row_count', reason: '' },
    ]);
    expect(summary).toEqual({
      total: 4,
      matched: 2,
      accuracy: 0.5,
      byRule: { exact: 1, column_permutation: 1, timeout: 1, row_count: 1 },
    });
  });

  it('is 0 over no outcomes', () => {
    expect(executionAccuracy([])).toEqual({ total: 0, matched: 0, accuracy: 0, byRule: {} });
  });
});
