/**
 * The FAQ tier's decision over the real knowledge files, without a database: enum values that verified queries read
 * from columns are given here (a subset of the demo data's values), so unit tests can ask questions and check which
 * verified query (if any) provably answers them, with the parameters it would fill.
 */
import { join } from 'node:path';
import {
  buildUnderstanding,
  choose,
  completeFromReading,
  createFaqMatcher,
  createNormalizer,
  type KnowledgeFiles,
  loadKnowledgeFiles,
} from '../../../src/knowledge/index.js';

const COLUMN_VALUES: Record<string, readonly string[]> = {
  'countries.name': [
    'Germany',
    'United States',
    'Canada',
    'Brazil',
    'Japan',
    'United Kingdom',
    'France',
    'Spain',
    'Mexico',
    'Netherlands',
    'Australia',
    'India',
  ],
  'customers.acquisition_channel': ['organic', 'paid_search', 'paid_social', 'referral', 'partner', 'email'],
  'customers.plan': ['free', 'starter', 'pro', 'enterprise'],
  'orders.sales_channel': ['web', 'mobile', 'partner', 'sales'],
  'orders.status': ['completed', 'cancelled', 'pending', 'refunded'],
  'products.category': ['Gadgets', 'Software', 'Home', 'Office', 'Outdoor', 'Accessories'],
  'products.name': ['Slim Strap', 'Smart Hub', 'Alpine Tent', 'Cloud Backup', 'Desk Lamp'],
};

export interface FaqWorld {
  readonly files: KnowledgeFiles;
  /** The verified query that provably answers the question (or null), with its filled parameters and the reason. */
  ask(question: string): {
    name: string | null;
    kind: 'answered' | 'ask_back' | 'miss';
    params: Record<string, string>;
    reason: string | null;
    cleaned: string;
  };
}

export async function createFaqWorld(now = new Date('2026-11-15T12:00:00Z')): Promise<FaqWorld> {
  const files = await loadKnowledgeFiles(join(import.meta.dirname, '../../../knowledge'));
  const enumValues = new Map(
    files.verifiedQueries.map((q) => [
      q.name,
      new Map(
        Object.entries(q.parameters).flatMap(([name, d]) =>
          d.type === 'enum' ? [[name, d.values ?? COLUMN_VALUES[d.values_from ?? ''] ?? []] as const] : [],
        ),
      ),
    ]),
  );
  const synonyms: Record<string, string[]> = {};
  for (const term of files.glossary) synonyms[term.term] = term.aliases;
  const normalizer = createNormalizer(synonyms);
  const matcher = createFaqMatcher(files.verifiedQueries, normalizer);
  const understanding = buildUnderstanding(files, enumValues);
  return {
    files,
    ask(question) {
      const cleaned = understanding.cleaner.clean(question).text;
      const ranked = matcher.rank(cleaned, { now, enumValues });
      const { chosen, reason, reading } = choose(
        ranked,
        understanding.readings(cleaned, now),
        understanding.queryWords,
      );
      if (!chosen || !reading) return { name: null, kind: 'miss', params: {}, reason, cleaned };
      const params: Record<string, string> = {};
      const extraction =
        chosen.extraction.kind === 'missing'
          ? completeFromReading(chosen.extraction, reading, chosen.query)
          : chosen.extraction;
      if (extraction.kind !== 'conflict') {
        for (const p of extraction.parameters) {
          if (p.source !== 'question') continue;
          params[p.name] =
            p.value.type === 'date_range' ? `${p.value.range.start}..${p.value.range.end}` : String(p.value.value);
        }
      }
      const askBack =
        extraction.kind === 'missing' || (reading.unclearPeriod !== null && 'period' in chosen.query.parameters);
      return { name: chosen.query.name, kind: askBack ? 'ask_back' : 'answered', params, reason: null, cleaned };
    },
  };
}

/** Why a named verified query does or does not answer a question (for debugging the vocabulary). */
export async function explainFaq(question: string, name: string, now = new Date('2026-11-15T12:00:00Z')) {
  const { prove } = await import('../../../src/knowledge/index.js');
  const files = await loadKnowledgeFiles(join(import.meta.dirname, '../../../knowledge'));
  const enumValues = new Map(
    files.verifiedQueries.map((q) => [
      q.name,
      new Map(
        Object.entries(q.parameters).flatMap(([n, d]) =>
          d.type === 'enum' ? [[n, d.values ?? COLUMN_VALUES[d.values_from ?? ''] ?? []] as const] : [],
        ),
      ),
    ]),
  );
  const understanding = buildUnderstanding(files, enumValues);
  const matcher = createFaqMatcher(files.verifiedQueries, createNormalizer());
  const cleaned = understanding.cleaner.clean(question).text;
  const candidate = matcher.rank(cleaned, { now, enumValues }).find((c) => c.query.name === name);
  if (!candidate) return 'unknown query';
  return understanding.readings(cleaned, now).map((reading) => ({
    reading,
    proof: prove(reading, candidate.query, candidate.extraction, {
      queryWords: understanding.queryWords.get(name) ?? new Set(),
    }),
  }));
}
