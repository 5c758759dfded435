import { describe, expect, it } from 'vitest';
import {
  createFaqMatcher,
  DEFAULT_MATCHER_TUNING,
  type MatchCandidate,
  type MatchContext,
  MISSING_VALUE_PENALTY,
  NAMED_VALUE_BONUS,
  VECTOR_WEIGHT,
} from '../../../src/knowledge/matcher.js';
import { createNormalizer } from '../../../src/knowledge/text.js';
import { QUERIES } from './queries.js';

const NOW = new Date('2026-11-15T12:00:00Z');
const normalizer = createNormalizer();
const matcher = createFaqMatcher(QUERIES, normalizer);
const CONTEXT: MatchContext = { now: NOW, enumValues: new Map() };

function rank(question: string, context: MatchContext = CONTEXT): MatchCandidate[] {
  return matcher.rank(question, context);
}
function candidate(question: string, name: string, context: MatchContext = CONTEXT): MatchCandidate {
  const found = rank(question, context).find((c) => c.query.name === name);
  if (!found) throw new Error(`no candidate ${name}`);
  return found;
}

describe('createFaqMatcher', () => {
  it('ranks every verified query, best first', () => {
    const ranked = rank('revenue last month');
    expect(ranked.map((c) => c.query.name).sort()).toEqual(QUERIES.map((q) => q.name).sort());
    for (let i = 1; i < ranked.length; i++)
      expect(ranked[i - 1]!.confidence).toBeGreaterThanOrEqual(ranked[i]!.confidence);
  });

  it.each([
    ['what were total sales in Q3 2025', 'total_revenue'],
    ['how much money did we bring in last year', 'total_revenue'],
    ['how many new users registered last week', 'signups'],
    ['number of sign ups since January', 'signups'],
    ['sales by country in march', 'revenue_by_country'],
    ['which markets generated the most sales', 'revenue_by_country'],
    ['revenue from google ads last month', 'revenue_from_channel'],
    ['top 5 products this year', 'top_products'],
    ['best-selling items last quarter', 'top_products'],
  ])('ranks its query first for the paraphrase %j', (question, name) => {
    const [first, second] = rank(question);
    expect(first?.query.name).toBe(name);
    expect(first!.confidence).toBeGreaterThan(second!.confidence);
  });

  it('does not rank a query without the asked dimension above one with it ("by country")', () => {
    for (const question of [
      'revenue last month by country',
      'total revenue by country',
      'revenue per country this year',
    ]) {
      const ranked = rank(question).map((c) => c.query.name);
      expect(ranked.indexOf('revenue_by_country')).toBeLessThan(ranked.indexOf('total_revenue'));
    }
  });

  it('weights the dimension after "by" more than other words', () => {
    const flat = createFaqMatcher(QUERIES, normalizer, { ...DEFAULT_MATCHER_TUNING, dimensionFactor: 1 });
    const question = 'revenue last month by country';
    const withFactor = candidate(question, 'total_revenue').confidence;
    const without = flat.rank(question, CONTEXT).find((c) => c.query.name === 'total_revenue')!.confidence;
    expect(withFactor).toBeLessThan(without);
  });

  it.each([
    ['revenue last month', 'forecast revenue last month'],
    ['revenue last month', 'why did revenue drop last month'],
    ['how many signups did we get last week', 'how many signups did we get last week per cohort'],
  ])('scores %j above the same question with an unknown word: %j', (plain, extra) => {
    const [best] = rank(plain);
    const sameQuery = candidate(extra, best!.query.name);
    expect(sameQuery.confidence).toBeLessThan(best!.confidence);
    expect(sameQuery.lexical).toBeLessThan(best!.lexical);
  });

  it('ignores the period phrase: it is a parameter, not a content word', () => {
    const plain = candidate('total revenue', 'total_revenue');
    for (const period of ['last month', 'in Q3 2025', 'since January', 'between March and May']) {
      expect(candidate(`total revenue ${period}`, 'total_revenue').lexical).toBeCloseTo(plain.lexical, 10);
    }
  });

  it('lowers a candidate whose required enum the question does not name, and asks for it', () => {
    const missing = candidate('revenue last month', 'revenue_from_channel');
    expect(missing.extraction).toMatchObject({ kind: 'missing', parameter: 'channel' });
    expect(missing.confidence).toBeCloseTo(Math.max(0, missing.lexical - MISSING_VALUE_PENALTY), 10);
    expect(rank('revenue last month')[0]?.query.name).toBe('total_revenue');
  });

  it('raises a candidate whose enum value the question names', () => {
    const named = candidate('revenue from email last month', 'revenue_from_channel');
    expect(named.extraction.kind).toBe('complete');
    expect(named.confidence).toBeCloseTo(named.lexical + NAMED_VALUE_BONUS, 10);
    expect(rank('revenue from email last month')[0]?.query.name).toBe('revenue_from_channel');
  });

  it('does not penalise a missing date range with a default or reward a named one', () => {
    const c = candidate('top 5 products last month', 'top_products');
    // the named number earns the bonus once; the period earns nothing
    expect(c.confidence).toBeCloseTo(c.lexical + NAMED_VALUE_BONUS, 10);
  });

  it('scores 0 for every query when the question names two periods', () => {
    const ranked = rank('revenue this month vs last month');
    for (const c of ranked) {
      expect(c.extraction.kind).toBe('conflict');
      expect(c.confidence).toBe(0);
    }
  });

  it('scores 0 for a query when the question names two of its enum values', () => {
    const c = candidate('revenue from email and social last month', 'revenue_from_channel');
    expect(c.extraction).toMatchObject({ kind: 'conflict', parameter: 'channel' });
    expect(c.confidence).toBe(0);
  });

  it('blends in the vector score when given', () => {
    const question = 'revenue last month';
    const lexicalOnly = candidate(question, 'signups');
    const vectorScores = new Map([
      ['signups', 0.8],
      ['total_revenue', -0.5],
    ]);
    const blended = candidate(question, 'signups', { ...CONTEXT, vectorScores });
    expect(blended.vector).toBe(0.8);
    expect(blended.confidence).toBeCloseTo((1 - VECTOR_WEIGHT) * lexicalOnly.lexical + VECTOR_WEIGHT * 0.8, 10);
    const negative = candidate(question, 'total_revenue', { ...CONTEXT, vectorScores });
    expect(negative.confidence).toBeCloseTo((1 - VECTOR_WEIGHT) * negative.lexical, 10);
    expect(lexicalOnly.vector).toBeNull();
  });

  it('uses enum values from the context and re-prepares when they change', () => {
    const question = 'revenue from affiliates last month';
    expect(candidate(question, 'revenue_from_channel').extraction.kind).toBe('missing');
    const enumValues = new Map([
      ['revenue_from_channel', new Map([['channel', ['paid_search', 'email', 'organic', 'social', 'affiliate']]])],
    ]);
    const c = candidate(question, 'revenue_from_channel', { ...CONTEXT, enumValues });
    expect(c.extraction).toMatchObject({ kind: 'complete' });
    if (c.extraction.kind !== 'complete') return;
    expect(c.extraction.parameters.find((p) => p.name === 'channel')?.value).toEqual({
      type: 'enum',
      value: 'affiliate',
    });
    expect(rank(question, { ...CONTEXT, enumValues })[0]?.query.name).toBe('revenue_from_channel');
  });

  it('gives 0 to a question with no content words left', () => {
    for (const c of rank('last month')) expect(c.confidence).toBe(0);
  });

  it('is deterministic', () => {
    const question = 'how much revenue did we make last quarter';
    const again = createFaqMatcher(QUERIES, normalizer).rank(question, CONTEXT);
    expect(again.map((c) => [c.query.name, c.confidence])).toEqual(
      rank(question).map((c) => [c.query.name, c.confidence]),
    );
  });
});
