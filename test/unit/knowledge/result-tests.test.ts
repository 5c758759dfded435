import { describe, expect, it } from 'vitest';
import { verifiedQueryFileSchema } from '../../../src/knowledge/files.js';
import { checkExpectations } from '../../../src/knowledge/index.js';
import { testParameters } from '../../../src/knowledge/result-tests.js';

const COLUMNS = ['country', 'orders', 'revenue'];
const ROWS = [
  ['United States', 455, '235763.09'],
  ['Germany', 120, 60000.5],
  ['Chile', 9, 3899.98],
];

describe('result test expectations', () => {
  it('passes exact rows (numbers within 0.005, numeric strings as numbers) and invariants that hold', () => {
    expect(
      checkExpectations(
        {
          columns: COLUMNS,
          rows: [
            ['United States', 455, 235763.09],
            ['Germany', 120, 60000.504],
            ['Chile', 9, 3899.98],
          ],
          row_count: 3,
          sums: { orders: 584 },
          non_negative: ['revenue'],
          not_null: ['country'],
          sorted: 'revenue desc',
        },
        COLUMNS,
        ROWS,
      ),
    ).toEqual([]);
  });

  it('reports each difference as a readable line', () => {
    expect(
      checkExpectations(
        {
          columns: ['country', 'orders'],
          rows: [
            ['United States', 455, 235763.09],
            ['Germany', 121, 60000.5],
          ],
          sums: { orders: 600 },
          sorted: 'revenue',
        },
        COLUMNS,
        ROWS,
      ),
    ).toEqual([
      'columns: got [country, orders, revenue], expected [country, orders]',
      'rows: got 3, expected 2',
      'row 2 orders: got 120, expected 121',
      'row 3 unexpected: ["Chile",9,3899.98]',
      'sum of orders: got 584, expected 600',
      'not sorted by revenue: row 1 "235763.09", row 2 60000.5',
    ]);
    expect(checkExpectations({ non_negative: ['margin'] }, COLUMNS, ROWS)).toEqual([
      'no column margin (columns: country, orders, revenue)',
    ]);
    expect(checkExpectations({ non_negative: ['revenue'] }, COLUMNS, [['x', 1, -2]])).toEqual([
      'revenue is negative in row 1: -2',
    ]);
  });
});

describe('result test files', () => {
  const base = {
    name: 'revenue_total',
    description: 'Revenue in the period.',
    questions: ['What was revenue?'],
    connection: 'demo',
    owner: 'finance',
    verified_on: '2026-11-04',
    parameters: { period: { type: 'date_range', default: 'last 30 days' } },
    sql: 'SELECT SUM(total) AS revenue FROM orders WHERE ordered_at >= {{period.start}} AND ordered_at < {{period.end}}',
  };

  it('fills parameters from the test, defaults as of the pinned day for the rest', () => {
    const query = verifiedQueryFileSchema.parse({
      ...base,
      tests: [
        { now: '2026-11-15', expect: { row_count: 1 } },
        { now: '2026-11-15', parameters: { period: '2025-01-01..2026-01-01' }, expect: { row_count: 1 } },
      ],
    });
    const [byDefault, given] = query.tests ?? [];
    expect(testParameters({ ...query, file: 'x' }, byDefault as never)).toEqual([
      {
        name: 'period',
        value: { type: 'date_range', range: { start: '2026-10-16', end: '2026-11-15' } },
        source: 'default',
      },
    ]);
    expect(testParameters({ ...query, file: 'x' }, given as never)[0]?.value).toEqual({
      type: 'date_range',
      range: { start: '2025-01-01', end: '2026-01-01' },
    });
  });

  it('refuses an empty expectation, an unknown parameter and a bad sort key', () => {
    const problems = (tests: unknown) =>
      verifiedQueryFileSchema
        .safeParse({ ...base, tests })
        .error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(problems([{ now: '2026-11-15', expect: {} }])).toEqual([
      'tests.0.expect: an expectation needs rows or at least one invariant',
    ]);
    expect(problems([{ now: '2026-11-15', parameters: { region: 'EU' }, expect: { row_count: 1 } }])).toEqual([
      'tests.0.parameters.region: no parameter region',
    ]);
    expect(problems([{ now: '2026-11-15', expect: { sorted: 'revenue; drop' } }])?.[0]).toMatch(
      /^tests\.0\.expect\.sorted/,
    );
    expect(problems([{ now: 'yesterday', expect: { row_count: 1 } }])?.[0]).toMatch(/^tests\.0\.now/);
  });
});
