/**
 * The only path from SQL text to a database connection. Every statement, whoever wrote it (model, user, API, MCP,
 * our own introspection helpers), is checked by the guard here and then runs through the adapter's read-only path
 * (read-only transaction, statement timeout, row cap). A rejected statement never reaches a connection.
 *
 * The guard is injected: that is the test-only seam used to prove the databases themselves refuse writes.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { DataSource } from '../datasources/types.js';
import { dbSystemName, NOOP_TRACER, type Tracer, type TraceSpan } from '../telemetry/index.js';
import type { GuardAllowed, GuardPolicy, QueryResult, ReadOnlyLimits, SqlGuard } from './types.js';

export interface ExecuteOptions {
  /** Lower the connection's limits for this statement (never raise them). */
  limits?: Partial<ReadOnlyLimits>;
  policy?: GuardPolicy;
  /** Bound parameters; only our own fixed SQL uses them. */
  params?: readonly unknown[];
  correlationId?: string;
}

export interface ExecutedQuery extends QueryResult {
  /** The guard's verdict for the statement that ran (tables and columns read). */
  verdict: GuardAllowed;
}

export interface SqlExecutor {
  execute(source: DataSource, sql: string, options?: ExecuteOptions): Promise<ExecutedQuery>;
}

export interface SqlExecutorDeps {
  guard: SqlGuard;
  logger: Logger;
  /** A span per statement: connection, dialect, outcome, rows, a fingerprint of the text (never the text). */
  tracer?: Tracer;
}

export function createSqlExecutor(deps: SqlExecutorDeps): SqlExecutor {
  const tracer = deps.tracer ?? NOOP_TRACER;
  const run = async (source: DataSource, sql: string, options: ExecuteOptions, span: TraceSpan) => {
    const verdict = deps.guard.check(sql, source.dialect, options.policy);
    const log = deps.logger.child({ connection: source.name, correlationId: options.correlationId });
    if (!verdict.allowed) {
      span.setAttributes({ 'sleuth.sql.outcome': 'rejected', 'sleuth.guard.code': verdict.code });
      log.info({ guardCode: verdict.code }, 'sql rejected by guard');
      throw new UserError('SQL_REJECTED', `Query refused (${verdict.code}): ${verdict.reason}`, {
        details: { guardCode: verdict.code, reason: verdict.reason },
      });
    }
    span.setAttributes({
      'db.operation.name': verdict.kind,
      'db.collection.name': verdict.tables.map((t) => t.name),
      'sleuth.sql.fingerprint': tracer.enabled ? fingerprint(verdict.sql) : undefined,
    });
    const limits = effectiveLimits(source.limits, options.limits);
    const result = await source.runReadOnly(verdict.sql, options.params ?? [], limits);
    span.setAttributes({
      'sleuth.sql.outcome': 'ok',
      'db.response.returned_rows': result.rowCount,
      'sleuth.sql.truncated': result.truncated,
    });
    log.info(
      {
        kind: verdict.kind,
        tables: verdict.tables.map((t) => t.name),
        rows: result.rowCount,
        truncated: result.truncated,
        ms: result.elapsedMs,
      },
      'sql executed',
    );
    return { ...result, verdict };
  };
  return {
    execute(source, sql, options = {}) {
      const attributes = { 'sleuth.connection': source.name, 'db.system.name': dbSystemName(source.dialect) };
      return tracer.span('sleuth.sql', attributes, (span) => run(source, sql, options, span));
    },
  };
}

/** Groups identical statements in traces without exporting their text (literals can carry user data). */
function fingerprint(sql: string): string {
  return createHash('sha256').update(sql).digest('hex').slice(0, 16);
}

export function effectiveLimits(base: ReadOnlyLimits, wanted: Partial<ReadOnlyLimits> = {}): ReadOnlyLimits {
  return {
    timeoutMs: Math.min(base.timeoutMs, wanted.timeoutMs ?? base.timeoutMs),
    maxRows: Math.min(base.maxRows, wanted.maxRows ?? base.maxRows),
  };
}
