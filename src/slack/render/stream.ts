/**
 * The investigation as Slack agent-streaming chunks: plan steps and SQL runs as task updates (plan display), insights
 * as markdown text. The streaming sink sends only what changed since its last flush.
 */
import type { types } from '@slack/bolt';
import type { PlanStep } from '../../agent/index.js';
import { countText } from '../../common/numbers.js';
import { escapeText, oneLine, truncate } from './escape.js';
import { type ClosedStatus, closedPlan } from './evidence.js';
import type { ThreadState } from './state.js';

export type TaskChunk = types.TaskUpdateChunk;
export type StreamChunk = types.AnyChunk;

const TASK_STATUS: Record<PlanStep['status'], TaskChunk['status']> = {
  pending: 'pending',
  in_progress: 'in_progress',
  done: 'complete',
  skipped: 'complete',
};

const text = (value: string, max: number) => truncate(escapeText(oneLine(value)), max);

/** Every task as it should look now (plan steps first, then SQL runs). */
export function taskChunks(state: ThreadState): TaskChunk[] {
  const plan = state.plan.map(
    (step, i): TaskChunk => ({
      type: 'task_update',
      id: `plan-${i + 1}`,
      title: text(step.title, 200),
      status: TASK_STATUS[step.status],
      ...(step.status === 'skipped' ? { details: 'skipped' } : {}),
    }),
  );
  const sql = state.sql.map((entry, i): TaskChunk => {
    const status = entry.status === 'running' ? 'in_progress' : entry.status === 'done' ? 'complete' : 'error';
    const output =
      entry.status === 'done'
        ? `${countText(entry.rowCount ?? 0, 'row', 'rows')}${entry.truncated ? ' (cut at the row cap)' : ''} in ${Math.round(entry.elapsedMs ?? 0)} ms`
        : entry.status === 'error'
          ? text(`${entry.error?.code ?? 'SQL_ERROR'}: ${entry.error?.message ?? ''}`, 300)
          : undefined;
    return {
      type: 'task_update',
      id: `sql-${entry.callId}`,
      title: text(entry.purpose ?? `Query ${i + 1}`, 200),
      status,
      details: truncate(escapeText(entry.sql), 1000),
      ...(output ? { output } : {}),
    };
  });
  return [...plan, ...sql];
}

const CLOSED_STATUS: Record<ClosedStatus, TaskChunk['status']> = {
  done: 'complete',
  skipped: 'complete',
  failed: 'error',
};

/**
 * Every task as the finished thread shows it: plan steps closed (done, skipped or failed) and no SQL run left in
 * progress. These go out with chat.stopStream so nothing stays "in progress" under the answer.
 */
export function finalTaskChunks(state: ThreadState): TaskChunk[] {
  const live = taskChunks(state);
  const plan = closedPlan(state).map(
    (step, i): TaskChunk => ({
      type: 'task_update',
      id: `plan-${i + 1}`,
      title: text(step.title, 200),
      status: CLOSED_STATUS[step.status],
      ...(step.status === 'skipped' ? { details: 'skipped' } : {}),
    }),
  );
  const sql = live
    .filter((t) => t.id.startsWith('sql-'))
    .map((t): TaskChunk => (t.status === 'in_progress' ? { ...t, status: 'error', output: 'did not finish' } : t));
  return [...plan, ...sql];
}

/** Insight lines as markdown, from index `from` on. */
export function insightMarkdown(state: ThreadState, from: number): string {
  return state.insights
    .slice(from)
    .map((line) => `${text(line, 500)}\n`)
    .join('');
}
