import { type Kysely, type Migration, sql } from 'kysely';

/**
 * API keys for the HTTP API, WebSocket and MCP endpoints. Only a SHA-256 hash of each key is stored (keys are 256-bit
 * random, so a plain hash is enough; the key itself is shown once at creation). Revoked keys stay as rows so the
 * audit log's actor ids keep a name.
 */
export const apiKeysTable: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('last_used_at', 'timestamptz')
      .addColumn('revoked_at', 'timestamptz')
      .execute();
  },
};
