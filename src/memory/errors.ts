import { isSleuthError, type SleuthError, UpstreamError } from '../common/errors.js';
import { redactSecrets } from '../common/redact.js';

/** A database failure as the rest of Sleuth sees it: MEMORY_ERROR, message redacted, SQLSTATE kept in details. */
export function memoryError(operation: string, error: unknown): SleuthError {
  if (isSleuthError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const sqlState = (error as { code?: unknown } | null)?.code;
  return new UpstreamError('MEMORY_ERROR', `Sleuth's memory failed (${operation}): ${redactSecrets(message)}`, {
    cause: error,
    details: typeof sqlState === 'string' ? { operation, sqlState } : { operation },
  });
}

/** Wraps every method of a store object so that whatever it throws is a memoryError named after the method. */
export function withMemoryErrors<T extends object>(target: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(target)) {
    wrapped[name] =
      typeof value === 'function'
        ? async (...args: unknown[]) => {
            try {
              return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            } catch (error) {
              throw memoryError(name, error);
            }
          }
        : value;
  }
  return wrapped as T;
}
