import { type Kysely, type Migration, sql } from 'kysely';

/**
 * A per-investigation event counter. appendEvent bumps `last_seq` with UPDATE ... RETURNING, which row-locks the
 * investigation until the event insert commits: appends to one investigation serialise (gapless, no retries, also
 * across processes sharing a server) while appends to different investigations never wait on each other.
 */
export const eventSeqCounter: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('investigations')
      .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await sql`
      UPDATE investigations AS i
      SET last_seq = e.max_seq
      FROM (SELECT investigation_id, MAX(seq) AS max_seq FROM investigation_events GROUP BY investigation_id) AS e
      WHERE e.investigation_id = i.id
    `.execute(db);
  },
};
