import type { FinalAnswer } from '../agent/events.js';
import type { InvestigationStatus, InvestigationStore } from '../agent/store.js';

export interface InvestigationSummary {
  id: string;
  sessionId: string | null;
  question: string;
  connection: string;
  userId: string | null;
  status: InvestigationStatus;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface InvestigationRecord extends InvestigationSummary {
  answer: FinalAnswer | null;
  error: { code: string; message: string } | null;
  model: string | null;
  provider: string | null;
  promptVersion: string | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  steps: number;
  sqlRuns: number;
  startedAt: Date | null;
}

export interface RecordedEvent {
  seq: number;
  type: string;
  payload: unknown;
  createdAt: Date;
}

export interface AuditEntry {
  actor?: string | null;
  action: string;
  connection?: string | null;
  investigationId?: string | null;
  sql?: string | null;
  verdict?: string | null;
  detail?: unknown;
}

export interface Session {
  id: string;
  channel: string | null;
  thread: string | null;
  userId: string | null;
  summary: string | null;
}

/** Sleuth's memory: the engine's InvestigationStore plus sessions, history, replay, cache and audit. */
export interface MemoryStore extends InvestigationStore {
  readonly backend: 'pglite' | 'postgres';
  createSession(input: { channel?: string; thread?: string; userId?: string }): Promise<Session>;
  findSession(input: { channel: string; thread: string }): Promise<Session | undefined>;
  listInvestigations(filter?: { userId?: string; sessionId?: string; limit?: number }): Promise<InvestigationSummary[]>;
  getInvestigation(id: string): Promise<InvestigationRecord | undefined>;
  listEvents(investigationId: string): Promise<RecordedEvent[]>;
  /** Marks every queued/running investigation as interrupted (call at startup); returns how many. */
  markInterrupted(): Promise<number>;
  getCached(key: string): Promise<unknown | undefined>;
  putCached(entry: {
    connection: string;
    dataVersion: string;
    sql: string;
    result: unknown;
    ttlMs: number;
  }): Promise<string>;
  cleanupExpired(): Promise<number>;
  appendAudit(entry: AuditEntry): Promise<void>;
  listAudit(filter?: { limit?: number }): Promise<(AuditEntry & { at: Date })[]>;
  close(): Promise<void>;
}
