import type { Kysely, Migration } from 'kysely';

/**
 * What an investigation's completed steps gave the model (its turn and the tool results, as the model saw them) and
 * the loop's counters after each: a worker that takes a job over resumes from the last completed step instead of
 * asking the model again and re-running its SQL. Written in the same statement as the step's events; deleted when the
 * investigation finishes (it is never resumed then).
 */
export const investigationSteps: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('investigation_steps')
      .addColumn('investigation_id', 'text', (c) => c.notNull().references('investigations.id'))
      .addColumn('step', 'integer', (c) => c.notNull())
      .addColumn('state', 'jsonb', (c) => c.notNull())
      .addPrimaryKeyConstraint('investigation_steps_pk', ['investigation_id', 'step'])
      .execute();
  },
};
