import { describe, expect, it } from 'vitest';
import { createInputCleaner, editDistance } from '../../../src/knowledge/index.js';
import type { Vocabulary } from '../../../src/knowledge/vocabulary.js';

const VOCABULARY: Vocabulary = {
  measures: {
    revenue: { label: 'Revenue', words: ['revenue', 'sales'] },
    orders: { label: 'Orders', words: ['orders'], entity: 'order' },
    refunds: { label: 'Refunds', words: ['refunds'] },
  },
  dimensions: { region: { label: 'region', words: ['region'] }, country: { label: 'country', words: ['country'] } },
  abbreviations: { rev: 'revenue', qtr: 'quarter', wk: 'week', aov: 'average order value' },
  filler: ['hey', 'pls', 'please', 'can you', 'thanks'],
};
const cleaner = createInputCleaner(VOCABULARY, ['what is last quarter week month', 'Germany', 'Austria', 'marketing']);

describe('Slack-style input', () => {
  it.each([
    ['hey <@U123ABC> whats rev for last qtr?', 'what is revenue for last quarter?'],
    ['<@U123ABC|sleuth> can you pls show revenue by region', 'show revenue by region'],
    ['@sleuth revenue last wk, thanks!', 'revenue last week,'],
    ['AOV last quarter', 'average order value last quarter'],
  ])('%s -> %s', (input, expected) => {
    expect(cleaner.clean(input).text).toBe(expected);
  });

  it('corrects a typo to the one known word within the distance (1 for 4+ letters, 2 for 8+)', () => {
    expect(cleaner.clean('revnue by regoin')).toEqual({
      text: 'revenue by region',
      corrections: [
        { from: 'revnue', to: 'revenue' },
        { from: 'regoin', to: 'region' },
      ],
    });
    expect(cleaner.clean('ordres').text).toBe('orders');
    expect(cleaner.clean('markteting').text).toBe('marketing');
  });

  it('never corrects numbers, short words, or a word with two equally close known words', () => {
    expect(cleaner.clean('top 5 in 2O25').text).toBe('top 5 in 2O25');
    expect(cleaner.clean('rev').text).toBe('revenue');
    expect(cleaner.clean('refnds').text).toBe('refunds');
    // "Austrya" is one edit from "Austria" only: a unique match; "Gremany" two edits (a swap counts as one)
    expect(cleaner.clean('Austrya').text).toBe('austria');
    expect(cleaner.clean('Gremany').text).toBe('germany');
  });

  it('keeps case and quoted values as typed', () => {
    expect(cleaner.clean('sales of products named "Slim Strpa"').text).toBe('sales of products named "Slim Strpa"');
  });

  it('measures edit distance with swaps counting once', () => {
    expect(editDistance('ordres', 'orders', 2)).toBe(1);
    expect(editDistance('revnue', 'revenue', 2)).toBe(1);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
  });
});
