import { createHash, randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { FinalAnswer } from '../agent/events.js';
import type { InvestigationStatus } from '../agent/store.js';
import type { MemoryDatabase } from './tables.js';
import type { InvestigationRecord, InvestigationSummary, MemoryStore, Session } from './types.js';

const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
const toDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
const toDateOrNull = (value: unknown): Date | null => (value === null || value === undefined ? null : toDate(value));
const parsed = <T>(value: unknown): T | null =>
  value === null || value === undefined ? null : ((typeof value === 'string' ? JSON.parse(value) : value) as T);

/** Collapses whitespace runs and drops trailing semicolons (literals with repeated spaces share a key: acceptable). */
export function normalizeCacheSql(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/[\s;]+$/, '')
    .trim();
}

export function cacheKey(connection: string, dataVersion: string, text: string): string {
  return createHash('sha256')
    .update(`${connection}\u0000${dataVersion}\u0000${normalizeCacheSql(text)}`)
    .digest('hex');
}

function session(row: MemoryDatabase['sessions'] extends infer R ? Record<string, unknown> & R : never): Session {
  return {
    id: String(row.id),
    channel: row.channel ?? null,
    thread: row.thread ?? null,
    userId: row.user_id ?? null,
    summary: row.summary ?? null,
  };
}

function summary(row: Record<string, unknown>): InvestigationSummary {
  return {
    id: String(row.id),
    sessionId: (row.session_id as string | null) ?? null,
    question: String(row.question),
    connection: String(row.connection),
    userId: (row.user_id as string | null) ?? null,
    status: row.status as InvestigationStatus,
    createdAt: toDate(row.created_at),
    finishedAt: toDateOrNull(row.finished_at),
  };
}

export function createKyselyMemoryStore(db: Kysely<MemoryDatabase>, backend: 'pglite' | 'postgres'): MemoryStore {
  return {
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
          started_at: null,
          finished_at: null,
        })
        .execute();
      return { id };
    },
    async updateInvestigation(id, patch) {
      const values: Record<string, unknown> = {};
      if (patch.status !== undefined) values.status = patch.status;
      if (patch.answer !== undefined) values.answer = json(patch.answer);
      if (patch.error !== undefined) values.error = json(patch.error);
      if (patch.inputTokens !== undefined) values.input_tokens = patch.inputTokens;
      if (patch.outputTokens !== undefined) values.output_tokens = patch.outputTokens;
      if (patch.costUsd !== undefined) values.cost_usd = patch.costUsd;
      if (patch.steps !== undefined) values.steps = patch.steps;
      if (patch.sqlRuns !== undefined) values.sql_runs = patch.sqlRuns;
      if (patch.startedAt !== undefined) values.started_at = patch.startedAt;
      if (patch.finishedAt !== undefined) values.finished_at = patch.finishedAt;
      if (Object.keys(values).length === 0) return;
      await db.updateTable('investigations').set(values).where('id', '=', id).execute();
    },
    async appendEvent(investigationId, event) {
      // seq = max + 1 inside a transaction; a concurrent writer to the same investigation loses on the primary key
      // and retries, so sequence numbers stay gapless and unique.
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().execute(async (tx) => {
            const row = await tx
              .insertInto('investigation_events')
              .columns(['investigation_id', 'seq', 'type', 'payload'])
              .expression(
                tx
                  .selectFrom('investigation_events')
                  .select([
                    sql<string>`${investigationId}`.as('investigation_id'),
                    sql<number>`COALESCE(MAX(seq), 0) + 1`.as('seq'),
                    sql<string>`${event.type}`.as('type'),
                    sql`${json(event.payload)}::jsonb`.as('payload'),
                  ])
                  .where('investigation_id', '=', investigationId),
              )
              .returning(['seq', 'created_at'])
              .executeTakeFirstOrThrow();
            return { seq: Number(row.seq), createdAt: toDate(row.created_at) };
          });
        } catch (error) {
          if (attempt >= 5 || (error as { code?: string }).code !== '23505') throw error;
        }
      }
    },
    async getSession(id) {
      const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? { summary: row.summary } : undefined;
    },
    async updateSessionSummary(id, text) {
      await db.updateTable('sessions').set({ summary: text, updated_at: new Date() }).where('id', '=', id).execute();
    },
    async createSession(input) {
      const row = await db
        .insertInto('sessions')
        .values({
          id: randomUUID(),
          channel: input.channel ?? null,
          thread: input.thread ?? null,
          user_id: input.userId ?? null,
          summary: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return session(row as never);
    },
    async findSession(input) {
      const row = await db
        .selectFrom('sessions')
        .selectAll()
        .where('channel', '=', input.channel)
        .where('thread', '=', input.thread)
        .executeTakeFirst();
      return row ? session(row as never) : undefined;
    },
    async listInvestigations(filter = {}) {
      let query = db.selectFrom('investigations').selectAll();
      if (filter.userId) query = query.where('user_id', '=', filter.userId);
      if (filter.sessionId) query = query.where('session_id', '=', filter.sessionId);
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit ?? 50)
        .execute();
      return rows.map((r) => summary(r as Record<string, unknown>));
    },
    async getInvestigation(id) {
      const row = (await db.selectFrom('investigations').selectAll().where('id', '=', id).executeTakeFirst()) as
        | Record<string, unknown>
        | undefined;
      if (!row) return undefined;
      const record: InvestigationRecord = {
        ...summary(row),
        answer: parsed<FinalAnswer>(row.answer),
        error: parsed<{ code: string; message: string }>(row.error),
        model: (row.model as string | null) ?? null,
        provider: (row.provider as string | null) ?? null,
        promptVersion: (row.prompt_version as string | null) ?? null,
        inputTokens: Number(row.input_tokens),
        outputTokens: Number(row.output_tokens),
        costUsd: Number(row.cost_usd),
        steps: Number(row.steps),
        sqlRuns: Number(row.sql_runs),
        startedAt: toDateOrNull(row.started_at),
      };
      return record;
    },
    async listEvents(investigationId) {
      const rows = await db
        .selectFrom('investigation_events')
        .select(['seq', 'type', 'payload', 'created_at'])
        .where('investigation_id', '=', investigationId)
        .orderBy('seq')
        .execute();
      return rows.map((r) => ({
        seq: Number(r.seq),
        type: r.type,
        payload: parsed(r.payload),
        createdAt: toDate(r.created_at),
      }));
    },
    async markInterrupted() {
      const result = await db
        .updateTable('investigations')
        .set({ status: 'interrupted', finished_at: new Date() })
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst();
      return Number(result.numUpdatedRows ?? 0);
    },
    async getCached(key) {
      const row = await db
        .selectFrom('query_cache')
        .select('result')
        .where('key', '=', key)
        .where('expires_at', '>', new Date())
        .executeTakeFirst();
      return row ? parsed(row.result) : undefined;
    },
    async putCached(entry) {
      const key = cacheKey(entry.connection, entry.dataVersion, entry.sql);
      const expires = new Date(Date.now() + entry.ttlMs);
      await db
        .insertInto('query_cache')
        .values({ key, connection: entry.connection, sql: entry.sql, result: json(entry.result), expires_at: expires })
        .onConflict((oc) => oc.column('key').doUpdateSet({ result: json(entry.result), expires_at: expires }))
        .execute();
      return key;
    },
    async cleanupExpired() {
      const result = await db.deleteFrom('query_cache').where('expires_at', '<=', new Date()).executeTakeFirst();
      return Number(result.numDeletedRows ?? 0);
    },
    async appendAudit(entry) {
      await db
        .insertInto('audit_log')
        .values({
          actor: entry.actor ?? null,
          action: entry.action,
          connection: entry.connection ?? null,
          investigation_id: entry.investigationId ?? null,
          sql: entry.sql ?? null,
          verdict: entry.verdict ?? null,
          detail: json(entry.detail),
        })
        .execute();
    },
    async listAudit(filter = {}) {
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(filter.limit ?? 100)
        .execute();
      return rows.map((r) => ({
        at: toDate(r.at),
        actor: r.actor,
        action: r.action,
        connection: r.connection,
        investigationId: r.investigation_id,
        sql: r.sql,
        verdict: r.verdict,
        detail: parsed(r.detail),
      }));
    },
    async close() {
      await db.destroy();
    },
  };
}
