import type { ResultColumn } from '../sql/types.js';

/**
 * The engine's output: a discriminated union of events. Front ends (CLI, Slack, WebSocket, MCP) only render or
 * relay these; the memory store records them append-only so an investigation can be replayed.
 */

export interface PlanStep {
  title: string;
  status: 'pending' | 'in_progress' | 'done' | 'skipped';
}

export interface KeyNumber {
  label: string;
  value: string;
  unit?: string;
}

export interface Evidence {
  claim: string;
  sql: string;
  rowCount?: number;
}

export type ChartKind = 'line' | 'bar' | 'scatter' | 'none';

/**
 * How the answer relates to the question: answered it; answered one stated reading of an ambiguous question;
 * needs the asker to choose before it can answer; or the data cannot answer it. Evals score the last three.
 */
export type AnswerOutcome = 'answered' | 'assumed' | 'needs_clarification' | 'not_answerable';

export interface FinalAnswer {
  text: string;
  keyNumbers: KeyNumber[];
  evidence: Evidence[];
  caveats: string[];
  followUps: string[];
  /** True when a budget ran out or the model stopped early: the answer says what it has. */
  partial: boolean;
  chart?: ChartKind;
  /** Absent on answers recorded before the field existed, and when the model did not say (read as answered). */
  outcome?: AnswerOutcome;
}

export type BudgetKind = 'steps' | 'sql_runs' | 'wall_time' | 'tokens' | 'cost';

export type InvestigationEventBody =
  | { type: 'plan'; steps: PlanStep[]; revision: number }
  | { type: 'step_started'; step: number; title: string }
  | { type: 'thinking'; text: string }
  | { type: 'tool_call'; callId: string; tool: string; summary: string }
  | { type: 'sql'; callId: string; connection: string; sql: string; purpose?: string }
  | {
      type: 'sql_result';
      callId: string;
      columns: ResultColumn[];
      rows: unknown[][];
      rowCount: number;
      truncated: boolean;
      elapsedMs: number;
    }
  | { type: 'sql_error'; callId: string; code: string; message: string; hint?: string }
  | { type: 'insight'; text: string }
  | { type: 'budget'; kind: BudgetKind; used: number; limit: number; exhausted: boolean }
  | { type: 'done'; answer: FinalAnswer }
  | { type: 'failed'; error: { code: string; message: string } };

export type InvestigationEventType = InvestigationEventBody['type'];

/** An event as emitted and stored: the body plus where it belongs and when. */
export type InvestigationEvent = InvestigationEventBody & {
  investigationId: string;
  seq: number;
  at: string;
};
