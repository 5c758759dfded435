/**
 * The embedded job queue and event bus: one process, no server. Jobs wait in memory (a restart loses the queued
 * ones; their records are marked `interrupted` at the next start, as running ones are) and run on this process's
 * worker; events fan out to this process's watchers.
 */
import type { InvestigationEvent } from '../agent/events.js';
import type { CancelOutcome, EventBus, InvestigationJob, JobHandler, JobQueue, QueueDepth } from './types.js';

export function createInProcessQueue(): JobQueue {
  const waiting: InvestigationJob[] = [];
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  let handler: JobHandler | undefined;
  let concurrency = 0;
  let stopping = false;

  function pump(): void {
    while (handler && !stopping && running.size < concurrency && waiting.length > 0) {
      const job = waiting.shift() as InvestigationJob;
      const controller = new AbortController();
      const run = handler;
      const done = (async () => {
        try {
          await run(job, { signal: controller.signal, attempt: 1 });
        } catch {
          // the handler records its own failures; nothing may escape into the process
        } finally {
          running.delete(job.investigationId);
          pump();
        }
      })();
      running.set(job.investigationId, { controller, done });
    }
  }

  return {
    kind: 'in-process',
    async enqueue(job) {
      if (stopping) throw new Error('the job queue is stopping');
      waiting.push(job);
      pump();
    },
    async work(jobHandler, options) {
      handler = jobHandler;
      concurrency = Math.max(1, options.concurrency);
      pump();
    },
    async cancel(investigationId): Promise<CancelOutcome> {
      const index = waiting.findIndex((j) => j.investigationId === investigationId);
      if (index >= 0) {
        waiting.splice(index, 1);
        return 'dequeued';
      }
      const active = running.get(investigationId);
      if (!active) return 'unknown';
      active.controller.abort();
      return 'signalled';
    },
    async depth(): Promise<QueueDepth> {
      return { queued: waiting.length, running: running.size };
    },
    async stop(options = {}) {
      stopping = true;
      const all = Promise.all([...running.values()].map((r) => r.done));
      const graceMs = options.graceMs ?? 30_000;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
    },
  };
}

export function createInProcessEventBus(): EventBus {
  const listeners = new Map<string, Set<(event: InvestigationEvent) => void>>();
  return {
    async publish(event) {
      for (const listener of listeners.get(event.investigationId) ?? []) {
        try {
          listener(event);
        } catch {
          // one broken watcher must not stop the others
        }
      }
    },
    async subscribe(investigationId, listener) {
      const set = listeners.get(investigationId) ?? new Set();
      set.add(listener);
      listeners.set(investigationId, set);
      return async () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(investigationId);
      };
    },
    async close() {
      listeners.clear();
    },
  };
}
