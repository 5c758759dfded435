/**
 * Coalesces a stream of values (message states) into sends at most once per `intervalMs`: while a send is due later,
 * newer values replace the pending one, so only the latest state goes out. A 429 pushes the next send to after
 * Retry-After (the value is kept unless a newer one arrived). Other send errors go to `onError` and the value is
 * dropped; the next value is still sent.
 */
import { realSleep, retryAfterSeconds, type Sleep } from '../web.js';

export interface CoalescerOptions<T> {
  send(value: T): Promise<void>;
  intervalMs: number;
  now?: () => number;
  sleep?: Sleep;
  onError?(error: unknown, value: T): void;
  /** Tries per value when Slack keeps answering 429 (default 5). */
  maxRateLimitedTries?: number;
  /** When the message was last written before the coalescer took over (e.g. just posted). */
  lastSentAt?: number;
}

export interface Coalescer<T> {
  push(value: T): void;
  /** Resolves when every pushed value was sent (or given up on). */
  drain(): Promise<void>;
}

export function createCoalescer<T>(options: CoalescerOptions<T>): Coalescer<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const maxTries = options.maxRateLimitedTries ?? 5;
  let pending: { value: T; tries: number } | undefined;
  let lastSentAt = options.lastSentAt ?? Number.NEGATIVE_INFINITY;
  let blockedUntil = 0;
  let loop: Promise<void> | undefined;

  async function run(): Promise<void> {
    while (pending) {
      const wait = Math.max(lastSentAt + options.intervalMs, blockedUntil) - now();
      if (wait > 0) await sleep(wait);
      const current = pending;
      pending = undefined;
      try {
        await options.send(current.value);
        lastSentAt = now();
      } catch (error) {
        const retryAfter = retryAfterSeconds(error);
        if (retryAfter !== undefined && current.tries + 1 < maxTries) {
          blockedUntil = now() + retryAfter * 1000;
          pending ??= { value: current.value, tries: current.tries + 1 };
        } else {
          lastSentAt = now();
          options.onError?.(error, current.value);
        }
      }
    }
  }

  function kick(): void {
    if (loop) return;
    loop = run().finally(() => {
      loop = undefined;
      // a value pushed while the loop was finishing still goes out
      if (pending) kick();
    });
  }

  return {
    push(value) {
      pending = { value, tries: 0 };
      kick();
    },
    async drain() {
      while (loop) await loop;
    },
  };
}
