import { describe, expect, it } from 'vitest';
import { answerSentence, formatCell, interpret } from '../../../src/knowledge/index.js';
import { createFaqWorld } from './faq-world.js';

const NOW = new Date('2026-11-15T12:00:00Z');

describe('the interpretation and the answer sentence', async () => {
  const { files } = await createFaqWorld(NOW);
  const query = (name: string) => files.verifiedQueries.find((q) => q.name === name)!;

  it('says measure, scope, breakdown and period, and names a default period as such', () => {
    const explicit = interpret(
      query('signups_by_region'),
      [
        {
          name: 'period',
          source: 'question',
          value: { type: 'date_range', range: { start: '2026-07-01', end: '2026-10-01' } },
        },
      ],
      files.vocabulary,
      NOW,
    );
    expect(explicit.text).toBe('Signups by sales region, Jul 1 - Sep 30 2026');
    const byDefault = interpret(
      query('revenue_total'),
      [
        {
          name: 'period',
          source: 'default',
          value: { type: 'date_range', range: { start: '2026-10-16', end: '2026-11-15' } },
        },
      ],
      files.vocabulary,
      NOW,
    );
    expect(byDefault.text).toBe(
      'Revenue (completed orders, after discounts), Oct 16 - Nov 14 2026 (last 30 days, the default)',
    );
    expect(byDefault.defaultPeriod).toBe(true);
  });

  it('names filters and the limit', () => {
    const reading = interpret(
      query('top_products_in_category'),
      [
        { name: 'category', source: 'question', value: { type: 'enum', value: 'Gadgets' } },
        { name: 'limit', source: 'question', value: { type: 'number', value: 5 } },
        {
          name: 'period',
          source: 'question',
          value: { type: 'date_range', range: { start: '2026-11-01', end: '2026-11-16' } },
        },
      ],
      files.vocabulary,
      NOW,
    );
    expect(reading.text).toBe(
      'Top 5 by revenue: Revenue (completed orders, after discounts) by product, product category Gadgets, Nov 1-15 2026 (to date)',
    );
  });

  it('builds one sentence from a one-row result and from a breakdown', () => {
    const reading = interpret(
      query('revenue_total'),
      [
        {
          name: 'period',
          source: 'question',
          value: { type: 'date_range', range: { start: '2026-10-01', end: '2026-11-01' } },
        },
      ],
      files.vocabulary,
      NOW,
    );
    expect(answerSentence(reading, ['revenue', 'completed_orders'], [[756505.95, 1363]])).toBe(
      'Revenue, Oct 1-31 2026: $756,506; completed orders 1,363.',
    );
    const regions = interpret(query('signups_by_region'), [], files.vocabulary, NOW);
    expect(
      answerSentence(
        regions,
        ['region', 'signups', 'share_pct'],
        [
          ['Europe', 120, 40.1],
          ['North America', 100, 33.4],
        ],
      ),
    ).toBe('Signups by sales region: 2 rows; first Europe with 120 signups.');
    expect(answerSentence(reading, ['revenue'], [])).toBe('Revenue, Oct 1-31 2026: no rows.');
  });

  it('formats numbers for readers', () => {
    expect(formatCell('revenue', 628215.16)).toBe('$628,215');
    expect(formatCell('average_order_value', '55.5')).toBe('$55.50');
    expect(formatCell('share_pct', 38.24)).toBe('38.2%');
    expect(formatCell('completed_orders', 1363)).toBe('1,363');
    expect(formatCell('region', 'Europe')).toBe('Europe');
    expect(formatCell('revenue', null)).toBe('-');
  });
});
