/** Demo data: a seeded, deterministic company dataset and loaders for SQLite, PostgreSQL and MariaDB. */
export { demoDdl } from './ddl.js';
export { type EnsureDemoSqliteArgs, ensureDemoSqlite } from './ensure.js';
export { BATCH_ROWS, type DemoBatch, generateDemoData } from './generate.js';
export type { DemoLoadResult } from './load-common.js';
export { loadDemoMariadb } from './load-mariadb.js';
export { loadDemoPostgres } from './load-postgres.js';
export { loadDemoSqlite, readDemoSqliteFingerprint } from './load-sqlite.js';
export {
  DEFAULT_DEMO_SCALE,
  DEFAULT_DEMO_SEED,
  DEMO_DATA_VERSION,
  DEMO_META_TABLE,
  type DemoOptions,
  demoFingerprint,
} from './options.js';
export { LOSS_LEADER } from './reference.js';
export { DEMO_TABLES, type DemoDialect } from './schema.js';
