import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Audit entries written to the embedded memory's journal (a small SQLite file one-shot commands append to instead of
 * opening the memory database) carry the journal's id for each entry, unique here: moving entries from the journal
 * into the log is idempotent, so a process stopped between the two writes never duplicates or loses one.
 */
export const auditJournal: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('audit_log').addColumn('journal_id', 'text').execute();
    await sql`CREATE UNIQUE INDEX audit_log_journal_id ON audit_log (journal_id)`.execute(db);
  },
};
