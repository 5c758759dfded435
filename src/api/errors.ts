/**
 * The HTTP edge's one translation of errors: a SleuthError's stable code becomes a status and
 * `{ error: { code, message } }`. Messages are the error's own (secrets redacted) when the caller can act on them;
 * internal failures (bugs, Sleuth's own memory, configuration) get a fixed sentence and the request id, so stack
 * traces, SQL parameters, hostnames and secrets never reach a client. The full error goes to the log.
 */
import type { z } from 'zod';
import { type ErrorCode, isSleuthError, type SleuthError, UserError } from '../common/errors.js';
import { redactSecrets } from '../common/redact.js';

/** Exhaustive: a new ErrorCode does not compile until it has a status here. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  INVALID_REQUEST: 400,
  USAGE: 400,
  KNOWLEDGE_INVALID: 400,
  CONNECTION_UNKNOWN: 400,
  UNAUTHORIZED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVESTIGATION_CANCELLED: 409,
  SQL_REJECTED: 422,
  SQL_ERROR: 422,
  QUERY_TOO_EXPENSIVE: 422,
  RATE_LIMITED: 429,
  TOO_MANY_CONCURRENT: 429,
  BUDGET_EXHAUSTED: 429,
  CONFIG_INVALID: 500,
  CHART_ERROR: 500,
  CASSETTE_MISS: 500,
  CASSETTE_INVALID: 500,
  INTERNAL: 500,
  INVESTIGATION_ABANDONED: 500,
  CONNECTION_FAILED: 502,
  MODEL_ERROR: 502,
  SLACK_API_ERROR: 502,
  VECTOR_INDEX_ERROR: 502,
  CIRCUIT_OPEN: 503,
  MODEL_RATE_LIMITED: 503,
  MODEL_UNAVAILABLE: 503,
  MODEL_NOT_CONFIGURED: 503,
  MEMORY_ERROR: 503,
  EMBEDDINGS_UNAVAILABLE: 503,
  SHUTTING_DOWN: 503,
  JOB_HANDED_BACK: 503,
  SQL_TIMEOUT: 504,
  MODEL_TIMEOUT: 504,
};

/** Codes whose own message may say too much about the server: clients get this sentence instead. */
const FIXED_MESSAGES: Partial<Record<ErrorCode, string>> = {
  INTERNAL: 'Sleuth hit an internal error; the server log has the details.',
  CONFIG_INVALID: 'Sleuth is not configured correctly; the server log has the details.',
  MEMORY_ERROR: "Sleuth's memory store is unavailable; the server log has the details.",
  CASSETTE_MISS: 'Sleuth hit an internal error; the server log has the details.',
  CASSETTE_INVALID: 'Sleuth hit an internal error; the server log has the details.',
};

export interface ValidationIssue {
  /** Where: body, query or path, then the field path (`body.question`). */
  path: string;
  message: string;
}

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    /** Set on server-side failures, to find the log line. */
    requestId?: string;
    /** SQL_REJECTED: the guard's code (WRITE_STATEMENT, MULTIPLE_STATEMENTS...). */
    guardCode?: string;
    /** INVALID_REQUEST from validation: one entry per problem. */
    issues?: ValidationIssue[];
  };
}

export interface HttpProblem {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  /** True when the failure is ours (log it as an error with the cause). */
  serverFault: boolean;
}

/** Thrown by request validation: INVALID_REQUEST with one issue per field. */
export function validationError(where: 'body' | 'query' | 'path', error: z.ZodError): SleuthError {
  const issues = error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const summary = issues
    .slice(0, 3)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  return new UserError('INVALID_REQUEST', `Invalid request: ${summary}${issues.length > 3 ? '; ...' : ''}`, {
    details: { issues },
  });
}

/** body-parser's own failures (malformed JSON, too large, wrong encoding) carry `type` and a 4xx status. */
function bodyParserProblem(error: unknown): { status: number; message: string } | undefined {
  const e = error as { type?: unknown; status?: unknown } | null;
  if (!e || typeof e.type !== 'string' || typeof e.status !== 'number' || e.status < 400 || e.status >= 500)
    return undefined;
  if (e.type === 'entity.parse.failed') return { status: 400, message: 'The request body is not valid JSON.' };
  if (e.type === 'entity.too.large') return { status: 413, message: 'The request body is too large.' };
  return { status: e.status, message: 'The request body could not be read (check Content-Type and encoding).' };
}

export function toHttpError(error: unknown, requestId?: string): HttpProblem {
  const parser = bodyParserProblem(error);
  if (parser) {
    return {
      status: parser.status,
      body: { error: { code: 'INVALID_REQUEST', message: parser.message } },
      headers: {},
      serverFault: false,
    };
  }
  if (!isSleuthError(error)) {
    return {
      status: 500,
      body: { error: { code: 'INTERNAL', message: FIXED_MESSAGES.INTERNAL as string, requestId } },
      headers: {},
      serverFault: true,
    };
  }
  const status = HTTP_STATUS[error.code] ?? (error.fault === 'user' ? 400 : error.fault === 'upstream' ? 502 : 500);
  const serverFault = status >= 500 && error.fault !== 'upstream';
  const fixed = FIXED_MESSAGES[error.code] ?? (error.fault === 'bug' ? FIXED_MESSAGES.INTERNAL : undefined);
  const body: ErrorBody = { error: { code: error.code, message: fixed ?? redactSecrets(error.message) } };
  if (status >= 500) body.error.requestId = requestId;
  if (error.code === 'SQL_REJECTED' && typeof error.details.guardCode === 'string')
    body.error.guardCode = error.details.guardCode;
  if (error.code === 'INVALID_REQUEST' && Array.isArray(error.details.issues))
    body.error.issues = error.details.issues as ValidationIssue[];
  const headers: Record<string, string> = {};
  const retryAfterMs = error.details.retryAfterMs;
  if (typeof retryAfterMs === 'number' && (status === 429 || status === 503))
    headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
  if (status === 401) headers['www-authenticate'] = 'Bearer realm="sleuth"';
  return { status, body, headers, serverFault };
}
