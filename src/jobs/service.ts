/**
 * Investigations for front ends that do not wait on the engine themselves (HTTP API, WebSocket, MCP): start one
 * (recorded `queued`, then enqueued), watch its events (recorded ones first, then live, from any process), cancel it.
 */
import type { InvestigationEvent } from '../agent/events.js';
import type { Actor } from '../common/actor.js';
import type { InvestigationRecord } from '../memory/index.js';
import { isFinishedStatus, isTerminalEvent, type JobMemory, recordEnd, toInvestigationEvent } from './events.js';
import type { CancelOutcome, EventBus, JobQueue, QueueDepth } from './types.js';

export interface StartInvestigationRequest {
  question: string;
  /** Connection name; the service's default connection when omitted. */
  connection?: string;
  sessionId?: string;
  actor: Actor;
  faq?: boolean;
}

export interface WatchOptions {
  /** Only events after this seq (a reconnecting client passes the last one it saw). */
  afterSeq?: number;
  signal?: AbortSignal;
}

export interface InvestigationService {
  start(request: StartInvestigationRequest): Promise<InvestigationRecord>;
  /**
   * The investigation's events in seq order, without gaps or repeats: the recorded ones, then live ones as they are
   * recorded, ending after `done`/`failed` (or when the signal aborts, or at once for an unknown id).
   */
  watch(investigationId: string, options?: WatchOptions): AsyncGenerator<InvestigationEvent>;
  /** See JobQueue.cancel; a job cancelled before it ran is recorded `cancelled` here. */
  cancel(investigationId: string): Promise<CancelOutcome>;
  /** Jobs waiting and running across every worker (the queue-depth metric). */
  depth(): Promise<QueueDepth>;
}

export interface InvestigationServiceDeps {
  store: JobMemory;
  queue: JobQueue;
  bus: EventBus;
  defaultConnection: string;
  /** How often a watcher re-reads the store when the bus is quiet (covers a lost notification). Default 2000 ms. */
  pollMs?: number;
  /**
   * Answers in the request what needs no model (a FAQ hit, a refusal by a limit or the access policy), recording it
   * under the queued record and publishing its events; 'queue' when a model investigation must run. Without it,
   * every question is queued.
   */
  answerFirst?: (request: StartInvestigationRequest & { investigationId: string }) => Promise<'answered' | 'queue'>;
}

const CLOSING_EVENT_WAIT_MS = 5000;

export function createInvestigationService(deps: InvestigationServiceDeps): InvestigationService {
  const pollMs = deps.pollMs ?? 2000;

  async function* watch(investigationId: string, options: WatchOptions = {}): AsyncGenerator<InvestigationEvent> {
    let last = options.afterSeq ?? 0;
    let wake: (() => void) | undefined;
    let live: InvestigationEvent[] = [];
    const unsubscribe = await deps.bus.subscribe(investigationId, (event) => {
      live.push(event);
      wake?.();
    });
    const onAbort = () => wake?.();
    options.signal?.addEventListener('abort', onAbort);
    // The engine records the final status just before the closing event, so a finished record without one waits
    // a moment for it; `interrupted` (a restart) never gets one.
    let finishedAt: number | undefined;
    try {
      while (!options.signal?.aborted) {
        const pending = live;
        live = [];
        // live events that follow on without a gap are used as they are; anything else is read from the store
        if (pending.length > 0 && pending.every((e, i) => e.seq === last + 1 + i)) {
          for (const event of pending) {
            last = event.seq;
            yield event;
            if (isTerminalEvent(event)) return;
          }
          continue;
        }
        for (const stored of await deps.store.listEvents(investigationId)) {
          if (stored.seq <= last) continue;
          const event = toInvestigationEvent(stored);
          last = event.seq;
          yield event;
          if (isTerminalEvent(event)) return;
        }
        const record = await deps.store.getInvestigation(investigationId);
        if (!record || record.status === 'interrupted') return;
        if (isFinishedStatus(record.status)) {
          finishedAt ??= Date.now();
          if (Date.now() - finishedAt > CLOSING_EVENT_WAIT_MS) return;
        }
        if (live.length > 0) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, finishedAt === undefined ? pollMs : 100);
          wake = () => {
            clearTimeout(timer);
            wake = undefined;
            resolve();
          };
        });
      }
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      await unsubscribe();
    }
  }

  return {
    async start(request) {
      const connection = request.connection ?? deps.defaultConnection;
      const created = await deps.store.createInvestigation({
        sessionId: request.sessionId ?? null,
        question: request.question,
        connection,
        userId: request.actor.id,
        status: 'queued',
      });
      const first = deps.answerFirst
        ? await deps.answerFirst({ ...request, connection, investigationId: created.id })
        : 'queue';
      if (first === 'queue') {
        await deps.queue.enqueue({
          investigationId: created.id,
          question: request.question,
          connection,
          sessionId: request.sessionId,
          actor: request.actor,
          faq: request.faq,
          accepted: deps.answerFirst !== undefined,
        });
      }
      const record = await deps.store.getInvestigation(created.id);
      if (!record) throw new Error(`investigation ${created.id} vanished after it was created`);
      return record;
    },
    watch,
    depth: () => deps.queue.depth(),
    async cancel(investigationId) {
      const outcome = await deps.queue.cancel(investigationId);
      if (outcome === 'dequeued') {
        const event = await recordEnd(deps.store, investigationId, 'cancelled', {
          code: 'INVESTIGATION_CANCELLED',
          message: 'The investigation was cancelled before it started.',
        });
        await deps.bus.publish(event);
      }
      return outcome;
    },
  };
}
