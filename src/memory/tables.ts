import type { ColumnType, Generated, Selectable } from 'kysely';

/**
 * The memory database as Kysely sees it (snake_case, as created by ./migrations). Drivers return timestamptz as Date
 * and jsonb already parsed; numeric comes back as a string (pg) and is converted by the store.
 */

/** Defaults to now() on insert. */
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Counter = ColumnType<number, number | undefined, number>;
/** jsonb: written as a JSON text (the store stringifies), read back parsed by the driver. */
type Json = ColumnType<unknown, string, string>;
type NullableJson = ColumnType<unknown, string | null, string | null>;

export interface SessionsTable {
  id: string;
  channel: string | null;
  thread: string | null;
  user_id: string | null;
  summary: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface InvestigationsTable {
  id: string;
  session_id: string | null;
  question: string;
  connection: string;
  user_id: string | null;
  status: string;
  answer: NullableJson;
  error: NullableJson;
  model: string | null;
  provider: string | null;
  prompt_version: string | null;
  input_tokens: Counter;
  output_tokens: Counter;
  cost_usd: ColumnType<string | number, number | undefined, number>;
  steps: Counter;
  sql_runs: Counter;
  /** Highest event seq handed out so far (migration 0002): the per-investigation counter row for appendEvent. */
  last_seq: Counter;
  created_at: CreatedAt;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export interface InvestigationEventsTable {
  investigation_id: string;
  seq: number;
  type: string;
  payload: Json;
  created_at: CreatedAt;
}

/** Migration 0007: one row per completed step, what a takeover resumes from (see src/agent/steps/resume.ts). */
export interface InvestigationStepsTable {
  investigation_id: string;
  step: number;
  state: Json;
}

export interface QueryCacheTable {
  key: string;
  connection: string;
  sql: string;
  result: Json;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<string | number>;
  at: CreatedAt;
  actor: string | null;
  action: string;
  connection: string | null;
  investigation_id: string | null;
  sql: string | null;
  verdict: string | null;
  detail: NullableJson;
  /** Migration 0005: who and from where, and what a statement did. */
  actor_kind: string | null;
  actor_label: string | null;
  workspace: string | null;
  channel: string | null;
  code: string | null;
  row_count: number | null;
  duration_ms: number | null;
  /** Migration 0007: the entry's id in the embedded memory's journal, when it came through it (unique). */
  journal_id: string | null;
}

/** Migration 0005: one token bucket per key (e.g. "user:slack:U123:questions"); ms from the limits' clock. */
export interface LimitBucketsTable {
  key: string;
  tokens: number;
  updated_ms: ColumnType<string | number, number, number>;
}

/** A concurrency slot of a scope, held by a lease until it is released or expires. */
export interface LimitLeasesTable {
  scope: string;
  slot: number;
  lease_id: string;
  expires_ms: ColumnType<string | number, number, number>;
}

/** Model spend settled per scope and UTC day (YYYY-MM-DD). */
export interface LimitSpendTable {
  scope: string;
  day: string;
  spent_usd: ColumnType<number, number | undefined, number>;
}

/** Cost reserved by a running investigation, per scope; expires with its lease when the process dies. */
export interface LimitReservationsTable {
  id: string;
  scope: string;
  day: string;
  amount_usd: number;
  expires_ms: ColumnType<string | number, number, number>;
}

export interface KnowledgeStatusTable {
  name: string;
  connection: string;
  content_hash: string;
  schema_fingerprint: string | null;
  stale: boolean;
  stale_reason: string | null;
  checked_at: Timestamp;
}

export interface KnowledgeVectorsTable {
  kind: string;
  id: string;
  connection: string | null;
  vector: Json;
  payload: Json;
}

export interface KnowledgeCollectionsTable {
  kind: string;
  dimension: number;
}

export interface KnowledgeProposalsTable {
  id: string;
  question: string;
  sql: string;
  connection: string;
  investigation_id: string | null;
  proposed_by: string | null;
  note: string | null;
  status: string;
  decided_by: string | null;
  decided_at: Timestamp | null;
  created_at: Timestamp;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  key_hash: string;
  /** 'member' | 'admin' (0006_api_key_roles). */
  role: Generated<string>;
  created_by: string | null;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface MemoryDatabase {
  api_keys: ApiKeysTable;
  knowledge_status: KnowledgeStatusTable;
  knowledge_vectors: KnowledgeVectorsTable;
  knowledge_collections: KnowledgeCollectionsTable;
  knowledge_proposals: KnowledgeProposalsTable;
  sessions: SessionsTable;
  investigations: InvestigationsTable;
  investigation_events: InvestigationEventsTable;
  investigation_steps: InvestigationStepsTable;
  query_cache: QueryCacheTable;
  audit_log: AuditLogTable;
  limit_buckets: LimitBucketsTable;
  limit_leases: LimitLeasesTable;
  limit_spend: LimitSpendTable;
  limit_reservations: LimitReservationsTable;
}

export type SessionRow = Selectable<SessionsTable>;
export type InvestigationRow = Selectable<InvestigationsTable>;
