/**
 * The FAQ tier's vocabulary (glossary.yaml `vocabulary:`) and what each verified query answers (its `answers:`
 * block), in the same terms. A verified query answers a question instantly only when the question, parsed into the
 * same structure (understand.ts), matches it exactly; so both sides must speak one vocabulary, checked at load time:
 * an id a verified query uses that the glossary does not define is an error naming the file and the id.
 */
import { z } from 'zod';

const id = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'lower case letters, digits and _');
const entry = z.strictObject({
  /** Values of the dimension users name as filters, when no verified query filters on it ("Europe"). */
  values: z.array(z.string().min(1)).optional(),
  label: z.string().min(1),
  words: z.array(z.string().min(1)).min(1),
  /** A countable thing that is also a dimension ("customers": counted, or listed by "which customers"). */
  entity: id.optional(),
  /** The measure asked when the question says "rate", "share" or "percentage" ("churn" -> "churn_rate"). */
  rate: id.optional(),
});

export const vocabularySchema = z.strictObject({
  measures: z.record(id, entry),
  dimensions: z.record(id, entry.omit({ entity: true })),
  /** Short forms users type, expanded before parsing: { rev: revenue, qtr: quarter }. */
  abbreviations: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** Greetings and politeness removed before parsing ("hey", "pls", "can you"). */
  filler: z.array(z.string().min(1)).default([]),
});

export type VocabularyFile = z.infer<typeof vocabularySchema>;

/** The reserved filter id of a date_range parameter. */
export const PERIOD_FILTER = 'period';

export const answersSchema = z.strictObject({
  /** Measure ids (glossary vocabulary) the result gives; the first is the headline. */
  measures: z.array(id).min(1),
  /** Dimension ids the rows are grouped by (empty: one row, a total). */
  dimensions: z.array(id).default([]),
  /** Parameter -> the dimension id it filters on (`period` for a date range). */
  filters: z.record(id, id).default({}),
  /** Measure ids of the things the query is about, beyond its measures ("customers" in "customers in Brazil spend"). */
  population: z.array(id).default([]),
  /** Measure id the rows are ranked by (largest first), when the query answers "top"/"most"/"best". */
  ranking: id.optional(),
  /** Number parameter that limits the rows ("top N"). */
  limit: id.optional(),
  /** The grouped rows also answer the question without the breakdown ("how many churned" -> per plan, summed). */
  totals: z.boolean().default(false),
  /**
   * Measure ids whose share (percentage of the whole) or percentage form the rows give ("share of MRR" per plan,
   * "gross margin %"). A question asking for a share, percentage or rate of a measure is answered only by a query
   * listing that measure here (or naming the rate measure itself, e.g. churn_rate).
   */
  shares: z.array(id).default([]),
  /** Population in words for the interpretation line ("completed orders, after discounts"). */
  scope: z.string().optional(),
});

export type Answers = z.infer<typeof answersSchema>;

export interface Vocabulary extends VocabularyFile {}

export const EMPTY_VOCABULARY: Vocabulary = { measures: {}, dimensions: {}, abbreviations: {}, filler: [] };

/** Problems of one verified query's `answers:` against the vocabulary and its parameters (empty when fine). */
export function checkAnswers(
  file: string,
  answers: Answers,
  parameters: Readonly<Record<string, { type: string }>>,
  vocabulary: Vocabulary,
): string[] {
  const problems: string[] = [];
  const measure = (m: string, where: string) => {
    if (!vocabulary.measures[m])
      problems.push(
        `${file}: answers.${where}: unknown measure "${m}" (define it in glossary.yaml vocabulary.measures)`,
      );
  };
  for (const m of answers.measures) measure(m, 'measures');
  for (const m of answers.population) measure(m, 'population');
  if (answers.ranking) measure(answers.ranking, 'ranking');
  for (const m of answers.shares) {
    measure(m, 'shares');
    if (vocabulary.measures[m] && !answers.measures.includes(m))
      problems.push(`${file}: answers.shares: "${m}" is not one of answers.measures`);
  }
  for (const d of answers.dimensions) {
    if (!vocabulary.dimensions[d])
      problems.push(
        `${file}: answers.dimensions: unknown dimension "${d}" (define it in glossary.yaml vocabulary.dimensions)`,
      );
  }
  for (const [param, d] of Object.entries(answers.filters)) {
    const definition = parameters[param];
    if (!definition) problems.push(`${file}: answers.filters: "${param}" is not a parameter of this query`);
    else if (definition.type === 'date_range' && d !== PERIOD_FILTER)
      problems.push(`${file}: answers.filters.${param}: a date range filters on "${PERIOD_FILTER}", not "${d}"`);
    else if (definition.type !== 'date_range' && !vocabulary.dimensions[d])
      problems.push(`${file}: answers.filters.${param}: unknown dimension "${d}"`);
  }
  for (const [param, definition] of Object.entries(parameters)) {
    if (param !== answers.limit && !answers.filters[param])
      problems.push(`${file}: answers: parameter "${param}" is neither a filter nor the limit`);
    if (param === answers.limit && definition.type !== 'number')
      problems.push(`${file}: answers.limit: "${param}" is not a number parameter`);
  }
  if (answers.limit && !parameters[answers.limit])
    problems.push(`${file}: answers.limit: "${answers.limit}" is not a parameter of this query`);
  return problems;
}
