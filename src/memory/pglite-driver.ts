/**
 * A Kysely dialect for embedded PGlite (PostgreSQL compiled to WebAssembly). PGlite is one connection, so the driver
 * hands out that connection to one holder at a time (a mutex); transactions run on it with BEGIN/COMMIT/ROLLBACK.
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
} from 'kysely';

export function createPgliteDialect(db: PGlite): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PgliteDriver(db),
    createIntrospector: (kysely: Kysely<unknown>) => new PostgresIntrospector(kysely),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}

class PgliteConnection implements DatabaseConnection {
  constructor(private readonly db: PGlite) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.db.query<R>(compiled.sql, [...compiled.parameters]);
    const affected = result.affectedRows;
    return affected !== undefined && compiled.query.kind !== 'SelectQueryNode'
      ? { rows: result.rows, numAffectedRows: BigInt(affected) }
      : { rows: result.rows };
  }

  // biome-ignore lint/correctness/useYield: streaming is not supported; the method must exist
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite driver does not stream');
  }
}

class PgliteDriver implements Driver {
  private readonly connection: PgliteConnection;
  private queue: Promise<void> = Promise.resolve();
  private release: (() => void) | undefined;

  constructor(private readonly db: PGlite) {
    this.connection = new PgliteConnection(db);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.queue;
    let unlock!: () => void;
    this.queue = new Promise<void>((resolve) => {
      unlock = resolve;
    });
    await previous;
    this.release = unlock;
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await this.db.exec('BEGIN');
    void connection;
  }

  async commitTransaction(): Promise<void> {
    await this.db.exec('COMMIT');
  }

  async rollbackTransaction(): Promise<void> {
    await this.db.exec('ROLLBACK');
  }

  async releaseConnection(): Promise<void> {
    const unlock = this.release;
    this.release = undefined;
    unlock?.();
  }

  async destroy(): Promise<void> {
    await this.db.close();
  }
}
