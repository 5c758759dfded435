import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Guardrails: who and from where on every audit entry (actor kind and label, Slack workspace and channel), the
 * outcome code, row count and duration of a statement; the audit log is append-only (UPDATE refused by a trigger;
 * rows leave only by the retention purge). Shared state for the limits, so they hold across processes on one server:
 * token buckets, concurrency leases (slots with an expiry), daily spend per scope and the cost reservations of
 * running investigations (expiring with their lease).
 */
export const guardrails: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('audit_log')
      .addColumn('actor_kind', 'text')
      .addColumn('actor_label', 'text')
      .addColumn('workspace', 'text')
      .addColumn('channel', 'text')
      .addColumn('code', 'text')
      .addColumn('row_count', 'integer')
      .addColumn('duration_ms', 'integer')
      .execute();
    await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
    await db.schema.createIndex('audit_log_actor_at').on('audit_log').columns(['actor', 'at']).execute();
    await sql`
      CREATE FUNCTION sleuth_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: entries are never changed';
      END
      $$
    `.execute(db);
    await sql`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION sleuth_audit_append_only()
    `.execute(db);

    await db.schema
      .createTable('limit_buckets')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('tokens', 'double precision', (c) => c.notNull())
      .addColumn('updated_ms', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('limit_leases')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('slot', 'integer', (c) => c.notNull())
      .addColumn('lease_id', 'text', (c) => c.notNull())
      .addColumn('expires_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('limit_leases_pk', ['scope', 'slot'])
      .execute();
    await db.schema.createIndex('limit_leases_lease').on('limit_leases').column('lease_id').execute();
    await db.schema
      .createTable('limit_spend')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('spent_usd', 'double precision', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('limit_spend_pk', ['scope', 'day'])
      .execute();
    await db.schema
      .createTable('limit_reservations')
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('amount_usd', 'double precision', (c) => c.notNull())
      .addColumn('expires_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('limit_reservations_pk', ['id', 'scope'])
      .execute();
    await db.schema
      .createIndex('limit_reservations_scope_day')
      .on('limit_reservations')
      .columns(['scope', 'day'])
      .execute();
  },
};
