/**
 * Shared state of the limits (src/limits) in the memory database. Every decision is one atomic statement or one
 * short transaction, so several Sleuth processes sharing one PostgreSQL never grant more than a limit allows:
 * - a token bucket is refilled and debited by one INSERT ... ON CONFLICT DO UPDATE ... WHERE (the row lock
 *   serialises takers; a taker that would go below zero updates nothing);
 * - a concurrency slot is (scope, slot) with an expiry: taking a free or expired slot is one conditional upsert;
 * - a cost reservation locks the scopes' spend rows (FOR UPDATE, in key order) and reads the live reservations.
 * Times are milliseconds from the caller's clock (a fake one in tests), never the database's now().
 */
import { type Kysely, sql } from 'kysely';
import { withMemoryErrors } from './errors.js';
import type { MemoryDatabase } from './tables.js';

export interface TakeTokensInput {
  key: string;
  capacity: number;
  /** The bucket refills from empty to `capacity` in this many milliseconds. */
  windowMs: number;
  /** Tokens this request needs (default 1). */
  cost?: number;
  nowMs: number;
}

export interface SlotInput {
  scope: string;
  slots: number;
  leaseId: string;
  nowMs: number;
  expiresMs: number;
}

export type SlotOutcome = { acquired: true } | { acquired: false; nextExpiryMs: number | null };

export interface SpendScope {
  scope: string;
  budgetUsd: number;
}

export interface ReserveInput {
  /** The reservation's id (the investigation's lease id): renewed and released with it. */
  id: string;
  scopes: readonly SpendScope[];
  day: string;
  wantUsd: number;
  nowMs: number;
  expiresMs: number;
}

export type ReserveOutcome =
  | { granted: number }
  | { granted: 0; exhausted: { scope: string; budgetUsd: number; spentUsd: number; reservedUsd: number } };

export interface LimitsMemory {
  /** Debits `cost` tokens when the refilled bucket has them; `tokens` is what is left (or available, when refused). */
  takeTokens(input: TakeTokensInput): Promise<{ allowed: boolean; tokens: number }>;
  /** Takes a free or expired slot 0..slots-1 of the scope for the lease. */
  acquireSlot(input: SlotInput): Promise<SlotOutcome>;
  /** Extends the lease's slots and reservations. */
  renewLease(leaseId: string, expiresMs: number): Promise<void>;
  /** Frees the lease's slots and drops its unsettled reservations. */
  releaseLease(leaseId: string): Promise<void>;
  /** Reserves min(want, what every scope has left today) or reports the first exhausted scope. */
  reserveSpend(input: ReserveInput): Promise<ReserveOutcome>;
  /** Adds the spend to each scope's day and drops the reservation. */
  settleSpend(input: { id: string; scopes: readonly string[]; day: string; spentUsd: number }): Promise<void>;
  /** Settled and live reserved spend of a scope on a day. */
  spend(scope: string, day: string, nowMs: number): Promise<{ spentUsd: number; reservedUsd: number }>;
  /** Housekeeping: expired leases and reservations, spend rows before `beforeDay`, buckets idle since `idleBeforeMs`. */
  cleanup(input: { nowMs: number; beforeDay: string; idleBeforeMs: number }): Promise<void>;
}

const n = (value: unknown): number => Number(value ?? 0);

export function createLimitsMemory(db: Kysely<MemoryDatabase>): LimitsMemory {
  async function liveReserved(
    executor: Kysely<MemoryDatabase>,
    scopes: readonly string[],
    day: string,
    nowMs: number,
  ): Promise<Map<string, number>> {
    if (scopes.length === 0) return new Map();
    const rows = await executor
      .selectFrom('limit_reservations')
      .select(['scope', (eb) => eb.fn.sum<number>('amount_usd').as('reserved')])
      .where('day', '=', day)
      .where('scope', 'in', [...scopes])
      .where('expires_ms', '>', nowMs)
      .groupBy('scope')
      .execute();
    return new Map(rows.map((r) => [r.scope, n(r.reserved)]));
  }

  const memory: LimitsMemory = {
    async takeTokens(input) {
      const cost = input.cost ?? 1;
      const now = sql`${input.nowMs}::bigint`;
      const capacity = sql`${input.capacity}::double precision`;
      const window = sql`${input.windowMs}::double precision`;
      const need = sql`${cost}::double precision`;
      // elapsed * capacity / window (not elapsed * rate): a whole window refills exactly, without float drift
      const refilled = sql`LEAST(${capacity}, b.tokens + GREATEST(0, ${now} - b.updated_ms) * ${capacity} / ${window})`;
      // a hair of tolerance for the fractions partial refills add up to
      const enough = sql`${refilled} >= ${need} - 1e-9`;
      const taken = await sql<{ tokens: number }>`
        INSERT INTO limit_buckets AS b (key, tokens, updated_ms)
        SELECT ${input.key}, ${capacity} - ${need}, ${now} WHERE ${capacity} >= ${need}
        ON CONFLICT (key) DO UPDATE
          SET tokens = GREATEST(0, ${refilled} - ${need}), updated_ms = GREATEST(b.updated_ms, ${now})
          WHERE ${enough}
        RETURNING tokens
      `.execute(db);
      if (taken.rows[0]) return { allowed: true, tokens: n(taken.rows[0].tokens) };
      const current = await sql<{ tokens: number }>`
        SELECT ${refilled} AS tokens FROM limit_buckets AS b WHERE b.key = ${input.key}
      `.execute(db);
      return { allowed: false, tokens: n(current.rows[0]?.tokens) };
    },

    async acquireSlot(input) {
      for (let slot = 0; slot < input.slots; slot++) {
        const row = await sql<{ slot: number }>`
          INSERT INTO limit_leases AS l (scope, slot, lease_id, expires_ms)
          VALUES (${input.scope}, ${slot}, ${input.leaseId}, ${input.expiresMs}::bigint)
          ON CONFLICT (scope, slot) DO UPDATE SET lease_id = EXCLUDED.lease_id, expires_ms = EXCLUDED.expires_ms
            WHERE l.expires_ms <= ${input.nowMs}::bigint
          RETURNING slot
        `.execute(db);
        if (row.rows.length > 0) return { acquired: true };
      }
      const next = await db
        .selectFrom('limit_leases')
        .select((eb) => eb.fn.min('expires_ms').as('next'))
        .where('scope', '=', input.scope)
        .where('slot', '<', input.slots)
        .executeTakeFirst();
      return { acquired: false, nextExpiryMs: next?.next == null ? null : n(next.next) };
    },

    async renewLease(leaseId, expiresMs) {
      await db.updateTable('limit_leases').set({ expires_ms: expiresMs }).where('lease_id', '=', leaseId).execute();
      await db.updateTable('limit_reservations').set({ expires_ms: expiresMs }).where('id', '=', leaseId).execute();
    },

    async releaseLease(leaseId) {
      await db.deleteFrom('limit_leases').where('lease_id', '=', leaseId).execute();
      await db.deleteFrom('limit_reservations').where('id', '=', leaseId).execute();
    },

    async reserveSpend(input) {
      const scopes = [...input.scopes].sort((a, b) => (a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0));
      if (scopes.length === 0 || input.wantUsd <= 0) return { granted: Math.max(0, input.wantUsd) };
      return db.transaction().execute(async (tx) => {
        await tx
          .insertInto('limit_spend')
          .values(scopes.map((s) => ({ scope: s.scope, day: input.day, spent_usd: 0 })))
          .onConflict((oc) => oc.columns(['scope', 'day']).doNothing())
          .execute();
        // Row locks in key order: concurrent reservations on a scope queue here (no deadlock between two scopes).
        const spent = await tx
          .selectFrom('limit_spend')
          .select(['scope', 'spent_usd'])
          .where('day', '=', input.day)
          .where(
            'scope',
            'in',
            scopes.map((s) => s.scope),
          )
          .orderBy('scope')
          .forUpdate()
          .execute();
        const spentBy = new Map(spent.map((r) => [r.scope, n(r.spent_usd)]));
        const reservedBy = await liveReserved(
          tx,
          scopes.map((s) => s.scope),
          input.day,
          input.nowMs,
        );
        let granted = input.wantUsd;
        for (const s of scopes) {
          const spentUsd = spentBy.get(s.scope) ?? 0;
          const reservedUsd = reservedBy.get(s.scope) ?? 0;
          const left = s.budgetUsd - spentUsd - reservedUsd;
          if (left <= 1e-9)
            return { granted: 0, exhausted: { scope: s.scope, budgetUsd: s.budgetUsd, spentUsd, reservedUsd } };
          granted = Math.min(granted, left);
        }
        await tx
          .insertInto('limit_reservations')
          .values(
            scopes.map((s) => ({
              id: input.id,
              scope: s.scope,
              day: input.day,
              amount_usd: granted,
              expires_ms: input.expiresMs,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['id', 'scope']).doUpdateSet({ amount_usd: granted, expires_ms: input.expiresMs }),
          )
          .execute();
        return { granted };
      });
    },

    async settleSpend(input) {
      const scopes = [...input.scopes].sort();
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('limit_reservations').where('id', '=', input.id).execute();
        if (scopes.length === 0 || input.spentUsd <= 0) return;
        await tx
          .insertInto('limit_spend')
          .values(scopes.map((scope) => ({ scope, day: input.day, spent_usd: input.spentUsd })))
          .onConflict((oc) =>
            oc.columns(['scope', 'day']).doUpdateSet({
              spent_usd: sql`limit_spend.spent_usd + EXCLUDED.spent_usd`,
            }),
          )
          .execute();
      });
    },

    async spend(scope, day, nowMs) {
      const row = await db
        .selectFrom('limit_spend')
        .select('spent_usd')
        .where('scope', '=', scope)
        .where('day', '=', day)
        .executeTakeFirst();
      const reserved = await liveReserved(db, [scope], day, nowMs);
      return { spentUsd: n(row?.spent_usd), reservedUsd: reserved.get(scope) ?? 0 };
    },

    async cleanup(input) {
      await db.deleteFrom('limit_leases').where('expires_ms', '<=', input.nowMs).execute();
      await db.deleteFrom('limit_reservations').where('expires_ms', '<=', input.nowMs).execute();
      await db.deleteFrom('limit_spend').where('day', '<', input.beforeDay).execute();
      await db.deleteFrom('limit_buckets').where('updated_ms', '<', input.idleBeforeMs).execute();
    },
  };
  return withMemoryErrors(memory);
}
