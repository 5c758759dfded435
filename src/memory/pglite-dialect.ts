/**
 * A Kysely dialect for embedded PGlite (PostgreSQL compiled to WebAssembly, @electric-sql/pglite 0.5).
 *
 * PGlite is a single connection, so the driver hands that one connection to one holder at a time (a FIFO mutex held
 * from acquireConnection to releaseConnection). A Kysely transaction holds it across BEGIN ... COMMIT/ROLLBACK, so
 * statements from other callers never interleave with an open transaction. SQL generation, introspection and the
 * adapter (advisory-lock migrations, transactional DDL) are Kysely's PostgreSQL ones.
 */
import type { PGlite } from '@electric-sql/pglite';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

export interface PgliteDialectOptions {
  /** An open PGlite instance (`await PGlite.create(...)`); the dialect owns it and closes it on `db.destroy()`. */
  pglite: PGlite;
}

export class PgliteDialect implements Dialect {
  constructor(private readonly options: PgliteDialectOptions) {}

  createAdapter() {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PgliteDriver(this.options.pglite);
  }

  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

const WRITE_KINDS = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode', 'MergeQueryNode']);

class PgliteConnection implements DatabaseConnection {
  constructor(private readonly pglite: PGlite) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.pglite.query<R>(compiled.sql, [...compiled.parameters]);
    // affectedRows is cumulative over a multi-statement string; query() runs one statement, so both agree.
    const affected = result.rowCount ?? result.affectedRows;
    if (affected !== undefined && WRITE_KINDS.has(compiled.query.kind)) {
      return { rows: result.rows, numAffectedRows: BigInt(affected) };
    }
    return { rows: result.rows };
  }

  // biome-ignore lint/correctness/useYield: streaming is not supported; Kysely requires the method to exist
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('The PGlite driver does not support streaming queries.');
  }
}

class PgliteDriver implements Driver {
  private readonly connection: PgliteConnection;
  /** Settles when the current holder releases; each acquirer chains onto it (FIFO). */
  private tail: Promise<void> = Promise.resolve();
  private unlock: (() => void) | undefined;

  constructor(private readonly pglite: PGlite) {
    this.connection = new PgliteConnection(pglite);
  }

  async init(): Promise<void> {
    await this.pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.tail;
    let unlock!: () => void;
    this.tail = new Promise<void>((resolve) => {
      unlock = resolve;
    });
    await previous;
    this.unlock = unlock;
    return this.connection;
  }

  async beginTransaction(_connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let statement = 'BEGIN';
    if (settings.isolationLevel) statement += ` ISOLATION LEVEL ${settings.isolationLevel.toUpperCase()}`;
    if (settings.accessMode) statement += ` ${settings.accessMode.toUpperCase()}`;
    await this.pglite.query(statement);
  }

  async commitTransaction(): Promise<void> {
    await this.pglite.query('COMMIT');
  }

  async rollbackTransaction(): Promise<void> {
    await this.pglite.query('ROLLBACK');
  }

  async releaseConnection(): Promise<void> {
    const unlock = this.unlock;
    this.unlock = undefined;
    unlock?.();
  }

  async destroy(): Promise<void> {
    // Wait for the current holder (and everyone queued before us) so close() never cuts a transaction short.
    await this.acquireConnection();
    try {
      if (!this.pglite.closed) await this.pglite.close();
    } finally {
      await this.releaseConnection();
    }
  }
}
