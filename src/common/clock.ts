/**
 * Milliseconds since the epoch. Everything that reasons about time (rate limits, leases, daily budgets, audit
 * retention) takes a Clock instead of calling Date.now, so tests can move time with a fake one.
 */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** A clock that only moves when told to (tests). */
export interface FakeClock {
  (): number;
  advance(ms: number): void;
  set(ms: number | Date): void;
}

export function createFakeClock(start: number | Date): FakeClock {
  let now = typeof start === 'number' ? start : start.getTime();
  const clock = (() => now) as FakeClock;
  clock.advance = (ms) => {
    now += ms;
  };
  clock.set = (value) => {
    now = typeof value === 'number' ? value : value.getTime();
  };
  return clock;
}
