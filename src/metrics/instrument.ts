/**
 * The composition root's taps: the executor (every statement from any source, with the guard's verdict), the
 * engine's investigations (start, events, end with the recorded totals) and the knowledge base's FAQ tier. Each wraps
 * the real object and reports to an observer; nothing here changes what the wrapped object does or returns.
 */
import type { InvestigationEvent } from '../agent/events.js';
import type { InvestigationOutcome } from '../agent/investigate.js';
import { isSleuthError } from '../common/errors.js';
import type { KnowledgeBase } from '../knowledge/index.js';
import type { InvestigationRecord } from '../memory/index.js';
import type { SqlExecutor } from '../sql/index.js';
import type { FaqResult, InvestigationFinished, SleuthObserver } from './observer.js';

export function observeExecutor(executor: SqlExecutor, observer: SleuthObserver): SqlExecutor {
  return {
    async execute(source, sql, options) {
      const started = performance.now();
      try {
        const result = await executor.execute(source, sql, options);
        observer.sqlStatement?.({ connection: source.name, outcome: 'ok', durationMs: result.elapsedMs });
        return result;
      } catch (error) {
        const durationMs = performance.now() - started;
        if (isSleuthError(error) && error.code === 'SQL_REJECTED') {
          const guardCode = typeof error.details.guardCode === 'string' ? error.details.guardCode : 'UNKNOWN';
          observer.sqlStatement?.({ connection: source.name, outcome: 'rejected', durationMs, guardCode });
        } else {
          observer.sqlStatement?.({ connection: source.name, outcome: 'error', durationMs });
        }
        throw error;
      }
    },
  };
}

/** Relays an investigation's events unchanged, telling the observer when it starts, each event, and how it ended. */
export async function* observeInvestigation(
  observer: SleuthObserver,
  connection: string,
  events: AsyncGenerator<InvestigationEvent, InvestigationOutcome>,
  lookup: (id: string) => Promise<InvestigationRecord | undefined>,
): AsyncGenerator<InvestigationEvent, InvestigationOutcome> {
  observer.investigationStarted?.({ connection });
  let finished: InvestigationFinished | undefined;
  let done = false;
  try {
    while (true) {
      const next = await events.next();
      if (next.done) {
        done = true;
        // a deferred FAQ-only ask did not finish anything: its queued investigation is observed when it runs
        const { status } = next.value;
        finished = status === 'deferred' ? undefined : await finishedFrom({ ...next.value, status }, lookup);
        return next.value;
      }
      observer.investigationEvent?.(next.value);
      yield next.value;
    }
  } finally {
    // a caller that stops early closes the engine's generator too, as yield* would
    if (!done) await events.return(undefined as never).catch(() => undefined);
    observer.investigationEnded?.({ connection, finished });
  }
}

async function finishedFrom(
  outcome: InvestigationOutcome & { status: InvestigationFinished['status'] },
  lookup: (id: string) => Promise<InvestigationRecord | undefined>,
): Promise<InvestigationFinished> {
  const record = await lookup(outcome.investigationId).catch(() => undefined);
  const started = record?.startedAt?.getTime();
  const ended = record?.finishedAt?.getTime();
  return {
    investigationId: outcome.investigationId,
    status: outcome.status,
    durationMs: started !== undefined && ended !== undefined ? Math.max(0, ended - started) : 0,
    steps: record?.steps ?? 0,
    provider: record?.provider ?? null,
    model: record?.model ?? null,
    inputTokens: record?.inputTokens ?? 0,
    outputTokens: record?.outputTokens ?? 0,
    costUsd: record?.costUsd ?? 0,
  };
}

const FAQ_RESULT: Record<'answered' | 'ask_back' | 'miss', FaqResult> = {
  answered: 'hit',
  ask_back: 'ask_back',
  miss: 'miss',
};

/** The same knowledge base, its FAQ tier's outcomes reported (whoever asks: the engine, Slack, the API, MCP). */
export function observeFaq(base: KnowledgeBase, observer: SleuthObserver): KnowledgeBase {
  const answerFaq: KnowledgeBase['answerFaq'] = async (request) => {
    const outcome = await base.answerFaq(request);
    observer.faqRequest?.({ result: FAQ_RESULT[outcome.kind] });
    return outcome;
  };
  return new Proxy(base, {
    get: (target, property, receiver) =>
      property === 'answerFaq' ? answerFaq : Reflect.get(target, property, receiver),
  });
}
