/**
 * Retries for model API calls: exponential backoff with jitter, honouring Retry-After. Only transient failures are
 * retried (429, 5xx, 529 overloaded, connection errors, per-attempt timeouts); a user abort stops at once.
 */
import { type ErrorCode, UpstreamError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { redactSecrets } from '../../common/redact.js';

export interface AttemptFailure {
  /** HTTP status, when the API answered. */
  status?: number;
  /** Seconds from a Retry-After header. */
  retryAfterSeconds?: number;
  kind: 'http' | 'timeout' | 'connection' | 'aborted';
  message: string;
}

export interface RetryOptions {
  provider: string;
  maxAttempts: number;
  logger: Logger;
  signal?: AbortSignal;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  /** Literal secrets (the API key) scrubbed from error messages and logs besides the well-known token shapes. */
  secrets?: readonly string[];
}

// 408/409 are retried too, as Anthropic's own SDK does; 400/401/403/404/413/422 never are.
const RETRYABLE_STATUS = new Set([408, 409, 429, 500, 502, 503, 504, 529]);
const BASE_MS = 500;
const CAP_MS = 20_000;

export function isRetryable(failure: AttemptFailure): boolean {
  if (failure.kind === 'aborted') return false;
  if (failure.kind !== 'http') return true;
  return failure.status !== undefined && RETRYABLE_STATUS.has(failure.status);
}

export function backoffMs(attempt: number, failure: AttemptFailure, random: () => number): number {
  if (failure.retryAfterSeconds !== undefined) return Math.min(60_000, Math.ceil(failure.retryAfterSeconds * 1000));
  const ceiling = Math.min(CAP_MS, BASE_MS * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** `redactSecrets` plus the literal secrets given (keys need not have a recognisable shape). */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('***');
  return redactSecrets(out);
}

export function finalError(
  provider: string,
  failure: AttemptFailure,
  attempts: number,
  secrets: readonly string[] = [],
): UpstreamError {
  let code: ErrorCode = 'MODEL_ERROR';
  if (failure.kind === 'timeout') code = 'MODEL_TIMEOUT';
  else if (failure.kind === 'connection') code = 'MODEL_UNAVAILABLE';
  else if (failure.status === 429) code = 'MODEL_RATE_LIMITED';
  else if (failure.status !== undefined && failure.status >= 500) code = 'MODEL_UNAVAILABLE';
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  return new UpstreamError(code, `The ${provider} model API failed${tries}: ${scrub(failure.message, secrets)}`, {
    details: { status: failure.status },
  });
}

/** Runs `attempt` until it succeeds, a failure is not retryable, or attempts run out. */
export async function withRetries<T>(
  options: RetryOptions,
  attempt: (n: number) => Promise<{ ok: true; value: T } | { ok: false; failure: AttemptFailure; cause?: unknown }>,
): Promise<T> {
  for (let n = 1; ; n++) {
    if (options.signal?.aborted) throw options.signal.reason;
    const outcome = await attempt(n);
    if (outcome.ok) return outcome.value;
    const { failure } = outcome;
    // the caller's abort is rethrown as is (its signal's reason): never retried, never wrapped
    if (options.signal?.aborted) throw options.signal.reason ?? outcome.cause;
    if (failure.kind === 'aborted') throw outcome.cause ?? new Error('aborted');
    if (!isRetryable(failure) || n >= options.maxAttempts) {
      throw finalError(options.provider, failure, n, options.secrets);
    }
    const delay = backoffMs(n, failure, options.random);
    options.logger.warn(
      {
        provider: options.provider,
        attempt: n,
        maxAttempts: options.maxAttempts,
        status: failure.status,
        kind: failure.kind,
        delayMs: delay,
        error: scrub(failure.message, options.secrets),
      },
      'model call failed; retrying',
    );
    await options.sleep(delay, options.signal);
  }
}

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason ?? new Error('aborted'));
      },
      { once: true },
    );
  });
}

/** Retry settings for one model call from a provider's options. */
export function retryOptionsFor(
  provider: string,
  options: {
    maxAttempts?: number;
    logger: Logger;
    sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
    random?: () => number;
    apiKey?: string;
  },
  signal: AbortSignal | undefined,
): RetryOptions {
  return {
    secrets: options.apiKey ? [options.apiKey] : [],
    provider,
    maxAttempts: Math.max(1, Math.floor(options.maxAttempts ?? 4)),
    logger: options.logger,
    signal,
    sleep: options.sleep ?? defaultSleep,
    random: options.random ?? Math.random,
  };
}
