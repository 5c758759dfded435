import { UpstreamError } from '../../common/errors.js';
import { redactSecrets } from '../../common/redact.js';

export function sqlTimeoutError(timeoutMs: number, cause?: unknown): UpstreamError {
  return new UpstreamError('SQL_TIMEOUT', `The query was cancelled after the ${timeoutMs} ms statement timeout.`, {
    cause,
    details: { timeoutMs },
  });
}

/** The database's own message (it helps the user and the model fix the query), with secrets removed. */
export function sqlError(message: string, cause?: unknown, details: Record<string, unknown> = {}): UpstreamError {
  return new UpstreamError('SQL_ERROR', `The database returned an error: ${redactSecrets(message)}`, {
    cause,
    details,
  });
}

export function connectionError(name: string, cause: unknown): UpstreamError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new UpstreamError('CONNECTION_FAILED', `Cannot connect to "${name}": ${redactSecrets(message)}`, { cause });
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
