import { type Kysely, type Migration, sql } from 'kysely';

/**
 * A role per API key: `member` (sees only what it started, reads the knowledge base) or `admin` (sees every
 * investigation, changes the knowledge base). Keys that existed before get `member`: least privilege; an operator who
 * needs an admin key creates one (`sleuth api-key create NAME --role admin`).
 */
export const apiKeyRoles: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('api_keys')
      .addColumn('role', 'text', (c) => c.notNull().defaultTo('member'))
      .execute();
    await sql`ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_known CHECK (role IN ('member', 'admin'))`.execute(db);
  },
};
