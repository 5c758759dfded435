/**
 * The audit of one question as it runs: the question once (when its record exists, or refused/failed before that),
 * then every statement from the event stream with its verdict, rows and duration. Events pass through unchanged.
 */
import type { InvestigationEvent, InvestigationOutcome } from '../agent/index.js';
import type { Actor } from '../common/actor.js';
import type { Clock } from '../common/clock.js';
import { isSleuthError } from '../common/errors.js';
import { type Audit, verdictOf } from './audit.js';

export interface QuestionTrail {
  /** Yields the events of `events`, auditing the question and each statement; returns its outcome. */
  follow(
    events: AsyncGenerator<InvestigationEvent, InvestigationOutcome>,
    onEvent?: (event: InvestigationEvent) => Promise<void> | void,
  ): AsyncGenerator<InvestigationEvent, InvestigationOutcome>;
  /** The question ended with an error before (or outside) an investigation record: audited once. */
  failed(error: unknown): Promise<void>;
  /** The investigation id: the request's (a queued record), or the first event's. */
  readonly investigationId: string | undefined;
  /** True once the first event arrived. */
  readonly started: boolean;
}

export function auditQuestion(input: {
  audit: Audit;
  clock: Clock;
  actor: Actor | undefined;
  connection: string;
  question: string;
  /** An existing (queued) investigation record the question runs in. */
  investigationId?: string;
}): QuestionTrail {
  const { audit, clock, actor, connection } = input;
  let investigationId: string | undefined = input.investigationId;
  let started = false;
  let questionRecorded = false;
  const question = { question: input.question };

  async function recordQuestion(id: string): Promise<void> {
    if (questionRecorded) return;
    questionRecorded = true;
    await audit.record({ actor, action: 'ask', connection, investigationId: id, verdict: 'allowed', detail: question });
  }

  return {
    get investigationId() {
      return investigationId;
    },
    get started() {
      return started;
    },
    async *follow(events, onEvent) {
      const running = new Map<string, { sql: string; purpose?: string; startedAt: number }>();
      while (true) {
        const next = await events.next();
        if (next.done) return next.value;
        const event = next.value;
        started = true;
        investigationId = event.investigationId;
        await recordQuestion(event.investigationId);
        const base = { actor, connection, investigationId: event.investigationId, action: 'sql' };
        if (event.type === 'sql') {
          running.set(event.callId, { sql: event.sql, purpose: event.purpose, startedAt: clock() });
        } else if (event.type === 'sql_result') {
          const started = running.get(event.callId);
          running.delete(event.callId);
          await audit.record({
            ...base,
            sql: started?.sql ?? null,
            verdict: 'allowed',
            rowCount: event.rowCount,
            durationMs: event.elapsedMs,
            detail: { purpose: started?.purpose, truncated: event.truncated, cached: event.elapsedMs === 0 },
          });
        } else if (event.type === 'sql_error') {
          const started = running.get(event.callId);
          running.delete(event.callId);
          await audit.record({
            ...base,
            sql: started?.sql ?? null,
            verdict: verdictOf(event.code),
            code: event.code,
            durationMs: started ? clock() - started.startedAt : null,
            detail: { purpose: started?.purpose, message: event.message.slice(0, 500) },
          });
        }
        await onEvent?.(event);
        yield event;
      }
    },
    async failed(error) {
      if (questionRecorded) return;
      questionRecorded = true;
      const code = isSleuthError(error) ? error.code : 'INTERNAL';
      const details = isSleuthError(error) ? error.details : undefined;
      const retryAfterMs = details?.retryAfterMs;
      await audit.record({
        actor,
        action: 'ask',
        connection,
        investigationId: investigationId ?? null,
        verdict: verdictOf(code, details),
        code,
        detail: {
          ...question,
          reason: isSleuthError(error) ? error.message.slice(0, 500) : 'internal error',
          ...(typeof retryAfterMs === 'number' ? { retryAfterMs } : {}),
        },
      });
    },
  };
}
