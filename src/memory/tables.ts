import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface MemoryDatabase {
  sessions: {
    id: string;
    channel: string | null;
    thread: string | null;
    user_id: string | null;
    summary: string | null;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  investigations: {
    id: string;
    session_id: string | null;
    question: string;
    connection: string;
    user_id: string | null;
    status: string;
    answer: unknown;
    error: unknown;
    model: string | null;
    provider: string | null;
    prompt_version: string | null;
    input_tokens: ColumnType<number, number | undefined, number>;
    output_tokens: ColumnType<number, number | undefined, number>;
    cost_usd: ColumnType<string | number, number | undefined, number>;
    steps: ColumnType<number, number | undefined, number>;
    sql_runs: ColumnType<number, number | undefined, number>;
    created_at: Timestamp;
    started_at: Date | string | null;
    finished_at: Date | string | null;
  };
  investigation_events: {
    investigation_id: string;
    seq: number;
    type: string;
    payload: unknown;
    created_at: Timestamp;
  };
  query_cache: {
    key: string;
    connection: string;
    sql: string;
    result: unknown;
    created_at: Timestamp;
    expires_at: Date | string;
  };
  audit_log: {
    id: Generated<string>;
    at: Timestamp;
    actor: string | null;
    action: string;
    connection: string | null;
    investigation_id: string | null;
    sql: string | null;
    verdict: string | null;
    detail: unknown;
  };
}
