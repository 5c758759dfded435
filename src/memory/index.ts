/**
 * Sleuth's memory: investigations, their append-only event streams, sessions, the query cache and the audit log, in
 * PostgreSQL through Kysely. Embedded PGlite (WebAssembly PostgreSQL, no server) by default, a real server by URL.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../common/logger.js';
import { redactUrl } from '../common/redact.js';
import { memoryError } from './errors.js';
import { createKyselyMemoryStore } from './kysely-store.js';
import { memoryMigrations } from './migrations/index.js';
import { PgliteDialect } from './pglite-dialect.js';
import type { MemoryStore } from './store.js';
import type { MemoryDatabase } from './tables.js';

export type { ApiKeyMemory, ApiKeyRecord, StoredApiKey } from './api-keys-memory.js';
export { cacheKey, normalizeCacheSql } from './cache-key.js';
export type { KnowledgeMemory, KnowledgeStatusRecord, ProposalRecord, StoredVector } from './knowledge-memory.js';
export type {
  LimitsMemory,
  ReserveInput,
  ReserveOutcome,
  SlotInput,
  SlotOutcome,
  SpendScope,
  TakeTokensInput,
} from './limits-memory.js';
export { MEMORY_MIGRATIONS, memoryMigrations } from './migrations/index.js';
export { PgliteDialect, type PgliteDialectOptions } from './pglite-dialect.js';
export type {
  AuditEntry,
  AuditFilter,
  AuditRecord,
  CacheEntry,
  InvestigationRecord,
  InvestigationSummary,
  MemoryStore,
  RecordedEvent,
  Session,
} from './store.js';
export type { MemoryDatabase } from './tables.js';

export interface OpenMemoryOptions {
  /** postgres:// URL of a real server; undefined -> embedded PGlite. */
  url?: string;
  /** PGlite data directory (created if missing); undefined with no url -> an in-memory PGlite (lost on close). */
  dataDir?: string;
  logger: Logger;
  /** Pool size for a real server (default 5). */
  poolSize?: number;
}

/**
 * Opens the memory store and brings its schema up to date (migrations run at open, idempotently). Only one process may
 * open a given PGlite data directory at a time. Failures are UpstreamError('MEMORY_ERROR') with a redacted message.
 */
export async function openMemoryStore(options: OpenMemoryOptions): Promise<MemoryStore> {
  const { logger } = options;
  let db: Kysely<MemoryDatabase> | undefined;
  const backend = options.url ? 'postgres' : 'pglite';
  const where = options.url
    ? redactUrl(options.url)
    : options.dataDir
      ? resolve(options.dataDir)
      : 'memory (not persisted)';
  try {
    if (options.url) {
      const pool = new pg.Pool({
        connectionString: options.url,
        max: options.poolSize ?? 5,
        application_name: 'sleuth-memory',
      });
      // An idle client losing its connection emits 'error' on the pool; unhandled, it would crash the process.
      pool.on('error', (error) => logger.warn({ err: memoryError('pool', error).message }, 'memory pool error'));
      db = new Kysely<MemoryDatabase>({ dialect: new PostgresDialect({ pool }) });
    } else {
      let dataDir: string | undefined;
      if (options.dataDir) {
        dataDir = resolve(options.dataDir);
        mkdirSync(dataDir, { recursive: true });
      }
      const pglite = await PGlite.create(dataDir ? { dataDir } : {});
      db = new Kysely<MemoryDatabase>({ dialect: new PgliteDialect({ pglite }) });
    }
    // Unordered: migrations written on parallel branches land in any order; each runs once, whatever its number.
    const migrator = new Migrator({ db, provider: memoryMigrations, allowUnorderedMigrations: true });
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw error;
    const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    logger.info({ backend, where, applied }, 'memory store open');
    return createKyselyMemoryStore(db, backend);
  } catch (error) {
    await db?.destroy().catch(() => undefined);
    throw memoryError(`open ${backend} at ${where}`, error);
  }
}
