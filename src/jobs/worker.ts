/**
 * The worker side of a job: runs the investigation in place under its pre-created id and publishes every recorded
 * event on the bus. Whatever happens, the record ends in a final state with a closing event: the engine ends it when
 * it ran, and this worker does when the engine never started (unknown connection, model not configured...).
 *
 * The exception is a job handed back to the queue (its signal aborts with JobHandedBack): the run's store is fenced
 * from that moment, so it records nothing more, and the worker that takes the job over continues the stream.
 */
import type { InvestigationEvent } from '../agent/events.js';
import type { InvestigationOutcome } from '../agent/investigate.js';
import type { Actor } from '../common/actor.js';
import { isSleuthError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import {
  appendJobEvent,
  isFinishedStatus,
  isTerminalEvent,
  type JobMemory,
  recordEnd,
  toInvestigationEvent,
} from './events.js';
import { type EventBus, isHandedBack, type JobHandler } from './types.js';

/** What a worker needs from the engine: `SleuthContext.ask` satisfies it. */
export type RunInvestigation = (request: {
  question: string;
  db?: string;
  sessionId?: string;
  actor: Actor;
  faq?: boolean;
  /** See AskRequest: the FAQ tier only, in the request (`deferred` on a miss); the question rate already taken. */
  faqOnly?: boolean;
  questionTaken?: boolean;
  investigationId: string;
  signal: AbortSignal;
  /** Throws once the run must record nothing more (its job was handed back); called before every memory call. */
  fence?: () => void;
}) => AsyncGenerator<InvestigationEvent, InvestigationOutcome>;

export interface InvestigationWorkerDeps {
  run: RunInvestigation;
  store: JobMemory;
  bus: EventBus;
  logger: Logger;
}

export function createInvestigationWorker(deps: InvestigationWorkerDeps): JobHandler {
  return async (job, { signal, attempt }) => {
    const id = job.investigationId;
    const log = deps.logger.child({ investigationId: id, attempt });
    const publish = (event: InvestigationEvent) =>
      deps.bus.publish(event).catch((error: unknown) => log.warn({ err: String(error) }, 'event publish failed'));
    const handedBack = () => signal.aborted && isHandedBack(signal.reason);
    const fence = () => {
      if (handedBack()) throw signal.reason;
    };
    const record = await deps.store.getInvestigation(id);
    if (!record) {
      log.warn('job for an unknown investigation dropped');
      return;
    }
    // a queue may deliver a job again after its first worker finished it but died before acknowledging
    if (isFinishedStatus(record.status)) {
      await closeStream(deps, id, record, publish);
      return;
    }
    if (handedBack()) return;
    if (attempt > 1) {
      await publish(
        await appendJobEvent(deps.store, id, {
          type: 'thinking',
          text: `Taken over by another worker (attempt ${attempt}): the previous one stopped before finishing.`,
        }),
      );
    }
    let started = false;
    try {
      const events = deps.run({
        question: job.question,
        db: job.connection,
        sessionId: job.sessionId,
        actor: job.actor,
        faq: job.accepted ? false : job.faq,
        questionTaken: job.accepted,
        investigationId: id,
        signal,
        fence,
      });
      for await (const event of events) {
        started = true;
        await publish(event);
      }
    } catch (error) {
      if (handedBack()) {
        log.info('investigation handed back to the queue');
        return;
      }
      const current = await deps.store.getInvestigation(id);
      if (current && isFinishedStatus(current.status)) {
        // closed on the way out (e.g. refused by a limit): let watchers know at once
        const last = (await deps.store.listEvents(id)).at(-1);
        if (last && isTerminalEvent(last)) await publish(toInvestigationEvent(last));
        return;
      }
      if (!isSleuthError(error)) log.error({ err: error, started }, 'investigation job crashed');
      const failure = isSleuthError(error)
        ? { code: error.code, message: error.message }
        : { code: 'INTERNAL', message: 'Sleuth hit an internal error; see the logs.' };
      await publish(await recordEnd(deps.store, id, 'failed', failure));
    }
  };
}

/**
 * A finished record whose stream has no closing event (its worker stopped between the final status and the closing
 * event) gets the closing event now, from the record, so watchers end with `done` or `failed`.
 */
async function closeStream(
  deps: InvestigationWorkerDeps,
  id: string,
  record: NonNullable<Awaited<ReturnType<JobMemory['getInvestigation']>>>,
  publish: (event: InvestigationEvent) => Promise<void>,
): Promise<void> {
  if (record.status === 'interrupted') return;
  const last = (await deps.store.listEvents(id)).at(-1);
  if (last && isTerminalEvent(last)) return;
  const closing =
    record.status === 'succeeded' && record.answer
      ? ({ type: 'done', answer: record.answer } as const)
      : ({
          type: 'failed',
          error: record.error ?? { code: 'INTERNAL', message: 'The investigation ended without an answer.' },
        } as const);
  await publish(await appendJobEvent(deps.store, id, closing));
}
