import { isSleuthError } from '../common/errors.js';
import type { DataSource } from '../datasources/types.js';
import { createPiiMasker, type PiiMasker } from '../pii/index.js';
import type { SqlExecutor } from '../sql/execute.js';
import { createSchemaInspector } from '../sql/introspect/index.js';
import { createLimiter, type Limiter } from './channel.js';
import { type CircuitBreaker, createCircuitBreaker } from './circuit-breaker.js';
import type { InvestigationTarget, ScopedResult } from './investigate.js';
import { readScopeOf } from './privacy.js';
import type { KnowledgeSearch, SchemaExplorer } from './tools/index.js';

export interface TargetOptions {
  connection: string;
  source: DataSource;
  executor: SqlExecutor;
  knowledge?: KnowledgeSearch;
  /** Shared per connection across investigations (default: 3 concurrent statements). */
  limiter?: Limiter;
  /** Shared per connection: opens after repeated connection failures/timeouts and fails fast for a cooldown. */
  breaker?: CircuitBreaker;
  correlationId?: string;
  /** Optional result cache (memory's query_cache): consulted before running, filled after a success. */
  cache?: QueryCache;
  /** Personal-data masking (admin rules, model view); the built-in detectors with no rules when omitted. */
  pii?: PiiMasker;
  /**
   * Schema discovery to use instead of the executor's own inspector (the composition root passes the caller's view
   * under the access policy: hidden tables invisible, denied columns left out).
   */
  explorer?: SchemaExplorer;
}

export interface QueryCache {
  get(sql: string): Promise<ScopedResult | undefined>;
  put(sql: string, result: ScopedResult): Promise<void>;
}

/** Database failures that mean "the database is in trouble", not "the query was wrong". */
export function isDatabaseOutage(error: unknown): boolean {
  return isSleuthError(error) && (error.code === 'CONNECTION_FAILED' || error.code === 'SQL_TIMEOUT');
}

/**
 * The database side of an investigation: schema exploration and guarded SQL, both through the one executor (guard +
 * read-only path), behind the connection's circuit breaker.
 */
export function createInvestigationTarget(options: TargetOptions): InvestigationTarget {
  const breaker = options.breaker ?? createCircuitBreaker({ name: `db:${options.connection}` });
  const guarded = <T>(work: () => Promise<T>) => breaker.run(work, isDatabaseOutage);
  const inspector = options.explorer ?? createSchemaInspector({ executor: options.executor, source: options.source });
  const execute = (sql: string): Promise<ScopedResult> =>
    guarded(async () => {
      const { verdict, ...result } = await options.executor.execute(options.source, sql, {
        correlationId: options.correlationId,
      });
      return { ...result, read: readScopeOf(verdict, options.connection) };
    });
  const cache = options.cache;
  const runSql = !cache
    ? execute
    : async (sql: string): Promise<ScopedResult> => {
        const hit = await cache.get(sql).catch(() => undefined);
        if (hit) return { ...hit, elapsedMs: 0 };
        const result = await execute(sql);
        await cache.put(sql, result).catch(() => undefined);
        return result;
      };
  return {
    connection: options.connection,
    source: options.source,
    explorer: {
      listTables: () => guarded(() => inspector.listTables()),
      describeTable: (table) => guarded(() => inspector.describeTable(table)),
      sampleRows: (table, limit) => guarded(() => inspector.sampleRows(table, limit)),
      profileColumn: (table, column) => guarded(() => inspector.profileColumn(table, column)),
    },
    runSql,
    knowledge: options.knowledge,
    limiter: options.limiter ?? createLimiter(3),
    pii: options.pii ?? createPiiMasker(),
  };
}
