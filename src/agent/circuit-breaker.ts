import { UpstreamError } from '../common/errors.js';

/**
 * A circuit breaker per upstream (a database connection, a model provider): after `failureThreshold` consecutive
 * failures it opens and fails fast for `cooldownMs`, then lets one trial call through (half-open). A success closes
 * it. Only failures the caller classifies as upstream trouble count (a SQL syntax error is not the database failing).
 */
export interface CircuitBreakerOptions {
  name: string;
  failureThreshold?: number;
  cooldownMs?: number;
  now?: () => number;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreaker {
  readonly name: string;
  state(): CircuitState;
  run<T>(work: () => Promise<T>, countsAsFailure: (error: unknown) => boolean): Promise<T>;
}

export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const threshold = options.failureThreshold ?? 5;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const now = options.now ?? Date.now;
  let failures = 0;
  let openedAt: number | undefined;
  let trialInFlight = false;

  function state(): CircuitState {
    if (openedAt === undefined) return 'closed';
    return now() - openedAt >= cooldownMs ? 'half_open' : 'open';
  }

  return {
    name: options.name,
    state,
    async run(work, countsAsFailure) {
      const current = state();
      if (current === 'open' || (current === 'half_open' && trialInFlight)) {
        const waitS = Math.ceil((cooldownMs - (now() - (openedAt ?? now()))) / 1000);
        throw new UpstreamError(
          'CIRCUIT_OPEN',
          `${options.name} failed ${threshold} times in a row; Sleuth is not calling it for another ${Math.max(waitS, 1)} s.`,
          { details: { upstream: options.name } },
        );
      }
      trialInFlight = current === 'half_open';
      try {
        const result = await work();
        failures = 0;
        openedAt = undefined;
        return result;
      } catch (error) {
        if (countsAsFailure(error)) {
          failures++;
          if (current === 'half_open' || failures >= threshold) openedAt = now();
        }
        throw error;
      } finally {
        trialInFlight = false;
      }
    },
  };
}
