import { beforeAll, describe, expect, it } from 'vitest';
import { choose, foundNothing } from '../../../src/knowledge/index.js';
import { createFaqWorld, type FaqWorld } from './faq-world.js';

/**
 * The FAQ tier's choice among ranked candidates: only a structural proof answers (never a score), an exact
 * breakdown beats a query that answers by summing its rows, and a miss says why the best candidate does not answer.
 */
describe('choose', () => {
  let world: FaqWorld;
  beforeAll(async () => {
    world = await createFaqWorld();
  });

  it('answers nothing when nothing is ranked', () => {
    expect(choose([], [], new Map())).toEqual({ chosen: null, reason: null, reading: null });
  });

  it('does not answer with a high-scoring candidate that is not a proof', () => {
    // revenue_by_country ranks first lexically for "customers by country" but measures revenue, not customers
    const result = world.ask('customers by country');
    expect(result).toMatchObject({ kind: 'miss', name: null });
    expect(result.reason).toMatch(/revenue_by_country|signups_by_country/);
  });

  it('answers with a proof even when its lexical score is low', () => {
    // a typo-free but unusual phrasing: the score is modest, the structure is exact
    expect(world.ask('Where did last week signups come from, by channel?')).toMatchObject({
      kind: 'answered',
      name: 'signups_by_channel',
      params: { period: '2026-11-02..2026-11-09' },
    });
  });

  it('answers a breakdown only with the same breakdown: a per-plan query is not a total', () => {
    // churned_subscriptions is per plan: "how many churned" is a total it does not give (its rows are per plan)
    expect(world.ask('How many customers churned last month?')).toMatchObject({ kind: 'miss', name: null });
    expect(world.ask('churned subscriptions by plan last month')).toMatchObject({ name: 'churned_subscriptions' });
    expect(world.ask('churn by reason last month')).toMatchObject({ name: 'churn_reasons' });
  });
});

describe('foundNothing: an empty answer is not trusted instantly', () => {
  it('is true for no rows and for rows whose numbers are all zero or empty', () => {
    expect(foundNothing([])).toBe(true);
    expect(foundNothing([[0, 0]])).toBe(true);
    expect(foundNothing([['cancelled', 0, '0.00', null]])).toBe(true);
  });
  it('is false as soon as one number is not zero, or when the rows hold only text', () => {
    expect(foundNothing([[0, 3]])).toBe(false);
    expect(foundNothing([['starter', '12.50']])).toBe(false);
    expect(foundNothing([['Brand Search', 'paid search']])).toBe(false);
  });
});

describe('foundNothing reads columns, not cells', () => {
  it('ignores an empty cell in a text column (a customer without a phone)', () => {
    expect(
      foundNothing([
        ['Alice', '+49 30 1234567'],
        ['Bob', null],
      ]),
    ).toBe(false);
  });
  it('counts a column of only empty cells as nothing (SUM over no rows)', () => {
    expect(foundNothing([[null, 0]])).toBe(true);
  });
});
