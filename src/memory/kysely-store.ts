import { randomUUID } from 'node:crypto';
import { type Kysely, sql, type Updateable } from 'kysely';
import type { FinalAnswer } from '../agent/events.js';
import type { InvestigationStatus } from '../agent/store.js';
import { UpstreamError } from '../common/errors.js';
import { createApiKeyMemory } from './api-keys-memory.js';
import { cacheKey } from './cache-key.js';
import { withMemoryErrors } from './errors.js';
import { createKnowledgeMemory } from './knowledge-memory.js';
import { createLimitsMemory } from './limits-memory.js';
import type { AuditRecord, InvestigationRecord, InvestigationSummary, MemoryStore, Session } from './store.js';
import type { InvestigationRow, InvestigationsTable, MemoryDatabase, SessionRow } from './tables.js';

/** jsonb parameters go over the wire as JSON text (pg would turn a JS array into a PostgreSQL array literal). */
const jsonText = (value: unknown): string => JSON.stringify(value ?? null);
const jsonOrNull = (value: unknown): string | null => (value === undefined || value === null ? null : jsonText(value));
const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));
const toDateOrNull = (value: Date | string | null): Date | null => (value === null ? null : toDate(value));

const FINISHED: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled', 'interrupted']);

const SUMMARY_COLUMNS = [
  'id',
  'session_id',
  'question',
  'connection',
  'user_id',
  'status',
  'created_at',
  'started_at',
  'finished_at',
] as const;

function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    channel: row.channel,
    thread: row.thread,
    userId: row.user_id,
    summary: row.summary,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

function toSummary(row: Pick<InvestigationRow, (typeof SUMMARY_COLUMNS)[number]>): InvestigationSummary {
  return {
    id: row.id,
    sessionId: row.session_id,
    question: row.question,
    connection: row.connection,
    userId: row.user_id,
    status: row.status as InvestigationStatus,
    createdAt: toDate(row.created_at),
    startedAt: toDateOrNull(row.started_at),
    finishedAt: toDateOrNull(row.finished_at),
  };
}

function toRecord(row: InvestigationRow): InvestigationRecord {
  return {
    ...toSummary(row),
    answer: (row.answer ?? null) as FinalAnswer | null,
    error: (row.error ?? null) as { code: string; message: string } | null,
    model: row.model,
    provider: row.provider,
    promptVersion: row.prompt_version,
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    costUsd: Number(row.cost_usd),
    steps: Number(row.steps),
    sqlRuns: Number(row.sql_runs),
  };
}

/**
 * The memory store over any PostgreSQL-speaking Kysely instance (a pg pool or embedded PGlite). The schema must be
 * migrated already (openMemoryStore does it). The store owns `db` and destroys it on close().
 */
export function createKyselyMemoryStore(db: Kysely<MemoryDatabase>, backend: 'pglite' | 'postgres'): MemoryStore {
  /**
   * A batch is one statement (one round trip, its own transaction): the counter row is bumped by the batch size with
   * UPDATE ... RETURNING, which locks it until commit, so concurrent appends to one investigation (several writers,
   * several processes) queue up and each batch gets the next consecutive numbers; the events are inserted from that
   * number and the steps upserted in the same statement, so a failure rolls everything back and sequences stay
   * gapless. An unknown investigation updates no counter and inserts nothing.
   */
  const appendEvents = async (
    investigationId: string,
    events: readonly { type: string; payload: unknown }[],
    steps?: readonly { step: number; state: unknown }[],
  ): Promise<{ seq: number; createdAt: Date }[]> => {
    const count = events.length;
    const batch = jsonText(events.map((e) => ({ type: e.type, payload: e.payload ?? null })));
    const stepRows = jsonText((steps ?? []).map((s) => ({ step: s.step, state: s.state ?? null })));
    const { rows } = await sql<{ seq: number | null; created_at: Date | string | null }>`
      WITH counter AS (
        UPDATE investigations SET last_seq = last_seq + ${count}::int
        WHERE id = ${investigationId}
        RETURNING last_seq
      ),
      steps AS (
        INSERT INTO investigation_steps (investigation_id, step, state)
        SELECT ${investigationId}, (s.item->>'step')::int, s.item->'state'
        FROM counter, jsonb_array_elements(${stepRows}::jsonb) AS s(item)
        ON CONFLICT (investigation_id, step) DO UPDATE SET state = EXCLUDED.state
        RETURNING 1
      ),
      inserted AS (
        INSERT INTO investigation_events (investigation_id, seq, type, payload)
        SELECT ${investigationId}, counter.last_seq - ${count}::int + e.ord::int, e.item->>'type', e.item->'payload'
        FROM counter, jsonb_array_elements(${batch}::jsonb) WITH ORDINALITY AS e(item, ord)
        RETURNING seq, created_at
      )
      SELECT seq, created_at FROM inserted
      UNION ALL
      SELECT NULL, NULL FROM counter WHERE NOT EXISTS (SELECT 1 FROM inserted)
    `.execute(db);
    if (rows.length === 0) {
      throw new UpstreamError('MEMORY_ERROR', `Cannot record an event: no investigation ${investigationId}.`, {
        details: { investigationId },
      });
    }
    if (count === 0) return [];
    return rows
      .map((row) => ({ seq: Number(row.seq), createdAt: toDate(row.created_at ?? new Date()) }))
      .sort((a, b) => a.seq - b.seq);
  };

  const store: Omit<MemoryStore, 'knowledge' | 'limits' | 'apiKeys'> = {
    backend,

    async createInvestigation(input) {
      const id = input.id ?? randomUUID();
      await db
        .insertInto('investigations')
        .values({
          id,
          session_id: input.sessionId ?? null,
          question: input.question,
          connection: input.connection,
          user_id: input.userId ?? null,
          status: input.status,
          answer: null,
          error: null,
          model: input.model ?? null,
          provider: input.provider ?? null,
          prompt_version: input.promptVersion ?? null,
          started_at: input.startedAt ?? null,
          finished_at: null,
        })
        .execute();
      return { id };
    },

    async updateInvestigation(id, patch) {
      const values: Updateable<InvestigationsTable> = {};
      if (patch.status !== undefined) values.status = patch.status;
      if (patch.answer !== undefined) values.answer = jsonOrNull(patch.answer);
      if (patch.error !== undefined) values.error = jsonOrNull(patch.error);
      if (patch.inputTokens !== undefined) values.input_tokens = patch.inputTokens;
      if (patch.outputTokens !== undefined) values.output_tokens = patch.outputTokens;
      if (patch.costUsd !== undefined) values.cost_usd = patch.costUsd;
      if (patch.steps !== undefined) values.steps = patch.steps;
      if (patch.sqlRuns !== undefined) values.sql_runs = patch.sqlRuns;
      if (patch.startedAt !== undefined) values.started_at = patch.startedAt;
      if (patch.finishedAt !== undefined) values.finished_at = patch.finishedAt;
      if (patch.model !== undefined) values.model = patch.model;
      if (patch.provider !== undefined) values.provider = patch.provider;
      if (patch.promptVersion !== undefined) values.prompt_version = patch.promptVersion;
      if (Object.keys(values).length === 0) return;
      if (patch.status !== undefined && FINISHED.has(patch.status)) {
        // a finished investigation is never resumed: its step records go, in the same statement
        await db
          .with('steps_gone', (qb) => qb.deleteFrom('investigation_steps').where('investigation_id', '=', id))
          .updateTable('investigations')
          .set(values)
          .where('id', '=', id)
          .execute();
        return;
      }
      await db.updateTable('investigations').set(values).where('id', '=', id).execute();
    },

    async appendEvent(investigationId, event) {
      const [stored] = await appendEvents(investigationId, [event]);
      return stored!;
    },

    appendEvents: (investigationId, events, steps) => appendEvents(investigationId, events, steps),

    async listSteps(investigationId) {
      const rows = await db
        .selectFrom('investigation_steps')
        .select(['step', 'state'])
        .where('investigation_id', '=', investigationId)
        .orderBy('step')
        .execute();
      return rows.map((r) => ({ step: Number(r.step), state: r.state }));
    },

    async getSession(id) {
      const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toSession(row) : undefined;
    },

    async updateSessionSummary(id, summary) {
      await db.updateTable('sessions').set({ summary, updated_at: sql<Date>`now()` }).where('id', '=', id).execute();
    },

    async createSession(input) {
      const channel = input.channel ?? null;
      const thread = input.thread ?? null;
      const row = await db
        .insertInto('sessions')
        .values({ id: randomUUID(), channel, thread, user_id: input.userId ?? null, summary: null })
        .onConflict((oc) =>
          oc
            .columns(['channel', 'thread'])
            .where('channel', 'is not', null)
            .where('thread', 'is not', null)
            .doNothing(),
        )
        .returningAll()
        .executeTakeFirst();
      if (row) return toSession(row);
      // Only reachable with both set: the thread already has its session (possibly created concurrently).
      const existing = channel && thread ? await store.findSession({ channel, thread }) : undefined;
      if (!existing) throw new UpstreamError('MEMORY_ERROR', 'Cannot create a session: the insert returned no row.');
      return existing;
    },

    async findSession({ channel, thread }) {
      const row = await db
        .selectFrom('sessions')
        .selectAll()
        .where('channel', '=', channel)
        .where('thread', '=', thread)
        .executeTakeFirst();
      return row ? toSession(row) : undefined;
    },

    async listInvestigations(filter = {}) {
      let query = db.selectFrom('investigations').select(SUMMARY_COLUMNS);
      if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
      if (filter.sessionId !== undefined) query = query.where('session_id', '=', filter.sessionId);
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit ?? 50)
        .execute();
      return rows.map(toSummary);
    },

    async getInvestigation(id) {
      const row = await db.selectFrom('investigations').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    async listEvents(investigationId) {
      const rows = await db
        .selectFrom('investigation_events')
        .select(['seq', 'type', 'payload', 'created_at'])
        .where('investigation_id', '=', investigationId)
        .orderBy('seq')
        .execute();
      return rows.map((r) => ({
        investigationId,
        seq: Number(r.seq),
        type: r.type,
        payload: r.payload,
        createdAt: toDate(r.created_at),
      }));
    },

    async markInterrupted() {
      const result = await db
        .updateTable('investigations')
        .set({ status: 'interrupted', finished_at: sql<Date>`now()` })
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    // Cache expiry uses this process's clock on both write and read, so a skewed database clock cannot matter.
    async getCached(key) {
      const row = await db
        .selectFrom('query_cache')
        .select('result')
        .where('key', '=', key)
        .where('expires_at', '>', new Date())
        .executeTakeFirst();
      return row?.result;
    },

    async putCached(entry) {
      const key = cacheKey(entry.connection, entry.dataVersion, entry.sql);
      const result = jsonText(entry.result);
      const expiresAt = new Date(Date.now() + entry.ttlMs);
      await db
        .insertInto('query_cache')
        .values({ key, connection: entry.connection, sql: entry.sql, result, expires_at: expiresAt })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({ sql: entry.sql, result, created_at: new Date(), expires_at: expiresAt }),
        )
        .execute();
      return key;
    },

    async cleanupExpired() {
      const result = await db.deleteFrom('query_cache').where('expires_at', '<=', new Date()).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async appendAudit(entry) {
      await db
        .insertInto('audit_log')
        .values({
          ...(entry.at ? { at: entry.at } : {}),
          actor: entry.actor ?? null,
          actor_kind: entry.actorKind ?? null,
          actor_label: entry.actorLabel ?? null,
          workspace: entry.workspace ?? null,
          channel: entry.channel ?? null,
          action: entry.action,
          connection: entry.connection ?? null,
          investigation_id: entry.investigationId ?? null,
          sql: entry.sql ?? null,
          verdict: entry.verdict ?? null,
          code: entry.code ?? null,
          row_count: entry.rowCount ?? null,
          duration_ms:
            entry.durationMs === undefined || entry.durationMs === null ? null : Math.round(entry.durationMs),
          detail: jsonOrNull(entry.detail),
          ...(entry.journalId ? { journal_id: entry.journalId } : {}),
        })
        .$if(entry.journalId !== undefined, (q) => q.onConflict((oc) => oc.column('journal_id').doNothing()))
        .execute();
    },

    async listAudit(filter = {}) {
      let query = db.selectFrom('audit_log').selectAll();
      if (filter.since) query = query.where('at', '>=', filter.since);
      if (filter.until) query = query.where('at', '<', filter.until);
      if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
      if (filter.actions && filter.actions.length > 0) query = query.where('action', 'in', [...filter.actions]);
      if (filter.verdicts && filter.verdicts.length > 0) query = query.where('verdict', 'in', [...filter.verdicts]);
      const rows = await query
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit ?? 100)
        .execute();
      return rows.map(
        (r): AuditRecord => ({
          id: Number(r.id),
          at: toDate(r.at),
          actor: r.actor,
          actorKind: r.actor_kind,
          actorLabel: r.actor_label,
          workspace: r.workspace,
          channel: r.channel,
          action: r.action,
          connection: r.connection,
          investigationId: r.investigation_id,
          sql: r.sql,
          verdict: r.verdict,
          code: r.code,
          rowCount: r.row_count === null ? null : Number(r.row_count),
          durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
          detail: r.detail ?? null,
        }),
      );
    },

    async purgeAudit(before) {
      const result = await db.deleteFrom('audit_log').where('at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async close() {
      await db.destroy();
    },
  };
  return {
    ...withMemoryErrors(store),
    knowledge: createKnowledgeMemory(db),
    limits: createLimitsMemory(db),
    apiKeys: createApiKeyMemory(db),
  };
}
