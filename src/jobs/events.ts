import type { InvestigationEvent, InvestigationEventBody } from '../agent/events.js';
import type { InvestigationStatus } from '../agent/store.js';
import type { MemoryStore, RecordedEvent } from '../memory/index.js';

/** The memory calls the job layer makes. */
export type JobMemory = Pick<
  MemoryStore,
  'createInvestigation' | 'updateInvestigation' | 'getInvestigation' | 'appendEvent' | 'listEvents'
>;

/** A recorded event as the engine emitted it (the payload is the event body; its type is authoritative). */
export function toInvestigationEvent(recorded: RecordedEvent): InvestigationEvent {
  const body = (recorded.payload ?? {}) as Record<string, unknown>;
  const at = recorded.createdAt instanceof Date ? recorded.createdAt.toISOString() : String(recorded.createdAt);
  return {
    ...body,
    type: recorded.type,
    investigationId: recorded.investigationId,
    seq: recorded.seq,
    at,
  } as InvestigationEvent;
}

/** `done` and `failed` end an investigation's stream (a cancellation is a `failed` with INVESTIGATION_CANCELLED). */
export function isTerminalEvent(event: { type: string }): boolean {
  return event.type === 'done' || event.type === 'failed';
}

export function isFinishedStatus(status: InvestigationStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled' || status === 'interrupted';
}

/**
 * Ends an investigation that the engine never got to end (cancelled while queued, or its setup threw before the engine
 * took it over): the record gets the status and error, and a `failed` event closes its stream.
 */
export async function recordEnd(
  store: JobMemory,
  investigationId: string,
  status: 'failed' | 'cancelled',
  error: { code: string; message: string },
): Promise<InvestigationEvent> {
  await store.updateInvestigation(investigationId, { status, error, finishedAt: new Date() });
  return appendJobEvent(store, investigationId, { type: 'failed', error });
}

/** Appends an event on behalf of the job layer and returns it as emitted. */
export async function appendJobEvent(
  store: JobMemory,
  investigationId: string,
  body: InvestigationEventBody,
): Promise<InvestigationEvent> {
  const { seq, createdAt } = await store.appendEvent(investigationId, { type: body.type, payload: body });
  const at = createdAt instanceof Date ? createdAt.toISOString() : String(createdAt);
  return { ...body, investigationId, seq, at } as InvestigationEvent;
}
