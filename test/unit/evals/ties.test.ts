/** Tie-aware top-k: reading the gold's ORDER BY ... LIMIT and finding the ranking columns. */
import { describe, expect, it } from 'vitest';
import { splitTopK, tieInfo } from '../../../evals/golden/ties.js';

describe('splitTopK', () => {
  it('strips the final LIMIT and splits the ORDER BY items at the top level', () => {
    const sql = 'SELECT id, n FROM t\nORDER BY ROUND(n * 1.0 / (id + 1), 2) DESC, t.id\nLIMIT 5;\n';
    expect(splitTopK(sql)).toEqual({
      unlimited: 'SELECT id, n FROM t\nORDER BY ROUND(n * 1.0 / (id + 1), 2) DESC, t.id',
      limit: 5,
      orderBy: ['ROUND(n * 1.0 / (id + 1), 2) DESC', 't.id'],
    });
  });

  it('ignores queries without a final ORDER BY ... LIMIT', () => {
    expect(splitTopK('SELECT id FROM t LIMIT 5')).toBeUndefined();
    expect(splitTopK('SELECT id FROM (SELECT id FROM t ORDER BY id LIMIT 5) x')).toBeUndefined();
  });
});

describe('tieInfo', () => {
  const full = [
    [1, 9],
    [2, 7],
    [3, 7],
  ];

  it('drops a trailing tie-breaker on a unique column', () => {
    expect(tieInfo(['tickets DESC', 'c.id'], ['id', 'tickets'], full, 2)).toEqual({ full, keyColumns: [1], limit: 2 });
  });

  it('is strict when the ranking column is unique or an ORDER BY item is not an output column', () => {
    expect(tieInfo(['id'], ['id', 'tickets'], full, 2)).toBeUndefined();
    expect(tieInfo(['COUNT(*) DESC', 'id'], ['id', 'tickets'], full, 2)).toBeUndefined();
  });

  it('reads positional ORDER BY items', () => {
    expect(tieInfo(['2 DESC', '1'], ['id', 'tickets'], full, 2)?.keyColumns).toEqual([1]);
  });
});
