/**
 * promptfoo assertions over the engine's answers: SQL execution accuracy (the SQL that ran, compared with the gold
 * SQL on the same demo database by evals/comparator.ts), facts an investigation must state, and the handling of
 * ambiguous or unanswerable questions. Each returns promptfoo's GradingResult ({pass, score, reason}).
 */
import { goldSqlFor } from '../golden/dataset.js';
import { compareToGold } from '../golden/runner.js';
import { factStated, scoreBehaviour } from '../golden/score.js';
import { goldenEnvironment } from './shared.js';

interface AssertionContext {
  vars: Record<string, unknown>;
  config?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

interface GradingResult {
  pass: boolean;
  score: number;
  reason: string;
}

const graded = (pass: boolean, reason: string): GradingResult => ({ pass, score: pass ? 1 : 0, reason });

export async function sqlAccuracy(_output: string, context: AssertionContext): Promise<GradingResult> {
  const env = await goldenEnvironment();
  const golden = env.dataset.cases.find((c) => c.id === context.vars.case_id);
  const gold = golden ? goldSqlFor(golden, env.source.dialect) : undefined;
  if (!golden || !gold) return graded(false, `no gold SQL for case ${String(context.vars.case_id)}`);
  const predicted = context.metadata?.sql;
  if (typeof predicted !== 'string') return graded(false, 'no SQL returned rows in this investigation');
  // the same tie-aware comparison as the golden runner; a predicted query that fails is an execution_error
  const outcome = await compareToGold(env, golden, gold, predicted);
  return graded(outcome.match, `${outcome.rule}: ${outcome.reason}`);
}

/** One fact (assertion config `fact: {label, value, tolerance?}`) stated in the answer text. */
export function factIsStated(output: string, context: AssertionContext): GradingResult {
  const fact = context.config?.fact as { label: string; value: string | number; tolerance?: number } | undefined;
  if (!fact) return graded(false, 'assertion config has no fact');
  const ok = factStated(fact, output);
  return graded(ok, ok ? `states ${fact.label}` : `does not state ${fact.label} (${fact.value})`);
}

/** Ambiguous (`expected: clarify`) or unanswerable (`expected: refuse`) handled as expected. */
export function behaviour(output: string, context: AssertionContext): GradingResult {
  const expected = context.config?.expected === 'clarify' ? 'clarify' : 'refuse';
  const score = scoreBehaviour(expected, {
    text: output,
    keyNumbers: [],
    evidence: typeof context.metadata?.sql === 'string' ? [{ claim: 'ran', sql: context.metadata.sql }] : [],
    caveats: [],
    followUps: [],
    partial: false,
    ...(context.metadata?.behaviour === 'clarified'
      ? { outcome: 'needs_clarification' as const }
      : context.metadata?.behaviour === 'refused'
        ? { outcome: 'not_answerable' as const }
        : context.metadata?.behaviour === 'assumed'
          ? { outcome: 'assumed' as const }
          : {}),
  });
  return graded(score.ok, score.reason);
}
