import type { FinalAnswer } from '../events.js';
import type { InvestigationState } from '../tools/index.js';

/**
 * The answer when the investigation stops before `finish` (a budget ran out): what the model last said, the SQL
 * that did run as evidence, and a caveat that says why it stopped.
 */
export function partialAnswer(lastText: string, state: InvestigationState, stopReason: string): FinalAnswer {
  const evidence = state.succeededSql.slice(-3).map((s) => ({
    claim: 'A query run during the investigation',
    sql: s.sql,
    rowCount: s.rowCount,
  }));
  const text =
    lastText ||
    (evidence.length > 0
      ? 'I could not finish the investigation. The queries I ran so far are below.'
      : 'I could not finish the investigation and have no results to report yet.');
  return {
    text,
    keyNumbers: [],
    evidence,
    caveats: stopReason ? [`Stopped before finishing: ${stopReason}. This answer is partial.`] : [],
    followUps: [],
    partial: stopReason !== '',
  };
}
