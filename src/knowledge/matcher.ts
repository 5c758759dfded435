/**
 * The FAQ matcher: scores how well a question is answered by each verified query, without a model.
 *
 * For each verified query, its own parameters are extracted from the question first and their phrases removed
 * ("last month", "paid search", the 5 of "top 5"), so what is left is what the question asks. Then, with words
 * weighted by rarity across verified queries (idf):
 *   explained = weight of the question's words found in the query's vocabulary / weight of all question words
 *   covered   = best over phrasings of: weight of the phrasing's words found in the question / phrasing's weight
 *   lexical   = explained^0.7 * covered^0.2  (unexplained question words cost most: they mean another question)
 * A word no verified query uses ("why", "forecast", "compare") weighs most, so questions that ask something else
 * fall below the threshold: a wrong instant answer is worse than none. With an embedder, the best cosine between
 * the question and the query's phrasings is blended in. The confidence threshold is calibrated on
 * datasets/faq-routing.yaml (npm run eval:faq).
 */
import type { LoadedVerifiedQuery } from './files.js';
import { type ExtractionContext, type ExtractionResult, extractParameters } from './parameters.js';
import type { Normalizer } from './text.js';

export interface MatchCandidate {
  readonly query: LoadedVerifiedQuery;
  /** Ranking score; can exceed 1 by the named-value bonus (reported capped at 1). */
  readonly confidence: number;
  readonly lexical: number;
  readonly vector: number | null;
  readonly extraction: ExtractionResult;
}

export interface MatchContext {
  readonly now: Date;
  /** Known values per verified query name and enum parameter. */
  readonly enumValues: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  /** Best cosine per verified query name from the vector index, when embeddings are on. */
  readonly vectorScores?: ReadonlyMap<string, number>;
}

export interface FaqMatcher {
  rank(question: string, context: MatchContext): MatchCandidate[];
}

/** Weight of the vector similarity in the blended confidence when vectors are available. */
export const VECTOR_WEIGHT = 0.3;
/** Bonus per enum/number/text value the question names and the query consumes ("in Germany", "top 5"). */
export const NAMED_VALUE_BONUS = 0.06;
/** Penalty when a query needs a value (enum/text, no default) the question does not name: it asks something narrower. */
export const MISSING_VALUE_PENALTY = 0.2;
/** Words that say little about which query is meant; they count at this fraction of their weight. */
const WEAK_WORDS = new Set([
  'total',
  'count',
  'overall',
  'recent',
  'recently',
  'currently',
  'current',
  'far',
  'time',
  'period',
  'people',
  'business',
  'company',
  'unique',
  'distinct',
  'receive',
  'place',
  'moment',
  'bring',
  'make',
  'did',
  'happen',
  'many',
  'amount',
]);
const WEAK_FACTOR = 0.3;
/** Description words explain a question word at this fraction (phrasings are what users ask; descriptions explain). */
const DESCRIPTION_CREDIT = 0.5;
/** The word after "by"/"per" is the grouping dimension, the main thing that tells similar queries apart. */
const DIMENSION_FACTOR = 1.5;

interface Prepared {
  query: LoadedVerifiedQuery;
  phrasings: Set<string>[];
  /** Words of the phrasings (full credit) and of the description only (DESCRIPTION_CREDIT). */
  vocabulary: Set<string>;
  descriptionOnly: Set<string>;
  enumKey: string;
}

export interface MatcherTuning {
  readonly explainedExponent: number;
  readonly coveredExponent: number;
  readonly dimensionFactor: number;
  readonly descriptionCredit: number;
}

export const DEFAULT_MATCHER_TUNING: MatcherTuning = {
  explainedExponent: 0.7,
  coveredExponent: 0.2,
  dimensionFactor: DIMENSION_FACTOR,
  descriptionCredit: DESCRIPTION_CREDIT,
};

export function createFaqMatcher(
  queries: readonly LoadedVerifiedQuery[],
  normalizer: Normalizer,
  tuning: MatcherTuning = DEFAULT_MATCHER_TUNING,
): FaqMatcher {
  const prepared = new Map<string, Prepared>();
  let idf = new Map<string, number>();
  let idfKey = '';

  function residual(
    text: string,
    query: LoadedVerifiedQuery,
    ctx: ExtractionContext,
  ): { tokens: string[]; extraction: ExtractionResult } {
    const extraction = extractParameters(text, query.parameters, ctx);
    const chars = text.toLowerCase().split('');
    for (const span of extraction.spans) for (let i = span.index; i < span.index + span.length; i++) chars[i] = ' ';
    return { tokens: normalizer.tokens(chars.join('')), extraction };
  }

  function prepare(query: LoadedVerifiedQuery, ctx: ExtractionContext): Prepared {
    const enumKey = [...ctx.enumValues.entries()].map(([k, v]) => `${k}:${v.length}`).join(',');
    const cached = prepared.get(query.name);
    if (cached && cached.enumKey === enumKey) return cached;
    const phrasings = query.questions.map((q) => new Set(residual(q, query, ctx).tokens));
    const vocabulary = new Set<string>(phrasings.flatMap((p) => [...p]));
    const descriptionOnly = new Set(normalizer.tokens(query.description).filter((t) => !vocabulary.has(t)));
    const entry = { query, phrasings, vocabulary, descriptionOnly, enumKey };
    prepared.set(query.name, entry);
    return entry;
  }

  function refreshIdf(entries: readonly Prepared[]) {
    const key = entries.map((e) => `${e.query.name}/${e.enumKey}`).join('|');
    if (key === idfKey) return;
    const df = new Map<string, number>();
    for (const e of entries)
      for (const t of new Set([...e.vocabulary, ...e.descriptionOnly])) df.set(t, (df.get(t) ?? 0) + 1);
    const n = entries.length;
    idf = new Map([...df].map(([t, d]) => [t, Math.log(1 + n / d)]));
    idfKey = key;
  }

  return {
    rank(question, context) {
      const contexts = new Map<string, ExtractionContext>();
      const entries = queries.map((query) => {
        const ctx: ExtractionContext = {
          now: context.now,
          enumValues: context.enumValues.get(query.name) ?? new Map(),
          normalizer,
        };
        contexts.set(query.name, ctx);
        return prepare(query, ctx);
      });
      refreshIdf(entries);
      const unknownWeight = Math.log(1 + Math.max(1, queries.length));
      const weight = (t: string) => (idf.get(t) ?? unknownWeight) * (WEAK_WORDS.has(t) ? WEAK_FACTOR : 1);

      const candidates: MatchCandidate[] = entries.map((entry) => {
        const { tokens, extraction } = residual(
          question,
          entry.query,
          contexts.get(entry.query.name) as ExtractionContext,
        );
        const vector = context.vectorScores?.get(entry.query.name) ?? null;
        const words = new Set(tokens);
        const dimensions = new Set(tokens.filter((_t, i) => i > 0 && tokens[i - 1] === 'by'));
        let lexical = 0;
        if (words.size > 0 && extraction.kind !== 'conflict') {
          let total = 0;
          let explained = 0;
          for (const t of words) {
            const w = weight(t) * (dimensions.has(t) ? tuning.dimensionFactor : 1);
            total += w;
            if (entry.vocabulary.has(t)) explained += w;
            else if (entry.descriptionOnly.has(t)) explained += w * tuning.descriptionCredit;
          }
          let covered = 0;
          for (const phrasing of entry.phrasings) {
            let size = 0;
            let hit = 0;
            for (const t of phrasing) {
              size += weight(t);
              if (words.has(t)) hit += weight(t);
            }
            if (size > 0) covered = Math.max(covered, hit / size);
          }
          lexical = (explained / total) ** tuning.explainedExponent * covered ** tuning.coveredExponent;
        }
        let confidence =
          extraction.kind === 'conflict'
            ? 0
            : vector === null
              ? lexical
              : (1 - VECTOR_WEIGHT) * lexical + VECTOR_WEIGHT * Math.max(0, vector);
        if (extraction.kind !== 'conflict' && confidence > 0) {
          const definitions = entry.query.parameters;
          const named = extraction.parameters.filter(
            (p) => p.source === 'question' && definitions[p.name]?.type !== 'date_range',
          ).length;
          confidence += NAMED_VALUE_BONUS * named;
          if (extraction.kind === 'missing' && definitions[extraction.parameter]?.type !== 'date_range') {
            confidence -= MISSING_VALUE_PENALTY;
          }
        }
        return { query: entry.query, confidence: Math.max(0, confidence), lexical, vector, extraction };
      });
      return candidates.sort((a, b) => b.confidence - a.confidence || a.query.name.localeCompare(b.query.name));
    },
  };
}
