import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './0001-initial.js';
import { eventSeqCounter } from './0002-event-seq.js';
import { knowledgeTables } from './0003-knowledge.js';
import { apiKeysTable } from './0004-api-keys.js';
import { guardrails } from './0005-guardrails.js';
import { apiKeyRoles } from './0006-api-key-roles.js';
import { investigationSteps } from './0007-investigation-steps.js';
import { auditJournal } from './0008-audit-journal.js';

/**
 * Schema history of Sleuth's memory, run by Kysely's Migrator at open (in a transaction, under an advisory lock).
 * Add a new migration with the next number; never edit one that has shipped.
 */
export const MEMORY_MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_initial': initial,
  '0002_event_seq_counter': eventSeqCounter,
  '0003_knowledge': knowledgeTables,
  '0004_api_keys': apiKeysTable,
  '0005_guardrails': guardrails,
  '0006_api_key_roles': apiKeyRoles,
  '0007_investigation_steps': investigationSteps,
  '0008_audit_journal': auditJournal,
};

export const memoryMigrations: MigrationProvider = {
  async getMigrations() {
    return { ...MEMORY_MIGRATIONS };
  },
};
