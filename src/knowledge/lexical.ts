/**
 * BM25 over normalised tokens: the lexical half of hybrid retrieval, for docs, glossary and schema items.
 */
import type { Normalizer } from './text.js';

export interface LexicalDocument {
  readonly id: string;
  readonly text: string;
}

export interface LexicalHit {
  readonly id: string;
  readonly score: number;
}

export interface LexicalIndex {
  readonly size: number;
  search(query: string, limit: number, filter?: (id: string) => boolean): LexicalHit[];
}

export function createLexicalIndex(documents: readonly LexicalDocument[], normalizer: Normalizer): LexicalIndex {
  const k1 = 1.2;
  const b = 0.75;
  const docs = documents.map((d) => {
    const tf = new Map<string, number>();
    const tokens = normalizer.tokens(d.text);
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    return { id: d.id, tf, length: tokens.length };
  });
  const df = new Map<string, number>();
  for (const d of docs) for (const t of d.tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const avgLength = docs.reduce((s, d) => s + d.length, 0) / Math.max(1, docs.length);
  const postings = new Map<string, number[]>();
  docs.forEach((d, i) => {
    for (const t of d.tf.keys()) {
      const list = postings.get(t) ?? [];
      list.push(i);
      postings.set(t, list);
    }
  });

  return {
    size: docs.length,
    search(query, limit, filter) {
      const scores = new Map<number, number>();
      for (const term of new Set(normalizer.tokens(query))) {
        const n = df.get(term);
        if (!n) continue;
        const idf = Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
        for (const i of postings.get(term) ?? []) {
          const d = docs[i] as (typeof docs)[number];
          const f = d.tf.get(term) ?? 0;
          const score = (idf * f * (k1 + 1)) / (f + k1 * (1 - b + (b * d.length) / (avgLength || 1)));
          scores.set(i, (scores.get(i) ?? 0) + score);
        }
      }
      const hits: LexicalHit[] = [];
      for (const [i, score] of scores) {
        const id = (docs[i] as (typeof docs)[number]).id;
        if (!filter || filter(id)) hits.push({ id, score });
      }
      hits.sort((x, y) => y.score - x.score || x.id.localeCompare(y.id));
      return hits.slice(0, limit);
    },
  };
}
