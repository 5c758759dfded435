import type { SqlDialect } from './dialect.js';

/** A table the query reads, as written (unquoted, original case kept; schema if qualified). */
export interface TableRef {
  schema?: string;
  name: string;
}

/**
 * A column the query reads. `table` is the real table name the column belongs to when its qualifier names one
 * (aliases resolved; one entry per candidate when an alias is reused), else undefined: unqualified, or qualified by
 * a CTE or subquery, so it may belong to any table of the statement. `column` is '*' for a star expansion (and for a
 * PostgreSQL whole-row reference). See src/sql/guard/columns.ts for the exact contract.
 */
export interface ColumnRef {
  table?: string;
  column: string;
  /**
   * 'output': a bare column or star of the outermost SELECT list (not a set operation): its values reach the result
   * unchanged. 'read': any other use (filtered, joined, grouped, sorted, computed on, in a subquery or CTE).
   */
  usage?: 'output' | 'read';
  /** For an output column (not a star): the name of the result column it becomes (its alias, else its name). */
  as?: string;
  /**
   * True when written with a qualifier naming a real table (`c.x`, PostgreSQL `(c).x`): on PostgreSQL `c.x` where the
   * table has no column x calls a function x(c) (functional notation), so the policy refuses names it cannot match.
   */
  qualified?: boolean;
}

/** Stable guard rejection codes. Keep in sync with docs; other tools depend on them. */
export type GuardCode =
  | 'EMPTY_STATEMENT'
  | 'PARSE_ERROR'
  | 'MULTIPLE_STATEMENTS'
  | 'EXECUTABLE_COMMENT'
  | 'OPTIMIZER_HINT'
  | 'WRITE_STATEMENT'
  | 'TRANSACTION_CONTROL'
  | 'SESSION_CONTROL'
  | 'SELECT_INTO'
  | 'FORBIDDEN_STATEMENT'
  | 'LOCKING_READ'
  | 'DENIED_FUNCTION'
  | 'DENIED_RELATION'
  | 'FUNCTION_NOT_ALLOWED'
  | 'CAST_NOT_ALLOWED'
  | 'EXPLAIN_ANALYZE'
  | 'TOO_LONG'
  /** The guard's dialect lexer and the parser read the text differently (comments, strings, identifiers). */
  | 'SQL_AMBIGUOUS'
  /** Too deep, too many tokens, or the parser did not finish within its time budget. */
  | 'SQL_TOO_COMPLEX';

export type StatementKind = 'select' | 'values' | 'explain' | 'show' | 'describe';

export interface GuardAllowed {
  allowed: true;
  dialect: SqlDialect;
  kind: StatementKind;
  /**
   * The statement exactly as it will be sent: the input with surrounding whitespace, trailing comments and
   * trailing semicolons removed. Nothing else is rewritten, so what runs is what was inspected.
   */
  sql: string;
  tables: TableRef[];
  columns: ColumnRef[];
  /** Names (lower case) used as function calls anywhere in the statement, from the tokens. */
  functions?: string[];
}

export interface GuardRejected {
  allowed: false;
  dialect: SqlDialect;
  code: GuardCode;
  /** One human sentence: what was found and why it is refused. Never includes data. */
  reason: string;
}

export type GuardVerdict = GuardAllowed | GuardRejected;

/** Per-deployment additions to the built-in policy. The built-in deny list can only be extended, never relaxed. */
export interface GuardPolicy {
  extraDeniedFunctions?: readonly string[];
  /**
   * Functions allowed on top of the built-in allow-list (src/sql/guard/functions.ts), e.g. a connection's reviewed
   * user-defined functions (`connections.<name>.allowFunctions`). Names as `name` or `schema.name`.
   */
  allowFunctions?: readonly string[];
  /** Reject inputs longer than this many characters (default 100_000). */
  maxLength?: number;
}

export interface SqlGuard {
  /** In-process and synchronous (tests, trusted text such as view definitions). */
  check(sql: string, dialect: SqlDialect, policy?: GuardPolicy): GuardVerdict;
  /**
   * Never blocks the event loop: MariaDB/SQLite parsing runs in a worker-thread pool with a per-statement time budget
   * (refused with SQL_TOO_COMPLEX past it). Every path that serves a request uses this (see `verifySql`).
   */
  verify?(sql: string, dialect: SqlDialect, policy?: GuardPolicy): Promise<GuardVerdict>;
  /**
   * A statement of this dialect is coming: start what `verify` will need (a worker warmed for the dialect) now, so it
   * boots while the caller does other work (cold start of `sleuth sql`). Optional; never fails.
   */
  prepare?(dialect: SqlDialect): void;
}

export interface ResultColumn {
  name: string;
  /** The database's type name for the column, lower case where known (e.g. "int4", "varchar", "decimal"); "unknown" otherwise. */
  type: string;
}

/** A typed query result. Rows are arrays aligned with `columns` (duplicate column names are allowed). */
export interface QueryResult {
  columns: ResultColumn[];
  rows: unknown[][];
  /** Rows returned (<= row cap). */
  rowCount: number;
  /** True when the database had more rows than the cap; the extra rows were not fetched. */
  truncated: boolean;
  elapsedMs: number;
}

export interface ReadOnlyLimits {
  /** Statement timeout in milliseconds. */
  timeoutMs: number;
  /** Most rows returned; more are cut and flagged via `truncated`. */
  maxRows: number;
}
