/**
 * What a limited user is told: which limit, and when to retry. A refusal is a value (`take` returns it); at the
 * composition root it becomes a LimitError (a UserError with a stable code and `retryAfterMs` in details) that every
 * front end renders as it renders any user error: one sentence in the CLI, a short reply in the Slack thread, a 429
 * with Retry-After from the API.
 */
import { UserError } from '../common/errors.js';

export type LimitName =
  | 'user_questions_per_hour'
  | 'workspace_questions_per_hour'
  | 'api_requests_per_minute'
  | 'user_statements_per_minute'
  | 'user_concurrent_investigations'
  | 'connection_concurrent_investigations'
  | 'user_daily_cost'
  | 'workspace_daily_cost';

export type LimitCode = 'RATE_LIMITED' | 'TOO_MANY_CONCURRENT' | 'BUDGET_EXHAUSTED';

export interface LimitRefusal {
  allowed: false;
  code: LimitCode;
  limit: LimitName;
  /** How long until retrying can succeed (a best estimate for concurrency). */
  retryAfterMs: number;
  /** One sentence for the user: which limit, and when to retry. */
  message: string;
}

export type LimitDecision = { allowed: true } | LimitRefusal;

export class LimitError extends UserError {
  readonly refusal: LimitRefusal;
  constructor(refusal: LimitRefusal) {
    super(refusal.code, refusal.message, {
      details: { limit: refusal.limit, retryAfterMs: refusal.retryAfterMs, refusal: true },
    });
    this.refusal = refusal;
  }
}

/** "45 s", "3 min", "2 h 5 min": rounded up, so "in 1 min" is never too early. */
export function formatWait(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

export const usd = (amount: number): string => `$${amount.toFixed(2)}`;
