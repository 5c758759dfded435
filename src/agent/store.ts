import type { FinalAnswer } from './events.js';

/**
 * What the investigation loop needs from memory. The memory store (src/memory) implements it; the loop depends on
 * this narrow port only.
 */
export type InvestigationStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

export interface InvestigationStore {
  createInvestigation(input: {
    id?: string;
    sessionId?: string | null;
    question: string;
    connection: string;
    userId?: string | null;
    status: InvestigationStatus;
    model?: string | null;
    provider?: string | null;
    promptVersion?: string | null;
    startedAt?: Date;
  }): Promise<{ id: string }>;
  updateInvestigation(
    id: string,
    patch: {
      status?: InvestigationStatus;
      answer?: FinalAnswer | null;
      error?: { code: string; message: string } | null;
      inputTokens?: number;
      outputTokens?: number;
      costUsd?: number;
      steps?: number;
      sqlRuns?: number;
      startedAt?: Date;
      finishedAt?: Date;
      model?: string | null;
      provider?: string | null;
      promptVersion?: string | null;
    },
  ): Promise<unknown>;
  appendEvent(
    investigationId: string,
    event: { type: string; payload: unknown },
  ): Promise<{ seq: number; createdAt: Date | string }>;
  /**
   * Appends events in one transaction (consecutive seqs, in order) and, with `steps`, records completed steps' resume
   * states alongside them (replacing any recorded for the same step before), so a step is resumable only once its
   * events are recorded.
   */
  appendEvents(
    investigationId: string,
    events: readonly { type: string; payload: unknown }[],
    steps?: readonly { step: number; state: unknown }[],
  ): Promise<{ seq: number; createdAt: Date | string }[]>;
  /** The recorded steps' resume states, by step number. */
  listSteps(investigationId: string): Promise<{ step: number; state: unknown }[]>;
  getSession(id: string): Promise<{ summary: string | null } | undefined | null>;
  updateSessionSummary(id: string, summary: string): Promise<unknown>;
}
