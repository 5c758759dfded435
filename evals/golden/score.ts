/**
 * Scoring of what an answer says, beside the SQL comparator: the facts an investigation case must state, and how an
 * ambiguous or unanswerable question was handled.
 */
import type { AnswerOutcome, FinalAnswer } from '../../src/agent/index.js';
import type { GoldenFact } from './dataset.js';

export interface FactScore {
  stated: number;
  total: number;
  /** Labels of the facts the answer did not state. */
  missing: string[];
}

/** Numbers written in a text: "1,234.5", "42.9%", "-3", "$1.2k" is read as 1.2 (units are not guessed). */
export function numbersIn(text: string): number[] {
  const found: number[] = [];
  for (const match of text.matchAll(/-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?/g)) {
    const value = Number(match[0].replace(/,/g, ''));
    if (Number.isFinite(value)) found.push(value);
  }
  return found;
}

function normalizeWords(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The text an answer states: its prose, key numbers and caveats. */
export function answerText(answer: FinalAnswer): string {
  return [
    answer.text,
    ...answer.keyNumbers.map((k) => `${k.label}: ${k.value}${k.unit ? ` ${k.unit}` : ''}`),
    ...answer.caveats,
  ].join('\n');
}

/**
 * A numeric fact is stated when a number within its tolerance (default: exact at the fact's precision) appears;
 * a text fact when its words appear in order, ignoring case and punctuation.
 */
export function factStated(fact: GoldenFact, text: string): boolean {
  const numeric = typeof fact.value === 'number' ? fact.value : Number.NaN;
  if (Number.isFinite(numeric)) {
    const tolerance = fact.tolerance ?? 0;
    return numbersIn(text).some((n) => Math.abs(n - numeric) <= tolerance + 1e-9);
  }
  return ` ${normalizeWords(text)} `.includes(` ${normalizeWords(String(fact.value))} `);
}

export function scoreFacts(facts: readonly GoldenFact[], answer: FinalAnswer | undefined): FactScore {
  const text = answer ? answerText(answer) : '';
  const missing = facts.filter((f) => !factStated(f, text)).map((f) => f.label);
  return { stated: facts.length - missing.length, total: facts.length, missing };
}

export type ObservedBehaviour = 'answered' | 'assumed' | 'clarified' | 'refused' | 'no_answer';

const REFUSAL =
  /\b(?:can(?:not|'t|’t)|unable to|not able to|no (?:data|table|column|record|information)\b|(?:does(?:n't|n’t| not)|do(?:n't|n’t| not)) (?:have|contain|track|record|store|hold)|(?:is(?:n't|n’t| not)|are(?:n't|n’t| not)) (?:available|tracked|recorded|stored|in the data)|not (?:available|tracked|recorded|stored) in)/i;
const CLARIFYING =
  /\?|\b(?:which (?:one|measure|metric|period|definition) do you mean|could you (?:clarify|specify)|please (?:clarify|specify|choose|pick))\b/i;
const ASSUMPTION =
  /\b(?:assum|interpret|took .{1,40} to mean|taking .{1,40} as|defined (?:here )?as|by .{1,40} i mean|definition)/i;

/**
 * What the answer did with the question. The finish tool's `outcome` says it when the model set it; otherwise the
 * text is read: a refusal ("the data does not track NPS"), a clarifying question, or a stated assumption.
 */
export function observedBehaviour(answer: FinalAnswer | undefined): ObservedBehaviour {
  if (!answer) return 'no_answer';
  const byOutcome: Record<AnswerOutcome, ObservedBehaviour> = {
    answered: 'answered',
    assumed: 'assumed',
    needs_clarification: 'clarified',
    not_answerable: 'refused',
  };
  if (answer.outcome && answer.outcome !== 'answered') return byOutcome[answer.outcome];
  if (REFUSAL.test(answer.text)) return 'refused';
  if (CLARIFYING.test(answer.text) && answer.evidence.length === 0) return 'clarified';
  if (answer.caveats.some((c) => ASSUMPTION.test(c)) || ASSUMPTION.test(answer.text)) return 'assumed';
  return answer.outcome ?? 'answered';
}

export interface BehaviourScore {
  ok: boolean;
  observed: ObservedBehaviour;
  reason: string;
}

/**
 * `clarify`: asking, or answering one reading that the answer states as an assumption, both pass (the dataset's
 * notes allow offering a stated default). `refuse`: the answer must say the data cannot answer it.
 */
export function scoreBehaviour(expected: 'clarify' | 'refuse', answer: FinalAnswer | undefined): BehaviourScore {
  const observed = observedBehaviour(answer);
  const ok = expected === 'clarify' ? observed === 'clarified' || observed === 'assumed' : observed === 'refused';
  const wanted = expected === 'clarify' ? 'a clarifying question or a stated assumption' : 'a plain "cannot answer"';
  return { ok, observed, reason: ok ? `${observed} as expected` : `expected ${wanted}, observed ${observed}` };
}
