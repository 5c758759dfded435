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
  /** What the chart plots, as the model named it (checked against the charted result's columns). */
  chartSpec?: ChartSpecRequest;
  /** Absent on answers recorded before the field existed, and when the model did not say (read as answered). */
  outcome?: AnswerOutcome;
}

/** The measure(s) a chart plots and how its series split, by column name, for one evidence item. */
export interface ChartSpecRequest {
  /** 1-based index into evidence: the result that is charted. */
  evidence: number;
  /** Numeric columns to plot; several become one series each (a comparison). */
  measures: string[];
  /** A column whose values split the measure into series (long form). */
  series?: string;
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
