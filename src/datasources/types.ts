import type { SqlDialect } from '../sql/dialect.js';
import type { QueryResult, ReadOnlyLimits } from '../sql/types.js';

/** A named database connection as configured (already validated). */
export interface ConnectionConfig {
  name: string;
  /** The connection URL: postgres://, postgresql://, mysql://, mariadb://, sqlite:<path>, or mcp://<server>?dialect=... (SQL through an MCP server in mcp.json). Contains secrets: never log it raw. */
  url: string;
  dialect: SqlDialect;
  /** Per-statement timeout; default 30 s. */
  timeoutMs: number;
  /** Row cap per statement; default 10,000. */
  maxRows: number;
  /** Functions the guard allows on this connection beyond its built-in allow-list (`connections.<name>.allowFunctions`). */
  allowFunctions?: readonly string[];
}

/**
 * The port every database adapter implements. `runReadOnly` is the only way SQL reaches a connection, and only
 * `src/sql/execute.ts` may call it (after the guard allowed the statement): it runs exactly one statement inside a
 * read-only transaction with the statement timeout and row cap, and always rolls back.
 */
export interface DataSource {
  readonly name: string;
  readonly dialect: SqlDialect;
  /** The connection's configured statement timeout and row cap (the executor never exceeds them). */
  readonly limits: ReadOnlyLimits;
  runReadOnly(sql: string, params: readonly unknown[], limits: ReadOnlyLimits): Promise<QueryResult>;
  /** True when the connected account could write (a warning is logged at connect recommending a read-only role). */
  canWrite(): Promise<boolean>;
  /** Cheap reachability check; throws CONNECTION_FAILED. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
