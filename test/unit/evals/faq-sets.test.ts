import { describe, expect, it } from 'vitest';
import { compareResults, defaultPeriod, expectedParameters } from '../../../evals/suites/faq-sets.js';
import type { LoadedVerifiedQuery } from '../../../src/knowledge/index.js';

const ANCHOR = '2026-11-15';

describe('FAQ set scoring', () => {
  it('computes definition defaults itself, the way the dataset headers state them', () => {
    expect(defaultPeriod('last 30 days', ANCHOR)).toEqual({ start: '2026-10-16', end: '2026-11-15' });
    expect(defaultPeriod('last month', ANCHOR)).toEqual({ start: '2026-10-01', end: '2026-11-01' });
    expect(defaultPeriod('last 12 months', ANCHOR)).toEqual({ start: '2025-11-01', end: '2026-11-01' });
    expect(defaultPeriod('last 3 months', ANCHOR)).toEqual({ start: '2026-08-01', end: '2026-11-01' });
  });

  it('runs the expected query with the dataset values, the engine range for the whole history, defaults otherwise', () => {
    const query = {
      name: 'top_products_by_revenue',
      parameters: {
        limit: { type: 'number', default: 10, min: 1, max: 100 },
        period: { type: 'date_range', default: 'last 30 days' },
      },
    } as unknown as LoadedVerifiedQuery;
    const ctx = { anchor: ANCHOR, historyStart: '2023-11-15' };
    const item = { q: 'top 5 products by revenue, all time', expect: query.name, params: { limit: 5, period: 'all' } };
    const range = (shown: string) =>
      expectedParameters(query, item, new Map([['period', shown]]), ctx).parameters.find((p) => p.name === 'period')
        ?.value;
    // The engine's whole-history range is used as it is; anything narrower is replaced by the canonical one.
    expect(range('0001-01-01..2026-11-16')).toEqual({
      type: 'date_range',
      range: { start: '0001-01-01', end: '2026-11-16' },
    });
    expect(range('2026-10-16..2026-11-15')).toEqual({
      type: 'date_range',
      range: { start: '1900-01-01', end: '2026-11-16' },
    });
    const defaults = expectedParameters(query, { q: 'best products', expect: query.name }, new Map(), ctx).parameters;
    expect(defaults.map((p) => p.value)).toEqual([
      { type: 'number', value: 10 },
      { type: 'date_range', range: { start: '2026-10-16', end: '2026-11-15' } },
    ]);
  });

  it('compares answers by columns and rows', () => {
    const want = { columns: ['a', 'b'], rows: [[1, 'x']] };
    expect(compareResults(want, want)).toBeNull();
    expect(compareResults({ columns: ['a'], rows: [[1]] }, want)).toBe('columns [a] != expected [a, b]');
    expect(compareResults({ columns: ['a', 'b'], rows: [[2, 'x']] }, want)).toBe('row 1: [2,"x"] != expected [1,"x"]');
    expect(compareResults({ columns: ['a', 'b'], rows: [] }, want)).toBe('0 rows != expected 1');
  });
});
