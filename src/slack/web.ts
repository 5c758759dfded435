/**
 * Calling Slack's Web API: the Bolt client is built with `rejectRateLimitedCalls`, so a 429 surfaces here as an
 * error carrying Retry-After instead of silently stalling the client's queue. Live updates coalesce while they wait
 * (see live/coalescer.ts); one-off calls wait Retry-After and try again a bounded number of times.
 */
import { webApi } from '@slack/bolt';
import { UpstreamError } from '../common/errors.js';

export type WebClient = webApi.WebClient;

export type Sleep = (ms: number) => Promise<void>;

/**
 * Told about every Web API request (metrics): its outcome, and each 429 with its Retry-After. The context's observer
 * hub (src/metrics) satisfies it; the Slack app passes it to every call site.
 */
export interface SlackCallObserver {
  slackCall?(info: { method: string; outcome: 'ok' | 'error' | 'rate_limited' }): void;
  slackRateLimited?(info: { method: string; retryAfterSeconds: number }): void;
}

/** Runs one Web API request and reports its outcome to the observer; the result or error passes through. */
export async function observedCall<T>(
  method: string,
  call: () => Promise<T>,
  observer: SlackCallObserver | undefined,
): Promise<T> {
  try {
    const result = await call();
    observer?.slackCall?.({ method, outcome: 'ok' });
    return result;
  } catch (error) {
    const wait = retryAfterSeconds(error);
    if (wait === undefined) observer?.slackCall?.({ method, outcome: 'error' });
    else {
      observer?.slackCall?.({ method, outcome: 'rate_limited' });
      observer?.slackRateLimited?.({ method, retryAfterSeconds: wait });
    }
    throw error;
  }
}
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds to wait when Slack answered 429, else undefined. */
export function retryAfterSeconds(error: unknown): number | undefined {
  const e = error as { code?: string; retryAfter?: number } | undefined;
  if (e?.code === webApi.ErrorCode.RateLimitedError) return Math.max(0, Number(e.retryAfter ?? 1));
  return undefined;
}

/** Slack's error string (`not_in_channel`, `unknown_method`...) for an `ok: false` answer, else undefined. */
export function slackErrorCode(error: unknown): string | undefined {
  const e = error as { code?: string; data?: { error?: unknown } } | undefined;
  if (e?.code === webApi.ErrorCode.PlatformError && typeof e.data?.error === 'string') return e.data.error;
  if (e instanceof UpstreamError && e.code === 'SLACK_API_ERROR' && typeof e.details.slackError === 'string')
    return e.details.slackError;
  return undefined;
}

/** Wraps a failed call as our error: the Slack error code only, never tokens or payloads. */
export function slackApiError(method: string, error: unknown): UpstreamError {
  const slackError = slackErrorCode(error);
  const reason = slackError ?? (error instanceof Error ? error.message.split('\n')[0] : 'unknown error');
  return new UpstreamError('SLACK_API_ERROR', `Slack ${method} failed: ${reason}`, {
    cause: error,
    details: { method, ...(slackError ? { slackError } : {}) },
  });
}

/**
 * Runs one Web API call, waiting Retry-After on 429 (up to `attempts` tries). Other failures become
 * UpstreamError('SLACK_API_ERROR') with Slack's error code in details.slackError.
 */
export async function callSlack<T>(
  method: string,
  call: () => Promise<T>,
  options: { sleep?: Sleep; attempts?: number; observer?: SlackCallObserver } = {},
): Promise<T> {
  const attempts = options.attempts ?? 4;
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await observedCall(method, call, options.observer);
    } catch (error) {
      const wait = retryAfterSeconds(error);
      if (wait === undefined || attempt >= attempts) throw slackApiError(method, error);
      await sleep(wait * 1000);
    }
  }
}
