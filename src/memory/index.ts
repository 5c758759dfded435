import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { UpstreamError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { redactSecrets } from '../common/redact.js';
import { memoryMigrations } from './migrations/index.js';
import { createPgliteDialect } from './pglite-driver.js';
import { createKyselyMemoryStore } from './store.js';
import type { MemoryDatabase } from './tables.js';
import type { MemoryStore } from './types.js';

export { cacheKey, normalizeCacheSql } from './store.js';
export type * from './types.js';

export interface OpenMemoryOptions {
  /** postgres:// URL of a real server; undefined -> embedded PGlite. */
  url?: string;
  /** PGlite data directory; undefined (and no url) -> an in-memory PGlite. */
  dataDir?: string;
  logger: Logger;
}

/** Opens the memory store and brings its schema up to date (migrations run at open). */
export async function openMemoryStore(options: OpenMemoryOptions): Promise<MemoryStore> {
  let db: Kysely<MemoryDatabase>;
  let backend: 'pglite' | 'postgres';
  try {
    if (options.url) {
      backend = 'postgres';
      db = new Kysely<MemoryDatabase>({
        dialect: new PostgresDialect({
          pool: new pg.Pool({ connectionString: options.url, max: 5, application_name: 'sleuth-memory' }),
        }),
      });
    } else {
      backend = 'pglite';
      if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
      const lite = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
      db = new Kysely<MemoryDatabase>({ dialect: createPgliteDialect(lite) });
    }
    const { error } = await new Migrator({ db, provider: memoryMigrations }).migrateToLatest();
    if (error) throw error;
  } catch (error) {
    throw new UpstreamError(
      'MEMORY_ERROR',
      `Cannot open Sleuth's memory: ${redactSecrets(String((error as Error)?.message ?? error))}`,
      {
        cause: error,
      },
    );
  }
  options.logger.debug({ backend, dataDir: options.dataDir }, 'memory store open');
  return createKyselyMemoryStore(db, backend);
}
