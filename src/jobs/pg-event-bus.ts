/**
 * The event bus across processes: PostgreSQL NOTIFY carries only `{investigationId, seq}` (payloads are capped at
 * 8000 bytes and the recorded events are the source of truth anyway), and each process's subscribers read the new
 * events from the memory store. Per investigation a process reads at most one batch at a time and delivers every
 * seq once, in order, whether it came from this process (delivered at once) or from another one. After the LISTEN
 * connection comes back from an outage, every subscribed investigation is read again so nothing published meanwhile
 * is missed.
 */
import type { InvestigationEvent } from '../agent/events.js';
import type { Logger } from '../common/logger.js';
import { type JobMemory, toInvestigationEvent } from './events.js';
import type { PgNotifications } from './pg-notifications.js';
import type { EventBus } from './types.js';

export const EVENTS_CHANNEL = 'sleuth_events';

export interface PgEventBusDeps {
  notifications: PgNotifications;
  store: Pick<JobMemory, 'listEvents'>;
  logger: Logger;
}

type Listener = (event: InvestigationEvent) => void;

export function createPgEventBus(deps: PgEventBusDeps): EventBus {
  const subscribers = new Map<string, Set<Listener>>();
  /** Highest seq delivered here, per subscribed investigation. */
  const delivered = new Map<string, number>();
  /** Investigations being read from the store, and whether another read is wanted when this one ends. */
  const reading = new Map<string, { again: boolean }>();
  const log = deps.logger.child({ component: 'pg-event-bus' });
  let listening: Promise<() => void> | undefined;
  const stopReconnect = deps.notifications.onReconnect(() => {
    for (const [id, seq] of delivered) readFrom(id, seq);
  });

  function deliver(event: InvestigationEvent): void {
    const id = event.investigationId;
    if (event.seq <= (delivered.get(id) ?? 0)) return;
    delivered.set(id, event.seq);
    for (const listener of subscribers.get(id) ?? []) {
      try {
        listener(event);
      } catch {
        // one broken watcher must not stop the others
      }
    }
  }

  /** Reads the investigation's events after what was delivered (or after `floor` when nothing was yet). */
  function readFrom(id: string, floor: number): void {
    const current = reading.get(id);
    if (current) {
      current.again = true;
      return;
    }
    const state = { again: false };
    reading.set(id, state);
    (async () => {
      do {
        state.again = false;
        const after = delivered.get(id) ?? floor;
        for (const recorded of await deps.store.listEvents(id)) {
          if (!subscribers.has(id)) return;
          if (recorded.seq > after) deliver(toInvestigationEvent(recorded));
        }
      } while (state.again && subscribers.has(id));
    })()
      .catch((error: unknown) => log.warn({ err: String(error), investigationId: id }, 'reading new events failed'))
      .finally(() => reading.delete(id));
  }

  function onNotification(payload: string): void {
    let parsed: { i?: unknown; s?: unknown };
    try {
      parsed = JSON.parse(payload) as { i?: unknown; s?: unknown };
    } catch {
      return;
    }
    if (typeof parsed.i !== 'string' || typeof parsed.s !== 'number') return;
    if (!subscribers.has(parsed.i)) return;
    const floor = delivered.get(parsed.i) ?? parsed.s - 1;
    if (parsed.s > floor) readFrom(parsed.i, floor);
  }

  return {
    async publish(event) {
      if (subscribers.has(event.investigationId)) deliver(event);
      await deps.notifications.notify(EVENTS_CHANNEL, JSON.stringify({ i: event.investigationId, s: event.seq }));
    },
    async subscribe(investigationId, listener) {
      listening ??= deps.notifications.listen(EVENTS_CHANNEL, onNotification);
      listening.catch(() => {
        listening = undefined;
      });
      await listening;
      const set = subscribers.get(investigationId) ?? new Set();
      set.add(listener);
      subscribers.set(investigationId, set);
      return async () => {
        set.delete(listener);
        if (set.size === 0 && subscribers.get(investigationId) === set) {
          subscribers.delete(investigationId);
          delivered.delete(investigationId);
        }
      };
    },
    async close() {
      stopReconnect();
      const stop = listening ? await listening.catch(() => undefined) : undefined;
      stop?.();
      subscribers.clear();
      delivered.clear();
    },
  };
}
