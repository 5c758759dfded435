import { describe, expect, it } from 'vitest';
import { createLexicalIndex, type LexicalDocument } from '../../../src/knowledge/lexical.js';
import { createNormalizer } from '../../../src/knowledge/text.js';

const normalizer = createNormalizer();
const DOCS: LexicalDocument[] = [
  { id: 'orders', text: 'orders: one row per order, with status, total and the customer who placed it' },
  { id: 'customers', text: 'customers: one row per customer, with signup date, country and plan' },
  { id: 'refunds', text: 'refunds: money returned to a customer for an order; amount and reason' },
  { id: 'campaigns', text: 'campaigns: marketing campaigns with budget, channel, start and end dates' },
  { id: 'countries', text: 'countries: country names and the region each belongs to' },
];
const index = createLexicalIndex(DOCS, normalizer);

describe('createLexicalIndex', () => {
  it('reports its size', () => {
    expect(index.size).toBe(5);
    expect(createLexicalIndex([], normalizer).size).toBe(0);
  });

  it.each([
    ['refund reasons', 'refunds'],
    ['campaign budget', 'campaigns'],
    ['which region is a country in', 'countries'],
    ['signup date of a customer', 'customers'],
  ])('ranks the matching document first for %j', (query, id) => {
    expect(index.search(query, 3)[0]?.id).toBe(id);
  });

  it('matches through synonyms: "sign ups" finds signup, "purchases" finds order', () => {
    expect(index.search('new sign ups by plan', 1)[0]?.id).toBe('customers');
    expect(index.search('purchases status', 1)[0]?.id).toBe('orders');
  });

  it('returns nothing for a query with no known word', () => {
    expect(index.search('zebra giraffe', 10)).toEqual([]);
    expect(index.search('', 10)).toEqual([]);
  });

  it('returns scores in descending order, each positive, capped at the limit', () => {
    const hits = index.search('customer order country', 10);
    expect(hits.length).toBeGreaterThan(2);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
    for (const hit of hits) expect(hit.score).toBeGreaterThan(0);
    expect(index.search('customer order country', 2)).toEqual(hits.slice(0, 2));
  });

  it('weights a rare word above a common one (idf)', () => {
    const docs = createLexicalIndex(
      [
        { id: 'a', text: 'customer warehouse' },
        { id: 'b', text: 'customer invoice' },
        { id: 'c', text: 'customer shipment' },
      ],
      normalizer,
    );
    const [first, second] = docs.search('customer warehouse', 3);
    expect(first?.id).toBe('a');
    expect(first!.score).toBeGreaterThan(2 * second!.score);
  });

  it('prefers the shorter document for the same term frequency (length normalisation)', () => {
    const docs = createLexicalIndex(
      [
        { id: 'long', text: 'warehouse inventory shipment pallet forklift dock invoice' },
        { id: 'short', text: 'warehouse inventory' },
      ],
      normalizer,
    );
    expect(docs.search('warehouse', 2).map((h) => h.id)).toEqual(['short', 'long']);
  });

  it('counts repeated terms with saturation, more than once but less than linearly', () => {
    const docs = createLexicalIndex(
      [
        { id: 'once', text: 'warehouse alpha beta gamma' },
        { id: 'thrice', text: 'warehouse warehouse warehouse gamma' },
        { id: 'none', text: 'delta epsilon zeta eta' },
      ],
      normalizer,
    );
    const scores = Object.fromEntries(docs.search('warehouse', 3).map((h) => [h.id, h.score]));
    expect(scores.thrice).toBeGreaterThan(scores.once!);
    expect(scores.thrice).toBeLessThan(3 * scores.once!);
  });

  it('applies the filter before the limit', () => {
    const all = index.search('customer', 10).map((h) => h.id);
    expect(all).toContain('customers');
    const filtered = index.search('customer', 1, (id) => id !== all[0]);
    expect(filtered).toHaveLength(1);
    expect(filtered[0]?.id).toBe(all[1]);
  });

  it('breaks score ties by id', () => {
    const docs = createLexicalIndex(
      [
        { id: 'b', text: 'warehouse' },
        { id: 'a', text: 'warehouse' },
      ],
      normalizer,
    );
    expect(docs.search('warehouse', 2).map((h) => h.id)).toEqual(['a', 'b']);
  });
});
