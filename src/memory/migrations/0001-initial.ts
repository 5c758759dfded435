import { type Kysely, type Migration, sql } from 'kysely';

/** Sessions, investigations, their append-only events, the query cache and the audit log. */
export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel', 'text')
      .addColumn('thread', 'text')
      .addColumn('user_id', 'text')
      .addColumn('summary', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await sql`CREATE UNIQUE INDEX sessions_channel_thread ON sessions (channel, thread) WHERE channel IS NOT NULL AND thread IS NOT NULL`.execute(
      db,
    );
    await db.schema
      .createTable('investigations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('session_id', 'text', (c) => c.references('sessions.id'))
      .addColumn('question', 'text', (c) => c.notNull())
      .addColumn('connection', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sql`status IN ('queued','running','succeeded','failed','cancelled','interrupted')`),
      )
      .addColumn('answer', 'jsonb')
      .addColumn('error', 'jsonb')
      .addColumn('model', 'text')
      .addColumn('provider', 'text')
      .addColumn('prompt_version', 'text')
      .addColumn('input_tokens', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('output_tokens', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('cost_usd', 'numeric', (c) => c.notNull().defaultTo(0))
      .addColumn('steps', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('sql_runs', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('started_at', 'timestamptz')
      .addColumn('finished_at', 'timestamptz')
      .execute();
    await db.schema.createIndex('investigations_status').on('investigations').column('status').execute();
    await db.schema
      .createIndex('investigations_user')
      .on('investigations')
      .columns(['user_id', 'created_at desc'])
      .execute();
    await db.schema
      .createIndex('investigations_session')
      .on('investigations')
      .columns(['session_id', 'created_at'])
      .execute();
    await db.schema
      .createTable('investigation_events')
      .addColumn('investigation_id', 'text', (c) => c.notNull().references('investigations.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('payload', 'jsonb', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('investigation_events_pk', ['investigation_id', 'seq'])
      .execute();
    await db.schema
      .createTable('query_cache')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('connection', 'text', (c) => c.notNull())
      .addColumn('sql', 'text', (c) => c.notNull())
      .addColumn('result', 'jsonb', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('query_cache_expires').on('query_cache').column('expires_at').execute();
    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('actor', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('connection', 'text')
      .addColumn('investigation_id', 'text')
      .addColumn('sql', 'text')
      .addColumn('verdict', 'text')
      .addColumn('detail', 'jsonb')
      .execute();
  },
};
