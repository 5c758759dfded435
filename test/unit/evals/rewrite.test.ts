/** Mutant rewrites of gold SQL: each makes its one kind of mistake, at every place it can. */
import { describe, expect, it } from 'vitest';
import { dropFilter, wrongAggregate, wrongJoin, wrongPeriod, wrongSource } from '../../../evals/mutants/rewrite.js';

const squash = (sql: string) => sql.replace(/\s+/g, ' ').trim();

describe('mutant rewrites', () => {
  it('drop one condition at a time, keeping BETWEEN whole and skipping string literals', () => {
    const sql = "SELECT COUNT(*) FROM orders WHERE status = 'x and y' AND total BETWEEN 1 AND 5 GROUP BY status";
    expect(dropFilter(sql).map(squash)).toEqual([
      'SELECT COUNT(*) FROM orders WHERE total BETWEEN 1 AND 5 GROUP BY status',
      "SELECT COUNT(*) FROM orders WHERE status = 'x and y' GROUP BY status",
    ]);
    expect(dropFilter('SELECT 1 FROM t WHERE a = 1').map(squash)).toEqual(['SELECT 1 FROM t']);
  });

  it('swap aggregates', () => {
    expect(wrongAggregate('SELECT COUNT(DISTINCT customer_id), SUM(total) FROM orders')).toEqual([
      'SELECT COUNT(customer_id), SUM(total) FROM orders',
      'SELECT COUNT(DISTINCT customer_id), AVG(total) FROM orders',
    ]);
  });

  it('use a wrong join key, or fan out to a child table', () => {
    const sql = 'SELECT SUM(o.total) FROM orders o JOIN customers c ON c.id = o.customer_id';
    const out = wrongJoin(sql).map(squash);
    expect(out[0]).toBe('SELECT SUM(o.total) FROM orders o JOIN customers c ON c.id = o.id');
    expect(out).toContain(
      'SELECT SUM(o.total) FROM orders o JOIN order_items fan_order_items ON fan_order_items.order_id = o.id JOIN customers c ON c.id = o.customer_id',
    );
  });

  it('move a period boundary by one', () => {
    const out = wrongPeriod(
      "SELECT 1 FROM orders WHERE ordered_at >= '2026-10-01' AND ordered_at < date('now', '-30 days')",
    );
    expect(out).toContain(
      "SELECT 1 FROM orders WHERE ordered_at >= '2026-10-02' AND ordered_at < date('now', '-30 days')",
    );
    expect(out).toContain(
      "SELECT 1 FROM orders WHERE ordered_at >= '2026-10-01' AND ordered_at < date('now', '-31 days')",
    );
    expect(out).toContain(
      "SELECT 1 FROM orders WHERE ordered_at >= '2026-10-01' AND ordered_at <= date('now', '-30 days')",
    );
  });

  it('take a synonym from the wrong source, never renaming an output alias', () => {
    expect(wrongSource('SELECT SUM(total) AS total FROM orders')).toEqual([
      'SELECT SUM(subtotal) AS total FROM orders',
    ]);
  });
});
