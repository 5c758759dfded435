/**
 * Mutant models: scripted models that each make one kind of mistake real models make, on every golden question
 * where it applies. SQL mutants run a rewritten gold query (evals/mutants/rewrite.ts) and answer from it; the others
 * run the gold query but state a number no query produced, answer an ambiguous question without asking, or refuse an
 * answerable one. The mutant suite keeps a SQL mutation only when it changes the result (checked by executing it).
 */
import { createScriptedProvider, type ModelProvider } from '../../src/agent/index.js';
import type { GoldenCase } from '../golden/dataset.js';
import { dropFilter, wrongAggregate, wrongJoin, wrongPeriod, wrongSource } from './rewrite.js';

export type MutantName =
  | 'drop_filter'
  | 'wrong_aggregate'
  | 'wrong_join'
  | 'wrong_period'
  | 'wrong_source'
  | 'made_up_number'
  | 'answers_ambiguous'
  | 'refuses_answerable';

export interface Mutant {
  name: MutantName;
  /** The mistake, for the report. */
  mistake: string;
  /** SQL mutants: candidate rewrites of the gold SQL (the first that changes the result is used). */
  rewrite?: (sql: string) => string[];
  /** Does the mutant apply to this case at all (before any execution check)? */
  appliesTo: (c: GoldenCase, gold: string | undefined) => boolean;
}

const hasSql = (_c: GoldenCase, gold: string | undefined) => gold !== undefined;

export const MUTANTS: readonly Mutant[] = [
  { name: 'drop_filter', mistake: 'drops a WHERE/HAVING filter', rewrite: dropFilter, appliesTo: hasSql },
  {
    name: 'wrong_aggregate',
    mistake: 'COUNT vs COUNT DISTINCT, SUM vs AVG',
    rewrite: wrongAggregate,
    appliesTo: hasSql,
  },
  { name: 'wrong_join', mistake: 'wrong join key or fan-out double counting', rewrite: wrongJoin, appliesTo: hasSql },
  {
    name: 'wrong_period',
    mistake: 'period boundary off by one day/month, inclusive end',
    rewrite: wrongPeriod,
    appliesTo: hasSql,
  },
  { name: 'wrong_source', mistake: 'wrong table or column for a synonym', rewrite: wrongSource, appliesTo: hasSql },
  { name: 'made_up_number', mistake: 'states a number no query produced', appliesTo: hasSql },
  {
    name: 'answers_ambiguous',
    mistake: 'answers an ambiguous question without asking',
    appliesTo: (c) => c.expected_behaviour === 'clarify',
  },
  { name: 'refuses_answerable', mistake: 'refuses an answerable question', appliesTo: hasSql },
];

const plan = {
  tool_calls: [{ name: 'update_plan', input: { steps: [{ title: 'Answer the question', status: 'in_progress' }] } }],
};

function answering(sql: string, text: string): ModelProvider {
  return createScriptedProvider(
    [
      plan,
      { tool_calls: [{ name: 'run_sql', input: { sql, purpose: 'answer the question' } }] },
      {
        tool_calls: [
          {
            name: 'finish',
            input: { answer: text, evidence: [{ claim: 'query result', sql }], outcome: 'answered' },
          },
        ],
      },
    ],
    { model: 'mutant' },
  );
}

const factsText = (c: GoldenCase) => (c.facts ?? []).map((f) => `${f.label}: ${f.value}`).join('; ');

/**
 * The mutant's model for a case. `mutatedSql` is the chosen rewrite (SQL mutants); `invented` a number that no
 * query produced (made_up_number).
 */
export function mutantProvider(
  mutant: MutantName,
  c: GoldenCase,
  gold: string | undefined,
  options: { mutatedSql?: string; invented?: string } = {},
): ModelProvider {
  const facts = factsText(c);
  switch (mutant) {
    case 'made_up_number':
      return answering(
        gold ?? '',
        `Here is the answer from the query.${facts ? ` ${facts}.` : ''} That is up ${options.invented ?? '0'} on the prior period.`,
      );
    case 'answers_ambiguous':
      return answering('SELECT COUNT(*) AS orders FROM orders', 'There are the orders counted in the query result.');
    case 'refuses_answerable':
      return createScriptedProvider(
        [
          {
            tool_calls: [
              {
                name: 'finish',
                input: { answer: 'This cannot be answered from this data.', outcome: 'not_answerable' },
              },
            ],
          },
        ],
        { model: 'mutant' },
      );
    default:
      return answering(
        options.mutatedSql ?? gold ?? '',
        `Here is the answer from the query.${facts ? ` ${facts}.` : ''}`,
      );
  }
}
