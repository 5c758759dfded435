/**
 * The FAQ tier's decision: a verified query answers a question instantly only when the parsed question
 * (understand.ts) and the query's `answers:` block agree on everything the question says:
 * - every measure the question names is one the query gives (or reports beside it), and at least one is its answer;
 * - the dimensions are exactly the query's (a query marked `totals` also answers without its breakdown; a query
 *   should carry it only when its rows include a total row);
 * - every filter value the question names is a value of one of the query's filter parameters, taken from the
 *   question; a period only when the query has a period parameter;
 * - a ranking ("top 5", "most", "lowest") only with a query that ranks, by the same measure and direction, and a
 *   number only when the query has a limit parameter;
 * - no content word is left unexplained (a word of the query's own phrasings or description explains it).
 * Anything else is not a proof: the question goes to the agent. Lexical scores only order the candidates.
 */
import type { LoadedVerifiedQuery } from './files.js';
import type { ExtractionResult } from './parameters.js';
import { basicWords, stem } from './text.js';
import type { Mention, ParsedQuestion } from './understand.js';
import { PERIOD_FILTER } from './vocabulary.js';

export type Proof =
  | { readonly ok: true; readonly exactDimensions: boolean }
  | { readonly ok: false; readonly reason: string };

export interface ProofContext {
  /** Stemmed words of the query's phrasings and description (explain leftover words). */
  readonly queryWords: ReadonlySet<string>;
}

function intersects(ids: readonly string[], set: readonly string[]): boolean {
  return ids.some((id) => set.includes(id));
}

/** Words a query's phrasings and description use, stemmed (for leftover words). */
export function wordsOf(query: LoadedVerifiedQuery): Set<string> {
  const words = new Set<string>();
  for (const text of [...query.questions, query.description]) for (const w of basicWords(text)) words.add(stem(w));
  return words;
}

export function prove(
  parsed: ParsedQuestion,
  query: LoadedVerifiedQuery,
  extraction: ExtractionResult,
  context: ProofContext,
): Proof {
  const answers = query.answers;
  if (!answers) {
    // Without an answers block (e.g. a just-confirmed proposal) only the very question the owner verified answers.
    const asked = basicWords(parsed.text).join(' ');
    return query.questions.some((q) => basicWords(q).join(' ') === asked) && extraction.kind !== 'conflict'
      ? { ok: true, exactDimensions: true }
      : { ok: false, reason: 'the verified query does not declare what it answers (only its own phrasings match)' };
  }
  if (extraction.kind === 'conflict') return { ok: false, reason: `two values for ${extraction.parameter}` };
  if (parsed.listsRecords) return { ok: false, reason: 'the question lists records, not a count or a breakdown' };
  const reported = [...answers.measures, ...answers.population];
  if (parsed.measures.length === 0) return { ok: false, reason: 'the question names no measure' };
  if (!parsed.measuresFromList) {
    for (const m of parsed.measures) {
      if (!intersects(m.ids, reported)) return { ok: false, reason: `"${m.words}" is not what the query measures` };
    }
    if (!parsed.measures.some((m) => intersects(m.ids, answers.measures)))
      return { ok: false, reason: 'none of the measures named is the query answer' };
  } else if (!parsed.measures.some((m) => intersects(m.ids, answers.measures))) {
    // "which products have widget in their name": a list of the things, not what the query measures about them
    return {
      ok: false,
      reason: `the question lists ${parsed.measures.map((m) => `"${m.words}"`).join(', ')}; the query measures ${answers.measures.join(', ')}`,
    };
  }
  // A top-N query answers only a ranking question: "revenue by customer" asks for every customer.
  if (answers.limit && !parsed.ranking) return { ok: false, reason: 'the query gives only the top N' };
  if (parsed.asksShare && !parsed.measures.some((m) => intersects(m.ids, answers.shares)))
    return { ok: false, reason: 'the question asks for a share or percentage the query does not give' };
  const dimensionIds = answers.dimensions;
  for (const e of parsed.entities) {
    if (!intersects(e.ids, reported)) return { ok: false, reason: `"${e.words}" is not what the query is about` };
  }
  // Dimensions: one-to-one.
  const unmatched = [...dimensionIds];
  for (const d of parsed.dimensions) {
    const at = unmatched.findIndex((id) => d.ids.includes(id));
    if (at < 0) return { ok: false, reason: `the query is not broken down by "${d.words}"` };
    unmatched.splice(at, 1);
  }
  // A name search ("sales of products called cooler") asks for each thing that matches: the rows per product answer
  // it; "how much revenue from products named X" asks one total, which the rows are not.
  const asksOneTotal = /\b(?:how much|how many|total)\b/.test(parsed.text);
  for (const [param, dimension] of asksOneTotal ? [] : Object.entries(answers.filters)) {
    const at = unmatched.indexOf(dimension);
    const value = extraction.parameters.find((p) => p.name === param && p.source === 'question')?.value;
    if (at >= 0 && value?.type === 'text') unmatched.splice(at, 1);
  }
  const exactDimensions = unmatched.length === 0;
  if (!exactDimensions && !(answers.totals && parsed.dimensions.length === 0))
    return { ok: false, reason: `the query is broken down by ${unmatched.join(', ')}` };

  // Filters the question names must be applied by the query, with the value from the question.
  const fromQuestion = new Map(
    extraction.parameters.filter((p) => p.source === 'question').map((p) => [p.name, p.value] as const),
  );
  for (const f of parsed.filters) {
    let applied = false;
    for (const [param, dimension] of Object.entries(answers.filters)) {
      const wanted = f.values.get(dimension);
      const got = fromQuestion.get(param);
      if (!wanted || !got) {
        // An ambiguous value (several matches) is reported as a missing parameter: ask back, not miss.
        if (
          wanted &&
          extraction.kind === 'missing' &&
          extraction.parameter === param &&
          wanted.some((v) => extraction.options.includes(v))
        )
          applied = true;
        continue;
      }
      if (got.type === 'text' || (got.type === 'enum' && wanted.includes(got.value))) applied = true;
    }
    if (!applied) return { ok: false, reason: `the query does not filter on "${f.words}"` };
  }
  // A query that needs a value (no default) answers a narrower question unless the question names one.
  for (const [param, dimension] of Object.entries(answers.filters)) {
    const definition = query.parameters[param];
    if (!definition || definition.type === 'date_range' || definition.default !== undefined) continue;
    if (!parsed.filters.some((f) => f.values.has(dimension)) && !fromQuestion.has(param))
      return { ok: false, reason: `the query needs one ${dimension.replace(/_/g, ' ')}` };
  }
  const periodParams = Object.entries(answers.filters).filter(([, d]) => d === PERIOD_FILTER);
  const nowOnly = parsed.periods.every((p) => /^(?:today|right now|now)$/.test(p.text.trim()));
  if (parsed.periods.length > 0 && periodParams.length === 0 && !nowOnly)
    return { ok: false, reason: 'the query has no period' };
  if (parsed.periods.length > 1) return { ok: false, reason: 'two periods: a comparison' };
  if (parsed.unfinishedPeriod)
    return { ok: false, reason: 'the period has not ended: so far, or the last complete one?' };
  if (parsed.unclearPeriod && periodParams.length === 0) return { ok: false, reason: 'the query has no period' };

  // Ranking.
  if (parsed.ranking) {
    if (!answers.ranking) return { ok: false, reason: 'the query does not rank' };
    if (parsed.ranking.direction !== 'desc') return { ok: false, reason: 'the query ranks largest first' };
    // "best customers", "top products": by what? The ranking key must be named, never assumed.
    if (parsed.measuresFromList) return { ok: false, reason: 'the question does not say by what to rank' };
    if (!parsed.measures.some((m) => m.ids.includes(answers.ranking as string)))
      return { ok: false, reason: `the query ranks by ${answers.ranking}` };
    if (parsed.ranking.limit !== null && !answers.limit) return { ok: false, reason: 'the query has no limit' };
  }

  // Words left over.
  for (const w of parsed.leftovers) {
    if (!context.queryWords.has(w)) return { ok: false, reason: `"${w}" is not explained` };
  }
  return { ok: true, exactDimensions };
}

export function describeMention(m: Mention): string {
  return m.words;
}
