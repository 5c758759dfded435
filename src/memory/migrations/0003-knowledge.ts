import type { Kysely, Migration } from 'kysely';

/**
 * Knowledge state that is not in git: lifecycle status of each verified query (stale or not, checked when), the
 * embedded vector index (one row per point, vectors as JSON arrays, loaded into memory for search), and proposals
 * of new verified queries from "helpful" feedback awaiting an admin.
 */
export const knowledgeTables: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('knowledge_status')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('connection', 'text', (c) => c.notNull())
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('schema_fingerprint', 'text')
      .addColumn('stale', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('stale_reason', 'text')
      .addColumn('checked_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('knowledge_vectors')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('connection', 'text')
      .addColumn('vector', 'jsonb', (c) => c.notNull())
      .addColumn('payload', 'jsonb', (c) => c.notNull())
      .addPrimaryKeyConstraint('knowledge_vectors_pk', ['kind', 'id'])
      .execute();
    await db.schema
      .createTable('knowledge_collections')
      .addColumn('kind', 'text', (c) => c.primaryKey())
      .addColumn('dimension', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('knowledge_proposals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('question', 'text', (c) => c.notNull())
      .addColumn('sql', 'text', (c) => c.notNull())
      .addColumn('connection', 'text', (c) => c.notNull())
      .addColumn('investigation_id', 'text')
      .addColumn('proposed_by', 'text')
      .addColumn('note', 'text')
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'timestamptz')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .execute();
  },
};
