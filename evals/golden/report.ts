/**
 * Summary numbers and the Markdown table of a golden run, with the difference from a stored baseline.
 */
import type { GoldenCaseResult } from './runner.js';

export interface CategorySummary {
  cases: number;
  /** Execution accuracy for SQL categories, behaviour accuracy for ambiguous/unanswerable. */
  accuracy: number;
}

export interface GoldenSummary {
  suite: string;
  provider: string;
  dialect: string;
  promptVersion: string;
  cases: number;
  sqlCases: number;
  /** Execution accuracy over cases with gold SQL. */
  executionAccuracy: number;
  behaviourCases: number;
  /** Share of ambiguous/unanswerable cases handled as expected. */
  behaviourAccuracy: number;
  factsTotal: number;
  /** Share of investigation facts the answers stated. */
  factRecall: number;
  cassetteMisses: number;
  /** Answers stating a number no query of theirs produced (evals/golden/grounding.ts). */
  ungroundedAnswers?: number;
  errors: number;
  byCategory: Record<string, CategorySummary>;
  /** Which tier answered (ask() route): cases and accuracy per tier; the investigate() route is all `agent`. */
  byTier?: Record<string, CategorySummary>;
  /** FAQ instant answers (rows from a verified query), how many matched the gold result, and how many were given to
   * ambiguous/unanswerable questions (none should be). */
  faqInstant?: { answers: number; correct: number; onBehaviourCases: number };
  /** Matches by comparator rule (exact, tie_break, superset, ... and the mismatch rules). */
  byRule?: Record<string, number>;
  medianLatencyMs: number;
  p95LatencyMs: number;
  meanSteps: number;
  /** Guard refusals during the run, by code. */
  guardRefusals: Record<string, number>;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

const share = (part: number, whole: number) => (whole === 0 ? 1 : part / whole);

export function summarizeGoldenRun(
  results: readonly GoldenCaseResult[],
  labels: { suite: string; provider: string; dialect: string; promptVersion: string },
): GoldenSummary {
  const sql = results.filter((r) => r.kind === 'sql');
  const behaviour = results.filter((r) => r.kind === 'behaviour');
  const factsTotal = results.reduce((s, r) => s + (r.facts?.total ?? 0), 0);
  const factsStated = results.reduce((s, r) => s + (r.facts?.stated ?? 0), 0);
  const categories = new Map<string, GoldenCaseResult[]>();
  for (const r of results) categories.set(r.category, [...(categories.get(r.category) ?? []), r]);
  return {
    ...labels,
    cases: results.length,
    sqlCases: sql.length,
    executionAccuracy: share(sql.filter((r) => r.match).length, sql.length),
    behaviourCases: behaviour.length,
    behaviourAccuracy: share(behaviour.filter((r) => r.match).length, behaviour.length),
    factsTotal,
    factRecall: share(factsStated, factsTotal),
    cassetteMisses: results.filter((r) => r.cassetteMiss).length,
    ungroundedAnswers: results.filter((r) => (r.ungrounded?.length ?? 0) > 0).length,
    errors: results.filter((r) => r.error).length,
    byCategory: Object.fromEntries(
      [...categories]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, rs]) => [k, { cases: rs.length, accuracy: share(rs.filter((r) => r.match).length, rs.length) }]),
    ),
    byTier: Object.fromEntries(
      (['faq', 'agent'] as const).map((t) => {
        const rs = results.filter((r) => (r.tier ?? 'agent') === t);
        return [t, { cases: rs.length, accuracy: share(rs.filter((r) => r.match).length, rs.length) }];
      }),
    ),
    faqInstant: {
      answers: results.filter((r) => r.instant).length,
      correct: results.filter((r) => r.instant && r.kind === 'sql' && r.match).length,
      onBehaviourCases: results.filter((r) => r.instant && r.kind === 'behaviour').length,
    },
    byRule: results.reduce<Record<string, number>>((all, r) => {
      all[r.rule] = (all[r.rule] ?? 0) + 1;
      return all;
    }, {}),
    medianLatencyMs: quantile(
      results.map((r) => r.latencyMs),
      0.5,
    ),
    p95LatencyMs: quantile(
      results.map((r) => r.latencyMs),
      0.95,
    ),
    meanSteps: results.reduce((s, r) => s + r.steps, 0) / Math.max(1, results.length),
    guardRefusals: results.reduce<Record<string, number>>((all, r) => {
      for (const [code, n] of Object.entries(r.guardRefusals ?? {})) all[code] = (all[code] ?? 0) + n;
      return all;
    }, {}),
    inputTokens: results.reduce((s, r) => s + r.inputTokens, 0),
    outputTokens: results.reduce((s, r) => s + r.outputTokens, 0),
    costUsd: results.reduce((s, r) => s + r.costUsd, 0),
  };
}

function guardLine(refusals: Readonly<Record<string, number>> | undefined): string {
  const entries = Object.entries(refusals ?? {}).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return '0';
  const total = entries.reduce((s, [, n]) => s + n, 0);
  return `${total} (${entries.map(([code, n]) => `${code} ${n}`).join(', ')})`;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const pts = (now: number, before: number | undefined) =>
  before === undefined ? '' : `${now - before >= 0 ? '+' : ''}${((now - before) * 100).toFixed(1)} pts`;

/** Groups cassette misses by reason: "173 x the system prompt differs from the recording". */
export function missReasons(results: readonly GoldenCaseResult[]): string[] {
  const counts = new Map<string, number>();
  for (const r of results) {
    if (!r.cassetteMiss) continue;
    const reason = r.cassetteMiss.replace(/^No recorded model turn for this request: /, '').replace(/\.$/, '');
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `${n} x ${reason}`);
}

export function goldenMarkdown(
  summary: GoldenSummary,
  results: readonly GoldenCaseResult[],
  baseline?: GoldenSummary,
): string {
  const lines = [
    `# Eval ${summary.suite} (${summary.provider}, ${summary.dialect}, prompt ${summary.promptVersion})`,
    '',
    '| measure | value | vs baseline |',
    '| --- | --- | --- |',
    `| execution accuracy (${summary.sqlCases} SQL cases) | ${pct(summary.executionAccuracy)} | ${pts(summary.executionAccuracy, baseline?.executionAccuracy)} |`,
    `| behaviour accuracy (${summary.behaviourCases} ambiguous/unanswerable) | ${pct(summary.behaviourAccuracy)} | ${pts(summary.behaviourAccuracy, baseline?.behaviourAccuracy)} |`,
    `| fact recall (${summary.factsTotal} facts) | ${pct(summary.factRecall)} | ${pts(summary.factRecall, baseline?.factRecall)} |`,
    ...Object.entries(summary.byTier ?? {}).map(
      ([t, v]) => `| answered by the ${t} tier | ${v.cases} cases, ${pct(v.accuracy)} right | |`,
    ),
    ...(summary.faqInstant && summary.faqInstant.answers > 0
      ? [
          `| FAQ instant answers right / on ambiguous or unanswerable | ${summary.faqInstant.correct} of ${summary.faqInstant.answers} / ${summary.faqInstant.onBehaviourCases} | |`,
        ]
      : []),
    `| answers with a number no query produced | ${summary.ungroundedAnswers ?? 0} | |`,
    `| cassette misses | ${summary.cassetteMisses} | |`,
    `| failed investigations | ${summary.errors} | |`,
    `| latency p50 / p95 | ${summary.medianLatencyMs.toFixed(0)} / ${summary.p95LatencyMs.toFixed(0)} ms | |`,
    `| mean steps | ${summary.meanSteps.toFixed(1)} | |`,
    `| guard refusals | ${guardLine(summary.guardRefusals)} | |`,
    `| tokens in / out, cost | ${summary.inputTokens} / ${summary.outputTokens}, $${summary.costUsd.toFixed(2)} | |`,
    '',
    '| category | cases | accuracy | vs baseline |',
    '| --- | --- | --- | --- |',
    ...Object.entries(summary.byCategory).map(
      ([k, v]) => `| ${k} | ${v.cases} | ${pct(v.accuracy)} | ${pts(v.accuracy, baseline?.byCategory[k]?.accuracy)} |`,
    ),
  ];
  const misses = missReasons(results);
  if (misses.length > 0)
    lines.push('', 'Cassette misses (re-record when the change was intended):', ...misses.map((m) => `- ${m}`));
  const wrong = results.filter((r) => !r.match && !r.cassetteMiss);
  if (wrong.length > 0) {
    lines.push('', 'Not matched:');
    for (const r of wrong)
      lines.push(
        `- ${r.id} (${r.category}, ${r.tier ?? 'agent'} tier): ${r.rule}: ${r.reason.replace(/\s+/g, ' ').slice(0, 300)}`,
      );
  }
  const ungrounded = results.filter((r) => (r.ungrounded?.length ?? 0) > 0);
  if (ungrounded.length > 0) {
    lines.push('', 'Numbers no query produced:');
    for (const r of ungrounded) lines.push(`- ${r.id}: ${r.ungrounded?.join(', ')}`);
  }
  const missingFacts = results.filter((r) => r.facts && r.facts.missing.length > 0);
  if (missingFacts.length > 0) {
    lines.push('', 'Facts not stated:');
    for (const r of missingFacts) lines.push(`- ${r.id}: ${r.facts?.missing.join('; ')}`);
  }
  return `${lines.join('\n')}\n`;
}
