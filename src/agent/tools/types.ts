import type { z } from 'zod';
import type { DataSource } from '../../datasources/types.js';
import type { PiiSession } from '../../pii/index.js';
import type { ColumnProfile } from '../../sql/introspect/types.js';
import type { QueryResult } from '../../sql/types.js';
import type { FinalAnswer, InvestigationEventBody } from '../events.js';
import type { ScopedResult } from '../investigate.js';

/** What the schema tools need from introspection (adapted from src/sql's inspector in the composition root). */
export interface SchemaExplorer {
  listTables(): Promise<unknown[]>;
  describeTable(table: string): Promise<unknown>;
  sampleRows(table: string, limit: number): Promise<QueryResult>;
  profileColumn(table: string, column: string): Promise<ColumnProfile>;
}

/** Knowledge-base search (verified queries, docs). Until the knowledge base exists it returns nothing. */
export interface KnowledgeSearch {
  search(query: string, options: { connection: string; limit: number }): Promise<KnowledgeHit[]>;
}

export interface KnowledgeHit {
  kind: 'verified_query' | 'doc' | 'table';
  title: string;
  text: string;
  sql?: string;
  score: number;
}

export interface RunSqlOutcome {
  result: QueryResult;
  sql: string;
}

/** Per-investigation state the tools share: what ran, what failed, what the plan is. */
export interface InvestigationState {
  sqlRuns: number;
  /** Normalised statements that failed, with the error shown, so the identical statement is never re-run. */
  failedSql: Map<string, string>;
  /** Statements that succeeded, for citing evidence in a partial answer. */
  succeededSql: { sql: string; rowCount: number; columns?: string[] }[];
  planRevision: number;
}

export interface ToolContext {
  callId: string;
  connection: string;
  source: DataSource;
  explorer: SchemaExplorer;
  knowledge: KnowledgeSearch;
  /** Runs guarded, read-only SQL through the executor (and the query cache / circuit breaker). */
  runSql(sql: string): Promise<ScopedResult>;
  emit(event: InvestigationEventBody): Promise<void>;
  /** Personal-data masking: forPeople for events, forModel for tool results (see ../privacy.ts). */
  privacy: PiiSession;
  state: InvestigationState;
  maxSqlRuns: number;
}

export interface ToolOutcome {
  /** What the model sees as the tool result (already summarised and bounded). */
  content: string;
  isError?: boolean;
  /** Set by `finish`: the investigation ends with this answer. */
  finish?: FinalAnswer;
}

export interface ToolDefinition<Input = unknown> {
  name: string;
  description: string;
  input: z.ZodType<Input>;
  /** One short line for progress displays ("describe orders"). */
  summarize(input: Input): string;
  run(input: Input, context: ToolContext): Promise<ToolOutcome>;
}
