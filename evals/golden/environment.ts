/**
 * What a golden run needs: the dataset, a demo database of the wanted dialect (the SQLite demo is built on demand
 * with the dataset's pinned date; PostgreSQL/MariaDB take a URL of a loaded demo database), the real guard and
 * read-only executor, and an embedded memory store for the investigations.
 */
import { join } from 'node:path';
import { createLogger, type Logger } from '../../src/common/logger.js';
import { createDataSource, type DataSource, parseConnectionUrl } from '../../src/datasources/index.js';
import { ensureDemoSqlite } from '../../src/demo/index.js';
import { type MemoryStore, openMemoryStore } from '../../src/memory/index.js';
import { createSqlExecutor, createSqlGuard, type SqlDialect, type SqlExecutor } from '../../src/sql/index.js';
import { defaultGoldenPath, type GoldenDataset, loadGoldenDataset } from './dataset.js';

export interface GoldenEnvironment {
  dataset: GoldenDataset;
  source: DataSource;
  executor: SqlExecutor;
  store: MemoryStore;
  logger: Logger;
  /** The SQLite demo database file (sqlite runs), for the ask() route's context. */
  demoPath?: string;
  close(): Promise<void>;
}

export interface GoldenEnvironmentOptions {
  root: string;
  dialect?: SqlDialect;
  /** URL of a demo database loaded with the dataset's date (required for postgres and mariadb). */
  dbUrl?: string;
  datasetPath?: string;
  logger?: Logger;
}

export async function openGoldenEnvironment(options: GoldenEnvironmentOptions): Promise<GoldenEnvironment> {
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const dataset = loadGoldenDataset(options.datasetPath ?? defaultGoldenPath(options.root));
  let url = options.dbUrl;
  let dialect = options.dialect ?? (url ? parseConnectionUrl(url).dialect : 'sqlite');
  if (!url) {
    if (dialect !== 'sqlite') {
      throw new Error(
        `--dialect ${dialect} needs --db URL of a demo database loaded for ${dataset.now.toISOString().slice(0, 10)} (sleuth demo-db --help)`,
      );
    }
    const path = await ensureDemoSqlite({ dataDir: join(options.root, '.sleuth', 'eval'), now: dataset.now, logger });
    url = `sqlite:${path}`;
  } else {
    dialect = parseConnectionUrl(url).dialect;
  }
  const source = createDataSource(
    { name: dataset.database, url, dialect, timeoutMs: 30_000, maxRows: 10_000 },
    { logger },
  );
  const executor = createSqlExecutor({ guard: await createSqlGuard(), logger });
  const store = await openMemoryStore({ logger });
  return {
    dataset,
    source,
    executor,
    store,
    logger,
    demoPath: url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : undefined,
    async close() {
      await Promise.allSettled([store.close(), source.close()]);
    },
  };
}
