/**
 * What a thread message shows, folded from engine events by a pure reducer. Renderers (Block Kit for chat.update,
 * chunks for streaming) read this state; nothing here talks to Slack.
 */
import type { FinalAnswer, InvestigationEvent, PlanStep } from '../../agent/index.js';
import type { ResultColumn } from '../../sql/index.js';

export interface SqlEntry {
  readonly callId: string;
  readonly connection: string;
  readonly sql: string;
  readonly purpose?: string;
  readonly status: 'running' | 'done' | 'error';
  readonly columns?: readonly ResultColumn[];
  /** The first rows (the engine sends up to 10 per result). */
  readonly rows?: readonly (readonly unknown[])[];
  readonly rowCount?: number;
  readonly truncated?: boolean;
  readonly elapsedMs?: number;
  readonly error?: { readonly code: string; readonly message: string };
}

export type Outcome =
  | { readonly kind: 'done'; readonly answer: FinalAnswer }
  | { readonly kind: 'failed'; readonly code: string; readonly message: string };

export interface ThreadState {
  readonly question: string;
  readonly investigationId?: string;
  readonly plan: readonly PlanStep[];
  readonly step?: { readonly n: number; readonly title: string };
  readonly sql: readonly SqlEntry[];
  readonly insights: readonly string[];
  readonly budgetNote?: string;
  readonly outcome?: Outcome;
  /** ISO time of the first and the latest event. */
  readonly startedAt?: string;
  readonly updatedAt?: string;
}

export function initialState(question: string): ThreadState {
  return { question, plan: [], sql: [], insights: [] };
}

function patchSql(state: ThreadState, callId: string, patch: Partial<SqlEntry>): readonly SqlEntry[] {
  return state.sql.map((entry) => (entry.callId === callId ? { ...entry, ...patch } : entry));
}

const MAX_INSIGHTS = 20;

export function reduceEvent(state: ThreadState, event: InvestigationEvent): ThreadState {
  const base: ThreadState = {
    ...state,
    investigationId: state.investigationId ?? event.investigationId,
    startedAt: state.startedAt ?? event.at,
    updatedAt: event.at,
  };
  switch (event.type) {
    case 'plan':
      return { ...base, plan: event.steps.map((s) => ({ title: s.title, status: s.status })) };
    case 'step_started':
      return { ...base, step: { n: event.step, title: event.title } };
    case 'sql':
      return {
        ...base,
        sql: [
          ...state.sql,
          {
            callId: event.callId,
            connection: event.connection,
            sql: event.sql,
            ...(event.purpose ? { purpose: event.purpose } : {}),
            status: 'running',
          },
        ],
      };
    case 'sql_result':
      return {
        ...base,
        sql: patchSql(state, event.callId, {
          status: 'done',
          columns: event.columns,
          rows: event.rows,
          rowCount: event.rowCount,
          truncated: event.truncated,
          elapsedMs: event.elapsedMs,
        }),
      };
    case 'sql_error':
      return {
        ...base,
        sql: patchSql(state, event.callId, { status: 'error', error: { code: event.code, message: event.message } }),
      };
    case 'insight':
      return { ...base, insights: [...state.insights, event.text].slice(-MAX_INSIGHTS) };
    case 'budget':
      return event.exhausted ? { ...base, budgetNote: `The ${event.kind.replace('_', ' ')} budget ran out.` } : base;
    case 'done':
      return { ...base, outcome: { kind: 'done', answer: event.answer } };
    case 'failed':
      return { ...base, outcome: { kind: 'failed', code: event.error.code, message: event.error.message } };
    default:
      return base;
  }
}

/** Whitespace-insensitive SQL identity, to match evidence to the statement that produced it. */
export function sqlKey(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim().replace(/;$/, '').toLowerCase();
}

/** The successful run of a statement, by its text. */
export function findRun(state: ThreadState, sql: string): SqlEntry | undefined {
  const key = sqlKey(sql);
  return [...state.sql].reverse().find((entry) => entry.status === 'done' && sqlKey(entry.sql) === key);
}
