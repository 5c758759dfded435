/**
 * Limits for people: token-bucket request rates per user, Slack workspace, API key; concurrent investigations per
 * user and per connection (leases with an expiry); model spend per user and workspace per UTC day (running
 * investigations reserve their cost cap, so concurrent ones cannot overspend; each gets what is left as its budget).
 *
 * State is in the memory store (LimitsMemory: one atomic statement per decision), so limits hold across processes
 * sharing one PostgreSQL. Time comes from the injected clock. A zero limit is "not limited"; `enabled: false` turns
 * everything off.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../common/actor.js';
import type { Clock } from '../common/clock.js';
import type { LimitsConfig } from '../config/guardrails.js';
import type { LimitsMemory, SpendScope } from '../memory/limits-memory.js';
import { formatWait, type LimitDecision, type LimitName, type LimitRefusal, usd } from './refusal.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY = 86_400_000;

export type TakeRequest =
  /** One HTTP API request by API key id (never the secret itself). */
  | { kind: 'api'; key: string }
  /** One question (ask), by actor: the user's and the workspace's hourly buckets. */
  | { kind: 'question'; actor: Actor | undefined }
  /** One statement from a front end (sleuth sql, API, MCP run_sql), by actor. */
  | { kind: 'statement'; actor: Actor | undefined };

export interface InvestigationTicket {
  /** The investigation's cost budget: the configured cap, or less when today's budget has less left. */
  readonly maxCostUsd: number;
  /** Keeps the leases (and reservation) alive; cheap to call often (writes at most every third of the TTL). */
  renew(): Promise<void>;
  /** Settles the spend and frees the leases. Idempotent. */
  finish(spentUsd: number): Promise<void>;
}

export interface Limits {
  readonly enabled: boolean;
  take(request: TakeRequest): Promise<LimitDecision>;
  /** Leases a concurrency slot for the user and the connection and reserves today's cost, or says why not. */
  startInvestigation(input: {
    actor: Actor | undefined;
    connection: string;
    maxCostUsd: number;
  }): Promise<InvestigationTicket | LimitRefusal>;
  /** Housekeeping (expired leases, old spend rows, idle buckets). */
  cleanup(): Promise<void>;
}

export interface LimitsDeps {
  config: LimitsConfig;
  memory: () => Promise<LimitsMemory>;
  clock: Clock;
}

/** The bucket key of an actor: kind and id, so a Slack user and a CLI user of the same name never share one. */
export const actorKey = (actor: Actor): string => `${actor.kind}:${actor.id}`;
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const untilNextUtcDay = (ms: number): number => DAY - (ms % DAY);

interface Bucket {
  key: string;
  capacity: number;
  windowMs: number;
  limit: LimitName;
  message: (wait: string) => string;
}

export function createLimits(deps: LimitsDeps): Limits {
  const { config, clock } = deps;

  async function takeFrom(buckets: readonly Bucket[]): Promise<LimitDecision> {
    const memory = await deps.memory();
    for (const bucket of buckets) {
      if (bucket.capacity <= 0) continue;
      const outcome = await memory.takeTokens({
        key: bucket.key,
        capacity: bucket.capacity,
        windowMs: bucket.windowMs,
        nowMs: clock(),
      });
      if (!outcome.allowed) {
        // (need x window / capacity), not need / rate: keeps whole numbers whole (1,800,000 ms, not 1,800,000.0000002)
        const retryAfterMs = Math.max(1, Math.ceil(((1 - outcome.tokens) * bucket.windowMs) / bucket.capacity - 1e-6));
        return refusal('RATE_LIMITED', bucket.limit, retryAfterMs, bucket.message(formatWait(retryAfterMs)));
      }
    }
    return { allowed: true };
  }

  function bucketsFor(request: TakeRequest): Bucket[] {
    if (request.kind === 'api') {
      const capacity = config.apiRequestsPerMinute;
      return [
        {
          key: `api:${request.key}`,
          capacity,
          windowMs: MINUTE,
          limit: 'api_requests_per_minute',
          message: (wait) =>
            `Rate limit: this API key may make ${plural(capacity, 'request')} per minute. Retry in ${wait}.`,
        },
      ];
    }
    const actor = request.actor;
    if (!actor) return [];
    if (request.kind === 'statement') {
      const capacity = config.userStatementsPerMinute;
      return [
        {
          key: `user:${actorKey(actor)}:statements`,
          capacity,
          windowMs: MINUTE,
          limit: 'user_statements_per_minute',
          message: (wait) =>
            `Rate limit: you may run ${plural(capacity, 'SQL statement')} per minute. Try again in ${wait}.`,
        },
      ];
    }
    const buckets: Bucket[] = [
      {
        key: `user:${actorKey(actor)}:questions`,
        capacity: config.userInvestigationsPerHour,
        windowMs: HOUR,
        limit: 'user_questions_per_hour',
        message: (wait) =>
          `Rate limit: you may ask ${plural(config.userInvestigationsPerHour, 'question')} per hour. Try again in ${wait}.`,
      },
    ];
    if (actor.workspace) {
      buckets.push({
        key: `workspace:${actor.workspace}:questions`,
        capacity: config.workspaceInvestigationsPerHour,
        windowMs: HOUR,
        limit: 'workspace_questions_per_hour',
        message: (wait) =>
          `Rate limit: this workspace may ask ${plural(config.workspaceInvestigationsPerHour, 'question')} per hour. Try again in ${wait}.`,
      });
    }
    return buckets;
  }

  const free: InvestigationTicket = { maxCostUsd: 0, renew: async () => undefined, finish: async () => undefined };

  async function startInvestigation(input: {
    actor: Actor | undefined;
    connection: string;
    maxCostUsd: number;
  }): Promise<InvestigationTicket | LimitRefusal> {
    if (!config.enabled) return { ...free, maxCostUsd: input.maxCostUsd };
    const memory = await deps.memory();
    const leaseId = randomUUID();
    const ttl = config.leaseTtlMs;
    const { actor } = input;
    const slots: { scope: string; slots: number; refuse: (wait: string) => LimitRefusal }[] = [];
    if (actor && config.userConcurrentInvestigations > 0) {
      const cap = config.userConcurrentInvestigations;
      slots.push({
        scope: `user:${actorKey(actor)}`,
        slots: cap,
        refuse: (wait) =>
          refusal(
            'TOO_MANY_CONCURRENT',
            'user_concurrent_investigations',
            0,
            `You already have ${plural(cap, 'investigation')} running, the most at once. Try again when one finishes (in about ${wait}).`,
          ),
      });
    }
    if (config.connectionConcurrentInvestigations > 0) {
      const cap = config.connectionConcurrentInvestigations;
      slots.push({
        scope: `connection:${input.connection}`,
        slots: cap,
        refuse: (wait) =>
          refusal(
            'TOO_MANY_CONCURRENT',
            'connection_concurrent_investigations',
            0,
            `The "${input.connection}" connection already has ${plural(cap, 'investigation')} running, the most at once. Try again in about ${wait}.`,
          ),
      });
    }
    for (const slot of slots) {
      const now = clock();
      const outcome = await memory.acquireSlot({ ...slot, leaseId, nowMs: now, expiresMs: now + ttl });
      if (!outcome.acquired) {
        await memory.releaseLease(leaseId);
        // Usually a running investigation finishes well before its lease would expire: suggest a short wait.
        const retryAfterMs = Math.min(30_000, Math.max(1_000, (outcome.nextExpiryMs ?? now + 30_000) - now));
        return { ...slot.refuse(formatWait(retryAfterMs)), retryAfterMs };
      }
    }

    const scopes: (SpendScope & { limit: LimitName; whose: string })[] = [];
    if (actor && config.userDailyCostUsd > 0)
      scopes.push({
        scope: `user:${actorKey(actor)}`,
        budgetUsd: config.userDailyCostUsd,
        limit: 'user_daily_cost',
        whose: 'Your',
      });
    if (actor?.workspace && config.workspaceDailyCostUsd > 0)
      scopes.push({
        scope: `workspace:${actor.workspace}`,
        budgetUsd: config.workspaceDailyCostUsd,
        limit: 'workspace_daily_cost',
        whose: "This workspace's",
      });
    const startedAt = clock();
    const day = utcDay(startedAt);
    const reserved = await memory.reserveSpend({
      id: leaseId,
      scopes,
      day,
      wantUsd: input.maxCostUsd,
      nowMs: startedAt,
      expiresMs: startedAt + ttl,
    });
    if ('exhausted' in reserved) {
      await memory.releaseLease(leaseId);
      const scope = scopes.find((s) => s.scope === reserved.exhausted.scope)!;
      const { spentUsd, reservedUsd, budgetUsd } = reserved.exhausted;
      if (spentUsd + 1e-9 >= budgetUsd) {
        const retryAfterMs = untilNextUtcDay(startedAt);
        return refusal(
          'BUDGET_EXHAUSTED',
          scope.limit,
          retryAfterMs,
          `${scope.whose} model budget for today is used up (${usd(spentUsd)} of ${usd(budgetUsd)}). It resets at midnight UTC, in ${formatWait(retryAfterMs)}.`,
        );
      }
      const retryAfterMs = 30_000;
      return refusal(
        'BUDGET_EXHAUSTED',
        scope.limit,
        retryAfterMs,
        `${scope.whose} model budget for today (${usd(budgetUsd)}) is taken by investigations running now (${usd(spentUsd)} spent, ${usd(reservedUsd)} reserved). Try again when they finish (in about ${formatWait(retryAfterMs)}).`,
      );
    }

    let lastRenewal = startedAt;
    let finished = false;
    return {
      maxCostUsd: reserved.granted,
      async renew() {
        const now = clock();
        if (finished || now - lastRenewal < ttl / 3) return;
        lastRenewal = now;
        await memory.renewLease(leaseId, now + ttl);
      },
      async finish(spentUsd) {
        if (finished) return;
        finished = true;
        try {
          await memory.settleSpend({ id: leaseId, scopes: scopes.map((s) => s.scope), day, spentUsd });
        } finally {
          await memory.releaseLease(leaseId);
        }
      },
    };
  }

  return {
    enabled: config.enabled,
    async take(request) {
      if (!config.enabled) return { allowed: true };
      return takeFrom(bucketsFor(request));
    },
    startInvestigation,
    async cleanup() {
      await housekeepLimits(await deps.memory(), clock());
    },
  };
}

/** Drops expired leases and reservations, spend rows of days before yesterday and buckets idle for a day (full again). */
export async function housekeepLimits(memory: LimitsMemory, nowMs: number): Promise<void> {
  await memory.cleanup({ nowMs, beforeDay: utcDay(nowMs - 2 * DAY), idleBeforeMs: nowMs - DAY });
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function refusal(code: LimitRefusal['code'], limit: LimitName, retryAfterMs: number, message: string): LimitRefusal {
  return { allowed: false, code, limit, retryAfterMs, message };
}

export function isRefusal(value: InvestigationTicket | LimitRefusal | LimitDecision): value is LimitRefusal {
  return 'allowed' in value && value.allowed === false;
}
