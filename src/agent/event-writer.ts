/**
 * One investigation's event recording: appends are coalesced into one memory transaction per flush (after a few
 * milliseconds, or at once when a batch is full, an event must not be lost, or a step is completed), instead of one
 * transaction per event. Sequence numbers stay gapless and in emission order (one flush in flight at a time, numbers
 * handed out by the store in the flush's transaction), and an event reaches `onRecorded` (the front end's stream) only
 * once its transaction has committed: recorded before yielded, for every event.
 *
 * What the caller waits for differs: `append` of an ordinary event resolves when it is queued, so the loop does not
 * wait on memory between tool calls; `append(..., { wait: true })` (`done`, `failed`: recorded before the investigation
 * returns) and `step` resolve only once recorded. A failed flush is reported to its waiters and then to every later
 * ordinary append and step (sticky), so the loop stops and ends the investigation as it did when each append was
 * awaited.
 */
import type { InvestigationEventBody } from './events.js';
import type { InvestigationStore } from './store.js';

export interface EventWriterOptions {
  /** Longest an ordinary event waits for company before it is flushed (default 5 ms). */
  maxDelayMs?: number;
  /** A batch this large is flushed at once (default 32). */
  maxBatch?: number;
}

export interface RecordedBody {
  body: InvestigationEventBody;
  seq: number;
  at: string;
}

export interface EventWriter {
  /** Queues an event; with `wait`, resolves only once it is recorded. */
  append(body: InvestigationEventBody, options?: { wait?: boolean }): Promise<void>;
  /** Records a completed step's resume state with the events queued before it, in their transaction. */
  step(step: number, state: unknown): Promise<void>;
  /** Resolves once everything queued so far is recorded. */
  flush(): Promise<void>;
}

interface Pending {
  body: InvestigationEventBody;
  done: Waiter;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

const DEFAULT_DELAY_MS = 5;
const DEFAULT_BATCH = 32;

export function createEventWriter(
  investigationId: string,
  store: Pick<InvestigationStore, 'appendEvents'>,
  onRecorded: (event: RecordedBody) => void,
  options: EventWriterOptions = {},
): EventWriter {
  const maxDelayMs = options.maxDelayMs ?? DEFAULT_DELAY_MS;
  const maxBatch = Math.max(1, options.maxBatch ?? DEFAULT_BATCH);
  const events: Pending[] = [];
  const steps: { step: number; state: unknown; done: Waiter }[] = [];
  let flushing: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let urgent = false;
  let failure: unknown;
  const idle: (() => void)[] = [];

  const schedule = (now: boolean) => {
    urgent ||= now;
    if (flushing) return; // the flush in flight picks the queue up when it ends
    if (urgent || events.length >= maxBatch) {
      if (timer) clearTimeout(timer);
      timer = undefined;
      flushing = run();
      return;
    }
    timer ??= setTimeout(() => {
      timer = undefined;
      if (!flushing) flushing = run();
    }, maxDelayMs);
  };

  const run = async (): Promise<void> => {
    while (events.length > 0 || steps.length > 0) {
      const batch = events.splice(0, events.length);
      const stepBatch = steps.splice(0, steps.length);
      urgent = false;
      try {
        const stored = await store.appendEvents(
          investigationId,
          batch.map((p) => ({ type: p.body.type, payload: p.body })),
          stepBatch.map(({ step, state }) => ({ step, state })),
        );
        batch.forEach((pending, i) => {
          const row = stored[i];
          if (!row) return;
          const at = row.createdAt instanceof Date ? row.createdAt.toISOString() : String(row.createdAt);
          onRecorded({ body: pending.body, seq: row.seq, at });
        });
        for (const p of batch) p.done.resolve();
        for (const s of stepBatch) s.done.resolve();
      } catch (error) {
        failure = error;
        for (const p of batch) p.done.reject(error);
        for (const s of stepBatch) s.done.reject(error);
      }
      // ordinary events queued meanwhile wait for company again, unless someone is waiting on them
      if (!urgent && events.length < maxBatch && steps.length === 0) break;
    }
    flushing = undefined;
    if (events.length > 0 || steps.length > 0) schedule(false);
    else for (const resolve of idle.splice(0)) resolve();
  };

  const enqueue = (body: InvestigationEventBody, wait: boolean): Promise<void> => {
    const recorded = new Promise<void>((resolve, reject) => {
      events.push({ body, done: { resolve, reject } });
    });
    schedule(wait);
    if (wait) return recorded;
    // nobody waits for it: a failure is reported through the next append instead
    recorded.catch(() => undefined);
    return Promise.resolve();
  };

  return {
    append(body, options = {}) {
      if (failure !== undefined && !options.wait) return Promise.reject(failure);
      return enqueue(body, options.wait === true);
    },
    step(step, state) {
      if (failure !== undefined) return Promise.reject(failure);
      const recorded = new Promise<void>((resolve, reject) => {
        steps.push({ step, state, done: { resolve, reject } });
      });
      schedule(true);
      return recorded;
    },
    async flush() {
      if (!flushing && events.length === 0 && steps.length === 0) return;
      const empty = new Promise<void>((resolve) => idle.push(resolve));
      schedule(true);
      await empty;
    },
  };
}
