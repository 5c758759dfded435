/**
 * One error base with stable codes. Subclasses say whose fault it is:
 * - UserError: bad input or config (the user can fix it)
 * - UpstreamError: a database, model API or other external system failed
 * - BugError: our own invariant broke
 * Expected outcomes (a guard rejection, a FAQ miss) are values, not exceptions; they become
 * errors only at a boundary that must stop (e.g. the executor refusing to run rejected SQL).
 * Front ends translate these to text/HTTP/MCP in one place each; messages never carry secrets.
 */

export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'PERMISSION_DENIED'
  | 'USAGE'
  | 'SQL_REJECTED'
  | 'SQL_TIMEOUT'
  | 'SQL_ERROR'
  | 'CONNECTION_FAILED'
  | 'CONNECTION_UNKNOWN'
  | 'CIRCUIT_OPEN'
  | 'INVESTIGATION_CANCELLED'
  | 'INVESTIGATION_ABANDONED'
  | 'JOB_HANDED_BACK'
  | 'NOT_FOUND'
  | 'MODEL_RATE_LIMITED'
  | 'MODEL_UNAVAILABLE'
  | 'MODEL_TIMEOUT'
  | 'MODEL_ERROR'
  | 'MODEL_NOT_CONFIGURED'
  | 'MEMORY_ERROR'
  | 'KNOWLEDGE_INVALID'
  | 'VECTOR_INDEX_ERROR'
  | 'EMBEDDINGS_UNAVAILABLE'
  | 'SLACK_API_ERROR'
  | 'CHART_ERROR'
  | 'CASSETTE_MISS'
  | 'CASSETTE_INVALID'
  | 'RATE_LIMITED'
  | 'TOO_MANY_CONCURRENT'
  | 'BUDGET_EXHAUSTED'
  | 'QUERY_TOO_EXPENSIVE'
  | 'INVALID_REQUEST'
  | 'UNAUTHORIZED'
  | 'CONFLICT'
  | 'SHUTTING_DOWN'
  | 'INTERNAL';

export type ErrorFault = 'user' | 'upstream' | 'bug';

export interface SleuthErrorOptions {
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class SleuthError extends Error {
  readonly code: ErrorCode;
  readonly fault: ErrorFault;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, fault: ErrorFault, message: string, options: SleuthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.fault = fault;
    this.details = options.details ?? {};
  }
}

export class UserError extends SleuthError {
  constructor(code: ErrorCode, message: string, options?: SleuthErrorOptions) {
    super(code, 'user', message, options);
  }
}

export class UpstreamError extends SleuthError {
  constructor(code: ErrorCode, message: string, options?: SleuthErrorOptions) {
    super(code, 'upstream', message, options);
  }
}

export class BugError extends SleuthError {
  constructor(message: string, options?: SleuthErrorOptions) {
    super('INTERNAL', 'bug', message, options);
  }
}

/** A bad configuration: one entry per problem, each a complete sentence naming the setting. */
export class ConfigError extends UserError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('CONFIG_INVALID', `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      details: { problems },
    });
    this.problems = problems;
  }
}

export class UsageError extends UserError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

export function isSleuthError(value: unknown): value is SleuthError {
  return value instanceof SleuthError;
}
