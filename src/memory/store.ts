import type { FinalAnswer } from '../agent/events.js';
import type { InvestigationStatus, InvestigationStore } from '../agent/store.js';
import type { ApiKeyMemory } from './api-keys-memory.js';
import type { KnowledgeMemory } from './knowledge-memory.js';
import type { LimitsMemory } from './limits-memory.js';

/** One Slack thread or API session: investigations in it share a rolling summary used as context. */
export interface Session {
  id: string;
  channel: string | null;
  thread: string | null;
  userId: string | null;
  summary: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What history listings show: no answer body, no event stream. */
export interface InvestigationSummary {
  id: string;
  sessionId: string | null;
  question: string;
  connection: string;
  userId: string | null;
  status: InvestigationStatus;
  createdAt: Date;
  startedAt: Date | null;
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
}

/** A stored event, payload as it was appended (JSON round-tripped). */
export interface RecordedEvent {
  investigationId: string;
  seq: number;
  type: string;
  payload: unknown;
  createdAt: Date;
}

/** One audit log entry. `actor` is the actor's id; the other who/where fields come from the Actor (src/common). */
export interface AuditEntry {
  actor?: string | null;
  actorKind?: string | null;
  actorLabel?: string | null;
  workspace?: string | null;
  channel?: string | null;
  action: string;
  connection?: string | null;
  investigationId?: string | null;
  sql?: string | null;
  /** allowed | rejected (guard) | refused (a limit, budget or permission) | error */
  verdict?: string | null;
  /** The stable error or refusal code (SQL_REJECTED, RATE_LIMITED...). */
  code?: string | null;
  rowCount?: number | null;
  durationMs?: number | null;
  detail?: unknown;
  /** When it happened (the caller's clock); the database's now() when omitted. */
  at?: Date;
  /**
   * The entry's id in the embedded memory's journal, when it is moved from there: an entry with an id already in the
   * log is skipped (moving is idempotent).
   */
  journalId?: string;
}

export interface AuditRecord {
  id: number;
  at: Date;
  actor: string | null;
  actorKind: string | null;
  actorLabel: string | null;
  workspace: string | null;
  channel: string | null;
  action: string;
  connection: string | null;
  investigationId: string | null;
  sql: string | null;
  verdict: string | null;
  code: string | null;
  rowCount: number | null;
  durationMs: number | null;
  detail: unknown;
}

export interface AuditFilter {
  /** Newest first by default; at most this many (default 100). */
  limit?: number;
  /** Entries at or after this instant. */
  since?: Date;
  /** Entries before this instant. */
  until?: Date;
  /** The actor's id. */
  actor?: string;
  actions?: readonly string[];
  verdicts?: readonly string[];
}

export interface CacheEntry {
  connection: string;
  /** Changes when the data behind the connection changes (e.g. a demo fingerprint); part of the key. */
  dataVersion: string;
  sql: string;
  /** Any JSON-serialisable value (Dates become ISO strings, bigint is not allowed). */
  result: unknown;
  ttlMs: number;
}

/**
 * Sleuth's memory: the engine's InvestigationStore plus sessions, history, replay, the query cache and the audit log.
 * Every database failure surfaces as UpstreamError('MEMORY_ERROR') with a redacted message.
 */
export interface MemoryStore extends InvestigationStore {
  readonly backend: 'pglite' | 'postgres';
  /** Knowledge base state: verified-query status, embedded vectors, proposals. */
  readonly knowledge: KnowledgeMemory;
  /** Shared state of the rate, concurrency and cost limits (atomic statements; safe across processes). */
  readonly limits: LimitsMemory;
  /** API keys (hashes only) for the HTTP API. */
  readonly apiKeys: ApiKeyMemory;
  appendEvent(
    investigationId: string,
    event: { type: string; payload: unknown },
  ): Promise<{ seq: number; createdAt: Date }>;
  appendEvents(
    investigationId: string,
    events: readonly { type: string; payload: unknown }[],
    steps?: readonly { step: number; state: unknown }[],
  ): Promise<{ seq: number; createdAt: Date }[]>;
  getSession(id: string): Promise<Session | undefined>;
  /** Replaces the summary and bumps updated_at. */
  updateSessionSummary(id: string, summary: string): Promise<void>;
  /** With both channel and thread set, returns the existing session of that thread instead of a duplicate. */
  createSession(input: { channel?: string | null; thread?: string | null; userId?: string | null }): Promise<Session>;
  findSession(input: { channel: string; thread: string }): Promise<Session | undefined>;
  /** Newest first (default limit 50). */
  listInvestigations(filter?: { userId?: string; sessionId?: string; limit?: number }): Promise<InvestigationSummary[]>;
  getInvestigation(id: string): Promise<InvestigationRecord | undefined>;
  /** Ordered by seq. */
  listEvents(investigationId: string): Promise<RecordedEvent[]>;
  /** Marks every queued/running investigation interrupted (call at startup, before serving); returns how many. */
  markInterrupted(): Promise<number>;
  /** The cached result for a key from cacheKey()/putCached(), or undefined when missing or expired. */
  getCached(key: string): Promise<unknown>;
  /** Stores (or replaces) a result; returns its key. */
  putCached(entry: CacheEntry): Promise<string>;
  /** Deletes expired cache entries; returns how many. */
  cleanupExpired(): Promise<number>;
  /** Appends one entry; the audit log is append-only (the database refuses UPDATE). */
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Newest first (default limit 100). */
  listAudit(filter?: AuditFilter): Promise<AuditRecord[]>;
  /** Retention: deletes the entries older than `before`; returns how many. */
  purgeAudit(before: Date): Promise<number>;
  /** Closes the pool or the embedded database; waits for an open transaction. */
  close(): Promise<void>;
}
