/**
 * promptfoo test cases generated from the golden dataset: every case asks its question; SQL cases assert execution
 * accuracy, investigation cases each fact (javascript) and text facts also as a regex, ambiguous/unanswerable cases
 * their expected behaviour, and, only when ANTHROPIC_API_KEY is set, an llm-rubric on the investigation story or the
 * case note. EVAL_CASES (comma-separated ids) or EVAL_LIMIT select a subset.
 */
import { defaultGoldenPath, type GoldenCase, loadGoldenDataset } from '../golden/dataset.js';
import { ROOT } from './shared.js';

const ASSERTIONS = 'file://promptfoo/assertions.ts';

/**
 * A case-insensitive pattern for a fact's text: promptfoo's regex assertion takes no flags (and JavaScript has no
 * inline `(?i)`), so letters become `[xX]` classes; runs of whitespace match any non-word separator.
 */
export function factPattern(text: string): string {
  return text
    .trim()
    .split(/\s+/)
    .map((word) =>
      word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\p{L}/gu, (ch) => {
        const lower = ch.toLowerCase();
        const upper = ch.toUpperCase();
        return lower === upper ? ch : `[${lower}${upper}]`;
      }),
    )
    .join('\\W+');
}

function assertionsFor(c: GoldenCase, withRubric: boolean): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  if (c.sql) out.push({ type: 'javascript', value: `${ASSERTIONS}:sqlAccuracy`, metric: 'sql_accuracy' });
  for (const fact of c.facts ?? []) {
    out.push({ type: 'javascript', value: `${ASSERTIONS}:factIsStated`, config: { fact }, metric: 'facts' });
    if (typeof fact.value === 'string') out.push({ type: 'regex', value: factPattern(fact.value), metric: 'facts' });
  }
  if (c.expected_behaviour) {
    out.push({
      type: 'javascript',
      value: `${ASSERTIONS}:behaviour`,
      config: { expected: c.expected_behaviour },
      metric: 'behaviour',
    });
  }
  if (withRubric && (c.story || c.note)) {
    out.push({
      type: 'llm-rubric',
      value: c.story
        ? `The answer finds the planted story "${c.story}" and supports it with numbers from the data.`
        : `The answer handles the question as described: ${c.note}`,
      provider: 'anthropic:messages:claude-sonnet-4-6',
      metric: 'rubric',
    });
  }
  return out;
}

export function goldenTests(): Record<string, unknown>[] {
  const dataset = loadGoldenDataset(defaultGoldenPath(ROOT));
  const ids = process.env.EVAL_CASES?.split(',').map((s) => s.trim());
  const limit = Number(process.env.EVAL_LIMIT ?? Number.POSITIVE_INFINITY);
  const withRubric = Boolean(process.env.ANTHROPIC_API_KEY);
  return dataset.cases
    .filter((c) => !ids || ids.includes(c.id))
    .slice(0, limit)
    .map((c) => ({
      description: `${c.id} (${c.category}, ${c.difficulty})`,
      vars: { question: c.question, case_id: c.id },
      assert: assertionsFor(c, withRubric),
    }));
}
