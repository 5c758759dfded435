/**
 * The knowledge base's state in the memory database: verified-query lifecycle status, the embedded vector index's
 * points, and proposals of new verified queries. Plain rows; the knowledge module owns the meaning.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { withMemoryErrors } from './errors.js';
import type { KnowledgeProposalsTable, MemoryDatabase } from './tables.js';

export interface KnowledgeStatusRecord {
  name: string;
  connection: string;
  contentHash: string;
  schemaFingerprint: string | null;
  stale: boolean;
  staleReason: string | null;
  checkedAt: Date;
}

export interface StoredVector {
  id: string;
  connection: string | null;
  vector: number[];
  payload: Record<string, unknown>;
}

export interface ProposalRecord {
  id: string;
  question: string;
  sql: string;
  connection: string;
  investigationId: string | null;
  proposedBy: string | null;
  note: string | null;
  status: 'pending' | 'confirmed' | 'rejected';
  decidedBy: string | null;
  decidedAt: Date | null;
  createdAt: Date;
}

export interface KnowledgeMemory {
  putStatus(record: KnowledgeStatusRecord): Promise<void>;
  listStatus(): Promise<KnowledgeStatusRecord[]>;
  deleteStatus(names: readonly string[]): Promise<void>;
  collectionDimension(kind: string): Promise<number | undefined>;
  setCollectionDimension(kind: string, dimension: number): Promise<void>;
  upsertVectors(kind: string, points: readonly StoredVector[]): Promise<void>;
  deleteVectors(kind: string, ids: readonly string[]): Promise<void>;
  listVectors(kind: string): Promise<StoredVector[]>;
  addProposal(
    input: Omit<ProposalRecord, 'id' | 'status' | 'decidedBy' | 'decidedAt' | 'createdAt'>,
  ): Promise<ProposalRecord>;
  listProposals(filter?: { status?: ProposalRecord['status'] }): Promise<ProposalRecord[]>;
  getProposal(id: string): Promise<ProposalRecord | undefined>;
  decideProposal(id: string, status: 'confirmed' | 'rejected', decidedBy: string | null): Promise<void>;
}

const toDate = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));

export function createKnowledgeMemory(db: Kysely<MemoryDatabase>): KnowledgeMemory {
  const memory: KnowledgeMemory = {
    async putStatus(r) {
      const row = {
        name: r.name,
        connection: r.connection,
        content_hash: r.contentHash,
        schema_fingerprint: r.schemaFingerprint,
        stale: r.stale,
        stale_reason: r.staleReason,
        checked_at: r.checkedAt,
      };
      await db
        .insertInto('knowledge_status')
        .values(row)
        .onConflict((oc) => oc.column('name').doUpdateSet(row))
        .execute();
    },
    async listStatus() {
      const rows = await db.selectFrom('knowledge_status').selectAll().orderBy('name').execute();
      return rows.map((r) => ({
        name: r.name,
        connection: r.connection,
        contentHash: r.content_hash,
        schemaFingerprint: r.schema_fingerprint,
        stale: r.stale,
        staleReason: r.stale_reason,
        checkedAt: toDate(r.checked_at),
      }));
    },
    async deleteStatus(names) {
      if (names.length === 0) return;
      await db
        .deleteFrom('knowledge_status')
        .where('name', 'in', [...names])
        .execute();
    },
    async collectionDimension(kind) {
      const row = await db
        .selectFrom('knowledge_collections')
        .select('dimension')
        .where('kind', '=', kind)
        .executeTakeFirst();
      return row?.dimension;
    },
    async setCollectionDimension(kind, dimension) {
      await db
        .insertInto('knowledge_collections')
        .values({ kind, dimension })
        .onConflict((oc) => oc.column('kind').doUpdateSet({ dimension }))
        .execute();
    },
    async upsertVectors(kind, points) {
      for (let i = 0; i < points.length; i += 500) {
        const rows = points.slice(i, i + 500).map((p) => ({
          kind,
          id: p.id,
          connection: p.connection,
          vector: JSON.stringify(p.vector),
          payload: JSON.stringify(p.payload),
        }));
        await db
          .insertInto('knowledge_vectors')
          .values(rows)
          .onConflict((oc) =>
            oc.columns(['kind', 'id']).doUpdateSet((eb) => ({
              connection: eb.ref('excluded.connection'),
              vector: eb.ref('excluded.vector'),
              payload: eb.ref('excluded.payload'),
            })),
          )
          .execute();
      }
    },
    async deleteVectors(kind, ids) {
      for (let i = 0; i < ids.length; i += 500) {
        await db
          .deleteFrom('knowledge_vectors')
          .where('kind', '=', kind)
          .where('id', 'in', ids.slice(i, i + 500))
          .execute();
      }
    },
    async listVectors(kind) {
      const rows = await db
        .selectFrom('knowledge_vectors')
        .selectAll()
        .where('kind', '=', kind)
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        connection: r.connection,
        vector: r.vector as number[],
        payload: r.payload as Record<string, unknown>,
      }));
    },
    async addProposal(input) {
      const record: ProposalRecord = {
        ...input,
        id: randomUUID(),
        status: 'pending',
        decidedBy: null,
        decidedAt: null,
        createdAt: new Date(),
      };
      await db
        .insertInto('knowledge_proposals')
        .values({
          id: record.id,
          question: record.question,
          sql: record.sql,
          connection: record.connection,
          investigation_id: record.investigationId,
          proposed_by: record.proposedBy,
          note: record.note,
          status: record.status,
          created_at: record.createdAt,
        })
        .execute();
      return record;
    },
    async listProposals(filter = {}) {
      let query = db.selectFrom('knowledge_proposals').selectAll().orderBy('created_at', 'desc');
      if (filter.status) query = query.where('status', '=', filter.status);
      return (await query.execute()).map(toProposal);
    },
    async getProposal(id) {
      const row = await db.selectFrom('knowledge_proposals').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toProposal(row) : undefined;
    },
    async decideProposal(id, status, decidedBy) {
      await db
        .updateTable('knowledge_proposals')
        .set({ status, decided_by: decidedBy, decided_at: new Date() })
        .where('id', '=', id)
        .execute();
    },
  };
  return withMemoryErrors(memory);
}

function toProposal(r: Selectable<KnowledgeProposalsTable>): ProposalRecord {
  return {
    id: r.id,
    question: r.question,
    sql: r.sql,
    connection: r.connection,
    investigationId: r.investigation_id,
    proposedBy: r.proposed_by,
    note: r.note,
    status: r.status as ProposalRecord['status'],
    decidedBy: r.decided_by,
    decidedAt: r.decided_at ? toDate(r.decided_at) : null,
    createdAt: toDate(r.created_at),
  };
}
