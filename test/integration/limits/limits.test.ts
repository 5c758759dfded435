/**
 * The limits with a fake clock, on both memory backends (embedded PGlite and the real PostgreSQL server): token
 * bucket refill, user versus workspace buckets, the API-key rate, concurrency leases and their expiry, and the daily
 * cost budget across a day boundary. Every key is unique to the run, so the shared PostgreSQL database needs no reset.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/common/actor.js';
import { createFakeClock, type FakeClock } from '../../../src/common/clock.js';
import { DEFAULT_LIMITS, type LimitsConfig } from '../../../src/config/index.js';
import {
  createLimits,
  type InvestigationTicket,
  isRefusal,
  type LimitRefusal,
  type Limits,
} from '../../../src/limits/index.js';
import { type MemoryStore, openMemoryStore } from '../../../src/memory/index.js';
import { ensureDatabase, silentLogger } from '../../helpers/databases.js';

const START = new Date('2026-11-15T10:00:00Z');
const HOUR = 3_600_000;

const BACKENDS = [
  { name: 'embedded PGlite', url: async () => undefined },
  { name: 'the real PostgreSQL server', url: () => ensureDatabase('postgres', 'sleuth_test_limits_memory') },
];

describe.each(BACKENDS)('limits on $name', (backend) => {
  let store: MemoryStore;
  let clock: FakeClock;
  let run: string;

  beforeAll(async () => {
    store = await openMemoryStore({ url: await backend.url(), logger: silentLogger });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  function limitsWith(overrides: Partial<LimitsConfig>): Limits {
    run = randomUUID().slice(0, 8);
    clock = createFakeClock(START);
    return createLimits({ config: { ...DEFAULT_LIMITS, ...overrides }, memory: async () => store.limits, clock });
  }
  const user = (id: string, workspace?: string): Actor => ({
    kind: 'slack',
    id: `${run}-${id}`,
    workspace: workspace && `${run}-${workspace}`,
  });

  async function takeQuestions(limits: Limits, actor: Actor, n: number) {
    const outcomes = [];
    for (let i = 0; i < n; i++) outcomes.push(await limits.take({ kind: 'question', actor }));
    return outcomes;
  }

  it('a token bucket allows its capacity, refuses with when to retry, and refills with time', async () => {
    const limits = limitsWith({ userInvestigationsPerHour: 20 });
    const alice = user('alice');
    const first = await takeQuestions(limits, alice, 21);
    expect(first.slice(0, 20).every((o) => o.allowed)).toBe(true);
    const refused = first[20] as LimitRefusal;
    expect(refused).toMatchObject({ allowed: false, code: 'RATE_LIMITED', limit: 'user_questions_per_hour' });
    // one token comes back every 3 minutes (20 per hour)
    expect(refused.retryAfterMs).toBe(180_000);
    expect(refused.message).toBe('Rate limit: you may ask 20 questions per hour. Try again in 3 min.');

    clock.advance(179_000);
    const early = (await limits.take({ kind: 'question', actor: alice })) as LimitRefusal;
    expect(early.allowed).toBe(false);
    expect(early.retryAfterMs).toBe(1_000);
    clock.advance(1_000);
    expect((await limits.take({ kind: 'question', actor: alice })).allowed).toBe(true);
    expect((await limits.take({ kind: 'question', actor: alice })).allowed).toBe(false);

    // a long pause refills to the capacity, not beyond it
    clock.advance(5 * HOUR);
    const later = await takeQuestions(limits, alice, 21);
    expect(later.filter((o) => o.allowed)).toHaveLength(20);
  });

  it('keeps users apart, and a workspace bucket limits all its users together', async () => {
    const limits = limitsWith({ userInvestigationsPerHour: 4, workspaceInvestigationsPerHour: 6 });
    const [a, b, c] = [user('a', 'T1'), user('b', 'T1'), user('c', 'T2')];
    expect((await takeQuestions(limits, a, 5)).map((o) => o.allowed)).toEqual([true, true, true, true, false]);
    const refusedA = (await limits.take({ kind: 'question', actor: a })) as LimitRefusal;
    expect(refusedA.limit).toBe('user_questions_per_hour');
    // b has its own user bucket, but T1 has 2 of its 6 left
    const bs = await takeQuestions(limits, b, 3);
    expect(bs.map((o) => o.allowed)).toEqual([true, true, false]);
    expect(bs[2]).toMatchObject({ code: 'RATE_LIMITED', limit: 'workspace_questions_per_hour' });
    expect((bs[2] as LimitRefusal).message).toMatch(/^Rate limit: this workspace may ask 6 questions per hour/);
    // another workspace is untouched
    expect((await takeQuestions(limits, c, 4)).every((o) => o.allowed)).toBe(true);
    // the workspace refills at 6 per hour: one token after 10 minutes
    clock.advance(10 * 60_000);
    expect((await limits.take({ kind: 'question', actor: b })).allowed).toBe(true);
    expect((await limits.take({ kind: 'question', actor: b })).allowed).toBe(false);
  });

  it('rates API requests per key: 100 per minute by default', async () => {
    const limits = limitsWith({});
    const key = `${run}-key-1`;
    let allowed = 0;
    let last: LimitRefusal | undefined;
    for (let i = 0; i < 101; i++) {
      const o = await limits.take({ kind: 'api', key });
      if (o.allowed) allowed++;
      else last = o;
    }
    expect(allowed).toBe(100);
    expect(last).toMatchObject({ code: 'RATE_LIMITED', limit: 'api_requests_per_minute', retryAfterMs: 600 });
    expect((await limits.take({ kind: 'api', key: `${run}-key-2` })).allowed).toBe(true);
    clock.advance(600);
    expect((await limits.take({ kind: 'api', key })).allowed).toBe(true);
    expect((await limits.take({ kind: 'api', key })).allowed).toBe(false);
  });

  async function start(limits: Limits, actor: Actor | undefined, connection = `${run}-db`, maxCostUsd = 1) {
    return limits.startInvestigation({ actor, connection, maxCostUsd });
  }
  const ticket = (value: InvestigationTicket | LimitRefusal): InvestigationTicket => {
    if (isRefusal(value)) throw new Error(`expected a ticket, got ${value.message}`);
    return value;
  };

  it('leases concurrency slots per user and per connection, freed on finish', async () => {
    const limits = limitsWith({ userConcurrentInvestigations: 2, connectionConcurrentInvestigations: 3 });
    const alice = user('alice');
    const t1 = ticket(await start(limits, alice));
    const t2 = ticket(await start(limits, alice));
    const third = await start(limits, alice);
    expect(third).toMatchObject({
      allowed: false,
      code: 'TOO_MANY_CONCURRENT',
      limit: 'user_concurrent_investigations',
    });
    expect((third as LimitRefusal).message).toMatch(/^You already have 2 investigations running, the most at once/);
    expect((third as LimitRefusal).retryAfterMs).toBeGreaterThan(0);
    // another user takes the connection's last slot; then the connection is full for everyone
    const t3 = ticket(await start(limits, user('bob')));
    const full = await start(limits, user('carol'));
    expect(full).toMatchObject({ code: 'TOO_MANY_CONCURRENT', limit: 'connection_concurrent_investigations' });
    expect((full as LimitRefusal).message).toContain(`"${run}-db" connection already has 3 investigations running`);
    // a refused attempt holds nothing: finishing one frees exactly one slot
    await t1.finish(0);
    ticket(await start(limits, user('carol')));
    expect(await start(limits, alice)).toMatchObject({ code: 'TOO_MANY_CONCURRENT' });
    await t2.finish(0);
    await t3.finish(0);
    await t2.finish(0); // idempotent
  });

  it('a lease that is not renewed expires (a dead process), a renewed one does not', async () => {
    const limits = limitsWith({ userConcurrentInvestigations: 1, leaseTtlMs: 60_000 });
    const alice = user('alice');
    ticket(await start(limits, alice)); // never finished: its process "died"
    clock.advance(59_000);
    expect(await start(limits, alice)).toMatchObject({ code: 'TOO_MANY_CONCURRENT' });
    clock.advance(1_000);
    const alive = ticket(await start(limits, alice));
    // renewal is cheap to call often and extends the lease
    clock.advance(30_000);
    await alive.renew();
    clock.advance(50_000); // 80 s after it was taken, 50 s after the renewal
    expect(await start(limits, alice)).toMatchObject({ code: 'TOO_MANY_CONCURRENT' });
    clock.advance(11_000);
    ticket(await start(limits, alice));
  });

  it('caps each investigation at what is left of the daily budget, refuses when spent, and resets the next UTC day', async () => {
    const limits = limitsWith({ userDailyCostUsd: 1, userConcurrentInvestigations: 0 });
    const alice = user('alice');
    clock.set(new Date('2026-11-15T22:00:00Z'));
    const t1 = ticket(await start(limits, alice, undefined, 0.4));
    expect(t1.maxCostUsd).toBeCloseTo(0.4);
    await t1.finish(0.4);
    const t2 = ticket(await start(limits, alice, undefined, 0.4));
    await t2.finish(0.5); // a model call can overshoot its cap a little; the spend is what it cost
    const t3 = ticket(await start(limits, alice, undefined, 0.4));
    expect(t3.maxCostUsd).toBeCloseTo(0.1);
    await t3.finish(0.1);
    const spent = await start(limits, alice, undefined, 0.4);
    expect(spent).toMatchObject({ allowed: false, code: 'BUDGET_EXHAUSTED', limit: 'user_daily_cost' });
    expect((spent as LimitRefusal).retryAfterMs).toBe(2 * HOUR);
    expect((spent as LimitRefusal).message).toBe(
      'Your model budget for today is used up ($1.00 of $1.00). It resets at midnight UTC, in 2 h.',
    );
    // another user has their own budget
    expect(ticket(await start(limits, user('bob'), undefined, 0.4)).maxCostUsd).toBeCloseTo(0.4);
    clock.set(new Date('2026-11-15T23:59:59Z'));
    expect(await start(limits, alice, undefined, 0.4)).toMatchObject({ code: 'BUDGET_EXHAUSTED' });
    clock.set(new Date('2026-11-16T00:00:00Z'));
    const tomorrow = ticket(await start(limits, alice, undefined, 0.4));
    expect(tomorrow.maxCostUsd).toBeCloseTo(0.4);
    expect(await store.limits.spend(`user:slack:${alice.id}`, '2026-11-15', clock())).toEqual({
      spentUsd: 1,
      reservedUsd: 0,
    });
  });

  it('running investigations reserve their cap, so together they never exceed the budget; a dead one frees it at expiry', async () => {
    const limits = limitsWith({ workspaceDailyCostUsd: 1, userDailyCostUsd: 0, leaseTtlMs: 60_000 });
    const [a, b] = [user('a', 'T1'), user('b', 'T1')];
    const caps = [];
    for (const actor of [a, b, a]) caps.push(ticket(await start(limits, actor, undefined, 0.4)).maxCostUsd);
    expect(caps[0]).toBeCloseTo(0.4);
    expect(caps[1]).toBeCloseTo(0.4);
    expect(caps[2]).toBeCloseTo(0.2);
    const held = await start(limits, b, undefined, 0.4);
    expect(held).toMatchObject({ code: 'BUDGET_EXHAUSTED', limit: 'workspace_daily_cost' });
    expect((held as LimitRefusal).message).toMatch(
      /^This workspace's model budget for today \(\$1\.00\) is taken by investigations running now \(\$0\.00 spent, \$1\.00 reserved\)/,
    );
    // none of them finishes (their process died): the reservations expire with the leases
    clock.advance(60_000);
    expect(ticket(await start(limits, b, undefined, 0.4)).maxCostUsd).toBeCloseTo(0.4);
  });

  it('turned off, allows everything', async () => {
    const limits = limitsWith({ enabled: false, userInvestigationsPerHour: 1, userConcurrentInvestigations: 1 });
    const alice = user('alice');
    expect((await takeQuestions(limits, alice, 5)).every((o) => o.allowed)).toBe(true);
    const tickets = [ticket(await start(limits, alice, undefined, 0.7)), ticket(await start(limits, alice))];
    expect(tickets[0]!.maxCostUsd).toBe(0.7);
  });
});
