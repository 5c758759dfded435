/**
 * Real-model baselines and the paired comparison that can block a merge. A baseline records, for a provider, model and
 * prompt version, each question's pass rate over its trials and the scores per category and overall. A candidate run
 * is compared question by question: a question passes (in a run of N trials: in most of them) when its result matches
 * the gold one, the answer states its facts, states no number no query produced, and ambiguous/unanswerable questions
 * are handled as expected. The questions that flipped are tested with McNemar's exact test (two-sided binomial on the
 * discordant pairs); the candidate is significantly worse when more questions flipped to failing than to passing and
 * p < alpha (default 0.05).
 */
import type { GoldenCaseResult } from './runner.js';

export interface Baseline {
  provider: string;
  model: string;
  promptVersion: string;
  dialect: string;
  trials: number;
  overall: number;
  byCategory: Record<string, { cases: number; accuracy: number }>;
  /** Pass rate per question id over the trials (0..1). */
  questions: Record<string, number>;
}

export function passed(r: GoldenCaseResult): boolean {
  return r.match && (r.facts?.missing.length ?? 0) === 0 && (r.ungrounded?.length ?? 0) === 0;
}

/** A baseline from the results of one or more trials of the same cases. */
export function baselineFrom(
  trials: readonly (readonly GoldenCaseResult[])[],
  labels: { provider: string; model: string; promptVersion: string; dialect: string },
): Baseline {
  const rates = new Map<string, { category: string; passes: number; runs: number }>();
  for (const results of trials)
    for (const r of results) {
      const entry = rates.get(r.id) ?? { category: r.category, passes: 0, runs: 0 };
      entry.runs += 1;
      if (passed(r)) entry.passes += 1;
      rates.set(r.id, entry);
    }
  const questions: Record<string, number> = {};
  const categories = new Map<string, number[]>();
  for (const [id, e] of [...rates].sort(([a], [b]) => a.localeCompare(b))) {
    questions[id] = round(e.passes / e.runs);
    categories.set(e.category, [...(categories.get(e.category) ?? []), e.passes / e.runs]);
  }
  const all = Object.values(questions);
  return {
    ...labels,
    trials: trials.length,
    overall: round(mean(all)),
    byCategory: Object.fromEntries(
      [...categories]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, { cases: v.length, accuracy: round(mean(v)) }]),
    ),
    questions,
  };
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length);
const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** Two-sided exact McNemar p-value for `b` and `c` discordant pairs. */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  let tail = 0;
  let term = 0.5 ** n; // C(n, 0) / 2^n
  for (let i = 0; i <= k; i++) {
    tail += term;
    term *= (n - i) / (i + 1);
  }
  return Math.min(1, 2 * tail);
}

export interface PairedComparison {
  /** Questions in both runs. */
  paired: number;
  /** Passed in the baseline, fail now. */
  regressed: string[];
  /** Failed in the baseline, pass now. */
  improved: string[];
  pValue: number;
  verdict: 'significantly_worse' | 'significantly_better' | 'no_significant_change';
}

export function comparePaired(baseline: Baseline, candidate: Baseline, alpha = 0.05): PairedComparison {
  const regressed: string[] = [];
  const improved: string[] = [];
  let paired = 0;
  for (const [id, now] of Object.entries(candidate.questions)) {
    const before = baseline.questions[id];
    if (before === undefined) continue;
    paired += 1;
    const [was, is] = [before >= 0.5, now >= 0.5];
    if (was && !is) regressed.push(id);
    if (!was && is) improved.push(id);
  }
  const pValue = mcnemarExact(regressed.length, improved.length);
  const verdict =
    pValue >= alpha
      ? 'no_significant_change'
      : regressed.length > improved.length
        ? 'significantly_worse'
        : 'significantly_better';
  return { paired, regressed, improved, pValue, verdict };
}

/** The Markdown section a pull request shows: verdict, scores per category against the baseline, flipped questions. */
export function comparisonMarkdown(baseline: Baseline, candidate: Baseline, comparison: PairedComparison): string {
  const pct = (x: number | undefined) => (x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);
  const verdict = {
    significantly_worse: 'SIGNIFICANTLY WORSE than the baseline',
    significantly_better: 'significantly better than the baseline',
    no_significant_change: 'no significant change',
  }[comparison.verdict];
  const lines = [
    `## Paired comparison with the baseline: ${verdict}`,
    '',
    `Baseline: ${baseline.provider} ${baseline.model}, prompt ${baseline.promptVersion}, ${baseline.trials} trial(s). Candidate: ${candidate.provider} ${candidate.model}, prompt ${candidate.promptVersion}, ${candidate.trials} trial(s).`,
    `McNemar exact test on ${comparison.paired} paired questions: ${comparison.regressed.length} now fail, ${comparison.improved.length} now pass, p = ${comparison.pValue.toFixed(4)}.`,
    '',
    '| category | baseline | candidate |',
    '| --- | --- | --- |',
    `| overall | ${pct(baseline.overall)} | ${pct(candidate.overall)} |`,
    ...Object.entries(candidate.byCategory).map(
      ([k, v]) => `| ${k} | ${pct(baseline.byCategory[k]?.accuracy)} | ${pct(v.accuracy)} |`,
    ),
  ];
  if (comparison.regressed.length > 0) lines.push('', 'Now failing:', ...comparison.regressed.map((id) => `- ${id}`));
  if (comparison.improved.length > 0) lines.push('', 'Now passing:', ...comparison.improved.map((id) => `- ${id}`));
  return `${lines.join('\n')}\n`;
}
