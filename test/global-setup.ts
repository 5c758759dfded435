/**
 * Loads the demo dataset once per test run into the real PostgreSQL and MariaDB servers (database
 * sleuth_test_demo) and a SQLite file, pinned to a fixed anchor date so results are reproducible. A database that
 * already holds the same fingerprint (seed, scale, anchor, generator version) is reused.
 */
import { existsSync } from 'node:fs';
import {
  type DemoOptions,
  demoFingerprint,
  loadDemoMariadb,
  loadDemoPostgres,
  loadDemoSqlite,
} from '../src/demo/index.js';
import type { SqlDialect } from '../src/sql/index.js';
import { adminExec, ensureDatabase } from './helpers/databases.js';
import { TEST_DEMO_ANCHOR, TEST_DEMO_DATABASE } from './helpers/demo.js';

async function storedFingerprint(dialect: SqlDialect, url: string): Promise<string | undefined> {
  if (dialect === 'sqlite' && !existsSync(url.slice('sqlite:'.length))) return undefined;
  try {
    const rows = (await adminExec(dialect, url, [
      "SELECT value FROM sleuth_demo_meta WHERE `key` = 'fingerprint'".replace(/`/g, dialect === 'mariadb' ? '`' : '"'),
    ])) as { value?: string }[];
    return rows[0]?.value;
  } catch {
    return undefined;
  }
}

export async function setup(): Promise<void> {
  const options: DemoOptions = { seed: 42, scale: 1, anchor: TEST_DEMO_ANCHOR };
  const wanted = demoFingerprint(options);
  const loaders: Record<SqlDialect, (url: string) => Promise<unknown>> = {
    postgres: (url) => loadDemoPostgres(url, options),
    mariadb: (url) => loadDemoMariadb(url, options),
    sqlite: (url) => loadDemoSqlite(url.slice('sqlite:'.length), options),
  };
  await Promise.all(
    (['postgres', 'mariadb', 'sqlite'] as const).map(async (dialect) => {
      const url = await ensureDatabase(dialect, TEST_DEMO_DATABASE);
      if ((await storedFingerprint(dialect, url)) === wanted) return;
      await loaders[dialect](url);
    }),
  );
}
