/**
 * Which evidence results the final message shows as tables, and which go to the thread as CSV instead. One pure
 * decision shared by the message renderer and the attachment poster, so "the rest as CSV" holds by construction:
 * every evidence query with rows is either a table in the message (with all its rows) or a CSV file.
 */
import type { PlanStep } from '../../agent/index.js';
import { findRun, type SqlEntry, sqlKey, type ThreadState } from './state.js';

/** Rows per evidence table in the final message. */
export const FINAL_ROWS = 10;
/** Evidence tables in the final message, at most. */
export const MAX_EVIDENCE_TABLES = 4;
/** Characters of table text the final message spends, all tables together (a Slack message stays readable). */
export const TABLE_BUDGET = 6000;

export interface EvidenceRun {
  /** 0-based index of the (first) evidence item this run backs, in the answer's order. */
  readonly index: number;
  /** The claim the query supports. */
  readonly claim: string;
  readonly run: SqlEntry;
  /** Shown as a table in the message (only the first FINAL_ROWS rows when it has more). */
  readonly table: boolean;
  /** Posted as CSV: more rows than the table shows, or no room left for a table. */
  readonly csv: boolean;
}

/**
 * Evidence runs in the answer's order (deduplicated by statement), each marked table and/or csv. `tableChars`
 * measures a run's rendered table so the budget counts what is really sent.
 */
export function evidenceRuns(
  state: ThreadState,
  tableChars: (run: SqlEntry) => number,
  budget = TABLE_BUDGET,
): EvidenceRun[] {
  if (state.outcome?.kind !== 'done') return [];
  const seen = new Set<string>();
  const out: EvidenceRun[] = [];
  let spent = 0;
  let tables = 0;
  for (const [index, evidence] of state.outcome.answer.evidence.entries()) {
    const run = findRun(state, evidence.sql);
    if (!run || seen.has(sqlKey(run.sql))) continue;
    seen.add(sqlKey(run.sql));
    const rows = run.rows?.length ?? 0;
    if (!run.columns || rows === 0) {
      out.push({ index, claim: evidence.claim, run, table: false, csv: false });
      continue;
    }
    const size = tableChars(run);
    const table = tables < MAX_EVIDENCE_TABLES && spent + size <= budget;
    if (table) {
      spent += size;
      tables += 1;
    }
    const more = (run.rowCount ?? rows) > Math.min(rows, FINAL_ROWS);
    out.push({ index, claim: evidence.claim, run, table, csv: !table || more });
  }
  return out;
}

export type ClosedStatus = 'done' | 'skipped' | 'failed';

/**
 * Every plan step closed for the final message: a finished investigation leaves nothing "in progress" or "pending".
 * In progress becomes done on an answer (failed otherwise); pending becomes skipped.
 */
export function closedPlan(state: ThreadState): { title: string; status: ClosedStatus }[] {
  const answered = state.outcome?.kind === 'done';
  return state.plan.map((step: PlanStep) => ({
    title: step.title,
    status:
      step.status === 'done' ? 'done' : step.status === 'in_progress' ? (answered ? 'done' : 'failed') : 'skipped',
  }));
}
