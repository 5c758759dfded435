/**
 * The only path from SQL text to a database connection. Every statement, whoever wrote it (model, user, API, MCP,
 * our own introspection helpers), is checked by the guard here and then runs through the adapter's read-only path
 * (read-only transaction, statement timeout, row cap). A rejected statement never reaches a connection.
 *
 * With a query cost budget for the connection, a SELECT is first EXPLAINed (the EXPLAIN passes the guard and the
 * read-only path too) and refused with QUERY_TOO_EXPENSIVE when the planner's estimate is over budget. Sleuth's
 * own catalog and introspection statements (`introspection: true`) are exempt.
 *
 * The guard is injected: that is the test-only seam used to prove the databases themselves refuse writes.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { DataSource } from '../datasources/types.js';
import { dbSystemName, NOOP_TRACER, type Tracer, type TraceSpan } from '../telemetry/index.js';
import {
  checkQueryBudget,
  explainStatement,
  type PlanEstimate,
  parseExplain,
  type QueryBudget,
  queryTooExpensive,
} from './budget/index.js';
import { INTROSPECTION_FUNCTIONS, verifySql } from './guard/index.js';
import type { GuardAllowed, GuardPolicy, QueryResult, ReadOnlyLimits, SqlGuard } from './types.js';

export interface ExecuteOptions {
  /** Lower the connection's limits for this statement (never raise them). */
  limits?: Partial<ReadOnlyLimits>;
  policy?: GuardPolicy;
  /** Bound parameters; only our own fixed SQL uses them. */
  params?: readonly unknown[];
  correlationId?: string;
  /**
   * Sleuth's own catalog/introspection SQL (fixed statements over the catalog, samples with a small LIMIT): exempt
   * from the query cost budget. Never set for SQL written by a model, a user or a client.
   */
  introspection?: boolean;
}

export interface ExecutedQuery extends QueryResult {
  /** The guard's verdict for the statement that ran (tables and columns read). */
  verdict: GuardAllowed;
  /** The planner's estimate, when the cost budget checked the statement. */
  estimate?: PlanEstimate;
}

export interface SqlExecutor {
  execute(source: DataSource, sql: string, options?: ExecuteOptions): Promise<ExecutedQuery>;
}

export interface SqlExecutorDeps {
  guard: SqlGuard;
  logger: Logger;
  /** The cost budget for a connection; undefined (or no resolver) means statements are not EXPLAINed first. */
  queryBudget?: (source: DataSource) => QueryBudget | undefined;
  /** A span per statement: connection, dialect, outcome, rows, a fingerprint of the text (never the text). */
  tracer?: Tracer;
  /** The connection's own guard additions (its reviewed `allowFunctions`), merged into every check on it. */
  guardPolicy?: (source: DataSource) => GuardPolicy | undefined;
}

/**
 * The guard policy for one statement: the caller's, the connection's, and for Sleuth's own introspection statements
 * the catalog functions they call (never for SQL from a model, a user or a client).
 */
export function statementGuardPolicy(
  source: DataSource,
  options: Pick<ExecuteOptions, 'policy' | 'introspection'>,
  connection: GuardPolicy | undefined,
): GuardPolicy {
  const allowFunctions = [
    ...(options.policy?.allowFunctions ?? []),
    ...(connection?.allowFunctions ?? []),
    ...(options.introspection ? INTROSPECTION_FUNCTIONS[source.dialect] : []),
  ];
  return { ...options.policy, allowFunctions };
}

/** EXPLAIN is planning only; it gets at most this long even when the connection's timeout is longer. */
const EXPLAIN_TIMEOUT_MS = 10_000;

export function createSqlExecutor(deps: SqlExecutorDeps): SqlExecutor {
  async function estimateWithinBudget(
    source: DataSource,
    verdict: GuardAllowed,
    options: ExecuteOptions,
    limits: ReadOnlyLimits,
    log: Logger,
  ): Promise<PlanEstimate | undefined> {
    if (options.introspection || verdict.kind !== 'select') return undefined;
    const budget = deps.queryBudget?.(source);
    if (!budget) return undefined;
    const explainSql = explainStatement(source.dialect, verdict.sql);
    if (!explainSql) return undefined;
    const explainVerdict = await verifySql(
      deps.guard,
      explainSql,
      source.dialect,
      statementGuardPolicy(source, options, deps.guardPolicy?.(source)),
    );
    if (!explainVerdict.allowed) {
      log.warn({ guardCode: explainVerdict.code }, 'query budget: the guard refused the EXPLAIN; running unestimated');
      return undefined;
    }
    // A planning error (unknown column...) is the statement's own error: it surfaces as it would have.
    const plan = await source.runReadOnly(explainVerdict.sql, options.params ?? [], {
      timeoutMs: Math.min(limits.timeoutMs, EXPLAIN_TIMEOUT_MS),
      maxRows: 10,
    });
    const estimate = parseExplain(source.dialect, plan.rows[0]?.[0], verdict.sql);
    if (!estimate) {
      log.warn('query budget: the EXPLAIN output was not understood; running unestimated');
      return undefined;
    }
    const breach = checkQueryBudget(estimate, budget);
    if (breach) {
      log.info({ estimate, over: breach.over }, 'sql refused by the query cost budget');
      throw queryTooExpensive(source.name, source.dialect, breach);
    }
    return estimate;
  }

  const tracer = deps.tracer ?? NOOP_TRACER;
  const run = async (source: DataSource, sql: string, options: ExecuteOptions, span: TraceSpan) => {
    const verdict = await verifySql(
      deps.guard,
      sql,
      source.dialect,
      statementGuardPolicy(source, options, deps.guardPolicy?.(source)),
    );
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
    const estimate = await estimateWithinBudget(source, verdict, options, limits, log).catch((error: unknown) => {
      span.setAttributes({ 'sleuth.sql.outcome': 'refused' });
      throw error;
    });
    if (estimate)
      span.setAttributes({ 'sleuth.sql.estimated_rows': estimate.rows, 'sleuth.sql.estimated_cost': estimate.cost });
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
        ...(estimate ? { estimate } : {}),
      },
      'sql executed',
    );
    return estimate ? { ...result, verdict, estimate } : { ...result, verdict };
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
