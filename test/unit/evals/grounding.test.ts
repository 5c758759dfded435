/** Answer grounding: numbers an answer states must come from the results (or the question and SQL text). */
import { expect, it } from 'vitest';
import { ungroundedNumbers } from '../../../evals/golden/grounding.js';

const results = [[['north', '11833295.69', 0.4287, 1234]]];

it('accepts numbers rounded from result cells, percentages of ratios, and numbers the question or SQL states', () => {
  const text = 'North made 11,833,296 (42.9% of orders, 1,234 orders) in the first 60 days of 2026; top 5.';
  expect(ungroundedNumbers(text, "How did north do? SELECT ... '+60 days'", results)).toEqual([]);
});

it('flags a number no query produced', () => {
  expect(ungroundedNumbers('Revenue grew 37.4% to 12,500,000.', 'How did north do?', results)).toEqual([
    37.4, 12500000,
  ]);
});
